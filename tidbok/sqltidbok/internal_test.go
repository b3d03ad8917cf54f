package sqltidbok

import (
	"errors"
	"testing"
	"time"

	"github.com/webbtidbok/webbtidbok/internal/bookbase"
	"github.com/webbtidbok/webbtidbok/internal/sqldb"
	"github.com/webbtidbok/webbtidbok/tidbok"
	"github.com/webbtidbok/webbtidbok/tidbok/texts"
)

func TestTheEmbeddedMigrationsServeBothDialects(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		migs, err := schema.Migrations(d.sql())
		if err != nil || len(migs) == 0 || migs[0].Version != 1 {
			t.Errorf("%v: %d migrations, %v; want version 1 first", d, len(migs), err)
		}
	}
}

func TestAWriteWhoseAnswerIsLostIsReportedAsSuch(t *testing.T) {
	b := &Book{dialect: sqldb.Postgres}
	err := b.writeFailed(tidbok.OpBook, b.afterWrite(errors.New("unexpected EOF")))
	var oe *tidbok.OpError
	if !errors.As(err, &oe) || oe.Op != tidbok.OpBook || !errors.Is(err, tidbok.ErrOutcomeUnknown) {
		t.Errorf("writeFailed = %v, want an *OpError of Book matching ErrOutcomeUnknown", err)
	}
	refused := bookbase.OpErr(tidbok.OpBook, tidbok.ErrSlotTaken, texts.SlotTaken)
	if got := b.writeFailed(tidbok.OpBook, refused); got != refused {
		t.Errorf("writeFailed(%v) = %v, want the refusal as is", refused, got)
	}
}

func TestIDsAreUniqueAndShapedByKind(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s, bk := newID(slotPrefix), newID(bookingPrefix)
		if !hasPrefix(s, slotPrefix) || hasPrefix(s, bookingPrefix) || !hasPrefix(bk, bookingPrefix) {
			t.Fatalf("IDs %q and %q have the wrong shape", s, bk)
		}
		if seen[s] || seen[bk] {
			t.Fatalf("ID %q or %q made twice", s, bk)
		}
		seen[s], seen[bk] = true, true
	}
}

func TestDatesRoundTripThroughTheirKeys(t *testing.T) {
	for _, d := range []tidbok.Date{{Year: 2026, Month: time.March, Day: 29}, {Year: 1999, Month: time.December, Day: 31}, {Year: 2249, Month: time.January, Day: 1}} {
		if got := dateOfKey(dayKey(d)); got != d {
			t.Errorf("dateOfKey(dayKey(%v)) = %v", d, got)
		}
	}
	late := time.Date(2026, time.March, 9, 23, 30, 0, 0, tidbok.Stockholm())
	if got := dayOf(late.UTC()); got != 20260309 {
		t.Errorf("dayOf(%v) = %d, want the Swedish date 20260309", late.UTC(), got)
	}
}

func TestFlagsRoundTripThroughTheirBits(t *testing.T) {
	for i := range 8 {
		f := tidbok.Flags{MayCancel: i&1 != 0, MayReschedule: i&2 != 0, MayMessage: i&4 != 0}
		if got := decodeFlags(encodeFlags(f)); got != f {
			t.Errorf("decodeFlags(encodeFlags(%+v)) = %+v", f, got)
		}
	}
}
