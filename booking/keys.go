package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// claim is a request key held by one call.
type claim struct {
	rec store.KeyRecord
	// resume reports that an earlier call with the key may have sent
	// rec.Intent: read the book before sending anything.
	resume bool
	// fin, when set, gathers the call's settling writes for one Settle
	// (see settle.go).
	fin *closing
}

// How a call waits for a request key another call holds: it asks the
// keys store again after keyPollFirst, then after twice as long each time
// up to keyPollMax, and at once when a call of this Service lets the key
// go. Polling finds calls of other processes sharing the store.
const (
	keyPollFirst = 20 * time.Millisecond
	keyPollMax   = time.Second
)

// claimKey claims sc's caller's key for a request of act with fingerprint
// fp. When the key's outcome is stored it returns it as replay instead.
// While another call holds the key it waits, until that call lets it go
// or its lease is up, or until ctx ends: then it returns an *Error
// matching ErrInProgress and ctx's error.
func (s *Service) claimKey(ctx context.Context, sc Scope, act Action, key, fp string, now time.Time) (*claim, *store.KeyRecord, error) {
	id := keyID{sc.Caller.key(), key}
	delay := keyPollFirst
	inProgress := func() error {
		return &Error{Action: act, Text: textInProgress, Err: wrapping(ErrInProgress, context.Cause(ctx))}
	}
	endWait := func() {}
	defer func() { endWait() }()
	for waited := false; ; waited = true {
		woken := s.waits.watch(id)
		c, stored, err := s.tryClaim(ctx, id, act, fp, now)
		if err == errHeldByAnother && !waited {
			endWait = s.tel.startWait(ctx, act)
		}
		if err != errHeldByAnother {
			s.waits.forget(id, woken)
			if err != nil && waited && ctx.Err() != nil {
				// The context ended while the store was asked again.
				return nil, nil, inProgress()
			}
			return c, stored, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			s.waits.forget(id, woken)
			return nil, nil, inProgress()
		case <-woken:
		case <-t.C:
		}
		t.Stop()
		s.waits.forget(id, woken)
		delay = min(2*delay, keyPollMax)
		// The holder's lease runs on the service's clock.
		now = s.now()
	}
}

// errHeldByAnother is tryClaim's answer while another call holds the key.
var errHeldByAnother = errors.New("booking: request key held by another call")

// tryClaim claims the key once; see claimKey.
func (s *Service) tryClaim(ctx context.Context, id keyID, act Action, fp string, now time.Time) (*claim, *store.KeyRecord, error) {
	rec := store.KeyRecord{
		Caller: id.caller, Key: id.key, Action: string(act), Fingerprint: fp,
		State: store.KeyPending, Claim: newToken(), Claimed: now, Expires: now.Add(s.keyTTL),
	}
	prior, ok, err := s.keys.Claim(ctx, rec, s.keyLease)
	switch {
	case err != nil:
		return nil, nil, &Error{Action: act, Text: textGeneric, Err: failure("claiming the request key", err)}
	case ok:
		if !prior.Intent.IsZero() {
			rec.Intent = prior.Intent
			return &claim{rec: rec, resume: true}, nil, nil
		}
		return &claim{rec: rec}, nil, nil
	case prior.Action != string(act) || prior.Fingerprint != fp:
		return nil, nil, &Error{Action: act, Text: textInvalid,
			Err: because(ErrKeyReused, "it was used for another %s", prior.Action)}
	case prior.State == store.KeyDone:
		return nil, &prior, nil
	default:
		return nil, nil, errHeldByAnother
	}
}

// keyID names a request key: the caller's and the key.
type keyID struct{ caller, key string }

// keyWaits wakes the calls of one Service waiting for a request key when
// another of its calls lets the key go. The zero value is ready to use.
type keyWaits struct {
	mu sync.Mutex
	m  map[keyID]*keyWait
}

// keyWait is the channel closed when the key is let go, and how many
// calls wait on it.
type keyWait struct {
	ch      chan struct{}
	waiters int
}

// watch returns a channel closed when a call lets id go. Call forget with
// it when done waiting.
func (w *keyWaits) watch(id keyID) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[keyID]*keyWait{}
	}
	kw := w.m[id]
	if kw == nil {
		kw = &keyWait{ch: make(chan struct{})}
		w.m[id] = kw
	}
	kw.waiters++
	return kw.ch
}

// forget ends a wait that watch began.
func (w *keyWaits) forget(id keyID, ch <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if kw := w.m[id]; kw != nil && kw.ch == ch {
		if kw.waiters--; kw.waiters == 0 {
			delete(w.m, id)
		}
	}
}

// letGo wakes the calls waiting for id.
func (w *keyWaits) letGo(id keyID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if kw := w.m[id]; kw != nil {
		close(kw.ch)
		delete(w.m, id)
	}
}

// saveIntent stores the write about to be sent. It must succeed before
// the write is sent, so that a repeat in any process can reconcile it.
func (s *Service) saveIntent(ctx context.Context, c *claim, in store.Intent) error {
	c.rec.Intent = in
	if err := s.keys.Update(context.WithoutCancel(ctx), c.rec); err != nil {
		return failure("recording the write before sending it", err)
	}
	return nil
}

