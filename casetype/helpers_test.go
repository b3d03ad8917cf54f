package casetype_test

import (
	"context"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

var (
	clinic      = tidbok.MustHSAID("SE2321000016-VC01")
	otherClinic = tidbok.MustHSAID("SE2321000016-VC02")
	// admin is the local administrator of clinic; stranger administers
	// another clinic only.
	admin    = casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM1"), Clinics: []tidbok.HSAID{clinic}}
	stranger = casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-ADM2"), Clinics: []tidbok.HSAID{otherClinic}}
	t0       = time.Date(2026, time.March, 2, 9, 0, 0, 0, tidbok.Stockholm())
)

// equateIDs lets cmp compare the identity types, whose fields are
// unexported.
var equateIDs = cmpopts.EquateComparable(tidbok.PersonalNumber{}, tidbok.HSAID{})

// newBook returns a book serving clinic with the time types LAK and PROV,
// supporting caps.
func newBook(t testing.TB, caps tidbok.Capabilities) *memtidbok.Book {
	t.Helper()
	book := memtidbok.New(memtidbok.WithCapabilities(caps))
	for _, err := range []error{
		book.AddFacility(t.Context(), tidbok.Facility{ID: clinic, Name: "Vårdcentralen Exempel"}),
		book.AddTimeType(t.Context(), clinic, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}),
		book.AddTimeType(t.Context(), clinic, tidbok.TimeType{ID: "PROV", Name: "Provtagning"}),
	} {
		if err != nil {
			t.Fatalf("setting up the book: %v", err)
		}
	}
	return book
}

// termsFor is a TermsChecker that knows terms for the listed case type IDs
// at clinic.
type termsFor []string

func (ids termsFor) HasTerms(_ context.Context, c tidbok.HSAID, id string) (bool, error) {
	return c == clinic && slices.Contains(ids, id), nil
}

// complete returns a KindBook case type at clinic that passes Check with
// deps(t).
func complete() casetype.CaseType {
	return casetype.CaseType{
		ID:          "boka-lakare",
		Clinic:      clinic,
		Kind:        casetype.KindBook,
		Name:        "Boka tid hos läkare",
		Concerns:    "Besök hos läkare på vårdcentralen.",
		TimeTypeIDs: []string{"LAK", "PROV"},
		Message:     casetype.MessageSettings{Allowed: true, Label: "Information till vården", MaxLen: 150},
		Rules: casetype.Rules{
			MinNotice: 2 * time.Hour, Horizon: 30 * 24 * time.Hour,
			AllowCancel: true, AllowReschedule: true, ChangeDeadline: 24 * time.Hour,
			MaxReschedules: 2, MaxFutureBookings: 3,
		},
		Eligibility: casetype.Eligibility{MinAge: 18},
		Assurance:   casetype.AssuranceEID,
	}
}

func deps(t testing.TB) casetype.ActivationDeps {
	return casetype.ActivationDeps{Book: newBook(t, tidbok.AllCapabilities), Terms: termsFor{"boka-lakare", "mina-tider", "bestall"}}
}

// fields returns the sorted field names of the problems in err.
func fields(err error) []string {
	var out []string
	for _, fe := range tidbok.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	sort.Strings(out)
	return out
}

// auditLog is an AuditSink that keeps every event.
type auditLog struct {
	mu     sync.Mutex
	events []casetype.Event
}

func (l *auditLog) Record(_ context.Context, e casetype.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
	return nil
}

func (l *auditLog) Events() []casetype.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// newRegistry returns a registry over a fresh memory store whose clock
// stands at t0 and whose audit events go to the returned log.
func newRegistry() (*casetype.Registry, *auditLog) {
	log := &auditLog{}
	return casetype.New(casetype.NewMemStore(), casetype.WithClock(func() time.Time { return t0 }), casetype.WithAudit(log)), log
}
