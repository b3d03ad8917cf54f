package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/testpki"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/memtidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/producer"
	"github.com/webbtidbok/webbtidbok/tidbok/staff"
)

// facilityID is the clinic the tests' book serves.
const facilityID = "SE2321000016-TEST"

// clinic serves a memtidbok book with two free slots on Wednesday 14
// January 2026 (the book stands at Monday 12 January, 09:00) through the
// producer, and returns the book, the slots' IDs and the server, not yet
// started.
func clinic(t *testing.T) (*memtidbok.Book, []string, *httptest.Server) {
	t.Helper()
	now := time.Date(2026, time.January, 12, 9, 0, 0, 0, tidbok.Stockholm())
	book := memtidbok.New(memtidbok.WithClock(func() time.Time { return now }))
	f := tidbok.MustHSAID(facilityID)
	if err := errors.Join(
		book.AddFacility(t.Context(), tidbok.Facility{ID: f, Name: "Testmottagningen"}),
		book.AddTimeType(t.Context(), f, tidbok.TimeType{ID: "LAK", Name: "Läkarbesök"}),
		book.AddPerformer(t.Context(), f, tidbok.Performer{ID: tidbok.MustHSAID("SE2321000016-DR01"), Title: "Dr", FirstName: "Eva", LastName: "Ek"}),
	); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, hh := range []int{9, 10} {
		start := time.Date(2026, time.January, 14, hh, 0, 0, 0, tidbok.Stockholm())
		id, err := book.Publish(t.Context(), staff.SlotSpec{Facility: f, Start: start, End: start.Add(20 * time.Minute),
			TimeTypeID: "LAK", Performer: tidbok.MustHSAID("SE2321000016-DR01")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	h, err := producer.New(book, producer.Config{Facilities: []tidbok.HSAID{f}, AnyConsumer: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	t.Cleanup(srv.Close)
	return book, ids, srv
}

func TestACitizenBooksListsAndCancels(t *testing.T) {
	book, ids, srv := clinic(t)
	srv.Start()
	common := []string{"-url", srv.URL, "-facility", facilityID, "-subject", "191212121212", "-from", "2026-01-12", "-days", "7"}
	cli := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), append(append([]string(nil), common...), args...), &out); err != nil {
			t.Fatalf("mvkcli %s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}

	if got, want := cli("timetypes"), "LAK        Läkarbesök\n"; got != want {
		t.Errorf("timetypes:\n%s\nwant:\n%s", got, want)
	}
	slots := cli("slots")
	want := fmt.Sprintf(""+
		"%-10s Wed 14 Jan 2026 09:00–09:20 Läkarbesök, Dr Eva Ek\n"+
		"%-10s Wed 14 Jan 2026 10:00–10:20 Läkarbesök, Dr Eva Ek\n", ids[0], ids[1])
	if slots != want {
		t.Errorf("slots:\n%s\nwant:\n%s", slots, want)
	}
	slotID := strings.Fields(slots)[0]
	booked := cli("book", slotID)
	if !strings.HasPrefix(booked, "Booked Wed 14 Jan 2026 09:00–09:20 Läkarbesök, Dr Eva Ek: booking ") {
		t.Errorf("book:\n%s", booked)
	}
	bookingID := strings.TrimSuffix(strings.Fields(booked)[len(strings.Fields(booked))-1], ".")
	if got, want := cli("bookings"), fmt.Sprintf("%-10s", bookingID)+" Wed 14 Jan 2026 09:00–09:20 Läkarbesök, Dr Eva Ek (may cancel, reschedule)\n"; got != want {
		t.Errorf("bookings:\n%s\nwant:\n%s", got, want)
	}
	if bs, err := book.Bookings(t.Context(), tidbok.MustHSAID(facilityID)); err != nil || len(bs) != 1 {
		t.Errorf("the book holds %d bookings after booking (%v), want 1", len(bs), err)
	}
	if got, want := cli("cancel", bookingID), "Cancelled booking "+bookingID+".\n"; got != want {
		t.Errorf("cancel: %q, want %q", got, want)
	}
	if got := cli("bookings"); got != "No bookings.\n" {
		t.Errorf("bookings after cancelling: %q", got)
	}
}

func TestMutualTLSFromPEMFiles(t *testing.T) {
	_, _, srv := clinic(t)
	pki := testpki.New(t)
	srv.TLS = pki.ServerTLS()
	srv.StartTLS()
	dir := t.TempDir()
	certPEM, keyPEM, err := pki.ClientPEM("SE2321000016-PORT")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"ca.pem": pki.CAPEM(), "portal.pem": certPEM, "portal.key": keyPEM}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"-url", srv.URL, "-facility", facilityID, "-subject", "191212121212",
		"-ca", filepath.Join(dir, "ca.pem"), "-cert", filepath.Join(dir, "portal.pem"), "-key", filepath.Join(dir, "portal.key"),
		"timetypes"}
	var out bytes.Buffer
	if err := run(t.Context(), args, &out); err != nil {
		t.Fatalf("mvkcli with a client certificate: %v", err)
	}
	if !strings.Contains(out.String(), "Läkarbesök") {
		t.Errorf("timetypes over mutual TLS: %q", out.String())
	}

	// Without the certificate the producer refuses the connection.
	out.Reset()
	err = run(t.Context(), []string{"-url", srv.URL, "-facility", facilityID, "-subject", "191212121212",
		"-ca", filepath.Join(dir, "ca.pem"), "timetypes"}, &out)
	if err == nil || errors.Is(err, errUsage) {
		t.Errorf("mvkcli without a client certificate: %v, want the producer's refusal", err)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		nil,
		{"-url", "http://x", "-facility", facilityID, "-subject", "191212121212"},
		{"-url", "http://x", "-facility", facilityID, "-subject", "191212121212", "fly"},
		{"-url", "http://x", "-facility", facilityID, "-subject", "191212121212", "book"},
		{"-nosuchflag"},
	} {
		err := run(t.Context(), args, new(bytes.Buffer))
		if !errors.Is(err, errUsage) {
			t.Errorf("mvkcli %q: %v, want a usage error", args, err)
		}
	}
	err := run(t.Context(), []string{"-url", "http://x", "-facility", facilityID, "-subject", "123", "slots"}, new(bytes.Buffer))
	if err == nil || strings.Contains(err.Error(), "123") && !strings.Contains(err.Error(), "-subject") {
		t.Errorf("a bad personal number: %v, want an error naming -subject", err)
	}
}
