package booking_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// The case types with a cancellation list.
const (
	ctManageList = "mina-aterbud" // Av- och omboka, list for citizens with a booking
	ctBookList   = "boka-aterbud" // Boka tid LAK, list for anyone with no booking
)

const offerURL = "https://portal.example/aterbud?t="

// Citizens of the list's tests, besides anna and bo.
var (
	cilla = citizen("19900202", 5)
	dan   = citizen("19850303", 6)
	eva   = citizen("19700707", 7)
)

// withWaitlist gives the service a cancellation list, an outbox and an
// offer key, and returns them.
func withWaitlist(w store.Waitlist, o store.Outbox) func(*booking.Config) {
	return func(c *booking.Config) {
		c.Outbox, c.Waitlist = o, w
		c.OfferKey = []byte("0123456789abcdef0123456789abcdef")
		c.OfferLink = func(token string) string { return offerURL + url.QueryEscape(token) }
	}
}

// listFixture is a fixture with the list's case types active: two
// offers at once, each for an hour, the book watched every 10 seconds.
type listFixture struct {
	*fixture
	list *store.MemWaitlist
	out  *store.MemOutbox
}

func newListFixture(t testing.TB, wrap func(testing.TB, *fixture) tidbok.Tidbok) listFixture {
	t.Helper()
	lf := listFixture{list: store.NewMemWaitlist(), out: store.NewMemOutbox()}
	lf.fixture = newFixture(t, wrap, withWaitlist(lf.list, lf.out))
	wl := casetype.Waitlist{Enabled: true, Offers: 2, OfferTTL: time.Hour, WatchEvery: 10 * time.Second}
	lf.activate(casetype.CaseType{ID: ctManageList, Kind: casetype.KindManage, Assurance: casetype.AssuranceEID,
		Name: "Mina tider med återbud", Waitlist: wl, Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour,
			AllowCancel: true, AllowReschedule: true, ChangeDeadline: 24 * time.Hour}})
	lf.activate(casetype.CaseType{ID: ctBookList, Kind: casetype.KindBook, Assurance: casetype.AssuranceEID,
		Name: "Boka läkarbesök", TimeTypeIDs: []string{"LAK"}, Waitlist: wl,
		Rules: casetype.Rules{MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour}})
	return lf
}

// bookListed books the slot at start for p with e-mail consent, and puts
// the booking on the list.
func (lf listFixture) bookListed(p tidbok.PersonalNumber, start time.Time) booking.Confirmation {
	lf.t.Helper()
	ctx := context.Background()
	lf.accept(p, ctBook, ctManage, ctManageList, ctBookList)
	sc := scope(p, ctBook)
	c, err := lf.svc.Book(ctx, booking.BookRequest{Scope: sc, Key: "book-" + p.Canonical()[8:] + start.Format(time.RFC3339),
		Slot: lf.slotAt(sc, start), Contact: mailContact, Consent: booking.Consent{Email: true}})
	if err != nil {
		lf.t.Fatalf("booking %s: %v", start, err)
	}
	if _, err := lf.svc.JoinWaitlist(ctx, booking.JoinWaitlistRequest{Scope: scope(p, ctManageList), BookingID: c.Booking.ID, Name: "Test Testsson"}); err != nil {
		lf.t.Fatalf("joining the list: %v", err)
	}
	return c
}

// offerLetter is an offer's message as queued.
type offerLetter struct {
	msg    store.Message
	letter booking.Letter
	token  string
}

// offersTo returns the offer messages of kind queued to any recipient,
// by the offer's token; it fails t when a message names a personal
// identity number of the test.
func (lf listFixture) letters(t *testing.T, kind booking.NotificationKind) []offerLetter {
	t.Helper()
	ms, err := lf.out.List(t.Context(), store.MessageFilter{})
	must(t, err)
	var out []offerLetter
	for _, m := range ms {
		for _, p := range []tidbok.PersonalNumber{anna, bo, cilla, dan, eva} {
			if pn := p.Canonical(); strings.Contains(string(m.Body), pn) || strings.Contains(string(m.Body), pn[2:8]+"-"+pn[8:]) {
				t.Errorf("message %s names a personal identity number: %s", m.Key, m.Body)
			}
		}
		if !strings.HasPrefix(m.Group, "offer/") {
			continue
		}
		l, err := booking.DecodeLetter(m.Body)
		must(t, err)
		if l.Kind != kind {
			continue
		}
		tok := ""
		if l.Link != "" {
			u, err := url.Parse(l.Link)
			must(t, err)
			tok = u.Query().Get("t")
		}
		out = append(out, offerLetter{m, l, tok})
	}
	return out
}

