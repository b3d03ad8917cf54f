package casetype_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

var ignoreDetail = cmpopts.IgnoreFields(casetype.Event{}, "Detail")

func TestLifeCycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, log := newRegistry()
	d := deps(t)

	draft := complete()
	draft.Name = "" // an incomplete draft may be stored
	draft.Status, draft.Version = casetype.StatusActive, 42
	created, err := reg.Create(ctx, admin, draft)
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	stamp := casetype.Stamp{By: admin.ID, At: t0}
	want := complete()
	want.Name = ""
	want.Status, want.Version, want.Created, want.Changed = casetype.StatusDraft, 1, stamp, stamp
	if diff := cmp.Diff(want, created, equateIDs); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}

	if _, err := reg.Activate(ctx, admin, clinic, created.ID, d); !errors.Is(err, casetype.ErrIncomplete) {
		t.Fatalf("Activate(nameless) = %v, want ErrIncomplete", err)
	}
	if got, _ := reg.Get(ctx, clinic, created.ID); got.Status != casetype.StatusDraft {
		t.Errorf("after a failed activation the status is %v, want draft", got.Status)
	}

	created.Name = "Boka tid hos läkare"
	updated, err := reg.Update(ctx, admin, created)
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	active, err := reg.Activate(ctx, admin, clinic, created.ID, d)
	if err != nil {
		t.Fatalf("Activate = %v", err)
	}
	want = updated
	want.Status, want.Version, want.Activated = casetype.StatusActive, 3, stamp
	if diff := cmp.Diff(want, active, equateIDs); diff != "" {
		t.Errorf("Activate (-want +got):\n%s", diff)
	}
	if got, err := reg.Active(ctx, clinic); err != nil || len(got) != 1 || got[0].ID != created.ID {
		t.Errorf("Active = %v, %v; want the activated case type", got, err)
	}

	inactive, err := reg.Deactivate(ctx, admin, clinic, created.ID)
	if err != nil {
		t.Fatalf("Deactivate = %v", err)
	}
	if inactive.Status != casetype.StatusInactive || inactive.Deactivated != stamp || inactive.Version != 4 {
		t.Errorf("Deactivate = status %v, stamp %v, version %d; want inactive, %v, 4", inactive.Status, inactive.Deactivated, inactive.Version, stamp)
	}
	if got, err := reg.Active(ctx, clinic); err != nil || len(got) != 0 {
		t.Errorf("Active after deactivation = %v, %v; want none", got, err)
	}
	again, err := reg.Deactivate(ctx, admin, clinic, created.ID)
	if err != nil || again.Version != 4 {
		t.Errorf("Deactivate again = version %d, %v; want unchanged 4, nil", again.Version, err)
	}
	if re, err := reg.Activate(ctx, admin, clinic, created.ID, d); err != nil || re.Status != casetype.StatusActive {
		t.Errorf("Activate again = %v, %v; want active", re.Status, err)
	}

	ev := func(a casetype.Action, o casetype.Outcome, v int) casetype.Event {
		return casetype.Event{Time: t0, Actor: admin.ID, Clinic: clinic, CaseTypeID: created.ID, Action: a, Outcome: o, Version: v}
	}
	wantEvents := []casetype.Event{
		ev(casetype.ActionCreate, casetype.OutcomeDone, 1),
		ev(casetype.ActionActivate, casetype.OutcomeIncomplete, 0),
		ev(casetype.ActionUpdate, casetype.OutcomeDone, 2),
		ev(casetype.ActionActivate, casetype.OutcomeDone, 3),
		ev(casetype.ActionDeactivate, casetype.OutcomeDone, 4),
		ev(casetype.ActionDeactivate, casetype.OutcomeDone, 0),
		ev(casetype.ActionActivate, casetype.OutcomeDone, 5),
	}
	if diff := cmp.Diff(wantEvents, log.Events(), ignoreDetail); diff != "" {
		t.Errorf("audit events (-want +got):\n%s", diff)
	}
}

