package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/delivery"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/internal/smtptest"
	"github.com/webbtidbok/webbtidbok/internal/testbook"
	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// flow is a booking.Service over a clinic whose Boka tid case type
// reminds 48 h and 2 h before the visit, queueing into an outbox, with
// a clock the test moves.
type flow struct {
	svc     *booking.Service
	clk     *clock
	outbox  *store.MemOutbox
	citizen tidbok.PersonalNumber
}

func newFlow(t *testing.T) *flow {
	t.Helper()
	ctx := t.Context()
	clk := &clock{now: testbook.DefaultNow()} // Monday 12 January 2026, 09:00
	fac := testbook.Facility()
	book, _ := testbook.New(t, memtidbok.WithClock(clk.Now))
	must(t, book.AddTimeType(ctx, fac, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}))
	must(t, book.AddPerformer(ctx, fac, tidbok.Performer{ID: doctor, Title: "Dr", FirstName: "Eva", LastName: "Ek"}))
	d := func(day int) tidbok.Date { return tidbok.Date{Year: 2026, Month: time.January, Day: day} }
	if _, err := book.PublishWeekly(ctx, staff.Template{Facility: fac, From: d(14), To: d(16),
		Weekdays: []time.Weekday{time.Wednesday, time.Thursday, time.Friday}, DayStart: 8 * time.Hour, DayEnd: 12 * time.Hour,
		Length: 30 * time.Minute, TimeTypeID: "LAK", Performer: doctor}); err != nil {
		t.Fatal(err)
	}
	admin := casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{fac}}
	tr := terms.New(terms.NewMemStore(), terms.WithClock(clk.Now))
	cases := casetype.New(casetype.NewMemStore(), casetype.WithClock(clk.Now),
		casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return nil })))
	citizen := testbook.Citizen(7)
	for _, ct := range []casetype.CaseType{
		{ID: "boka", Kind: casetype.KindBook, Name: "Boka läkarbesök", TimeTypeIDs: []string{"LAK"},
			Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour}, Assurance: casetype.AssuranceEID,
			Reminders: []time.Duration{48 * time.Hour, 2 * time.Hour}},
		{ID: "mina", Kind: casetype.KindManage, Name: "Mina tidsbokningar", Assurance: casetype.AssuranceEID,
			Rules: casetype.Rules{AllowCancel: true, AllowReschedule: true}},
	} {
		ct.Clinic = fac
		v, err := tr.Publish(ctx, terms.Admin(admin), fac, ct.ID, terms.Terms{Conditions: "- Avboka senast dagen före."})
		must(t, err)
		_, err = tr.Accept(ctx, citizen, v)
		must(t, err)
		_, err = cases.Create(ctx, admin, ct)
		must(t, err)
		_, err = cases.Activate(ctx, admin, fac, ct.ID, casetype.ActivationDeps{Book: book, Terms: tr})
		must(t, err)
	}
	o := store.NewMemOutbox()
	svc, err := booking.New(booking.Config{Book: book, CaseTypes: cases, Terms: tr, Outbox: o, Now: clk.Now,
		Audit: booking.AuditFunc(func(context.Context, booking.Event) error { return nil })})
	must(t, err)
	return &flow{svc: svc, clk: clk, outbox: o, citizen: citizen}
}

func (f *flow) scope(caseType string) booking.Scope {
	return booking.Scope{Caller: booking.Caller{Person: f.citizen, Assurance: casetype.AssuranceEID}, Subject: f.citizen,
		Clinic: testbook.Facility(), CaseType: caseType}
}

// book books the free slot at start, telling the citizen by e-mail.
func (f *flow) book(t *testing.T, start time.Time) booking.Confirmation {
	t.Helper()
	sc := f.scope("boka")
	res, err := f.svc.Slots(t.Context(), booking.SearchRequest{Scope: sc, From: tidbok.DateOf(start), To: tidbok.DateOf(start)})
	must(t, err)
	for _, s := range res.Slots {
		if s.Start.Equal(start) {
			c, err := f.svc.Book(t.Context(), booking.BookRequest{Scope: sc, Key: "book-" + start.Format(time.RFC3339), Slot: s,
				Contact: tidbok.ContactInfo{FirstName: "Anna", LastName: "Andersson", Email: "anna@example.se"},
				Consent: booking.Consent{Email: true},
			})
			must(t, err)
			return c
		}
	}
	t.Fatalf("no free slot at %v", start)
	return booking.Confirmation{}
}

