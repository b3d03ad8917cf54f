package sqlstore_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Request keys stored before refusals were kept as kinds name the
// refusal's class in Result.Err ("taken", …): they are read as the kind,
// so that their outcomes replay as before, and an unknown class is an
// error rather than a success.
func TestKeysReadRowsStoredBeforeKinds(t *testing.T) {
	t.Parallel()
	alt := tidbok.Timeslot{ID: "s2", Start: t0.Add(time.Hour), End: t0.Add(90 * time.Minute), Facility: clinic}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := be.Open(t, be.DSN(t))
			s := openStores(t, be, db)
			insert := func(key, class string) store.KeyRecord {
				t.Helper()
				rec := store.KeyRecord{Caller: "p:1", Key: key, Action: "book", Fingerprint: "fp", State: store.KeyDone,
					Claim: "c1", Claimed: t0, Expires: t0.Add(time.Hour),
					Result: store.KeyResult{Text: "Tiden är upptagen.", Time: t0, Alternatives: []tidbok.Timeslot{alt}}}
				b, err := json.Marshal(rec)
				require.NoError(t, err)
				var m map[string]any
				require.NoError(t, json.Unmarshal(b, &m))
				result := m["Result"].(map[string]any)
				delete(result, "Refused")
				result["Err"] = class
				b, err = json.Marshal(m)
				require.NoError(t, err)
				q := "INSERT INTO request_keys (caller, request_key, action, fingerprint, state, claim, claimed, expires, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
				if be.Dialect == sqlstore.Postgres {
					for i := 1; strings.Contains(q, "?"); i++ {
						q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
					}
				}
				_, err = db.ExecContext(ctx, q, rec.Caller, rec.Key, rec.Action, rec.Fingerprint, int(rec.State), rec.Claim,
					rec.Claimed.UnixNano(), rec.Expires.UnixNano(), string(b))
				require.NoError(t, err, "inserting a row as stored before")
				return rec
			}
			for class, kind := range map[string]tidbok.Kind{
				"taken": tidbok.KindSlotTaken, "not found": tidbok.KindNotFound, "not allowed": tidbok.KindNotAllowed,
				"invalid": tidbok.KindInvalid, "not supported": tidbok.KindNotSupported,
			} {
				want := insert("k-"+class, class)
				want.Result.Refused = kind
				prior, claimed, err := s.Keys().Claim(ctx, store.KeyRecord{Caller: "p:1", Key: want.Key, Action: "book", Fingerprint: "fp",
					State: store.KeyPending, Claim: "c2", Claimed: t0.Add(time.Minute), Expires: t0.Add(2 * time.Hour)}, time.Minute)
				require.NoError(t, err, "Claim of a row stored as %q", class)
				if claimed {
					t.Errorf("%q: a done key was claimed", class)
				}
				if diff := gocmp.Diff(want, prior, cmpOpts); diff != "" {
					t.Errorf("%q: the old row read back (-want +got):\n%s", class, diff)
				}
			}
			insert("k-odd", "on fire")
			if _, _, err := s.Keys().Claim(ctx, store.KeyRecord{Caller: "p:1", Key: "k-odd", Action: "book", Fingerprint: "fp",
				State: store.KeyPending, Claim: "c2", Claimed: t0.Add(time.Minute), Expires: t0.Add(2 * time.Hour)}, time.Minute); err == nil {
				t.Error("a row naming an unknown refusal was read without an error")
			}
		})
	}
}