// settleKey stores the outcome of the key's call. A failure is logged:
// the outcome stands, and a repeat reconciles by reading the book.
//
// With a closing (c.fin), the outcome waits there and is written with
// the rest of the call's settling writes; the key is let go after that.
func (s *Service) settleKey(ctx context.Context, c *claim, r store.KeyResult) {
	c.rec.State, c.rec.Result = store.KeyDone, r
	if c.fin != nil {
		c.fin.key = c
		return
	}
	defer s.waits.letGo(keyID{c.rec.Caller, c.rec.Key})
	s.storeOutcome(ctx, c)
}

// storeOutcome stores the outcome settleKey set; a failure is logged.
func (s *Service) storeOutcome(ctx context.Context, c *claim) {
	if err := s.keys.Update(context.WithoutCancel(ctx), c.rec); err != nil {
		s.log.Warn("booking: storing the outcome of a request key failed; a repeat reads the book", "action", c.rec.Action, "err", err)
	}
}

// unknownKey leaves the key for a repeat to reconcile.
func (s *Service) unknownKey(ctx context.Context, c *claim) {
	c.rec.State = store.KeyUnknown
	defer s.waits.letGo(keyID{c.rec.Caller, c.rec.Key})
	if err := s.keys.Update(context.WithoutCancel(ctx), c.rec); err != nil {
		s.log.Warn("booking: marking a request key unknown failed", "action", c.rec.Action, "err", err)
	}
}

// dropKey frees the key of a call that sent nothing, so that a repeat
// starts afresh. A key whose earlier call may have sent a write is left
// unknown instead.
func (s *Service) dropKey(ctx context.Context, c *claim) {
	if c.resume {
		s.unknownKey(ctx, c)
		return
	}
	defer s.waits.letGo(keyID{c.rec.Caller, c.rec.Key})
	if err := s.keys.Release(context.WithoutCancel(ctx), c.rec.Caller, c.rec.Key, c.rec.Claim); err != nil {
		s.log.Warn("booking: releasing a request key failed; it frees itself after the lease", "action", c.rec.Action, "err", err)
	}
}

// checkKey checks a request key: 1 to 255 bytes of printable text.
func checkKey(p *tidbok.Problems, key string) {
	switch {
	case key == "":
		p.Add("Key", "is required: a key chosen for this request (e.g. a UUID), sent again when the call is repeated")
	case len(key) > 255:
		p.Add("Key", "is %d bytes long; use at most 255", len(key))
	case !utf8.ValidString(key):
		p.Add("Key", "is not valid UTF-8 text")
	}
}

// fingerprint identifies a request by what it asks for, so that a key
// reused for another request is caught.
func fingerprint(act Action, sc Scope, parts ...string) string {
	h := sha256.New()
	for _, s := range append([]string{string(act), sc.Subject.Canonical(), sc.Clinic.String(), sc.CaseType}, parts...) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// slotPrint is the part of a fingerprint that names a slot.
func slotPrint(ts tidbok.Timeslot) string {
	if ts.Start.IsZero() {
		return ""
	}
	return slotKey(ts) + "@" + strconv.FormatInt(ts.Start.Unix(), 10)
}

// refusedKind is the kind of a book's refusal, as stored in
// store.KeyResult.Refused: one of the kinds refusedByBook admits, and
// invalid for anything else.
func refusedKind(err error) tidbok.Kind {
	if k := tidbok.KindOf(err); k.IsRefusal() {
		return k
	}
	return tidbok.KindInvalid
}

// refusal is the stored form of the book's refusal err.
func refusal(err error, now time.Time) store.KeyResult {
	r := store.KeyResult{Refused: refusedKind(err), Text: citizenText(err), Time: now}
	var st *SlotTakenError
	if errors.As(err, &st) {
		r.Alternatives = st.Alternatives
	}
	return r
}

// replayed rebuilds the error of a stored refusal. It matches the same
// sentinel as the first call's error and carries the same text.
func replayed(act Action, r store.KeyResult) error {
	sentinel := r.Refused.Err()
	if sentinel == nil || !refusedByBook(sentinel) {
		// Not a kind the service stores: a store's record it cannot
		// read. It is still a refusal, never a success.
		sentinel = tidbok.ErrInvalid
	}
	cause := &storedOutcome{sentinel}
	if r.Refused == tidbok.KindSlotTaken {
		return &SlotTakenError{Action: act, Text: r.Text, Err: cause, Alternatives: slices.Clone(r.Alternatives)}
	}
	return &Error{Action: act, Text: r.Text, Err: cause}
}

// storedOutcome is the cause of a replayed refusal: the sentinel of its
// kind. Its text is the one stored, which the clinic's wording already
// had its say on.
type storedOutcome struct{ sentinel error }

func (e *storedOutcome) Error() string {
	return e.sentinel.Error() + " (stored outcome of this request key)"
}

func (e *storedOutcome) Unwrap() error { return e.sentinel }
