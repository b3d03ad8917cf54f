package sqlstore_test

import (
	"errors"
	"testing"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/terms"
)

// TestCatalogVersionChangesWithEveryCatalogWrite: every write of a case
// type or a terms version raises the catalog's version, seen by other
// stores on the same database; a refused write and an acceptance leave
// it as it was.
func TestCatalogVersionChangesWithEveryCatalogWrite(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			dsn := be.DSN(t)
			s := openStores(t, be, be.Open(t, dsn))
			other := openStores(t, be, be.Open(t, dsn)) // another process
			last, err := other.CatalogVersion(ctx)
			must(t, err)
			step := func(what string, write error, wantErr error) {
				t.Helper()
				if !errors.Is(write, wantErr) || (wantErr == nil) != (write == nil) {
					t.Fatalf("%s: %v, want %v", what, write, wantErr)
				}
				v, err := other.CatalogVersion(ctx)
				must(t, err)
				switch changed := v != last; {
				case wantErr == nil && what != "an acceptance" && (!changed || v < last):
					t.Errorf("%s: catalog version %d after %d, want it raised", what, v, last)
				case (wantErr != nil || what == "an acceptance") && changed:
					t.Errorf("%s: catalog version %d after %d, want it as it was", what, v, last)
				}
				last = v
			}
			ct := caseTypeAt(clinic, "boka", 1, "a")
			step("a new case type", s.CaseTypes().Put(ctx, ct, 0), nil)
			step("the same case type again", s.CaseTypes().Put(ctx, ct, 0), casetype.ErrConflict)
			ct2 := caseTypeAt(clinic, "boka", 2, "b")
			step("an update", s.CaseTypes().Put(ctx, ct2, 1), nil)
			step("an update of an old version", s.CaseTypes().Put(ctx, caseTypeAt(clinic, "boka", 3, "c"), 1), casetype.ErrConflict)
			step("an update of a missing case type", s.CaseTypes().Put(ctx, caseTypeAt(clinic, "nej", 2, "c"), 1), casetype.ErrNotFound)
			step("terms version 1", s.Terms().AddVersion(ctx, termsVersion(clinic, "boka", 1, "h1")), nil)
			step("terms version 1 again", s.Terms().AddVersion(ctx, termsVersion(clinic, "boka", 1, "h1")), terms.ErrConflict)
			step("terms version 3 before 2", s.Terms().AddVersion(ctx, termsVersion(clinic, "boka", 3, "h3")), terms.ErrConflict)
			step("an acceptance", s.Terms().AddAcceptance(ctx, terms.Acceptance{Citizen: citizen(1), Clinic: clinic, CaseTypeID: "boka", Version: 1, Time: t0}), nil)
			// What was written reads back after the version it raised.
			got, err := other.CaseTypes().Get(ctx, clinic, "boka")
			must(t, err)
			if got.Version != 2 {
				t.Errorf("case type at version %d, want 2", got.Version)
			}
		})
	}
}
