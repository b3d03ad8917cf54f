package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Audit is a [booking.AuditSink] that keeps the booking flow's audit
// events in the database, in the order they were recorded: the access
// log (PDL) of who read or changed whose bookings and requests. Events
// are never changed or removed by this package; how long they are kept is
// the operator's decision, carried out in the database.
type Audit struct{ s *Stores }

var _ booking.AuditSink = Audit{}

// Audit returns the booking flow's audit log, for booking.Config.Audit.
func (s *Stores) Audit() Audit { return Audit{s} }

// Record implements [booking.AuditSink].
func (a Audit) Record(ctx context.Context, e booking.Event) error {
	query, args, err := a.insert(e)
	if err != nil {
		return err
	}
	_, err = a.s.exec(ctx, query, args...)
	return wrap("recording an audit event", err)
}

// insert returns the statement that records e, and its arguments.
func (a Audit) insert(e booking.Event) (string, []any, error) {
	data, err := encode(e)
	if err != nil {
		return "", nil, err
	}
	return "INSERT INTO booking_audit (at, clinic, subject, session, data) VALUES (?, ?, ?, ?, ?)",
		[]any{nanos(e.Time), e.Clinic.String(), e.Subject.Canonical(), e.Session, data}, nil
}

// AuditQuery selects audit events. Its zero fields select everything.
type AuditQuery struct {
	// Clinic selects the events at one clinic.
	Clinic tidbok.HSAID
	// Subject selects the events about one subject of care (a log
	// extract, loggutdrag, for the citizen).
	Subject tidbok.PersonalNumber
	// Session selects the events recorded in one login session or for
	// one consumer (booking.Event.Session).
	Session string
	// From and To select the events at or after From and before To.
	From, To time.Time
	// Limit is the most events returned, the earliest first; zero means
	// no limit.
	Limit int
}

// Events returns the events q selects, in the order they were recorded.
func (a Audit) Events(ctx context.Context, q AuditQuery) ([]booking.Event, error) {
	where, args := auditWhere(q.Clinic, "subject", q.Subject.Canonical(), q.From, q.To)
	if q.Session != "" {
		where, args = andWhere(where, args, "session = ?", q.Session)
	}
	out, err := listJSON[booking.Event](ctx, a.s, "SELECT data FROM booking_audit"+where+" ORDER BY seq"+limit(q.Limit), args...)
	return out, wrap("reading audit events", err)
}

// CaseTypeAudit keeps administrators' changes to case types, allowed or
// refused, in the database: a [casetype.AuditSink], for
// casetype.WithAudit.
type CaseTypeAudit struct{ s *Stores }

var _ casetype.AuditSink = CaseTypeAudit{}

// CaseTypeAudit returns the audit log of changes to case types.
func (s *Stores) CaseTypeAudit() CaseTypeAudit { return CaseTypeAudit{s} }

// Record implements [casetype.AuditSink].
func (a CaseTypeAudit) Record(ctx context.Context, e casetype.Event) error {
	data, err := encode(e)
	if err != nil {
		return err
	}
	_, err = a.s.exec(ctx, "INSERT INTO casetype_audit (at, clinic, case_type, data) VALUES (?, ?, ?, ?)",
		nanos(e.Time), e.Clinic.String(), e.CaseTypeID, data)
	return wrap("recording an audit event", err)
}

// Events returns the clinic's events (every clinic's for the zero HSAID)
// recorded at or after from and before to (zero: no bound), in the order
// they were recorded.
func (a CaseTypeAudit) Events(ctx context.Context, clinic tidbok.HSAID, from, to time.Time) ([]casetype.Event, error) {
	where, args := auditWhere(clinic, "", "", from, to)
	out, err := listJSON[casetype.Event](ctx, a.s, "SELECT data FROM casetype_audit"+where+" ORDER BY seq", args...)
	return out, wrap("reading audit events", err)
}

// auditWhere returns the WHERE clause, and its arguments, that selects
// events by clinic, by the column col equal to val, and by time.
func auditWhere(clinic tidbok.HSAID, col, val string, from, to time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if !clinic.IsZero() {
		add("clinic = ?", clinic.String())
	}
	if col != "" && val != "" {
		add(col+" = ?", val)
	}
	if !from.IsZero() {
		add("at >= ?", from.UnixNano())
	}
	if !to.IsZero() {
		add("at < ?", to.UnixNano())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// limit returns a LIMIT clause for n, or none for zero.
func limit(n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(n)
}

// andWhere adds cond, with its argument, to the WHERE clause where.
func andWhere(where string, args []any, cond string, arg any) (string, []any) {
	if where == "" {
		return " WHERE " + cond, append(args, arg)
	}
	return where + " AND " + cond, append(args, arg)
}
