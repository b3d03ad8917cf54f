package tidboktest

import (
	"context"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// NewSeeder returns a Seeder that stages data at facility through the
// staff side of b, as a clinic does: it publishes slots and issues
// invitations, first adding the time types, clinicians and resources b
// does not know yet (adding what b has is harmless). An invitation
// without a Purpose gets "Kallelse", since books require the invitation
// text. The facility must be in b already.
func NewSeeder(b staff.Book, facility tidbok.HSAID) Seeder {
	return &staffSeeder{book: b, facility: facility}
}

// staffSeeder is the Seeder NewSeeder returns.
type staffSeeder struct {
	book     staff.Book
	facility tidbok.HSAID
}

func (s *staffSeeder) Facility() tidbok.HSAID { return s.facility }

func (s *staffSeeder) Now() time.Time { return s.book.Now() }

func (s *staffSeeder) AddSlot(ctx context.Context, sl Slot) (string, error) {
	if err := s.ensure(ctx, sl.TimeType, sl.Performer, sl.Resource); err != nil {
		return "", err
	}
	return s.book.Publish(ctx, staff.SlotSpec{
		Facility:   s.facility,
		Start:      sl.Start,
		End:        sl.End,
		TimeTypeID: sl.TimeType.ID,
		Performer:  sl.Performer,
		ResourceID: sl.Resource.ID,
		StaffOnly:  sl.NotWebBookable,
		Flags:      sl.Flags,
	})
}

func (s *staffSeeder) AddInvitation(ctx context.Context, inv Invitation) (string, error) {
	if err := s.ensure(ctx, inv.TimeType, tidbok.HSAID{}, tidbok.Resource{}); err != nil {
		return "", err
	}
	purpose := inv.Purpose
	if purpose == "" {
		purpose = "Kallelse"
	}
	return s.book.Invite(ctx, staff.InvitationSpec{
		Facility:   s.facility,
		Subject:    inv.Subject,
		Start:      inv.Start,
		End:        inv.End,
		TimeTypeID: inv.TimeType.ID,
		Purpose:    purpose,
		Flags:      inv.Flags,
	})
}

// ensure adds the time type, performer and resource to the book unless it
// has them (adding what it has is harmless).
func (s *staffSeeder) ensure(ctx context.Context, tt tidbok.TimeType, perf tidbok.HSAID, res tidbok.Resource) error {
	if tt.ID != "" {
		if tt.Name == "" {
			tt.Name = tt.ID
		}
		if err := s.book.AddTimeType(ctx, s.facility, tt); err != nil {
			return err
		}
	}
	if !perf.IsZero() {
		if err := s.book.AddPerformer(ctx, s.facility, tidbok.Performer{ID: perf, FirstName: "Test", LastName: perf.String()}); err != nil {
			return err
		}
	}
	if res.ID != "" {
		if err := s.book.AddResource(ctx, s.facility, res); err != nil {
			return err
		}
	}
	return nil
}
