package casetype_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
)

func TestCheckPassesACompleteCaseType(t *testing.T) {
	t.Parallel()
	if err := casetype.Check(context.Background(), complete(), deps(t)); err != nil {
		t.Fatalf("Check(complete case type) = %v, want nil", err)
	}
}

// problemCases are the activation problems one at a time: each row breaks
// a complete case type in one way and names the fields Check must report.
var problemCases = []struct {
	name  string
	spoil func(t testing.TB, ct *casetype.CaseType, d *casetype.ActivationDeps)
	want  []string
}{
	{"no terms are written", func(_ testing.TB, _ *casetype.CaseType, d *casetype.ActivationDeps) {
		d.Terms = termsFor{}
	}, []string{"Terms"}},
	{"no terms register is connected", func(_ testing.TB, _ *casetype.CaseType, d *casetype.ActivationDeps) {
		d.Terms = nil
	}, []string{"Terms"}},
	{"no time types are chosen", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.TimeTypeIDs = nil
	}, []string{"TimeTypeIDs"}},
	{"a chosen time type is not in the book", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.TimeTypeIDs = []string{"LAK", "BVC"}
	}, []string{"TimeTypeIDs[1]"}},
	{"a chosen time type is empty", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.TimeTypeIDs = []string{"", "LAK"}
	}, []string{"TimeTypeIDs[0]"}},
	{"a time type is chosen twice", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.TimeTypeIDs = []string{"LAK", "LAK"}
	}, []string{"TimeTypeIDs[1]"}},
	{"the minimum notice is not shorter than the horizon", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.MinNotice, ct.Rules.Horizon = 48*time.Hour, 24*time.Hour
	}, []string{"Rules.Horizon"}},
	{"the minimum notice is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.MinNotice = -time.Hour
	}, []string{"Rules.MinNotice"}},
	{"the horizon is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.Horizon = -time.Hour
	}, []string{"Rules.Horizon"}},
	{"the change deadline is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.ChangeDeadline = -time.Minute
	}, []string{"Rules.ChangeDeadline"}},
	{"the reschedule limit is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.MaxReschedules = -1
	}, []string{"Rules.MaxReschedules"}},
	{"the future bookings limit is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.MaxFutureBookings = -1
	}, []string{"Rules.MaxFutureBookings"}},
	{"a reschedule limit is set but rescheduling is not allowed", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Rules.AllowReschedule = false
	}, []string{"Rules.MaxReschedules"}},
	{"messages are allowed with no length", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Message.MaxLen = 0
	}, []string{"Message.MaxLen"}},
	{"the message length is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Message = casetype.MessageSettings{MaxLen: -1}
	}, []string{"Message.MaxLen"}},
	{"the message length is above the limit", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Message.MaxLen = casetype.MaxMessageLen + 1
	}, []string{"Message.MaxLen"}},
	{"the message label is too long", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Message.Label = strings.Repeat("å", casetype.MaxLabelLen+1)
	}, []string{"Message.Label"}},
	{"the name is empty", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Name = " "
	}, []string{"Name"}},
	{"the name is too long", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Name = strings.Repeat("ö", casetype.MaxNameLen+1)
	}, []string{"Name"}},
	{"the name is not UTF-8", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Name = "Boka \xff"
	}, []string{"Name"}},
	{"the concerns text is too long", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Concerns = strings.Repeat("x", casetype.MaxConcernsLen+1)
	}, []string{"Concerns"}},
	{"the age range admits nobody", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Eligibility = casetype.Eligibility{MinAge: 18, UnderAge: 18}
	}, []string{"Eligibility.UnderAge"}},
	{"the minimum age is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Eligibility.MinAge = -1
	}, []string{"Eligibility.MinAge"}},
	{"the upper age is negative", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Eligibility.UnderAge = -1
	}, []string{"Eligibility.UnderAge"}},
	{"a listed citizen is empty", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Eligibility.Citizens = []tidbok.PersonalNumber{tidbok.MustPersonalNumber("191212121212"), {}}
	}, []string{"Eligibility.Citizens[1]"}},
	{"a citizen is listed twice", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		pn := tidbok.MustPersonalNumber("191212121212")
		ct.Eligibility.Citizens = []tidbok.PersonalNumber{pn, pn}
	}, []string{"Eligibility.Citizens[1]"}},
	{"the assurance level is not a level", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Assurance = 7
	}, []string{"Assurance"}},
	{"the assurance level is not set", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Assurance = casetype.AssuranceUnknown
	}, []string{"Assurance"}},
	{"the proxy policy is unknown", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Proxy = 7
	}, []string{"Proxy"}},
	{"the kind is unset", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Kind = 0
	}, []string{"Kind"}},
	{"the ID has a space", func(_ testing.TB, ct *casetype.CaseType, d *casetype.ActivationDeps) {
		ct.ID = "boka lakare"
		d.Terms = termsFor{ct.ID}
	}, []string{"ID"}},
	{"the clinic is unset", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.Clinic = tidbok.HSAID{}
	}, []string{"Clinic"}},
	{"no book is connected", func(_ testing.TB, _ *casetype.CaseType, d *casetype.ActivationDeps) {
		d.Book = nil
	}, []string{"Book"}},
	{"the book cannot make bookings", func(t testing.TB, _ *casetype.CaseType, d *casetype.ActivationDeps) {
		d.Book = newBook(t, tidbok.AllCapabilities.Without(tidbok.OpBook))
	}, []string{"Book"}},
	{"the book cannot list time types", func(t testing.TB, _ *casetype.CaseType, d *casetype.ActivationDeps) {
		d.Book = newBook(t, tidbok.AllCapabilities.Without(tidbok.OpTimeTypes))
	}, []string{"Book"}},
	{"the book does not serve the clinic", func(_ testing.TB, _ *casetype.CaseType, d *casetype.ActivationDeps) {
		d.Book = memtidbok.New()
	}, []string{"Clinic"}},
	{"a manage case type allows neither cancelling nor rescheduling", func(_ testing.TB, ct *casetype.CaseType, _ *casetype.ActivationDeps) {
		ct.ID, ct.Kind = "mina-tider", casetype.KindManage
		ct.Rules.AllowCancel, ct.Rules.AllowReschedule, ct.Rules.MaxReschedules = false, false, 0
	}, []string{"Rules.AllowCancel"}},
	{"a manage case type allows rescheduling on a book that cannot", func(t testing.TB, ct *casetype.CaseType, d *casetype.ActivationDeps) {
		ct.ID, ct.Kind = "mina-tider", casetype.KindManage
		d.Book = newBook(t, tidbok.AllCapabilities.Without(tidbok.OpReschedule))
	}, []string{"Book"}},
	{"a manage case type allows cancelling on a book that cannot", func(t testing.TB, ct *casetype.CaseType, d *casetype.ActivationDeps) {
		ct.ID, ct.Kind = "mina-tider", casetype.KindManage
		d.Book = newBook(t, tidbok.AllCapabilities.Without(tidbok.OpCancel))
	}, []string{"Book"}},
	{"a manage case type has no book", func(_ testing.TB, ct *casetype.CaseType, d *casetype.ActivationDeps) {
		ct.ID, ct.Kind = "mina-tider", casetype.KindManage
		d.Book = nil
	}, []string{"Book"}},
}

