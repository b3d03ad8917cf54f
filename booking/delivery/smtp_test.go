package delivery_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/internal/smtptest"
	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// mailRead is a message as the server received it, taken apart.
type mailRead struct {
	header   mail.Header
	subject  string
	text     string
	html     string
	calType  string
	calendar *ical.Calendar
}

// readMail parses a received message: headers, the text and HTML parts
// and the calendar attachment, decoding their transfer encodings.
func readMail(t *testing.T, data []byte) mailRead {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading the message: %v", err)
	}
	var r mailRead
	r.header = m.Header
	r.subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	must(t, err)
	var walk func(ct, cte string, body io.Reader)
	walk = func(ct, cte string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				must(t, err)
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
		switch strings.ToLower(cte) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(body)
		must(t, err)
		switch mt {
		case "text/plain":
			r.text = string(data)
		case "text/html":
			r.html = string(data)
		case "text/calendar":
			r.calType = ct
			r.calendar, err = ical.NewDecoder(bytes.NewReader(data)).Decode()
			if err != nil {
				t.Fatalf("the calendar attachment does not parse: %v\n%s", err, data)
			}
		}
	}
	walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
	return r
}

// A booking, its move and its cancellation arrive by e-mail at a real SMTP
// server, over STARTTLS and over implicit TLS, authenticated with AUTH
// PLAIN: Swedish subject, text and HTML that name the clinic, address,
// time, what to bring and how to cancel; the calendar file attached with
// METHOD REQUEST, then CANCEL, one UID and a rising SEQUENCE, as an
// independent iCalendar parser reads it.
func TestEmailOverSMTP(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	for _, implicit := range []bool{false, true} {
		name := "STARTTLS"
		if implicit {
			name = "implicit TLS"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t, smtptest.Options{
				TLS: tlsServer{pki}.config(), ImplicitTLS: implicit, Users: map[string]string{"portal": "hemligt"},
			})
			sec := delivery.StartTLS
			if implicit {
				sec = delivery.ImplicitTLS
			}
			mailer, err := delivery.NewSMTP(delivery.SMTPConfig{
				Host: "localhost", Port: srv.Port, Security: sec, TLS: tlsClient{pki}.config(),
				Username: "portal", Password: "hemligt", From: "Vårdcentralen Exempel <no-reply@vc.example.se>",
			})
			must(t, err)
			t.Cleanup(func() { _ = mailer.Close() })
			o := store.NewMemOutbox()
			clk := &clock{now: t0}
			w, err := delivery.New(delivery.Config{Outbox: o, Now: clk.Now,
				Senders: map[string]delivery.Sender{booking.ChannelEmail: mailer},
				Clinics: map[tidbok.HSAID]delivery.Clinic{clinic: {Address: "Storgatan 1, 111 22 Stockholm", Phone: "08-123 45 67",
					Bring: "legitimation", Cancel: "Avboka på 1177.se senast 24 timmar före besöket."}}})
			must(t, err)

			b := slot("b1", visit)
			moved := slot("b1", visit.Add(26*time.Hour))
			steps := []store.Message{
				letter(t, booking.Confirmed, booking.ChannelEmail, "anna@example.se", b, tidbok.Timeslot{}, 0, t0),
				letter(t, booking.Rescheduled, booking.ChannelEmail, "anna@example.se", moved, b, 1, t0.Add(time.Hour)),
				letter(t, booking.Cancelled, booking.ChannelEmail, "anna@example.se", moved, tidbok.Timeslot{}, 2, t0.Add(2*time.Hour)),
			}
			for _, m := range steps {
				must(t, o.Enqueue(t.Context(), m))
				if r, err := w.Once(t.Context()); err != nil || r.Sent != 1 {
					t.Fatalf("delivering %s: %+v, %v", m.Key, r, err)
				}
			}
			got := srv.Messages()
			if len(got) != 3 {
				t.Fatalf("the server received %d messages; want 3", len(got))
			}
			want := []struct {
				subject, method, status string
				seq                     string
				start                   time.Time
				says                    []string
			}{
				{"Bokningsbekräftelse: Läkarbesök måndag 16 mars 2026 kl. 09:00–09:20, Vårdcentralen Exempel", "REQUEST", "CONFIRMED", "0", visit,
					[]string{"Din tid är bokad.", "Storgatan 1, 111 22 Stockholm", "Ta med: legitimation", "Avboka på 1177.se", "Kom fastande", "Dr Eva Ek"}},
				{"Ändrad tid: Läkarbesök tisdag 17 mars 2026 kl. 11:00–11:20, Vårdcentralen Exempel", "REQUEST", "CONFIRMED", "1", visit.Add(26 * time.Hour),
					[]string{"Din tid är flyttad", "Tidigare tid: måndag 16 mars 2026 kl. 09:00–09:20", "Storgatan 1"}},
				{"Avbokad tid: Läkarbesök tisdag 17 mars 2026 kl. 11:00–11:20, Vårdcentralen Exempel", "CANCEL", "CANCELLED", "2", visit.Add(26 * time.Hour),
					[]string{"Din tid är avbokad.", "Vill du boka en ny tid?"}},
			}
			var uid string
			for i, rm := range got {
				w := want[i]
				if !rm.TLS || rm.User != "portal" || rm.From != "no-reply@vc.example.se" || len(rm.To) != 1 || rm.To[0] != "anna@example.se" {
					t.Errorf("message %d: TLS %v, user %q, envelope %q → %v", i, rm.TLS, rm.User, rm.From, rm.To)
				}
				r := readMail(t, rm.Data)
				if r.subject != w.subject {
					t.Errorf("message %d: subject %q; want %q", i, r.subject, w.subject)
				}
				if id := r.header.Get("Message-Id"); id != "<"+delivery.MessageID(steps[i].Key, "vc.example.se")+">" {
					t.Errorf("message %d: Message-ID %q", i, id)
				}
				if to := r.header.Get("To"); !strings.Contains(to, "anna@example.se") {
					t.Errorf("message %d: To %q", i, to)
				}
				for _, s := range w.says {
					if !strings.Contains(r.text, s) {
						t.Errorf("message %d: the text does not say %q:\n%s", i, s, r.text)
					}
					if !strings.Contains(strings.ReplaceAll(r.html, "</dt><dd>", ": "), s) {
						t.Errorf("message %d: the HTML does not say %q:\n%s", i, s, r.html)
					}
				}
				if !strings.Contains(r.html, "<h1>") {
					t.Errorf("message %d: the HTML part is not HTML:\n%s", i, r.html)
				}
				if r.calendar == nil {
					t.Fatalf("message %d has no calendar attachment", i)
				}
				if mt, params, _ := mime.ParseMediaType(r.calType); mt != "text/calendar" || params["method"] != w.method {
					t.Errorf("message %d: attachment type %q; want text/calendar with method=%s", i, r.calType, w.method)
				}
				if m, _ := r.calendar.Props.Text("METHOD"); m != w.method {
					t.Errorf("message %d: METHOD %q; want %s", i, m, w.method)
				}
				evs := r.calendar.Events()
				if len(evs) != 1 {
					t.Fatalf("message %d: %d events", i, len(evs))
				}
				ev := evs[0]
				u, _ := ev.Props.Text(ical.PropUID)
				if i == 0 {
					uid = u
				} else if u != uid {
					t.Errorf("message %d: UID %q; want the booking's %q", i, u, uid)
				}
				if s := ev.Props.Get(ical.PropSequence); s == nil || s.Value != w.seq {
					t.Errorf("message %d: SEQUENCE %v; want %s", i, s, w.seq)
				}
				if st, _ := ev.Props.Text(ical.PropStatus); st != w.status {
					t.Errorf("message %d: STATUS %q; want %s", i, st, w.status)
				}
				start, err := ev.DateTimeStart(nil)
				if err != nil || !start.Equal(w.start) {
					t.Errorf("message %d: DTSTART %v, %v; want %v", i, start, err, w.start)
				}
				// The event says where the clinic is, how to reach it and
				// what to bring, as the letter does.
				if loc, _ := ev.Props.Text(ical.PropLocation); !strings.HasSuffix(loc, ", Storgatan 1, 111 22 Stockholm") {
					t.Errorf("message %d: LOCATION %q; want the clinic's address", i, loc)
				}
				if d, _ := ev.Props.Text(ical.PropDescription); !strings.Contains(d, "Ta med legitimation.") || !strings.Contains(d, "08-123 45 67") {
					t.Errorf("message %d: DESCRIPTION %q; want what to bring and the clinic's phone", i, d)
				}
			}
			if uid == "" {
				t.Error("the calendar has no UID")
			}
			for _, m := range steps {
				if got := state(t, o, m.Key); got.State != store.MessageSent || !strings.HasPrefix(got.Detail, "250") {
					t.Errorf("%s recorded %v %q; want sent", m.Key, got.State, got.Detail)
				}
			}
		})
	}
}