func TestOnlyTheClinicsLocalAdministratorMayChangeCaseTypes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	actions := []struct {
		action casetype.Action
		do     func(reg *casetype.Registry, a casetype.Admin, ct casetype.CaseType) error
	}{
		{casetype.ActionCreate, func(reg *casetype.Registry, a casetype.Admin, ct casetype.CaseType) error {
			ct.ID = "ny"
			_, err := reg.Create(ctx, a, ct)
			return err
		}},
		{casetype.ActionUpdate, func(reg *casetype.Registry, a casetype.Admin, ct casetype.CaseType) error {
			ct.Name = "Ändrad"
			_, err := reg.Update(ctx, a, ct)
			return err
		}},
		{casetype.ActionActivate, func(reg *casetype.Registry, a casetype.Admin, ct casetype.CaseType) error {
			_, err := reg.Activate(ctx, a, ct.Clinic, ct.ID, deps(t))
			return err
		}},
		{casetype.ActionDeactivate, func(reg *casetype.Registry, a casetype.Admin, ct casetype.CaseType) error {
			_, err := reg.Deactivate(ctx, a, ct.Clinic, ct.ID)
			return err
		}},
	}
	actors := []struct {
		name string
		who  casetype.Admin
	}{
		{"an administrator of another clinic", stranger},
		{"a staff member who administers no clinic", casetype.Admin{ID: tidbok.MustHSAID("SE2321000016-NURSE")}},
		{"nobody", casetype.Admin{Clinics: []tidbok.HSAID{clinic}}},
	}
	for _, a := range actions {
		for _, who := range actors {
			t.Run(string(a.action)+" by "+who.name+" is forbidden", func(t *testing.T) {
				t.Parallel()
				reg, log := newRegistry()
				ct, err := reg.Create(ctx, admin, complete())
				if err != nil {
					t.Fatalf("Create = %v", err)
				}
				if a.action == casetype.ActionDeactivate {
					if ct, err = reg.Activate(ctx, admin, clinic, ct.ID, deps(t)); err != nil {
						t.Fatalf("Activate = %v", err)
					}
				}
				err = a.do(reg, who.who, ct)
				if !errors.Is(err, casetype.ErrForbidden) {
					t.Fatalf("%s = %v, want ErrForbidden", a.action, err)
				}
				all, _ := reg.List(ctx, clinic)
				if diff := cmp.Diff([]casetype.CaseType{ct}, all, equateIDs); diff != "" {
					t.Errorf("the refused %s changed the case types (-want +got):\n%s", a.action, diff)
				}
				events := log.Events()
				last := events[len(events)-1]
				want := casetype.Event{Time: t0, Actor: who.who.ID, Clinic: clinic, CaseTypeID: last.CaseTypeID, Action: a.action, Outcome: casetype.OutcomeForbidden}
				if diff := cmp.Diff(want, last, ignoreDetail); diff != "" {
					t.Errorf("audit event (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestAdministers(t *testing.T) {
	t.Parallel()
	lower := casetype.Admin{ID: admin.ID, Clinics: []tidbok.HSAID{tidbok.MustHSAID("se2321000016-vc01")}}
	tests := []struct {
		name   string
		a      casetype.Admin
		clinic tidbok.HSAID
		want   bool
	}{
		{"the clinic's administrator", admin, clinic, true},
		{"the clinic written in lower case", lower, clinic, true},
		{"another clinic", admin, otherClinic, false},
		{"no clinic", admin, tidbok.HSAID{}, false},
		{"an administrator without an HSA-id", casetype.Admin{Clinics: admin.Clinics}, clinic, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Administers(tc.clinic); got != tc.want {
				t.Errorf("Administers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCreateRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	if _, err := reg.Create(ctx, admin, complete()); err != nil {
		t.Fatalf("Create = %v", err)
	}
	tests := []struct {
		name   string
		ct     func() casetype.CaseType
		target error
		fields []string
	}{
		{"an ID taken at the clinic", complete, casetype.ErrConflict, nil},
		{"an empty ID", func() casetype.CaseType { ct := complete(); ct.ID = ""; return ct }, tidbok.ErrInvalid, []string{"ID"}},
		{"an ID and kind that are not valid", func() casetype.CaseType {
			ct := complete()
			ct.ID, ct.Kind = "../etc", 0
			return ct
		}, tidbok.ErrInvalid, []string{"ID", "Kind"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reg.Create(ctx, admin, tc.ct())
			if !errors.Is(err, tc.target) {
				t.Fatalf("Create = %v, want %v", err, tc.target)
			}
			if diff := cmp.Diff(tc.fields, fields(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateRefusesAStaleVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, log := newRegistry()
	ct, err := reg.Create(ctx, admin, complete())
	if err != nil {
		t.Fatal(err)
	}
	first := ct
	first.Name = "Först"
	if _, err := reg.Update(ctx, admin, first); err != nil {
		t.Fatalf("first Update = %v", err)
	}
	second := ct
	second.Name = "Sist"
	if _, err := reg.Update(ctx, admin, second); !errors.Is(err, casetype.ErrConflict) {
		t.Fatalf("Update at a stale version = %v, want ErrConflict", err)
	}
	if got, _ := reg.Get(ctx, clinic, ct.ID); got.Name != "Först" {
		t.Errorf("Name = %q, want the first update's", got.Name)
	}
	if got := log.Events()[2].Outcome; got != casetype.OutcomeConflict {
		t.Errorf("audit outcome = %v, want conflict", got)
	}
	missing := ct
	missing.ID = "saknas"
	if _, err := reg.Update(ctx, admin, missing); !errors.Is(err, casetype.ErrNotFound) {
		t.Errorf("Update(unknown) = %v, want ErrNotFound", err)
	}
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := newRegistry()
	ct, err := reg.Create(ctx, admin, complete())
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			edit := ct
			edit.Message.MaxLen = 100 + i
			_, errs[i] = reg.Update(ctx, admin, edit)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, casetype.ErrConflict):
			t.Errorf("Update = %v, want nil or ErrConflict", err)
		}
	}
	if won != 1 {
		t.Errorf("%d updates won, want exactly 1", won)
	}
	if got, _ := reg.Get(ctx, clinic, ct.ID); got.Version != 2 {
		t.Errorf("Version = %d, want 2", got.Version)
	}
}

func TestUpdatingAnActiveCaseType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		edit   func(ct *casetype.CaseType)
		fields []string // nil: the update is allowed
	}{
		{"renaming it is allowed", func(ct *casetype.CaseType) { ct.Name = "Läkarbesök" }, nil},
		{"dropping a time type is allowed", func(ct *casetype.CaseType) { ct.TimeTypeIDs = []string{"PROV"} }, nil},
		{"forbidding rescheduling is allowed", func(ct *casetype.CaseType) {
			ct.Rules.AllowReschedule, ct.Rules.MaxReschedules = false, 0
		}, nil},
		{"emptying the name is refused", func(ct *casetype.CaseType) { ct.Name = "" }, []string{"Name"}},
		{"contradicting rules are refused", func(ct *casetype.CaseType) { ct.Rules.Horizon = time.Hour }, []string{"Rules.Horizon"}},
		{"changing the kind is refused", func(ct *casetype.CaseType) { ct.Kind = casetype.KindRequest }, []string{"Kind"}},
		{"adding a time type is refused", func(ct *casetype.CaseType) { ct.TimeTypeIDs = []string{"LAK", "PROV", "NY"} }, []string{"TimeTypeIDs[2]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg, _ := newRegistry()
			ct, err := reg.Create(ctx, admin, complete())
			if err != nil {
				t.Fatal(err)
			}
			if ct, err = reg.Activate(ctx, admin, clinic, ct.ID, deps(t)); err != nil {
				t.Fatal(err)
			}
			edit := ct
			tc.edit(&edit)
			got, err := reg.Update(ctx, admin, edit)
			if tc.fields == nil {
				if err != nil || got.Status != casetype.StatusActive {
					t.Errorf("Update = %v, %v; want it still active", got.Status, err)
				}
				return
			}
			if !errors.Is(err, casetype.ErrIncomplete) {
				t.Fatalf("Update = %v, want ErrIncomplete", err)
			}
			if diff := cmp.Diff(tc.fields, fields(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if stored, _ := reg.Get(ctx, clinic, ct.ID); stored.Version != ct.Version {
				t.Errorf("the refused update was stored (version %d, want %d)", stored.Version, ct.Version)
			}
		})
	}
	t.Run("turning on rescheduling is refused", func(t *testing.T) {
		t.Parallel()
		reg, _ := newRegistry()
		ct := complete()
		ct.ID, ct.Kind, ct.TimeTypeIDs = "mina-tider", casetype.KindManage, nil
		ct.Rules.AllowReschedule, ct.Rules.MaxReschedules = false, 0
		ct, err := reg.Create(ctx, admin, ct)
		if err != nil {
			t.Fatal(err)
		}
		if ct, err = reg.Activate(ctx, admin, clinic, ct.ID, deps(t)); err != nil {
			t.Fatal(err)
		}
		ct.Rules.AllowReschedule = true
		_, err = reg.Update(ctx, admin, ct)
		if diff := cmp.Diff([]string{"Rules.AllowReschedule"}, fields(err)); diff != "" || !errors.Is(err, casetype.ErrIncomplete) {
			t.Errorf("Update = %v; fields (-want +got):\n%s", err, diff)
		}
	})
}

func TestActivateAndDeactivateAnUnknownCaseType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, log := newRegistry()
	if _, err := reg.Activate(ctx, admin, clinic, "saknas", deps(t)); !errors.Is(err, casetype.ErrNotFound) {
		t.Errorf("Activate = %v, want ErrNotFound", err)
	}
	if _, err := reg.Deactivate(ctx, admin, clinic, "saknas"); !errors.Is(err, casetype.ErrNotFound) {
		t.Errorf("Deactivate = %v, want ErrNotFound", err)
	}
	for _, e := range log.Events() {
		if e.Outcome != casetype.OutcomeNotFound {
			t.Errorf("audit outcome of %s = %v, want not found", e.Action, e.Outcome)
		}
	}
}

func TestAChangeWhoseAuditFailsIsMadeAndReported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	full := errors.New("audit disk full")
	reg := casetype.New(casetype.NewMemStore(), casetype.WithAudit(casetype.AuditFunc(func(context.Context, casetype.Event) error { return full })))
	ct, err := reg.Create(ctx, admin, complete())
	if !errors.Is(err, casetype.ErrAudit) || !errors.Is(err, full) {
		t.Fatalf("Create = %v, want ErrAudit wrapping the sink's error", err)
	}
	if got, err := reg.Get(ctx, clinic, ct.ID); err != nil || got.Version != 1 {
		t.Errorf("Get = version %d, %v; want the created case type", got.Version, err)
	}
	_, err = reg.Create(ctx, stranger, complete())
	if !errors.Is(err, casetype.ErrAudit) || !errors.Is(err, casetype.ErrForbidden) {
		t.Errorf("Create by a stranger = %v, want both ErrForbidden and ErrAudit", err)
	}
}

func TestTheAuditIsRecordedAfterTheContextEnds(t *testing.T) {
	t.Parallel()
	reg, log := newRegistry()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := reg.Create(ctx, admin, complete()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Create = %v, want context.Canceled", err)
	}
	if events := log.Events(); len(events) != 1 || events[0].Outcome != casetype.OutcomeFailed {
		t.Errorf("audit events = %+v, want one failed attempt", events)
	}
}
