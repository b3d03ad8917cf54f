package casetype

import (
	"context"
	"log/slog"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Event is one audit record: an administrator's attempt to change a case
// type, allowed or refused. Events never hold personal identity numbers.
type Event struct {
	// Time is when the attempt was decided, by the Registry's clock.
	Time time.Time
	// Actor is the HSA-id of the staff member who tried.
	Actor tidbok.HSAID
	// Clinic and CaseTypeID name the case type.
	Clinic     tidbok.HSAID
	CaseTypeID string
	// Action is what was tried.
	Action Action
	// Outcome is how it ended.
	Outcome Outcome
	// Version is the case type's version after the change; zero when
	// nothing was stored.
	Version int
	// Detail says why an attempt was refused or failed (the error's
	// text), or notes an attempt that changed nothing.
	Detail string
}

// Action is what an administrator tried to do with a case type.
type Action string

// The audited actions.
const (
	ActionCreate     Action = "create"
	ActionUpdate     Action = "update"
	ActionActivate   Action = "activate"
	ActionDeactivate Action = "deactivate"
)

// Outcome is how an audited attempt ended.
type Outcome string

// The outcomes of an attempt. Each refusal matches one error of this
// package.
const (
	// OutcomeDone: the change was stored (or, as noted in Detail, there was
	// nothing to change).
	OutcomeDone Outcome = "done"
	// OutcomeForbidden: the actor is not a local administrator of the
	// clinic ([ErrForbidden]).
	OutcomeForbidden Outcome = "forbidden"
	// OutcomeInvalid: the request was malformed ([tidbok.ErrInvalid]).
	OutcomeInvalid Outcome = "invalid"
	// OutcomeIncomplete: the case type cannot be active as configured
	// ([ErrIncomplete]).
	OutcomeIncomplete Outcome = "incomplete"
	// OutcomeConflict: the case type exists already, or changed since it
	// was read ([ErrConflict]).
	OutcomeConflict Outcome = "conflict"
	// OutcomeNotFound: there is no such case type ([ErrNotFound]).
	OutcomeNotFound Outcome = "not found"
	// OutcomeFailed: a technical failure (store, book, terms, context).
	OutcomeFailed Outcome = "failed"
)

// AuditSink receives audit events. Record must be safe for concurrent
// use; an error it returns is passed to the administrator's caller (see
// [ErrAudit]).
type AuditSink interface {
	Record(ctx context.Context, e Event) error
}

// AuditFunc adapts a function to an [AuditSink].
type AuditFunc func(ctx context.Context, e Event) error

// Record calls f.
func (f AuditFunc) Record(ctx context.Context, e Event) error { return f(ctx, e) }

// LogAudit returns an [AuditSink] that writes each event to logger at
// level Info, with the message "casetype audit" and one attribute per
// field. A nil logger means [slog.Default]: audit events are never
// discarded silently. It never fails.
func LogAudit(logger *slog.Logger) AuditSink {
	return slogSink{logger}
}

type slogSink struct{ logger *slog.Logger }

func (s slogSink) Record(ctx context.Context, e Event) error {
	l := s.logger
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(ctx, slog.LevelInfo, "casetype audit",
		slog.Time("at", e.Time),
		slog.String("actor", e.Actor.String()),
		slog.String("clinic", e.Clinic.String()),
		slog.String("case_type", e.CaseTypeID),
		slog.String("action", string(e.Action)),
		slog.String("outcome", string(e.Outcome)),
		slog.Int("version", e.Version),
		slog.String("detail", e.Detail),
	)
	return nil
}
