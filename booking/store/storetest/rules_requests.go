package storetest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// requestAt returns an open request at c with the ID, created at.
func requestAt(c tidbok.HSAID, id string, created time.Time) store.Request {
	return store.Request{
		ID: id, Clinic: c, CaseType: "bestall", Kind: casetype.KindRequest,
		Subject: citizen(1), Caller: store.Caller{Person: citizen(1), Assurance: casetype.AssuranceEID},
		Message: "Jag behöver en tid " + id,
		Contact: tidbok.ContactInfo{FirstName: "Tolvan", LastName: "Tolvansson", Phone: "0701234567"},
		Created: created,
	}
}

func listed(ctx context.Context, r store.Requests, c tidbok.HSAID, openOnly bool, want ...store.Request) error {
	got, err := r.List(ctx, c, openOnly)
	if err != nil {
		return fmt.Errorf("List(%v, openOnly %v): %v", c, openOnly, err)
	}
	if len(want) == 0 && len(got) == 0 {
		return nil
	}
	return diff(fmt.Sprintf("List(%v, openOnly %v)", c, openOnly), want, got)
}

// addAll adds the requests, as a precondition.
func addAll(ctx context.Context, r store.Requests, rs ...store.Request) error {
	for _, x := range rs {
		if err := r.Add(ctx, x); err != nil {
			return precondition(err, "Add(%v, %s)", x.Clinic, x.ID)
		}
	}
	return nil
}

var requestRules = []rule{
	{
		sentence: "List returns a clinic's requests by Created and then ID",
		needs:    hasRequests,
		check: func(ctx context.Context, s Stores) error {
			r2 := requestAt(clinic, "r2", t0.Add(2*time.Minute))
			r9 := requestAt(clinic, "r9", t0.Add(time.Minute))
			r1 := requestAt(clinic, "r1", t0.Add(2*time.Minute))
			rB := requestAt(clinic, "B", t0.Add(2*time.Minute))
			elsewhere := requestAt(otherClinic, "r1", t0)
			v := []error{listed(ctx, s.Requests, clinic, false), listed(ctx, s.Requests, clinic, true)}
			if err := addAll(ctx, s.Requests, r2, r9, r1, rB, elsewhere); err != nil {
				return err
			}
			return errors.Join(append(v,
				listed(ctx, s.Requests, clinic, false, r9, rB, r1, r2),
				listed(ctx, s.Requests, clinic, true, r9, rB, r1, r2),
				listed(ctx, s.Requests, otherClinic, false, elsewhere))...)
		},
	},
	{
		sentence: "Add of a request that exists at the clinic fails and changes nothing",
		needs:    hasRequests,
		check: func(ctx context.Context, s Stores) error {
			r1 := requestAt(clinic, "r1", t0)
			if err := addAll(ctx, s.Requests, r1); err != nil {
				return err
			}
			var v violations
			again := r1
			again.Message = "added twice"
			if err := s.Requests.Add(ctx, again); err == nil {
				v.add("Add of an existing (clinic, ID) succeeded")
			}
			return errors.Join(append(v, listed(ctx, s.Requests, clinic, false, r1))...)
		},
	},
	{
		sentence: "Close records the first staff member to close a request, and closing again changes nothing",
		needs:    hasRequests,
		check: func(ctx context.Context, s Stores) error {
			r1, r2 := requestAt(clinic, "r1", t0), requestAt(clinic, "r2", t0.Add(time.Minute))
			elsewhere := requestAt(otherClinic, "r1", t0)
			if err := addAll(ctx, s.Requests, r1, r2, elsewhere); err != nil {
				return err
			}
			var v violations
			want := r1
			want.ClosedBy, want.ClosedAt = staffA, t0.Add(5*time.Minute)
			for i, by := range []tidbok.HSAID{staffA, staffB} {
				got, err := s.Requests.Close(ctx, clinic, "r1", by, t0.Add(time.Duration(5+i)*time.Minute))
				if err != nil {
					v.add("Close #%d: %v", i+1, err)
					continue
				}
				if err := diff(fmt.Sprintf("Close #%d returned", i+1), want, got); err != nil {
					v = append(v, err)
				}
			}
			return errors.Join(append(v,
				listed(ctx, s.Requests, clinic, false, want, r2),
				listed(ctx, s.Requests, clinic, true, r2),
				listed(ctx, s.Requests, otherClinic, true, elsewhere))...)
		},
	},
	{
		sentence: "Close of an unknown request gives tidbok.ErrNotFound",
		needs:    hasRequests,
		check: func(ctx context.Context, s Stores) error {
			if err := addAll(ctx, s.Requests, requestAt(clinic, "r1", t0)); err != nil {
				return err
			}
			var v violations
			for _, c := range []struct {
				c  tidbok.HSAID
				id string
			}{{clinic, "nope"}, {noClinic, "r1"}} {
				if _, err := s.Requests.Close(ctx, c.c, c.id, staffA, t0); !errors.Is(err, tidbok.ErrNotFound) {
					v.add("Close(%v, %s) = %v, want tidbok.ErrNotFound", c.c, c.id, err)
				}
			}
			return v.err()
		},
	},
}