// A recipient the server refuses for good is recorded as failed at once;
// wrong credentials are tried again later, never recorded as sent.
func TestSMTPRefusals(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: tlsServer{pki}.config(), Users: map[string]string{"portal": "hemligt"},
		Refuse: func(to string) error {
			if strings.HasPrefix(to, "gone@") {
				return noSuchUser
			}
			return nil
		}})
	o := store.NewMemOutbox()
	clk := &clock{now: t0}
	for _, tt := range []struct {
		name, to, password string
		want               store.MessageState
	}{
		{"refused recipient", "gone@example.se", "hemligt", store.MessageFailed},
		{"bad address", "inte en adress", "hemligt", store.MessageFailed},
		{"wrong password", "anna@example.se", "fel", store.MessagePending},
	} {
		mailer, err := delivery.NewSMTP(delivery.SMTPConfig{Host: "localhost", Port: srv.Port, TLS: tlsClient{pki}.config(),
			Username: "portal", Password: tt.password, From: "no-reply@vc.example.se"})
		must(t, err)
		w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelEmail: mailer})
		m := letter(t, booking.Confirmed, booking.ChannelEmail, tt.to, slot("b-"+tt.name, visit), tidbok.Timeslot{}, 0, t0)
		must(t, o.Enqueue(t.Context(), m))
		once(t, w)
		if got := state(t, o, m.Key); got.State != tt.want {
			t.Errorf("%s: %v (%s); want %v", tt.name, got.State, got.Detail, tt.want)
		}
		_ = mailer.Close()
	}
	if n := srv.Count(); n != 0 {
		t.Errorf("the server accepted %d messages; want none", n)
	}
}
