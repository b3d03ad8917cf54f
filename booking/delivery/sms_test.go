package delivery_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// gateway is an SMS gateway that checks each request and answers with
// the status its number asks for.
type gateway struct {
	t      *testing.T
	mu     sync.Mutex
	bodies []map[string]string
	status map[string]int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer s3cret" || r.Header.Get("Content-Type") != "application/json" {
		g.t.Errorf("gateway got %s with Authorization %q, Content-Type %q", r.Method, r.Header.Get("Authorization"), r.Header.Get("Content-Type"))
		http.Error(w, "no", http.StatusUnauthorized)
		return
	}
	data, _ := io.ReadAll(r.Body)
	var body map[string]string
	if err := json.Unmarshal(data, &body); err != nil {
		g.t.Errorf("gateway got %s: %v", data, err)
	}
	g.mu.Lock()
	g.bodies = append(g.bodies, body)
	st := g.status[body["to"]]
	g.mu.Unlock()
	if st != 0 {
		w.WriteHeader(st)
		return
	}
	_, _ = io.WriteString(w, `{"id":"sms-42"}`)
}

// SMS go to the gateway as its documented JSON with the bearer token, the
// number in E.164 form and a short Swedish text; a 4xx answer fails the
// message for good, a 5xx is tried again.
func TestSMSGateway(t *testing.T) {
	t.Parallel()
	g := &gateway{t: t, status: map[string]int{"+46709999999": http.StatusBadRequest, "+46708888888": http.StatusBadGateway}}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	sms := &delivery.SMSGateway{URL: srv.URL + "/sms", Token: "s3cret", From: "VCExempel", Client: srv.Client()}
	o := store.NewMemOutbox()
	clk := &clock{now: t0}
	w, err := delivery.New(delivery.Config{Outbox: o, Now: clk.Now, Senders: map[string]delivery.Sender{booking.ChannelSMS: sms},
		Clinics: map[tidbok.HSAID]delivery.Clinic{clinic: {Address: "Storgatan 1", Bring: "legitimation"}}})
	must(t, err)
	ok := letter(t, booking.Confirmed, booking.ChannelSMS, "070-123 45 67", slot("b1", visit), tidbok.Timeslot{}, 0, t0)
	refused := letter(t, booking.Confirmed, booking.ChannelSMS, "+46 70 999 99 99", slot("b2", visit), tidbok.Timeslot{}, 0, t0)
	down := letter(t, booking.Confirmed, booking.ChannelSMS, "0708888888", slot("b3", visit), tidbok.Timeslot{}, 0, t0)
	must(t, o.Enqueue(t.Context(), ok, refused, down))
	if r := once(t, w); r.Sent != 1 || r.Failed != 1 || r.Retry != 1 {
		t.Fatalf("%+v; want one each of sent, failed, retry", r)
	}
	if m := state(t, o, ok.Key); m.State != store.MessageSent || !strings.Contains(m.Detail, "sms-42") {
		t.Errorf("sent SMS recorded %v %q", m.State, m.Detail)
	}
	g.mu.Lock()
	first := g.bodies[0]
	g.mu.Unlock()
	if first["to"] != "+46701234567" || first["from"] != "VCExempel" || first["reference"] == "" {
		t.Errorf("gateway got %v", first)
	}
	for _, s := range []string{"Bokningsbekräftelse: Läkarbesök hos Dr Eva Ek", "måndag 16 mars 2026 kl. 09:00", "Vårdcentralen Exempel, Storgatan 1", "Ta med: legitimation", "1177.se"} {
		if !strings.Contains(first["message"], s) {
			t.Errorf("the SMS does not say %q:\n%s", s, first["message"])
		}
	}
	if m := state(t, o, refused.Key); m.State != store.MessageFailed {
		t.Errorf("refused SMS: %v", m.State)
	}
	if m := state(t, o, down.Key); m.State != store.MessagePending || !m.NotBefore.After(t0) {
		t.Errorf("SMS to a gateway in trouble: %v due %v; want pending, later", m.State, m.NotBefore)
	}
	clk.Advance(time.Hour)
	g.mu.Lock()
	delete(g.status, "+46708888888")
	g.mu.Unlock()
	if r := once(t, w); r.Sent != 1 {
		t.Errorf("retry: %+v", r)
	}
}
