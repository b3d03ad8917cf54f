package casetype_test

import (
	"slices"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
)

// Reminders are checked with the other settings: positive, at most
// MaxReminders, at most MaxReminderBefore, none twice, and on a Boka tid
// case type only; every problem is named at once.
func TestCheckReminders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		kind      casetype.Kind
		reminders []time.Duration
		want      []string
	}{
		{"none", casetype.KindBook, nil, nil},
		{"48 h and 2 h", casetype.KindBook, []time.Duration{48 * time.Hour, 2 * time.Hour}, nil},
		{"the longest", casetype.KindBook, []time.Duration{casetype.MaxReminderBefore}, nil},
		{"zero and negative", casetype.KindBook, []time.Duration{0, -time.Hour}, []string{"Reminders[0]", "Reminders[1]"}},
		{"twice", casetype.KindBook, []time.Duration{2 * time.Hour, 48 * time.Hour, 2 * time.Hour}, []string{"Reminders[2]"}},
		{"too long before", casetype.KindBook, []time.Duration{casetype.MaxReminderBefore + time.Minute}, []string{"Reminders[0]"}},
		{"too many", casetype.KindBook, []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour}, []string{"Reminders"}},
		{"too many and one twice", casetype.KindBook, []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, time.Hour},
			[]string{"Reminders", "Reminders[3]"}},
		{"on an Av- och omboka case type", casetype.KindManage, []time.Duration{48 * time.Hour}, []string{"Reminders"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ct := complete()
			if tc.kind != casetype.KindBook {
				ct.ID, ct.Kind, ct.TimeTypeIDs = "mina-tider", tc.kind, nil
			}
			ct.Reminders = tc.reminders
			err := casetype.Check(t.Context(), ct, deps(t))
			if got := fields(err); !slices.Equal(got, tc.want) {
				t.Errorf("Check names %v; want %v (%v)", got, tc.want, err)
			}
		})
	}
}

// An administrator sets an active case type's reminders with Update; the
// registry hands out copies, and a stored case type without reminders
// reads as none.
func TestUpdateSetsReminders(t *testing.T) {
	t.Parallel()
	r, _ := newRegistry()
	ctx := t.Context()
	ct, err := r.Create(ctx, admin, complete())
	must(t, err)
	if ct, err = r.Activate(ctx, admin, clinic, ct.ID, deps(t)); err != nil {
		t.Fatal(err)
	}
	if len(ct.Reminders) != 0 {
		t.Fatalf("a case type created without reminders has %v", ct.Reminders)
	}
	ct.Reminders = []time.Duration{48 * time.Hour, 2 * time.Hour}
	ct, err = r.Update(ctx, admin, ct)
	must(t, err)
	ct.Reminders[0] = time.Minute // the caller's copy
	got, err := r.Get(ctx, clinic, ct.ID)
	must(t, err)
	if want := []time.Duration{48 * time.Hour, 2 * time.Hour}; !slices.Equal(got.Reminders, want) {
		t.Errorf("stored reminders %v; want %v", got.Reminders, want)
	}
	got.Reminders = []time.Duration{2 * time.Hour, 2 * time.Hour}
	if _, err := r.Update(ctx, admin, got); !slices.Equal(fields(err), []string{"Reminders[1]"}) {
		t.Errorf("updating an active case type with a repeated reminder: %v", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
