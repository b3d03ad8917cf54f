package casetype

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// ErrAudit means a change was made but its audit event could not be
// recorded. The error wraps the sink's error; the returned case type is
// the stored one.
var ErrAudit = errors.New("casetype: change made but not audited")

// Registry is where a clinic's local administrators configure case types
// and where the portal reads them. Every attempt to change a case type is
// authorized ([Admin]) and audited ([AuditSink]). A Registry is safe for
// concurrent use; concurrent changes to one case type are settled by its
// Version ([ErrConflict]).
type Registry struct {
	store Store
	now   func() time.Time
	audit AuditSink
}

// Option configures a [Registry].
type Option func(*Registry)

// WithClock sets the clock that stamps changes and audit events; the
// default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(r *Registry) { r.now = now }
}

// WithAudit sets where audit events go; the default is [LogAudit] with
// [slog.Default].
func WithAudit(sink AuditSink) Option {
	return func(r *Registry) { r.audit = sink }
}

// New returns a Registry keeping case types in store, which must not be
// nil. Options apply in order; the last of a kind wins.
func New(store Store, opts ...Option) *Registry {
	r := &Registry{store: store, now: time.Now, audit: LogAudit(nil)}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Get returns a case type, or an error matching [ErrNotFound].
func (r *Registry) Get(ctx context.Context, clinic tidbok.HSAID, id string) (CaseType, error) {
	return r.store.Get(ctx, clinic, id)
}

// List returns all the clinic's case types, in every status, ordered by ID.
func (r *Registry) List(ctx context.Context, clinic tidbok.HSAID) ([]CaseType, error) {
	return r.store.List(ctx, clinic)
}

// Active returns the clinic's active case types ordered by ID: those its
// contact card shows.
func (r *Registry) Active(ctx context.Context, clinic tidbok.HSAID) ([]CaseType, error) {
	all, err := r.store.List(ctx, clinic)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(ct CaseType) bool { return ct.Status != StatusActive }), nil
}

// Create stores draft as a new case type in [StatusDraft] at version 1,
// created by admin. A draft may be incomplete; only its ID, Clinic and
// Kind must be valid (otherwise the error matches [tidbok.ErrInvalid]).
// Errors match [ErrForbidden] unless admin administers draft.Clinic, and
// [ErrConflict] if the ID is taken at the clinic.
func (r *Registry) Create(ctx context.Context, admin Admin, draft CaseType) (CaseType, error) {
	ev := r.event(admin, draft.Clinic, draft.ID, ActionCreate)
	var p tidbok.Problems
	checkIdentity(&p, draft)
	if err := p.Err(); err != nil {
		return CaseType{}, r.record(ctx, ev, fmt.Errorf("casetype: cannot create case type: %w", err))
	}
	if err := admin.authorize(draft.Clinic); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	ct := draft.clone()
	stamp := Stamp{By: admin.ID, At: ev.Time}
	ct.Status, ct.Version = StatusDraft, 1
	ct.Created, ct.Changed, ct.Activated, ct.Deactivated = stamp, stamp, Stamp{}, Stamp{}
	if err := r.store.Put(ctx, ct, 0); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	ev.Version = ct.Version
	return ct, r.record(ctx, ev, nil)
}

// Update replaces the settings of the case type (ct.Clinic, ct.ID) with
// those of ct — Kind through Proxy; the fields from Status on are the
// Registry's — and returns it at its next version. ct.Version must be the
// stored version, or the error matches [ErrConflict]: someone changed it
// since it was read.
//
// A draft or inactive case type may be left incomplete. An active one
// stays active only as a whole: the changed settings must pass the checks
// that need neither the book nor the terms, and changes that would need
// the book checked again — the Kind, another time type, newly allowing
// cancelling or rescheduling — are refused; deactivate, change and
// activate again. Refusals match [ErrIncomplete].
func (r *Registry) Update(ctx context.Context, admin Admin, ct CaseType) (CaseType, error) {
	ev := r.event(admin, ct.Clinic, ct.ID, ActionUpdate)
	if err := admin.authorize(ct.Clinic); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	old, err := r.store.Get(ctx, ct.Clinic, ct.ID)
	if err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	if old.Version != ct.Version {
		err := fmt.Errorf("%w: %q at clinic %v is at version %d (changed by %v at %s), not %d: reload it",
			ErrConflict, ct.ID, ct.Clinic, old.Version, old.Changed.By, old.Changed.At.Format(time.RFC3339), ct.Version)
		return CaseType{}, r.record(ctx, ev, err)
	}
	next := old
	next.Kind, next.Name, next.Concerns = ct.Kind, ct.Name, ct.Concerns
	next.TimeTypeIDs = slices.Clone(ct.TimeTypeIDs)
	next.Message, next.Rules, next.Assurance, next.Proxy = ct.Message, ct.Rules, ct.Assurance, ct.Proxy
	next.Eligibility = ct.Eligibility
	next.Eligibility.Citizens = slices.Clone(ct.Eligibility.Citizens)
	next.Reminders = slices.Clone(ct.Reminders)

	var p tidbok.Problems
	if old.Status == StatusActive {
		checkSettings(&p, next)
		checkActiveChange(&p, old, next)
		if err := incomplete(next, &p); err != nil {
			return CaseType{}, r.record(ctx, ev, err)
		}
	} else {
		checkIdentity(&p, next)
		if err := p.Err(); err != nil {
			return CaseType{}, r.record(ctx, ev, fmt.Errorf("casetype: cannot update case type: %w", err))
		}
	}
	next.Version = old.Version + 1
	next.Changed = Stamp{By: admin.ID, At: ev.Time}
	if err := r.store.Put(ctx, next, old.Version); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	ev.Version = next.Version
	return next, r.record(ctx, ev, nil)
}

