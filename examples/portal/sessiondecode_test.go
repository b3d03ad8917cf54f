package main

import (
	"encoding/json"
	"testing"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// TestSessionDecoderAnswersOnlyForTheSameJSON: the decoder answers from
// what it kept only for JSON equal to what it decoded, so a session
// changed elsewhere is read as changed; and a caller changing what it was
// given changes nothing the next caller gets.
func TestSessionDecoderAnswersOnlyForTheSameJSON(t *testing.T) {
	var d sessionDecoder
	enc := func(st sessionState) string {
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	first := sessionState{CSRF: "a", Who: &Identity{Person: tidbok.MustPersonalNumber("191212121212"), Name: "Tolvan"},
		Recent: []doneWrite{{Key: "k1", Path: "/p1"}}, Confirms: []keptConfirmation{{CaseType: "boka"}}}
	got, err := d.decode("s", enc(first))
	if err != nil || got.CSRF != "a" {
		t.Fatalf("decode = %+v, %v", got, err)
	}
	// The caller changes what it got, in place.
	got.Who.Name = "Ändrad"
	got.Recent[0].Path = "/ändrad"
	got.Confirms[0].CaseType = "ändrad"
	again, err := d.decode("s", enc(first))
	if err != nil || again.Who.Name != "Tolvan" || again.Recent[0].Path != "/p1" || again.Confirms[0].CaseType != "boka" {
		t.Errorf("after a caller's change, decode = %+v (who %+v), %v; want the stored state", again, again.Who, err)
	}
	// Another process stores a changed session under the same key.
	second := first
	second.CSRF, second.Flash = "b", "Bokad."
	changed, err := d.decode("s", enc(second))
	if err != nil || changed.CSRF != "b" || changed.Flash != "Bokad." {
		t.Errorf("after a change elsewhere, decode = %+v, %v; want the changed state", changed, err)
	}
	if _, err := d.decode("s", "{not json"); err == nil {
		t.Error("decoding broken JSON: no error")
	}
}
