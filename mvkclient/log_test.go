package mvkclient_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/internal/soap"
	"github.com/webbtidbok/webbtidbok/mvkclient"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// recorder is a slog.Handler that keeps records, and also renders them
// as text for searching.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
	text    bytes.Buffer
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(ctx context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	return slog.NewTextHandler(&r.text, &slog.HandlerOptions{Level: slog.LevelDebug}).Handle(ctx, rec)
}

func attrs(rec slog.Record) map[string]string {
	m := map[string]string{}
	rec.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

func TestEveryAttemptIsLoggedAndNoPersonalNumberIs(t *testing.T) {
	t.Parallel()
	slot := freeSlot("S1", at(10, 0))
	f := newFake(t, func(c call, n int) reply {
		switch {
		case c.Op == tidbok.OpTimeTypes && n == 1:
			return faultReply(t, soap.ServerFault("VP009 timeout for "+pnCitizen))
		case c.Op == tidbok.OpTimeTypes:
			return ok(t, c.Op, tidbok.TimeTypesResult{})
		case c.Op == tidbok.OpBook:
			return faultReply(t, soap.ServerFault("lost for "+pnCitizen))
		}
		b := booking("B1", slot.Start)
		b.Performer = doctor
		return ok(t, tidbok.OpSchedule, tidbok.ScheduleResult{Bookings: []tidbok.Timeslot{b}})
	})
	rec := new(recorder)
	c := f.client(t, func(cfg *mvkclient.Config) { cfg.Logger = slog.New(rec) })
	if _, err := c.TimeTypes(bg(t), tidbok.TimeTypesRequest{Facility: clinic, Subject: citizen}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Book(bg(t), bookRequest(slot)); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	type line struct {
		Level          slog.Level
		Op, Attempt    string
		Failed, HasDur bool
	}
	var got []line
	for _, r := range rec.records {
		a := attrs(r)
		_, hasDur := a["duration"]
		got = append(got, line{r.Level, a["op"], a["attempt"], a["outcome"] != "ok" && a["outcome"] != "", hasDur})
		if r.Level == slog.LevelDebug && a["endpoint"] == "" {
			t.Errorf("attempt record without endpoint: %v", a)
		}
	}
	want := []line{
		{slog.LevelDebug, "TimeTypes", "1", true, true},
		{slog.LevelDebug, "TimeTypes", "2", false, true},
		{slog.LevelDebug, "Book", "1", true, true},
		{slog.LevelWarn, "Book", "", false, false},
		{slog.LevelDebug, "Schedule", "1", false, true},
		{slog.LevelWarn, "Book", "", false, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log records (-want +got):\n%s", diff)
	}
	text := rec.text.String()
	for _, s := range []string{pnCitizen, pnCitizen[2:], "121212-1212"} {
		if strings.Contains(text, s) {
			t.Errorf("the log holds %q:\n%s", s, text)
		}
	}
}