// offerFor returns the token of the offer lf made to p of the time at
// start.
func (lf listFixture) offerFor(t *testing.T, p tidbok.PersonalNumber, start time.Time) (string, bool) {
	t.Helper()
	for _, ol := range lf.letters(t, booking.OfferMade) {
		if !ol.letter.Booking.Start.Equal(start) {
			continue
		}
		v, err := lf.svc.Offer(t.Context(), scope(p, ""), ol.token)
		if err == nil || errors.Is(err, booking.ErrOfferGone) || errors.Is(err, booking.ErrOfferExpired) {
			if v.Offer.Entry.Subject == p {
				return ol.token, true
			}
		}
	}
	return "", false
}

func (lf listFixture) startOf(t *testing.T, p tidbok.PersonalNumber, bookingID string) time.Time {
	t.Helper()
	bs, err := lf.svc.MyBookings(t.Context(), scope(p, ctManageList))
	must(t, err)
	for _, b := range bs {
		if b.ID == bookingID {
			return b.Start
		}
	}
	t.Fatalf("booking %s is not among the citizen's", bookingID)
	return time.Time{}
}

// A cancellation offers the freed time to the first two on the list (the
// case type's Offers), not the third; the second to be offered books
// first and the booking is moved, the first is told the time is gone and
// their link then says so; the mover's old time goes on to the next.
func TestWaitlistCancellationOffersTheFirst(t *testing.T) {
	t.Parallel()
	forEachInvitationBook(t, func(t *testing.T, f0 *fixture, _ staff.Book) {
		lf := newListFixture(t, f0.wrap)
		ctx := t.Context()
		fri := func(h, m int) time.Time { return at(time.January, 16, h, m) }
		freed := lf.bookAt(eva, wed10)
		a := lf.bookListed(anna, fri(10, 0))
		b := lf.bookListed(bo, fri(10, 30))
		c := lf.bookListed(cilla, fri(11, 0))

		_, err := lf.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(eva, ctManage), Key: "c", BookingID: freed.Booking.ID})
		must(t, err)
		made := lf.letters(t, booking.OfferMade)
		if len(made) != 2 {
			t.Fatalf("%d offers queued after the cancellation; want 2 (the case type's Offers)", len(made))
		}
		annaTok, okA := lf.offerFor(t, anna, wed10)
		boTok, okB := lf.offerFor(t, bo, wed10)
		if _, okC := lf.offerFor(t, cilla, wed10); !okA || !okB || okC {
			t.Fatalf("offers of %v: anna %v, bo %v, cilla %v; want anna and bo, the first two", wed10, okA, okB, okC)
		}
		for _, ol := range made {
			if ol.msg.To != mailContact.Email || !strings.HasPrefix(ol.letter.Link, offerURL) || ol.letter.Expires.IsZero() {
				t.Errorf("offer message %s to %q, link %q, expires %v", ol.msg.Key, ol.msg.To, ol.letter.Link, ol.letter.Expires)
			}
		}

		// Another citizen's link is not theirs.
		if _, err := lf.svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: scope(anna, ""), Key: "x", Token: boTok}); !errors.Is(err, booking.ErrForbidden) {
			t.Errorf("anna accepting bo's offer: %v; want ErrForbidden", err)
		}
		// Bo is first: his booking moves.
		conf, err := lf.svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: scope(bo, ""), Key: "bo-accept", Token: boTok})
		must(t, err)
		if conf.Booking.ID != b.Booking.ID || !conf.Booking.Start.Equal(wed10) || !conf.Previous.Start.Equal(fri(10, 30)) {
			t.Errorf("bo's accept moved %s from %v to %v; want his booking from %v to %v", conf.Booking.ID, conf.Previous.Start, conf.Booking.Start, fri(10, 30), wed10)
		}
		if got := lf.startOf(t, bo, b.Booking.ID); !got.Equal(wed10) {
			t.Errorf("bo's booking is at %v in the book; want %v", got, wed10)
		}
		// Anna is told, and her link says the time is gone.
		gone := lf.letters(t, booking.OfferGone)
		if len(gone) != 1 || !gone[0].letter.Booking.Start.Equal(wed10) {
			t.Errorf("gone messages: %d; want one, to anna, of %v", len(gone), wed10)
		}
		_, err = lf.svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: scope(anna, ""), Key: "anna-accept", Token: annaTok})
		if text, _ := tidbok.CitizenText(err); !errors.Is(err, booking.ErrOfferGone) || text != "Tiden är tyvärr redan bokad." {
			t.Errorf("anna accepting after bo: %v (text %q); want ErrOfferGone, \"Tiden är tyvärr redan bokad.\"", err, text)
		}
		if got := lf.startOf(t, anna, a.Booking.ID); !got.Equal(fri(10, 0)) {
			t.Errorf("anna's booking is at %v; want it left at %v", got, fri(10, 0))
		}
		// Bo left the list; anna and cilla are on it.
		entries, err := lf.svc.StaffWaitlist(ctx, clinicStaff, clinic)
		must(t, err)
		if len(entries) != 2 || entries[0].Subject != anna || entries[1].Subject != cilla || entries[0].Name != "Test Testsson" {
			t.Errorf("the list after bo's accept: %+v; want anna, cilla", entries)
		}
		// Bo's old time (10:30) is earlier than cilla's, not anna's.
		if _, ok := lf.offerFor(t, cilla, fri(10, 30)); !ok {
			t.Errorf("bo's freed time %v was not offered to cilla", fri(10, 30))
		}
		if _, ok := lf.offerFor(t, anna, fri(10, 30)); ok {
			t.Errorf("bo's freed time %v was offered to anna, whose booking is earlier", fri(10, 30))
		}
		_ = c
	})
}

