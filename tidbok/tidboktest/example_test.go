package tidboktest_test

import (
	"context"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/tidboktest"
)

// clinic is the one clinic of the book under test.
var clinic = tidbok.MustHSAID("SE2321000016-EX01")

// newBook is the harness's New: a fresh, empty book for one rule, and the
// Seeder over its staff side. A vendor returns its own book here, e.g. one
// over a test database that t.Cleanup drops.
func newBook(t *testing.T) (tidbok.Tidbok, tidboktest.Seeder) {
	book := memtidbok.New()
	if err := book.AddFacility(tidbok.Facility{ID: clinic, Name: "Exempelmottagningen"}); err != nil {
		t.Fatal(err)
	}
	return book, staffSide{book}
}

// staffSide stages what the suite asks for the way the clinic's staff
// would: through the book's own staff functions, here memtidbok's.
type staffSide struct{ book *memtidbok.Book }

func (s staffSide) Facility() tidbok.HSAID { return clinic }

// Now is the book's clock, here the real one.
func (s staffSide) Now() time.Time { return time.Now() }

func (s staffSide) AddSlot(ctx context.Context, sl tidboktest.Slot) (string, error) {
	if err := s.register(sl.TimeType, sl.Performer, sl.Resource); err != nil {
		return "", err
	}
	return s.book.Publish(memtidbok.SlotSpec{
		Facility:   clinic,
		Start:      sl.Start,
		End:        sl.End,
		TimeTypeID: sl.TimeType.ID,
		Performer:  sl.Performer,
		ResourceID: sl.Resource.ID,
		StaffOnly:  sl.NotWebBookable,
		Flags:      sl.Flags,
	})
}

func (s staffSide) AddInvitation(ctx context.Context, inv tidboktest.Invitation) (string, error) {
	if err := s.register(inv.TimeType, tidbok.HSAID{}, tidbok.Resource{}); err != nil {
		return "", err
	}
	return s.book.Invite(memtidbok.InvitationSpec{
		Facility:   clinic,
		Subject:    inv.Subject,
		Start:      inv.Start,
		End:        inv.End,
		TimeTypeID: inv.TimeType.ID,
		Purpose:    inv.Purpose,
		Flags:      inv.Flags,
	})
}

// register creates the time type, clinician and room a slot names;
// memtidbok ignores a second registration of the same one.
func (s staffSide) register(tt tidbok.TimeType, performer tidbok.HSAID, room tidbok.Resource) error {
	if err := s.book.AddTimeType(clinic, tt); err != nil {
		return err
	}
	if !performer.IsZero() {
		dr := tidbok.Performer{ID: performer, FirstName: "Doktor", LastName: performer.String()}
		if err := s.book.AddPerformer(clinic, dr); err != nil {
			return err
		}
	}
	if !room.IsZero() {
		return s.book.AddResource(clinic, room)
	}
	return nil
}

// A vendor checks its book with one test function that runs the suite
// over a harness: newBook above makes a fresh book and its Seeder per
// rule.
// (An example cannot take a *testing.T, so the test function is a value
// here; in a _test.go file it is func TestConformance(t *testing.T).)
func ExampleRun() {
	TestConformance := func(t *testing.T) {
		tidboktest.Run(t, tidboktest.Harness{New: newBook})
	}
	_ = TestConformance
}
