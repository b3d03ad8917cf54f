package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// A session keeps a confirmation without its calendar file and summary,
// and makes the same ones again when read.
func TestAKeptConfirmationMakesTheSameCalendarFile(t *testing.T) {
	slot := tidbok.Timeslot{ID: "b1", Facility: demoClinic.ID, FacilityName: demoClinic.Name,
		Start: t0.Add(26 * time.Hour), End: t0.Add(26*time.Hour + 30*time.Minute), TimeType: ttDoctor}
	for _, seq := range []int{0, 2} {
		c := confirmed{CaseType: ctBook, Confirmation: booking.Confirmation{Booking: slot, Notice: "Kom fastande.",
			Summary: booking.Summarize(slot, "Kom fastande."),
			ICS:     booking.CalendarEvent{Booking: slot, Notice: "Kom fastande.", Stamp: t0.Add(1234567 * time.Microsecond), Sequence: seq}.ICS()}}
		data, err := json.Marshal(sessionState{Confirms: []keptConfirmation{c.keep()}})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("BEGIN")) || bytes.Contains(data, []byte("ICS")) {
			t.Errorf("the session keeps a calendar file: %s", data)
		}
		var st sessionState
		if err := json.Unmarshal(data, &st); err != nil {
			t.Fatal(err)
		}
		ss := &session{}
		ss.set(st)
		got, ok := ss.confirmation("b1")
		if !ok {
			t.Fatal("the confirmation is not kept")
		}
		if !bytes.Equal(got.ICS, c.ICS) {
			t.Errorf("sequence %d: calendar file made again\n%s\nwant\n%s", seq, got.ICS, c.ICS)
		}
		if got.Summary != c.Summary || got.CaseType != ctBook || got.Notice != c.Notice {
			t.Errorf("sequence %d: got %+v, want %+v", seq, got, c)
		}
	}
}

// A session kept before confirmations lost their calendar files, and
// request keys their map, still reads.
func TestASessionKeptInTheEarlierFormReads(t *testing.T) {
	old := `{"csrf":"x","subject":{},"confirms":[{"Booking":{"ID":"b1"},"Previous":{},"Notice":"","Summary":{},"ICS":"QkVHSU4=","Replayed":false,"Reconciled":false,"CaseType":"boka"}],"done":{"k1":"/a"}}`
	var st sessionState
	if err := json.Unmarshal([]byte(old), &st); err != nil {
		t.Fatal(err)
	}
	ss := &session{}
	ss.set(st)
	if c, ok := ss.confirmation("b1"); !ok || string(c.ICS) != "BEGIN" {
		t.Errorf("confirmation: %+v, %v", c, ok)
	}
	if p, ok := ss.doneAt("k1"); !ok || p != "/a" {
		t.Errorf("doneAt: %q, %v", p, ok)
	}
	for i := range 20 {
		ss.markDone(string(rune('a'+i)), "/p")
	}
	if n := len(ss.snapshot().Recent); n != maxRecent {
		t.Errorf("keeps %d request keys, want %d", n, maxRecent)
	}
	if _, ok := ss.doneAt("t"); !ok {
		t.Error("the latest request key is forgotten")
	}
}