// A booking's reminders arrive by e-mail at a real SMTP server when they
// are due, not a second before, and never for a cancelled visit: the
// 48 h reminder, then the 2 h one, headed Påminnelse, naming the clinic,
// address, time, what to bring and how to cancel, with no calendar file
// and no personal identity number.
func TestRemindersArriveOnTime(t *testing.T) {
	t.Parallel()
	pki := testpki.New(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: tlsServer{pki}.config()})
	mailer, err := delivery.NewSMTP(delivery.SMTPConfig{Host: "localhost", Port: srv.Port, TLS: tlsClient{pki}.config(),
		From: "Vårdcentralen Exempel <no-reply@vc.example.se>"})
	must(t, err)
	t.Cleanup(func() { _ = mailer.Close() })
	f := newFlow(t)
	w, err := delivery.New(delivery.Config{Outbox: f.outbox, Now: f.clk.Now,
		Senders: map[string]delivery.Sender{booking.ChannelEmail: mailer},
		Clinics: map[tidbok.HSAID]delivery.Clinic{testbook.Facility(): {Name: "Vårdcentralen Exempel",
			Address: "Storgatan 1, 111 22 Stockholm", Bring: "legitimation", Cancel: "Avboka på 1177.se senast dagen före."}}})
	must(t, err)
	deliver := func(want int) {
		t.Helper()
		r, err := w.Once(t.Context())
		must(t, err)
		if r.Sent != want || r.Claimed != want {
			t.Fatalf("at %v the worker sent %d of %d claimed; want %d", f.clk.Now(), r.Sent, r.Claimed, want)
		}
	}

	wed10 := time.Date(2026, time.January, 14, 10, 0, 0, 0, tidbok.Stockholm())
	kept := f.book(t, wed10)
	gone := f.book(t, wed10.Add(time.Hour))
	if _, err := f.svc.Cancel(t.Context(), booking.CancelRequest{Scope: f.scope("mina"), Key: "c", BookingID: gone.Booking.ID}); err != nil {
		t.Fatal(err)
	}
	deliver(2) // the kept booking's confirmation, the cancellation

	f.clk.Advance(wed10.Add(-48*time.Hour).Sub(f.clk.Now()) - time.Second)
	deliver(0)
	f.clk.Advance(time.Second) // 48 h before the kept visit
	deliver(1)
	f.clk.Advance(time.Hour) // 48 h before the cancelled visit
	deliver(0)
	f.clk.Advance(wed10.Add(-2 * time.Hour).Sub(f.clk.Now()))
	deliver(1)
	f.clk.Advance(2 * time.Hour) // the cancelled visit's 2 h reminder time, and beyond
	deliver(0)

	got := srv.Messages()
	if len(got) != 4 {
		t.Fatalf("the server received %d messages; want 4", len(got))
	}
	for i, before := range []string{"48h0m0s", "2h0m0s"} {
		rm := got[2+i]
		r := readMail(t, rm.Data)
		if want := "Påminnelse: Läkarbesök onsdag 14 januari 2026 kl. 10:00–10:30, Vårdcentralen Exempel"; r.subject != want {
			t.Errorf("the %s reminder's subject is %q; want %q", before, r.subject, want)
		}
		for _, s := range []string{"Du har en bokad tid.", "Storgatan 1, 111 22 Stockholm", "Ta med: legitimation",
			"Avboka på 1177.se senast dagen före.", "Dr Eva Ek", "Vårdcentralen Exempel"} {
			if !strings.Contains(r.text, s) || !strings.Contains(strings.ReplaceAll(r.html, "</dt><dd>", ": "), s) {
				t.Errorf("the %s reminder does not say %q:\n%s", before, s, r.text)
			}
		}
		if r.calendar != nil || strings.Contains(r.text, "kalenderfilen") {
			t.Errorf("the %s reminder carries or names a calendar file", before)
		}
		if strings.Contains(string(rm.Data), f.citizen.String()) || strings.Contains(string(rm.Data), f.citizen.String()[2:]) {
			t.Errorf("the %s reminder carries the personal identity number", before)
		}
		key := booking.ReminderKey(testbook.Facility(), kept.Booking.ID, 0, map[string]time.Duration{"48h0m0s": 48 * time.Hour, "2h0m0s": 2 * time.Hour}[before], booking.ChannelEmail)
		if id := r.header.Get("Message-Id"); id != "<"+delivery.MessageID(key, "vc.example.se")+">" {
			t.Errorf("the %s reminder's Message-ID is %q; want that of %s", before, id, key)
		}
	}
	ms, err := f.outbox.List(t.Context(), store.MessageFilter{Group: booking.MessageGroup(testbook.Facility(), gone.Booking.ID)})
	must(t, err)
	for _, m := range ms {
		if l, _ := booking.DecodeLetter(m.Body); l.Kind == booking.Reminder && m.State == store.MessageSent {
			t.Errorf("the cancelled visit's reminder %s was sent", m.Key)
		}
	}
}

// A reminder claimed after its visit began (the workers were down when
// it was due) is recorded as failed, not sent; one claimed before is
// sent.
func TestWorkerDropsAReminderOfAVisitBegun(t *testing.T) {
	t.Parallel()
	o := store.NewMemOutbox()
	clk := &clock{now: visit.Add(time.Minute)}
	s := &sent{}
	w := newWorker(t, o, clk, map[string]delivery.Sender{booking.ChannelSMS: s})
	late := letter(t, booking.Reminder, booking.ChannelSMS, "0701234567", slot("b1", visit), tidbok.Timeslot{}, 0, t0)
	late.Key, late.NotBefore = booking.ReminderKey(clinic, "b1", 0, 2*time.Hour, booking.ChannelSMS), visit.Add(-2*time.Hour)
	soon := letter(t, booking.Reminder, booking.ChannelSMS, "0701234567", slot("b2", visit.Add(time.Hour)), tidbok.Timeslot{}, 0, t0)
	soon.Key, soon.NotBefore = booking.ReminderKey(clinic, "b2", 0, 2*time.Hour, booking.ChannelSMS), visit.Add(-time.Hour)
	must(t, o.Enqueue(t.Context(), late, soon))
	if r := once(t, w); r.Sent != 1 || r.Failed != 1 {
		t.Errorf("report %+v; want one sent, one failed", r)
	}
	if m := state(t, o, late.Key); m.State != store.MessageFailed || !strings.Contains(m.Detail, "begun") {
		t.Errorf("the late reminder is %v %q; want failed because the visit has begun", m.State, m.Detail)
	}
	if keys := s.keys(); len(keys) != 1 || keys[0] != soon.Key {
		t.Errorf("sent %v; want only %s", keys, soon.Key)
	}
	if txt := s.msgs[0].Text; !strings.HasPrefix(txt, "Påminnelse: Läkarbesök hos Dr Eva Ek\n") || !strings.Contains(txt, "kl. 10:00") {
		t.Errorf("the reminder SMS reads:\n%s", txt)
	}
}
