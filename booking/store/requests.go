package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Request is a citizen's request to the clinic's staff, sent instead of
// booking directly: Beställa tid (ask for an appointment), the fallback
// when no suitable slot is free, or Av-/omboka förfrågan (ask to cancel or
// move a booking). Staff answer outside the flow and then close it.
type Request struct {
	// ID identifies the request at its clinic.
	ID string
	// Clinic, CaseType and Kind say where and under which case type.
	Clinic   tidbok.HSAID
	CaseType string
	Kind     casetype.Kind
	// Subject is the subject of care; Caller who sent the request.
	Subject tidbok.PersonalNumber
	Caller  Caller
	// BookingID is the booking an Av-/omboka förfrågan concerns.
	BookingID string
	// Message is the citizen's text.
	Message string
	// Contact is how staff reach the citizen.
	Contact tidbok.ContactInfo
	// Created is when it was sent.
	Created time.Time
	// ClosedBy and ClosedAt record the staff member who closed it, and
	// when; zero while it is open.
	ClosedBy tidbok.HSAID
	ClosedAt time.Time
}

// IsOpen reports whether staff have not closed the request yet.
func (r Request) IsOpen() bool { return r.ClosedAt.IsZero() }

// Caller is who sent a [Request], as the flow's booking.Caller says: the
// citizen logged in (Person), or a staff member acting for the subject of
// care (Agent), and the assurance level of the citizen's login.
type Caller struct {
	Person    tidbok.PersonalNumber
	Agent     tidbok.HSAID
	Assurance casetype.Assurance
}

// Requests keeps citizens' requests. Implementations must be safe for
// concurrent use and must not alias what they are given or return.
// [MemRequests] serves one process.
type Requests interface {
	// Add stores a new request; its (Clinic, ID) is new: a request that
	// exists already is an error, and changes nothing.
	Add(ctx context.Context, r Request) error
	// List returns the clinic's requests, only the open ones when
	// openOnly, ordered by Created and then ID.
	List(ctx context.Context, clinic tidbok.HSAID, openOnly bool) ([]Request, error)
	// Close marks the request closed by staff member by at at, and
	// returns it. Closing a closed request returns it unchanged. An
	// unknown request gives an error matching tidbok.ErrNotFound.
	Close(ctx context.Context, clinic tidbok.HSAID, id string, by tidbok.HSAID, at time.Time) (Request, error)
}

// MemRequests is a [Requests] store in memory, for one process. It is
// safe for concurrent use; the zero value is ready to use.
type MemRequests struct {
	mu sync.Mutex
	m  map[tidbok.HSAID]map[string]Request
}

var _ Requests = (*MemRequests)(nil)

// NewMemRequests returns an empty store.
func NewMemRequests() *MemRequests { return &MemRequests{} }

// Add implements [Requests].
func (m *MemRequests) Add(ctx context.Context, r Request) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[tidbok.HSAID]map[string]Request{}
	}
	if m.m[r.Clinic] == nil {
		m.m[r.Clinic] = map[string]Request{}
	}
	if _, ok := m.m[r.Clinic][r.ID]; ok {
		return fmt.Errorf("booking: request %q exists already", r.ID)
	}
	m.m[r.Clinic][r.ID] = r
	return nil
}

// List implements [Requests].
func (m *MemRequests) List(ctx context.Context, clinic tidbok.HSAID, openOnly bool) ([]Request, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Request
	for _, r := range m.m[clinic] {
		if !openOnly || r.IsOpen() {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y Request) int {
		if c := x.Created.Compare(y.Created); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return out, nil
}

// Close implements [Requests].
func (m *MemRequests) Close(ctx context.Context, clinic tidbok.HSAID, id string, by tidbok.HSAID, at time.Time) (Request, error) {
	if err := ctx.Err(); err != nil {
		return Request{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.m[clinic][id]
	if !ok {
		return Request{}, Because(tidbok.ErrNotFound, "no request %q at the clinic", id)
	}
	if r.IsOpen() {
		r.ClosedBy, r.ClosedAt = by, at
		m.m[clinic][id] = r
	}
	return r, nil
}
