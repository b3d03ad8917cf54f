package sqlstore_test

import (
	"errors"
	"fmt"
	"github.com/webbtidbok/webbtidbok/booking/store"
	"reflect"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/sqlstore"
	"github.com/webbtidbok/webbtidbok/terms"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The round trip tests store a value with every field set, each to a
// value of its own, and read it back: a field the stores drop, or one
// they mix up with another, shows as a difference. Since the values are
// filled by reflection, a field added to one of the types later is
// covered without changing the tests.

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	personType   = reflect.TypeFor[tidbok.PersonalNumber]()
	hsaidType    = reflect.TypeFor[tidbok.HSAID]()
	kindType     = reflect.TypeFor[tidbok.Kind]()
)

// filler sets every field of a value, recursively, to a value different
// from every other field's: strings, numbers and times from a counter,
// bools true, slices of two elements. Types with unexported fields are
// made with their parsers.
type filler struct {
	t testing.TB
	n int
}

// filled returns a T with every field set. Values filled with different
// seeds differ in every string, identity and time.
func filled[T any](t testing.TB, seed int) T {
	t.Helper()
	var v T
	f := &filler{t: t, n: seed * 1000}
	f.fill(reflect.ValueOf(&v).Elem(), reflect.TypeFor[T]().Name())
	assertFilled(t, reflect.ValueOf(v), reflect.TypeFor[T]().Name())
	return v
}

func (f *filler) next() int {
	f.n++
	return f.n
}

func (f *filler) fill(v reflect.Value, path string) {
	f.t.Helper()
	switch v.Type() {
	case timeType:
		// Not UTC, with nanoseconds: what the stores must keep.
		n := f.next()
		at := time.Date(2026, time.March, 2, 9, 0, 0, 123456789, tidbok.Stockholm()).
			Add(time.Duration(n)*time.Hour + time.Duration(n))
		v.Set(reflect.ValueOf(at))
		return
	case durationType:
		n := f.next()
		v.SetInt(int64(time.Duration(n)*time.Minute + time.Duration(n)))
		return
	case personType:
		v.Set(reflect.ValueOf(citizen(f.next())))
		return
	case hsaidType:
		v.Set(reflect.ValueOf(tidbok.MustHSAID(fmt.Sprintf("SE2321000016-F%03d", f.next()))))
		return
	case kindType:
		// A kind other than none, which is the zero value.
		v.Set(reflect.ValueOf(tidbok.Kind(f.next()%int(tidbok.KindOther) + 1)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s=%d", path, f.next()))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.next()%100 + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.next()%100 + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.next()) + 0.5)
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				f.t.Fatalf("filler: %s.%s of type %v is unexported: teach the filler to make a %v", path, sf.Name, v.Type(), v.Type())
			}
			f.fill(v.Field(i), path+"."+sf.Name)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), path)
		v.Set(p)
	case reflect.Map:
		m := reflect.MakeMapWithSize(v.Type(), 2)
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(k, fmt.Sprintf("%s[key %d]", path, i))
			f.fill(e, fmt.Sprintf("%s[%d]", path, i))
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		f.t.Fatalf("filler: %s is a %v: teach the filler to fill it", path, v.Type())
	}
}

