package casetype_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/webbtidbok/webbtidbok/casetype"
)

func TestLogAuditWritesEveryField(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sink := casetype.LogAudit(slog.New(slog.NewJSONHandler(&buf, nil)))
	reg := casetype.New(casetype.NewMemStore(), casetype.WithAudit(sink))
	if _, err := reg.Create(context.Background(), admin, complete()); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("decoding %q: %v", buf.String(), err)
	}
	for _, k := range []string{"time", "level", "at", "detail"} {
		delete(got, k)
	}
	want := map[string]any{
		"msg": "casetype audit", "actor": admin.ID.String(), "clinic": clinic.String(),
		"case_type": "boka-lakare", "action": "create", "outcome": "done", "version": 1.0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log record (-want +got):\n%s", diff)
	}
}
