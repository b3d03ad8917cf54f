package casetype_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

func TestMemStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var s casetype.MemStore // the zero value is ready to use
	a := complete()
	a.Version = 1
	b := complete()
	b.ID, b.Version = "a-forst", 1

	steps := []struct {
		name   string
		ct     casetype.CaseType
		expect int
		want   error
	}{
		{"put a new case type", a, 0, nil},
		{"put another", b, 0, nil},
		{"put a new one whose ID is taken", a, 0, casetype.ErrConflict},
		{"put at a stale version", a, 2, casetype.ErrConflict},
		{"put an unknown one at a version", casetype.CaseType{ID: "x", Clinic: clinic, Version: 2}, 1, casetype.ErrNotFound},
		{"put at the current version", func() casetype.CaseType { c := a; c.Version = 2; return c }(), 1, nil},
	}
	for _, st := range steps {
		if err := s.Put(ctx, st.ct, st.expect); !errors.Is(err, st.want) || (st.want == nil && err != nil) {
			t.Errorf("%s: Put = %v, want %v", st.name, err, st.want)
		}
	}

	got, err := s.List(ctx, clinic)
	if err != nil {
		t.Fatal(err)
	}
	if ids := []string{got[0].ID, got[1].ID}; len(got) != 2 || !cmp.Equal(ids, []string{"a-forst", "boka-lakare"}) {
		t.Errorf("List = %v, want both in ID order", ids)
	}
	if other, _ := s.List(ctx, otherClinic); len(other) != 0 {
		t.Errorf("List(other clinic) = %d case types, want none", len(other))
	}
	if _, err := s.Get(ctx, otherClinic, a.ID); !errors.Is(err, casetype.ErrNotFound) {
		t.Errorf("Get(other clinic) = %v, want ErrNotFound", err)
	}
}

func TestMemStoreDoesNotAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := casetype.NewMemStore()
	ct := complete()
	ct.Version = 1
	ct.Eligibility.Citizens = []tidbok.PersonalNumber{tidbok.MustPersonalNumber("191212121212")}
	want := complete()
	want.Version = 1
	want.Eligibility.Citizens = []tidbok.PersonalNumber{tidbok.MustPersonalNumber("191212121212")}
	if err := s.Put(ctx, ct, 0); err != nil {
		t.Fatal(err)
	}
	ct.TimeTypeIDs[0] = "changed after Put"
	got, _ := s.Get(ctx, clinic, ct.ID)
	got.TimeTypeIDs[0] = "changed after Get"
	got.Eligibility.Citizens[0] = tidbok.PersonalNumber{}
	listed, _ := s.List(ctx, clinic)
	listed[0].TimeTypeIDs[1] = "changed after List"
	again, _ := s.Get(ctx, clinic, ct.ID)
	if diff := cmp.Diff(want, again, equateIDs); diff != "" {
		t.Errorf("the stored case type changed through a copy (-want +got):\n%s", diff)
	}
}

func TestMemStoreHonoursTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := casetype.NewMemStore()
	if err := s.Put(ctx, complete(), 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Put = %v, want context.Canceled", err)
	}
}