// An offer ends at its OfferTTL: accepting it then is refused and the
// booking stays; the next call for the time offers it to the next on the
// list. A token that was not signed with the key is refused.
func TestWaitlistOfferExpires(t *testing.T) {
	t.Parallel()
	forEachInvitationBook(t, func(t *testing.T, f0 *fixture, _ staff.Book) {
		lf := newListFixture(t, f0.wrap)
		ctx := t.Context()
		fri := at(time.January, 16, 10, 0)
		freed := lf.bookAt(eva, wed10)
		a := lf.bookListed(anna, fri)
		lf.bookListed(bo, fri.Add(30*time.Minute))
		lf.bookListed(cilla, fri.Add(time.Hour))
		_, err := lf.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(eva, ctManage), Key: "c", BookingID: freed.Booking.ID})
		must(t, err)
		tok, ok := lf.offerFor(t, anna, wed10)
		if !ok {
			t.Fatal("anna was offered nothing")
		}
		lf.clock.Advance(time.Hour)
		_, err = lf.svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: scope(anna, ""), Key: "late", Token: tok})
		if !errors.Is(err, booking.ErrOfferExpired) {
			t.Errorf("accepting an hour later: %v; want ErrOfferExpired", err)
		}
		if got := lf.startOf(t, anna, a.Booking.ID); !got.Equal(fri) {
			t.Errorf("anna's booking is at %v after an expired accept; want %v", got, fri)
		}
		offers, err := lf.svc.SlotFreed(ctx, clinic, freed.Booking)
		must(t, err)
		if len(offers) != 1 || offers[0].Entry.Subject != cilla {
			t.Errorf("after the offers ended the time went to %d citizens; want cilla alone", len(offers))
		}
		forged := tok[:len(tok)-2] + "AA"
		if _, err := lf.svc.Offer(ctx, scope(anna, ""), forged); !errors.Is(err, booking.ErrOfferInvalid) {
			t.Errorf("a forged token: %v; want ErrOfferInvalid", err)
		}
	})
}

