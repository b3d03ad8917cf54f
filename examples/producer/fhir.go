package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/fhir"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
)

// withFHIR serves the book as FHIR (IHE ITI Scheduling, package
// tidbok/fhir) at path, beside the crm:scheduling producer h, which
// answers every other path. The façade takes the producer's rules: the
// same consumers, policy and audit.
func withFHIR(path string, book tidbok.Tidbok, h http.Handler, pc producer.Config, audit producer.AuditSink, log *slog.Logger) (http.Handler, error) {
	if !strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") || path == "/" {
		return nil, fmt.Errorf("-fhir %q: give a path such as /fhir", path)
	}
	fh, err := fhir.New(book, fhir.Config{
		Facilities:     pc.Facilities,
		BasePath:       path,
		Logger:         log,
		Consumers:      pc.Consumers,
		AnyConsumer:    pc.AnyConsumer,
		Policy:         pc.Policy,
		Audit:          fhirAudit(audit, log),
		Holds:          holds{store.NewMemHolds()},
		TracerProvider: pc.TracerProvider,
		MeterProvider:  pc.MeterProvider,
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(path+"/", fh)
	mux.Handle("/", h)
	return mux, nil
}

// fhirAudit records the façade's events about a citizen's bookings in
// the producer's audit (the database's access log, when the book is
// there) as the crm:scheduling contract they called, and logs the rest.
func fhirAudit(audit producer.AuditSink, log *slog.Logger) fhir.AuditSink {
	logged := fhir.LogAudit(log)
	if audit == nil {
		return logged
	}
	return fhir.AuditFunc(func(ctx context.Context, e fhir.Event) error {
		if _, ok := flowActions[e.Operation]; !e.HasOperation || !ok {
			return logged.Record(ctx, e)
		}
		detail := "FHIR " + e.Interaction
		if e.Detail != "" {
			detail += ": " + e.Detail
		}
		return audit.Record(ctx, producer.Event{
			Time: e.Time, Consumer: e.Consumer, Actor: e.Actor, Subject: e.Subject, Facility: e.Facility,
			Operation: e.Operation, BookingID: e.BookingID, Outcome: e.Outcome, Detail: detail,
		})
	})
}

// holds keeps the façade's holds in the booking flow's hold store:
// booking/store.MemHolds here, for one process; a SQL store shared with
// the portal would make each honour the other's holds.
type holds struct{ s *store.MemHolds }

// holdCaseType is the case type the façade's holds are kept under.
const holdCaseType = "fhir"

func toStore(h fhir.Hold) store.Hold {
	return store.Hold{Token: h.Token, Clinic: h.Facility, CaseType: holdCaseType, Subject: h.Subject, BookingID: h.BookingID, Slot: h.Slot, Key: h.Key, Expires: h.Expires}
}

func fromStore(h store.Hold) fhir.Hold {
	return fhir.Hold{Token: h.Token, Facility: h.Clinic, Subject: h.Subject, BookingID: h.BookingID, Slot: h.Slot, Key: h.Key, Expires: h.Expires}
}

// holdErr gives the store's errors the façade's meaning.
func holdErr(err error) error {
	switch {
	case errors.Is(err, store.ErrHeld):
		return fmt.Errorf("%w: %w", fhir.ErrHeld, err)
	case errors.Is(err, store.ErrHoldExpired):
		return fmt.Errorf("%w: %w", fhir.ErrHoldExpired, err)
	}
	return err
}

func (a holds) Acquire(ctx context.Context, h fhir.Hold, now time.Time) (fhir.Hold, error) {
	got, err := a.s.Acquire(ctx, toStore(h), now)
	return fromStore(got), holdErr(err)
}

func (a holds) Get(ctx context.Context, token string) (fhir.Hold, error) {
	got, err := a.s.Get(ctx, token)
	return fromStore(got), holdErr(err)
}

func (a holds) Held(ctx context.Context, facility tidbok.HSAID, now time.Time) ([]fhir.Hold, error) {
	got, err := a.s.Held(ctx, facility, now)
	out := make([]fhir.Hold, len(got))
	for i, h := range got {
		out[i] = fromStore(h)
	}
	return out, holdErr(err)
}

func (a holds) Release(ctx context.Context, token string) error {
	return holdErr(a.s.Release(ctx, token))
}