// checkActiveChange refuses changes to an active case type that would
// need the book or the terms asked again.
func checkActiveChange(p *tidbok.Problems, old, next CaseType) {
	const redo = "deactivate the case type, change it and activate it again, so that the book is checked"
	if next.Kind != old.Kind {
		p.Add("Kind", "cannot change while the case type is active: %s", redo)
		return
	}
	if next.Rules.AllowCancel && !old.Rules.AllowCancel {
		p.Add("Rules.AllowCancel", "cannot be turned on while the case type is active: %s", redo)
	}
	if next.Rules.AllowReschedule && !old.Rules.AllowReschedule {
		p.Add("Rules.AllowReschedule", "cannot be turned on while the case type is active: %s", redo)
	}
	for i, id := range next.TimeTypeIDs {
		if id != "" && !slices.Contains(old.TimeTypeIDs, id) {
			p.Add(fmt.Sprintf("TimeTypeIDs[%d]", i), "adds time type %q, which cannot be added while the case type is active: %s", id, redo)
		}
	}
}

// Activate makes the case type active — shown to citizens — if [Check]
// finds nothing to fix, and returns it at its next version. Otherwise the
// error matches [ErrIncomplete] and lists every problem, or is a technical
// error from asking deps. Activating an active case type checks it again.
// Errors match [ErrForbidden] unless admin administers clinic,
// [ErrNotFound], and [ErrConflict] if the case type changed during the
// check.
func (r *Registry) Activate(ctx context.Context, admin Admin, clinic tidbok.HSAID, id string, deps ActivationDeps) (CaseType, error) {
	ev := r.event(admin, clinic, id, ActionActivate)
	if err := admin.authorize(clinic); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	old, err := r.store.Get(ctx, clinic, id)
	if err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	if err := Check(ctx, old, deps); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	next := old
	next.Status = StatusActive
	next.Version = old.Version + 1
	next.Activated = Stamp{By: admin.ID, At: r.now()}
	ev.Time = next.Activated.At
	if err := r.store.Put(ctx, next, old.Version); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	ev.Version = next.Version
	return next, r.record(ctx, ev, nil)
}

// Deactivate withdraws an active case type from citizens ([StatusInactive])
// and returns it at its next version. A case type that is not active is
// returned unchanged. Errors match [ErrForbidden] unless admin administers
// clinic, [ErrNotFound], and [ErrConflict] on a concurrent change.
func (r *Registry) Deactivate(ctx context.Context, admin Admin, clinic tidbok.HSAID, id string) (CaseType, error) {
	ev := r.event(admin, clinic, id, ActionDeactivate)
	if err := admin.authorize(clinic); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	old, err := r.store.Get(ctx, clinic, id)
	if err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	if old.Status != StatusActive {
		ev.Detail = "unchanged: the case type is " + old.Status.String()
		return old, r.record(ctx, ev, nil)
	}
	next := old
	next.Status = StatusInactive
	next.Version = old.Version + 1
	next.Deactivated = Stamp{By: admin.ID, At: ev.Time}
	if err := r.store.Put(ctx, next, old.Version); err != nil {
		return CaseType{}, r.record(ctx, ev, err)
	}
	ev.Version = next.Version
	return next, r.record(ctx, ev, nil)
}

func (r *Registry) event(admin Admin, clinic tidbok.HSAID, id string, a Action) Event {
	return Event{Time: r.now(), Actor: admin.ID, Clinic: clinic, CaseTypeID: id, Action: a}
}

// record sends the event for an attempt that ended with err (nil: done)
// to the audit sink and returns err, or, when only the audit failed, an
// error matching ErrAudit.
func (r *Registry) record(ctx context.Context, ev Event, err error) error {
	ev.Outcome = outcomeOf(err)
	if err != nil {
		ev.Detail = err.Error()
	}
	// The event is recorded even when the caller's context has ended, so
	// that no attempt goes unaudited.
	aerr := r.audit.Record(context.WithoutCancel(ctx), ev)
	switch {
	case aerr == nil:
		return err
	case err == nil:
		return fmt.Errorf("%w: %w", ErrAudit, aerr)
	default:
		return errors.Join(err, fmt.Errorf("%w: %w", ErrAudit, aerr))
	}
}

func outcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeDone
	case errors.Is(err, ErrForbidden):
		return OutcomeForbidden
	case errors.Is(err, ErrIncomplete):
		return OutcomeIncomplete
	case errors.Is(err, ErrConflict):
		return OutcomeConflict
	case errors.Is(err, ErrNotFound):
		return OutcomeNotFound
	case errors.Is(err, tidbok.ErrInvalid):
		return OutcomeInvalid
	default:
		return OutcomeFailed
	}
}