func TestCheckReportsEachProblemAlone(t *testing.T) {
	t.Parallel()
	for _, tc := range problemCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ct, d := complete(), deps(t)
			tc.spoil(t, &ct, &d)
			err := casetype.Check(context.Background(), ct, d)
			if !errors.Is(err, casetype.ErrIncomplete) || !errors.Is(err, tidbok.ErrInvalid) {
				t.Fatalf("Check = %v, want an error matching ErrIncomplete and tidbok.ErrInvalid", err)
			}
			if diff := cmp.Diff(tc.want, fields(err)); diff != "" {
				t.Errorf("fields with problems (-want +got):\n%s\nerror: %v", diff, err)
			}
			for _, fe := range tidbok.FieldErrors(err) {
				if fe.Problem == "" {
					t.Errorf("problem with %s says nothing", fe.Field)
				}
			}
		})
	}
}

func TestCheckReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	ct := complete()
	ct.Name = ""
	ct.TimeTypeIDs = []string{"LAK", "BVC", "LAK"}
	ct.Rules.MinNotice, ct.Rules.Horizon = 72*time.Hour, 48*time.Hour
	ct.Rules.ChangeDeadline = -time.Hour
	ct.Rules.AllowReschedule = false
	ct.Message.MaxLen = 0
	ct.Eligibility = casetype.Eligibility{MinAge: 20, UnderAge: 13}
	ct.Assurance = 9
	d := casetype.ActivationDeps{
		Book:  newBook(t, tidbok.AllCapabilities.Without(tidbok.OpBook).Without(tidbok.OpAvailableDates)),
		Terms: termsFor{},
	}
	err := casetype.Check(context.Background(), ct, d)
	if !errors.Is(err, casetype.ErrIncomplete) {
		t.Fatalf("Check = %v, want an error matching ErrIncomplete", err)
	}
	want := []string{
		"Assurance", "Book", "Eligibility.UnderAge", "Message.MaxLen", "Name",
		"Rules.ChangeDeadline", "Rules.Horizon", "Rules.MaxReschedules", "Terms",
		"TimeTypeIDs[1]", "TimeTypeIDs[2]",
	}
	if diff := cmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("fields with problems (-want +got):\n%s", diff)
	}
}