// A citizen with no booking waits on a Boka tid list and books the freed
// time with the offer.
func TestWaitlistWithoutBooking(t *testing.T) {
	t.Parallel()
	lf := newListFixture(t, books[0].wrap)
	ctx := t.Context()
	freed := lf.bookAt(eva, wed10)
	lf.accept(dan, ctBookList, ctBook)
	if _, err := lf.svc.JoinWaitlist(ctx, booking.JoinWaitlistRequest{Scope: scope(dan, ctBookList), TimeType: "PROV"}); !errors.Is(err, booking.ErrTimeTypeNotOffered) {
		t.Errorf("joining for a time type the case type does not show: %v", err)
	}
	if _, err := lf.svc.JoinWaitlist(ctx, booking.JoinWaitlistRequest{Scope: scope(dan, ctBook), TimeType: "LAK"}); !errors.Is(err, booking.ErrNoWaitlist) {
		t.Errorf("joining under a case type with no list: %v; want ErrNoWaitlist", err)
	}
	_, err := lf.svc.JoinWaitlist(ctx, booking.JoinWaitlistRequest{Scope: scope(dan, ctBookList), TimeType: "LAK",
		Contact: mailContact, Consent: booking.Consent{SMS: true}})
	must(t, err)
	_, err = lf.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(eva, ctManage), Key: "c", BookingID: freed.Booking.ID})
	must(t, err)
	tok, ok := lf.offerFor(t, dan, wed10)
	if !ok {
		t.Fatal("dan was offered nothing")
	}
	conf, err := lf.svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: scope(dan, ""), Key: "k", Token: tok, Contact: mailContact})
	must(t, err)
	if !conf.Booking.Start.Equal(wed10) || conf.Booking.Subject != dan {
		t.Errorf("dan's accept booked %v for another subject or time", conf.Booking.Start)
	}
	// A repeat with the same key answers the same.
	again, err := lf.svc.AcceptOffer(ctx, booking.AcceptOfferRequest{Scope: scope(dan, ""), Key: "k", Token: tok, Contact: mailContact})
	if err != nil || again.Booking.ID != conf.Booking.ID || !again.Replayed {
		t.Errorf("repeating the accept: %v, %s (replayed %v)", err, again.Booking.ID, again.Replayed)
	}
	if mine, err := lf.svc.MyWaitlist(ctx, scope(dan, ctBookList)); err != nil || len(mine) != 0 {
		t.Errorf("dan's entries after booking: %d, %v; want none", len(mine), err)
	}
}

// A citizen leaves the list, and a freed time then is offered to nobody.
func TestWaitlistLeave(t *testing.T) {
	t.Parallel()
	lf := newListFixture(t, books[0].wrap)
	ctx := t.Context()
	freed := lf.bookAt(eva, wed10)
	lf.bookListed(anna, at(time.January, 16, 10, 0))
	mine, err := lf.svc.MyWaitlist(ctx, scope(anna, ctManageList))
	must(t, err)
	if len(mine) != 1 {
		t.Fatalf("anna's entries: %d; want 1", len(mine))
	}
	must(t, lf.svc.LeaveWaitlist(ctx, scope(anna, ctManageList), mine[0].ID))
	_, err = lf.svc.Cancel(ctx, booking.CancelRequest{Scope: scope(eva, ctManage), Key: "c", BookingID: freed.Booking.ID})
	must(t, err)
	if made := lf.letters(t, booking.OfferMade); len(made) != 0 {
		t.Errorf("%d offers after anna left the list; want none", len(made))
	}
}

// The watcher notices a time that staff publish in the book, earlier
// than a listed booking, at the clinic's pace, and offers it; the times
// free when it first asks for a kind (here: when the first citizen joins
// after the watcher started) are not offered.
func TestWaitlistWatcherNoticesNewTimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lf := newListFixture(t, books[0].wrap)
		ctx, cancel := context.WithCancel(t.Context())
		fri := at(time.January, 16, 10, 0)
		done := make(chan error, 1)
		go func() { done <- lf.svc.WatchWaitlist(ctx, clinic) }()
		synctest.Wait() // the first look: nobody waits
		lf.bookListed(anna, fri)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if made := lf.letters(t, booking.OfferMade); len(made) != 0 {
			t.Fatalf("%d offers from the watcher's first look at LAK; want none (those times were free already)", len(made))
		}
		newSlot := at(time.January, 14, 12, 0) // after the template's hours
		_, err := lf.mem.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: newSlot, End: newSlot.Add(30 * time.Minute), TimeTypeID: "LAK", Performer: doctor})
		must(t, err)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if made := lf.letters(t, booking.OfferMade); len(made) != 0 {
			t.Errorf("the watcher offered before its 10-second pace: %d offers", len(made))
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if _, ok := lf.offerFor(t, anna, newSlot); !ok {
			t.Errorf("the watcher did not offer the new time %v to anna", newSlot)
		}
		// A time later than anna's booking is not offered.
		later := at(time.January, 19, 12, 0)
		_, err = lf.mem.Publish(ctx, staff.SlotSpec{Facility: clinic, Start: later, End: later.Add(30 * time.Minute), TimeTypeID: "LAK", Performer: doctor})
		must(t, err)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if made := lf.letters(t, booking.OfferMade); len(made) != 1 {
			t.Errorf("%d offers after a later time was published; want still 1", len(made))
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("WatchWaitlist returned %v; want context.Canceled", err)
		}
	})
}