// assertFilled fails t for every field of v, recursively, that is zero
// or an empty slice or map.
func assertFilled(t testing.TB, v reflect.Value, path string) {
	t.Helper()
	switch v.Type() {
	case timeType, durationType, personType, hsaidType:
		if v.IsZero() {
			t.Errorf("%s is zero", path)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			assertFilled(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			t.Errorf("%s is empty", path)
		}
		for i := range v.Len() {
			assertFilled(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			t.Errorf("%s is empty", path)
		}
		for it := v.MapRange(); it.Next(); {
			assertFilled(t, it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()))
		}
	case reflect.Pointer:
		if v.IsNil() {
			t.Errorf("%s is nil", path)
			return
		}
		assertFilled(t, v.Elem(), path)
	default:
		if v.IsZero() {
			t.Errorf("%s is zero", path)
		}
	}
}

// The filler itself: every field set, and to different values.
func TestFillerFillsEveryField(t *testing.T) {
	t.Parallel()
	r := filled[booking.Request](t, 0)
	if r.ID == r.CaseType || r.Created.Equal(r.ClosedAt) || r.Subject == r.Caller.Person || r.Clinic == r.ClosedBy {
		t.Errorf("two fields were filled alike: %+v", r)
	}
	if _, off := r.Created.Zone(); r.Created.Location() != tidbok.Stockholm() || off == 0 || r.Created.Nanosecond() == 0 {
		t.Errorf("Created = %v: want a time in Stockholm with nanoseconds", r.Created)
	}
	// assertFilled catches a zero field deep down.
	if other := filled[booking.Request](t, 1); other.ID == r.ID || other.Subject == r.Subject || other.Created.Equal(r.Created) {
		t.Errorf("values filled with different seeds are alike: %+v and %+v", r, other)
	}
	// assertFilled catches a zero field deep down.
	k := filled[store.KeyRecord](t, 0)
	k.Result.Alternatives[1].Resource.Name = ""
	rec := &recorder{}
	assertFilled(rec, reflect.ValueOf(k), "KeyRecord")
	if len(rec.errors) != 1 {
		t.Errorf("assertFilled reported %q, want the one empty field", rec.errors)
	}
}

// recorder is a testing.TB that records errors instead of failing; it
// has only the methods assertFilled calls.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// diffValue reports a difference between want and got, what was read back
// from the store.
func diffValue(t *testing.T, what string, want, got any) {
	t.Helper()
	if diff := gocmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("%s: read back differently (-stored +read):\n%s", what, diff)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, _ backend, s *sqlstore.Stores) {
		t.Run("CaseType", func(t *testing.T) {
			ctx := t.Context()
			ct := filled[casetype.CaseType](t, 1)
			must(t, s.CaseTypes().Put(ctx, ct, 0))
			got, err := s.CaseTypes().Get(ctx, ct.Clinic, ct.ID)
			must(t, err)
			diffValue(t, "Get", ct, got)
			listed, err := s.CaseTypes().List(ctx, ct.Clinic)
			must(t, err)
			diffValue(t, "List", []casetype.CaseType{ct}, listed)

			next := filled[casetype.CaseType](t, 2)
			next.Clinic, next.ID, next.Version = ct.Clinic, ct.ID, ct.Version+1
			must(t, s.CaseTypes().Put(ctx, next, ct.Version))
			got, err = s.CaseTypes().Get(ctx, ct.Clinic, ct.ID)
			must(t, err)
			diffValue(t, "Get after an update", next, got)
		})

		t.Run("terms.Version", func(t *testing.T) {
			ctx := t.Context()
			v := filled[terms.Version](t, 1)
			v.Number = 1
			must(t, s.Terms().AddVersion(ctx, v))
			got, err := s.Terms().Version(ctx, v.Clinic, v.CaseTypeID, 1)
			must(t, err)
			diffValue(t, "Version", v, got)
			latest, err := s.Terms().Latest(ctx, v.Clinic, v.CaseTypeID)
			must(t, err)
			diffValue(t, "Latest", v, latest)
		})

		t.Run("terms.Acceptance", func(t *testing.T) {
			ctx := t.Context()
			a := filled[terms.Acceptance](t, 1)
			must(t, s.Terms().AddAcceptance(ctx, a))
			if ok, err := s.Terms().Accepted(ctx, a.Citizen, a.Clinic, a.CaseTypeID, a.Version); err != nil || !ok {
				t.Errorf("Accepted = %v, %v; want true", ok, err)
			}
		})

		t.Run("Hold", func(t *testing.T) {
			ctx := t.Context()
			h := filled[booking.Hold](t, 1)
			now := h.Slot.Start // any time before Expires
			h.Expires = now.Add(10*time.Minute + 1)
			got, err := s.Holds().Acquire(ctx, h, now)
			must(t, err)
			diffValue(t, "Acquire", h, got)
			got, err = s.Holds().Get(ctx, h.Token)
			must(t, err)
			diffValue(t, "Get", h, got)
			held, err := s.Holds().Held(ctx, h.Clinic, now)
			must(t, err)
			diffValue(t, "Held", []booking.Hold{h}, held)

			// Refused, the hold returned is the stored one, whole.
			other := filled[booking.Hold](t, 2)
			other.Clinic, other.Key = h.Clinic, h.Key
			holder, err := s.Holds().Acquire(ctx, other, now)
			if !errors.Is(err, booking.ErrHeld) {
				t.Fatalf("another subject's Acquire of the held slot = %v, want ErrHeld", err)
			}
			diffValue(t, "Acquire refused", h, holder)
		})

		t.Run("KeyRecord", func(t *testing.T) {
			ctx := t.Context()
			for i, state := range []store.KeyState{store.KeyDone, store.KeyUnknown} {
				full := filled[store.KeyRecord](t, i+1)
				full.State = state
				full.Expires = full.Claimed.Add(time.Hour + 1)
				first := store.KeyRecord{Caller: full.Caller, Key: full.Key, Action: full.Action, Fingerprint: full.Fingerprint,
					State: store.KeyPending, Claim: full.Claim, Claimed: full.Claimed, Expires: full.Expires}
				if _, ok, err := s.Keys().Claim(ctx, first, time.Minute); err != nil || !ok {
					t.Fatalf("Claim: %v, %v", ok, err)
				}
				must(t, s.Keys().Update(ctx, full))
				repeat := first
				repeat.Claim, repeat.Claimed = "repeat", full.Claimed.Add(time.Second)
				prior, ok, err := s.Keys().Claim(ctx, repeat, time.Minute)
				must(t, err)
				// Done: refused with the record; unknown: taken over,
				// returning the record as it was.
				if want := state == store.KeyUnknown; ok != want {
					t.Errorf("%v: Claim of the repeat: claimed %v, want %v", state, ok, want)
				}
				diffValue(t, fmt.Sprintf("Claim of a %v record", state), full, prior)
			}
		})

		t.Run("Request", func(t *testing.T) {
			ctx := t.Context()
			r := filled[booking.Request](t, 1) // ClosedAt is set: it is closed
			must(t, s.Requests().Add(ctx, r))
			got, err := s.Requests().List(ctx, r.Clinic, false)
			must(t, err)
			diffValue(t, "List", []booking.Request{r}, got)
			closed, err := s.Requests().Close(ctx, r.Clinic, r.ID, staffA, t0)
			must(t, err)
			diffValue(t, "Close of a closed request", r, closed)
			if open, err := s.Requests().List(ctx, r.Clinic, true); err != nil || len(open) != 0 {
				t.Errorf("List(openOnly) of a closed request = %d, %v; want none", len(open), err)
			}

			open := filled[booking.Request](t, 2)
			open.ClosedBy, open.ClosedAt = tidbok.HSAID{}, time.Time{}
			must(t, s.Requests().Add(ctx, open))
			closed, err = s.Requests().Close(ctx, open.Clinic, open.ID, staffA, t0)
			must(t, err)
			want := open
			want.ClosedBy, want.ClosedAt = staffA, t0
			diffValue(t, "Close", want, closed)
			got, err = s.Requests().List(ctx, open.Clinic, false)
			must(t, err)
			diffValue(t, "List after Close", []booking.Request{want}, got)
		})

		t.Run("booking.Event", func(t *testing.T) {
			ctx := t.Context()
			e := filled[booking.Event](t, 1)
			must(t, s.Audit().Record(ctx, e))
			got, err := s.Audit().Events(ctx, sqlstore.AuditQuery{Clinic: e.Clinic, Subject: e.Subject, From: e.Time, To: e.Time.Add(1)})
			must(t, err)
			diffValue(t, "Events", []booking.Event{e}, got)
		})

		t.Run("casetype.Event", func(t *testing.T) {
			ctx := t.Context()
			e := filled[casetype.Event](t, 1)
			must(t, s.CaseTypeAudit().Record(ctx, e))
			got, err := s.CaseTypeAudit().Events(ctx, e.Clinic, e.Time, e.Time.Add(1))
			must(t, err)
			diffValue(t, "Events", []casetype.Event{e}, got)
		})
	})
}