func TestCheckNamesTheOperationsTheBookLacks(t *testing.T) {
	t.Parallel()
	d := deps(t)
	d.Book = newBook(t, tidbok.ReadOnly.With(tidbok.OpTimeTypes))
	err := casetype.Check(context.Background(), complete(), d)
	fes := tidbok.FieldErrors(err)
	if len(fes) != 1 || fes[0].Field != "Book" {
		t.Fatalf("Check = %v, want one problem with Book", err)
	}
	// Naming them is the point of the problem, so this test reads its text.
	for _, op := range []tidbok.Operation{tidbok.OpAvailableDates, tidbok.OpAvailableTimeslots, tidbok.OpBook} {
		if !strings.Contains(fes[0].Problem, op.Contract()) {
			t.Errorf("problem %q does not name %s", fes[0].Problem, op.Contract())
		}
	}
}

func TestCheckNeedsPerKind(t *testing.T) {
	t.Parallel()
	request := func(k casetype.Kind) casetype.CaseType {
		return casetype.CaseType{ID: "bestall", Clinic: clinic, Kind: k, Name: "Beställ tid", Assurance: casetype.AssurancePasswordSMS}
	}
	tests := []struct {
		name string
		ct   casetype.CaseType
		d    casetype.ActivationDeps
	}{
		{"a request needs no book, no terms and no time types", request(casetype.KindRequest), casetype.ActivationDeps{}},
		{"a change request needs no book, no terms and no time types", request(casetype.KindManageRequest), casetype.ActivationDeps{}},
		{"a manage case type that only cancels needs no reschedule", func() casetype.CaseType {
			ct := complete()
			ct.ID, ct.Kind, ct.TimeTypeIDs = "mina-tider", casetype.KindManage, nil
			ct.Rules.AllowReschedule, ct.Rules.MaxReschedules = false, 0
			return ct
		}(), casetype.ActivationDeps{Book: newBook(t, tidbok.FlowMyBookings|tidbok.FlowCancel), Terms: termsFor{"mina-tider"}}},
		{"a book kind on a book with exactly FlowBook", complete(), casetype.ActivationDeps{Book: newBook(t, tidbok.FlowBook), Terms: termsFor{"boka-lakare"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := casetype.Check(context.Background(), tc.ct, tc.d); err != nil {
				t.Errorf("Check = %v, want nil", err)
			}
		})
	}
}

// failingBook is a book whose TimeTypes fails technically.
type failingBook struct {
	tidbok.Tidbok
	err error
}

func (b failingBook) TimeTypes(context.Context, tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	return tidbok.TimeTypesResult{}, b.err
}

type failingTerms struct{ err error }

func (f failingTerms) HasTerms(context.Context, tidbok.HSAID, string) (bool, error) {
	return false, f.err
}

func TestCheckReturnsTechnicalFailuresUnaggregated(t *testing.T) {
	t.Parallel()
	down := errors.New("connection refused")
	tests := []struct {
		name string
		d    func(t *testing.T) casetype.ActivationDeps
	}{
		{"the book fails", func(t *testing.T) casetype.ActivationDeps {
			d := deps(t)
			d.Book = failingBook{d.Book, down}
			return d
		}},
		{"the terms register fails", func(t *testing.T) casetype.ActivationDeps {
			d := deps(t)
			d.Terms = failingTerms{down}
			return d
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := casetype.Check(context.Background(), complete(), tc.d(t))
			if !errors.Is(err, down) || errors.Is(err, casetype.ErrIncomplete) {
				t.Errorf("Check = %v, want the failure and not ErrIncomplete", err)
			}
		})
	}
}

// probeBook records the subject TimeTypes was asked for.
type probeBook struct {
	tidbok.Tidbok
	got *tidbok.PersonalNumber
}

func (b probeBook) TimeTypes(ctx context.Context, req tidbok.TimeTypesRequest) (tidbok.TimeTypesResult, error) {
	*b.got = req.Subject
	return b.Tidbok.TimeTypes(ctx, req)
}

func TestCheckAsksTheBookAboutTheProbe(t *testing.T) {
	t.Parallel()
	for _, probe := range []string{"", "200001012384"} {
		t.Run("probe "+probe, func(t *testing.T) {
			t.Parallel()
			var got tidbok.PersonalNumber
			d := deps(t)
			d.Book = probeBook{d.Book, &got}
			want := tidbok.MustPersonalNumber(casetype.ProbeSubject)
			if probe != "" {
				d.Probe = tidbok.MustPersonalNumber(probe)
				want = d.Probe
			}
			if err := casetype.Check(context.Background(), complete(), d); err != nil {
				t.Fatalf("Check = %v", err)
			}
			if got != want {
				t.Errorf("TimeTypes asked for %v, want %v", got, want)
			}
		})
	}
}
