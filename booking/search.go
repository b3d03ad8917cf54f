package booking

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// SearchRequest asks for the dates with free slots, or the free slots, a
// citizen may book: for a new booking under a case type of kind Boka tid,
// or, with BookingID, for moving a booking under Av- och omboka.
type SearchRequest struct {
	Scope
	// TimeType is the ID of a time type the case type shows; empty means
	// all of them. Ignored with BookingID: the booking's time type
	// governs.
	TimeType string
	// BookingID, when set, asks for the slots the booking may be moved to.
	BookingID string
	// Invitation, when set, is the ID of the subject's open invitation:
	// the search offers the free slots of its time type only, under a case
	// type of kind Boka tid or Av- och omboka (see "Invitations" in the
	// package doc). Not with BookingID.
	Invitation string
	// Performers, when not empty, keeps only slots of these clinicians.
	Performers []tidbok.HSAID
	// From and To are the first and last Swedish date searched, both
	// inclusive. Zero From means the first date the clinic's minimum
	// notice allows; zero To means the last date its horizon allows, or
	// From plus Config.SearchDays - 1 days without a horizon. The range is
	// narrowed to what the rules allow.
	From, To tidbok.Date
}

// DatesResult is the answer to [Service.Dates].
type DatesResult struct {
	// Dates have free slots the citizen may book, in order.
	Dates []tidbok.Date
	// Fallback, when Dates is empty, is the ID of an active request case
	// type (Beställa tid; Av-/omboka förfrågan when moving a booking) the
	// caller may use instead: offer it with [Service.SubmitRequest].
	Fallback string
}

// SlotsResult is the answer to [Service.Slots].
type SlotsResult struct {
	// Slots are free slots the citizen may book, ordered by start. Pass
	// one back unchanged to Hold, Book or Reschedule.
	Slots []tidbok.Timeslot
	// Fallback is as in [DatesResult].
	Fallback string
}

// TimeTypes returns the time types the citizen may choose under a case
// type of kind Boka tid: those the book offers that the case type shows,
// in the book's order.
func (s *Service) TimeTypes(ctx context.Context, sc Scope) ([]tidbok.TimeType, error) {
	ctx, tc := s.tel.start(ctx, ActionSearch, sc)
	tts, err := s.timeTypes(ctx, sc)
	tc.end(ctx, "", err)
	return tts, err
}

func (s *Service) timeTypes(ctx context.Context, sc Scope) ([]tidbok.TimeType, error) {
	const act = ActionSearch
	a, err := s.open(ctx, sc, act, s.now(), casetype.KindBook)
	if err != nil {
		return nil, err
	}
	res, err := s.book.TimeTypes(ctx, tidbok.TimeTypesRequest{Facility: sc.Clinic, Subject: sc.Subject, Actor: a.actor})
	if err != nil {
		return nil, s.bookError(act, err)
	}
	out := make([]tidbok.TimeType, 0, len(a.ct.TimeTypeIDs))
	for _, tt := range res.TimeTypes {
		if slices.Contains(a.ct.TimeTypeIDs, tt.ID) {
			out = append(out, tt)
		}
	}
	return out, nil
}

// Dates returns the dates with free slots the citizen may book: those the
// book answers, narrowed by the case type's time types and by the clinic's
// minimum notice and horizon, never a date whose bookable slots have all
// started. Dates checks the first and last date of the rules' window slot
// by slot, so that a date whose only free slots lie within the minimum
// notice is not offered. Slots held by other citizens still count.
func (s *Service) Dates(ctx context.Context, req SearchRequest) (DatesResult, error) {
	now := s.now()
	ev := event(req.Scope, ActionSearch, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionSearch, req.Scope)
	res, err := s.dates(ctx, req, now)
	if req.BookingID != "" {
		err = s.recordRead(ctx, ev, err)
	}
	tc.end(ctx, ev.BookingID, err)
	if err != nil {
		return DatesResult{}, err
	}
	return res, nil
}

func (s *Service) dates(ctx context.Context, req SearchRequest, now time.Time) (DatesResult, error) {
	a, q, err := s.openSearch(ctx, req, now)
	if err != nil {
		return DatesResult{}, err
	}
	var dates []tidbok.Date
	if !q.empty() {
		for _, tt := range q.timeTypes {
			res, err := s.book.AvailableDates(ctx, q.request(req.Scope, a, tt))
			if err != nil {
				return DatesResult{}, s.bookError(ActionSearch, err)
			}
			for _, da := range res.Dates {
				if !da.Date.Before(q.from) && !da.Date.After(q.to) {
					dates = append(dates, da.Date)
				}
			}
		}
	}
	slices.SortFunc(dates, tidbok.Date.Compare)
	dates = slices.Compact(dates)

	// The book knows nothing of the rules' window, which may cut through
	// its first and last date.
	w := rulesWindow(a.ct.Rules, now)
	var edges []tidbok.Date
	if a.ct.Rules.MinNotice > 0 {
		edges = append(edges, tidbok.DateOf(w.earliest))
	}
	if !w.latest.IsZero() {
		edges = append(edges, tidbok.DateOf(w.latest))
	}
	for _, d := range edges {
		i, ok := slices.BinarySearchFunc(dates, d, tidbok.Date.Compare)
		if !ok {
			continue
		}
		day := q
		day.from, day.to = d, d
		slots, err := s.freeSlots(ctx, req.Scope, a, day)
		if err != nil {
			return DatesResult{}, s.bookError(ActionSearch, err)
		}
		if len(slots) == 0 {
			dates = slices.Delete(dates, i, i+1)
		}
	}
	res := DatesResult{Dates: dates}
	if len(dates) == 0 {
		res.Fallback = s.fallback(ctx, req.Scope, req.BookingID != "", now)
	}
	return res, nil
}

// Slots returns the free slots the citizen may book: those the book
// answers, of the case type's time types, starting no sooner than the
// minimum notice and no later than the horizon allow, never one that has
// started, and none that another citizen holds.
func (s *Service) Slots(ctx context.Context, req SearchRequest) (SlotsResult, error) {
	now := s.now()
	ev := event(req.Scope, ActionSearch, now)
	ev.BookingID = req.BookingID
	ctx, tc := s.tel.start(ctx, ActionSearch, req.Scope)
	res, err := s.slots(ctx, req, now)
	if req.BookingID != "" {
		err = s.recordRead(ctx, ev, err)
	}
	tc.end(ctx, ev.BookingID, err)
	if err != nil {
		return SlotsResult{}, err
	}
	return res, nil
}

func (s *Service) slots(ctx context.Context, req SearchRequest, now time.Time) (SlotsResult, error) {
	a, q, err := s.openSearch(ctx, req, now)
	if err != nil {
		return SlotsResult{}, err
	}
	slots, err := s.freeSlots(ctx, req.Scope, a, q)
	if err != nil {
		return SlotsResult{}, s.bookError(ActionSearch, err)
	}
	slots, err = s.withoutHeld(ctx, req.Scope, slots, now)
	if err != nil {
		return SlotsResult{}, &Error{Action: ActionSearch, Text: textGeneric, Err: err}
	}
	res := SlotsResult{Slots: slots}
	if len(slots) == 0 {
		res.Fallback = s.fallback(ctx, req.Scope, req.BookingID != "", now)
	}
	return res, nil
}

// query is a search resolved against a case type and its rules.
type query struct {
	// timeTypes are the time type IDs to ask the book for, one call each;
	// a single "" asks without a time type (rescheduling).
	timeTypes  []string
	bookingID  string
	performers []tidbok.HSAID
	from, to   tidbok.Date
	window     window
	// allowed are the time types a new booking may have; nil when
	// rescheduling, where the book keeps the booking's.
	allowed []string
}

func (q query) empty() bool { return q.to.Before(q.from) || len(q.timeTypes) == 0 }

// request is the book's availability request for time type tt.
func (q query) request(sc Scope, a access, tt string) tidbok.AvailabilityRequest {
	return tidbok.AvailabilityRequest{
		Facility:   sc.Clinic,
		Subject:    sc.Subject,
		BookingID:  q.bookingID,
		From:       q.from,
		To:         q.to,
		Performers: q.performers,
		TimeType:   tidbok.TimeType{ID: tt},
		Actor:      a.actor,
	}
}

// openSearch opens a search's scope and resolves it into a query.
func (s *Service) openSearch(ctx context.Context, req SearchRequest, now time.Time) (access, query, error) {
	const act = ActionSearch
	var p tidbok.Problems
	for _, d := range []struct {
		field string
		d     tidbok.Date
	}{{"From", req.From}, {"To", req.To}} {
		if !d.d.IsZero() && !d.d.Valid() {
			p.Add(d.field, "is not a calendar date")
		}
	}
	if req.BookingID != "" && req.Invitation != "" {
		p.Add("Invitation", "is set with BookingID: search for one of them")
	}
	if err := p.Err(); err != nil {
		return access{}, query{}, &Error{Action: act, Text: textInvalid, Err: err}
	}
	var (
		a   access
		err error
	)
	switch {
	case req.Invitation != "":
		a, err = s.open(ctx, req.Scope, act, now, invitationKinds...)
		if err == nil {
			a, _, err = s.openInvitation(ctx, a, req.Scope, act, req.Invitation)
		}
	case req.BookingID == "":
		a, err = s.open(ctx, req.Scope, act, now, casetype.KindBook)
	default:
		// Searching where to move a booking reads the booking: only its
		// subject (or their guardian) may, never a staff agent.
		a, err = s.open(ctx, req.Scope, ActionReschedule, now, casetype.KindManage)
		if err == nil {
			_, err = s.ownBooking(ctx, a, req.Scope, act, req.BookingID)
		}
	}
	if err != nil {
		return access{}, query{}, err
	}
	q := query{bookingID: req.BookingID, performers: req.Performers, window: rulesWindow(a.ct.Rules, now)}
	switch {
	case req.BookingID != "":
		q.timeTypes = []string{""}
	case req.TimeType == "":
		q.timeTypes, q.allowed = a.ct.TimeTypeIDs, a.ct.TimeTypeIDs
	case slices.Contains(a.ct.TimeTypeIDs, req.TimeType):
		q.timeTypes, q.allowed = []string{req.TimeType}, a.ct.TimeTypeIDs
	default:
		return access{}, query{}, &Error{Action: act, Text: textTimeType,
			Err: because(ErrTimeTypeNotOffered, "%q is not among those of case type %q", req.TimeType, a.ct.ID)}
	}
	q.from, q.to = s.searchRange(q.window, req.From, req.To)
	return a, q, nil
}

// searchRange narrows [from, to] to the dates the window allows; zero
// dates are replaced as SearchRequest documents. The result is empty
// (to before from) when nothing is left.
func (s *Service) searchRange(w window, from, to tidbok.Date) (tidbok.Date, tidbok.Date) {
	first := tidbok.DateOf(w.earliest)
	if from.IsZero() || from.Before(first) {
		from = first
	}
	if to.IsZero() {
		if w.latest.IsZero() {
			to = from.AddDays(s.searchDays - 1)
		} else {
			to = tidbok.DateOf(w.latest)
		}
	}
	if !w.latest.IsZero() {
		if last := tidbok.DateOf(w.latest); to.After(last) {
			to = last
		}
	}
	return from, to
}

// freeSlots asks the book for the free slots of q and keeps those the
// rules allow, ordered by start.
func (s *Service) freeSlots(ctx context.Context, sc Scope, a access, q query) ([]tidbok.Timeslot, error) {
	if q.empty() {
		return nil, nil
	}
	var out []tidbok.Timeslot
	for _, tt := range q.timeTypes {
		res, err := s.book.AvailableTimeslots(ctx, q.request(sc, a, tt))
		if err != nil {
			return nil, err
		}
		for ts := range res.All() {
			if q.window.allows(ts) && (q.allowed == nil || slices.Contains(q.allowed, ts.TimeType.ID)) {
				out = append(out, ts)
			}
		}
	}
	if len(q.timeTypes) > 1 {
		slices.SortStableFunc(out, func(x, y tidbok.Timeslot) int { return x.Start.Compare(y.Start) })
	}
	return out, nil
}

// withoutHeld drops the slots another subject of care holds.
func (s *Service) withoutHeld(ctx context.Context, sc Scope, slots []tidbok.Timeslot, now time.Time) ([]tidbok.Timeslot, error) {
	if len(slots) == 0 {
		return slots, nil
	}
	held, err := s.holds.Held(ctx, sc.Clinic, now)
	if err != nil {
		return nil, failure("reading holds", err)
	}
	if len(held) == 0 {
		return slots, nil
	}
	others := make(map[string]bool, len(held))
	for _, h := range held {
		if h.Subject != sc.Subject {
			others[h.Key] = true
		}
	}
	return slices.DeleteFunc(slots, func(ts tidbok.Timeslot) bool { return others[slotKey(ts)] }), nil
}

// window is what the clinic's minimum notice and horizon allow at now.
type window struct {
	now time.Time
	// earliest is the first start allowed: now plus the minimum notice.
	earliest time.Time
	// latest is the last start allowed: now plus the horizon; zero means
	// no limit.
	latest time.Time
}

func rulesWindow(r casetype.Rules, now time.Time) window {
	w := window{now: now, earliest: now.Add(r.MinNotice)}
	if r.Horizon > 0 {
		w.latest = now.Add(r.Horizon)
	}
	return w
}

// allows reports whether a slot starting at ts.Start may be booked.
func (w window) allows(ts tidbok.Timeslot) bool { return w.refusal(ts) == nil }

// refusal returns the sentinel of the rule ts breaks, or nil.
func (w window) refusal(ts tidbok.Timeslot) error {
	switch {
	case !ts.Start.After(w.now):
		return ErrPast
	case ts.Start.Before(w.earliest):
		return ErrTooSoon
	case !w.latest.IsZero() && ts.Start.After(w.latest):
		return ErrTooFarAhead
	}
	return nil
}

// check returns the *Error for act when ts breaks the window's rules.
func (w window) check(act Action, ts tidbok.Timeslot) error {
	err := w.refusal(ts)
	switch err {
	case nil:
		return nil
	case ErrPast:
		return &Error{Action: act, Text: textPast, Err: err}
	case ErrTooSoon:
		return &Error{Action: act, Text: textTooSoon, Err: because(err, "the clinic asks for %v notice", w.earliest.Sub(w.now))}
	default:
		return &Error{Action: act, Text: textTooFar, Err: because(err, "the clinic books at most %v ahead", w.latest.Sub(w.now))}
	}
}

// resolve finds the slot want names among those the book offers now, so
// that what is booked is the book's slot and not what the caller says of
// it (a forged time type, say), and checks it against the rules. A slot
// the book no longer offers gives a *SlotTakenError with alternatives.
func (s *Service) resolve(ctx context.Context, a access, sc Scope, act Action, want tidbok.Timeslot, bookingID string) (tidbok.Timeslot, error) {
	if want.End.IsZero() || !want.End.After(want.Start) {
		return tidbok.Timeslot{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "Slot.End", Problem: "must be after Slot.Start: pass the slot as Slots returned it"}}
	}
	if !want.Facility.IsZero() && want.Facility != sc.Clinic {
		return tidbok.Timeslot{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "Slot.Facility", Problem: "is not the scope's clinic"}}
	}
	w := rulesWindow(a.ct.Rules, a.now)
	if err := w.check(act, want); err != nil {
		return tidbok.Timeslot{}, err
	}
	q := query{bookingID: bookingID, window: w, from: tidbok.DateOf(want.Start), to: tidbok.DateOf(want.Start)}
	switch {
	case bookingID != "":
		q.timeTypes = []string{""}
	case want.TimeType.ID == "":
		q.timeTypes, q.allowed = a.ct.TimeTypeIDs, a.ct.TimeTypeIDs
	case slices.Contains(a.ct.TimeTypeIDs, want.TimeType.ID):
		q.timeTypes, q.allowed = []string{want.TimeType.ID}, a.ct.TimeTypeIDs
	default:
		return tidbok.Timeslot{}, &Error{Action: act, Text: textTimeType,
			Err: because(ErrTimeTypeNotOffered, "%q is not among those of case type %q", want.TimeType.ID, a.ct.ID)}
	}
	if !want.Performer.IsZero() {
		q.performers = []tidbok.HSAID{want.Performer}
	}
	for _, tt := range q.timeTypes {
		res, err := s.book.AvailableTimeslots(ctx, q.request(sc, a, tt))
		if err != nil {
			return tidbok.Timeslot{}, s.bookError(act, err)
		}
		for ts := range res.All() {
			if !sameSlot(want, ts) {
				continue
			}
			if q.allowed != nil && !slices.Contains(q.allowed, ts.TimeType.ID) {
				return tidbok.Timeslot{}, &Error{Action: act, Text: textTimeType,
					Err: because(ErrTimeTypeNotOffered, "the slot is of time type %q", ts.TimeType.ID)}
			}
			return ts, nil
		}
	}
	text := textSlotTaken
	if bookingID != "" {
		text = textSlotTakenKeepOld
	}
	return tidbok.Timeslot{}, &SlotTakenError{Action: act, Text: text,
		Err:          because(tidbok.ErrSlotTaken, "the book no longer offers the slot"),
		Alternatives: s.alternativesTo(ctx, a, sc, want, bookingID)}
}

// sameSlot reports whether the book's free slot ts is the one want names:
// by ID when want has one, and by its times and the attributes want gives.
// Times compare to the second, as the wire carries them.
func sameSlot(want, ts tidbok.Timeslot) bool {
	if want.Start.Unix() != ts.Start.Unix() || want.End.Unix() != ts.End.Unix() {
		return false
	}
	if want.ID != "" {
		return want.ID == ts.ID
	}
	return (want.Performer.IsZero() || want.Performer == ts.Performer) &&
		(want.Resource.ID == "" || want.Resource.ID == ts.Resource.ID) &&
		(want.TimeType.ID == "" || want.TimeType.ID == ts.TimeType.ID)
}

// alternativesTo returns up to Config.Alternatives free slots nearest in
// time to near, within a week either side, that the rules allow and
// nobody else holds, ordered by start. It is advice: errors are logged and
// give none.
func (s *Service) alternativesTo(ctx context.Context, a access, sc Scope, near tidbok.Timeslot, bookingID string) []tidbok.Timeslot {
	if s.alternatives == 0 || near.Start.IsZero() {
		return nil
	}
	w := rulesWindow(a.ct.Rules, a.now)
	d := tidbok.DateOf(near.Start)
	q := query{bookingID: bookingID, window: w}
	q.from, q.to = s.searchRange(w, d.AddDays(-7), d.AddDays(7))
	switch {
	case bookingID != "":
		q.timeTypes = []string{""}
	case slices.Contains(a.ct.TimeTypeIDs, near.TimeType.ID):
		q.timeTypes, q.allowed = []string{near.TimeType.ID}, a.ct.TimeTypeIDs
	default:
		q.timeTypes, q.allowed = a.ct.TimeTypeIDs, a.ct.TimeTypeIDs
	}
	slots, err := s.freeSlots(ctx, sc, a, q)
	if err == nil {
		slots, err = s.withoutHeld(ctx, sc, slots, a.now)
	}
	if err != nil {
		s.log.Warn("booking: no alternatives: reading free slots failed", "clinic", sc.Clinic, "err", err)
		return nil
	}
	taken := slotKey(near)
	slots = slices.DeleteFunc(slots, func(ts tidbok.Timeslot) bool { return slotKey(ts) == taken || sameSlot(near, ts) })
	dist := func(ts tidbok.Timeslot) time.Duration {
		d := ts.Start.Sub(near.Start)
		if d < 0 {
			return -d
		}
		return d
	}
	slices.SortStableFunc(slots, func(x, y tidbok.Timeslot) int {
		if c := cmp.Compare(dist(x), dist(y)); c != 0 {
			return c
		}
		return x.Start.Compare(y.Start)
	})
	slots = slots[:min(len(slots), s.alternatives)]
	slices.SortStableFunc(slots, func(x, y tidbok.Timeslot) int { return x.Start.Compare(y.Start) })
	return slices.Clip(slots)
}

// fallback returns the ID of an active request case type at the clinic
// the caller may use for the subject (Av-/omboka förfrågan when moving a
// booking, else Beställa tid), or "".
func (s *Service) fallback(ctx context.Context, sc Scope, moving bool, now time.Time) string {
	want := casetype.KindRequest
	if moving {
		want = casetype.KindManageRequest
	}
	active, err := s.caseTypes.Active(ctx, sc.Clinic)
	if err != nil {
		s.log.Warn("booking: no request fallback: reading case types failed", "clinic", sc.Clinic, "err", err)
		return ""
	}
	for _, ct := range active {
		if ct.Kind != want {
			continue
		}
		fsc := sc
		fsc.CaseType = ct.ID
		if _, err := s.open(ctx, fsc, ActionRequest, now, want); err == nil {
			return ct.ID
		}
	}
	return ""
}

// ownBooking returns the booking with id if it is the subject's at the
// clinic, and otherwise an *Error matching tidbok.ErrNotFound, the same
// whether the booking does not exist or is another citizen's.
func (s *Service) ownBooking(ctx context.Context, a access, sc Scope, act Action, id string) (tidbok.Timeslot, error) {
	if id == "" {
		return tidbok.Timeslot{}, &Error{Action: act, Text: textInvalid, Err: &tidbok.FieldError{Field: "BookingID", Problem: "is required"}}
	}
	res, err := s.book.BookingDetails(ctx, tidbok.BookingDetailsRequest{
		Facility: sc.Clinic, BookingID: id, Subject: sc.Subject, Actor: a.actor,
	})
	switch {
	case errors.Is(err, tidbok.ErrNotFound):
		return tidbok.Timeslot{}, &Error{Action: act, Text: textNoBooking, Err: err}
	case err != nil:
		return tidbok.Timeslot{}, s.bookError(act, err)
	case res.Booking.Subject != sc.Subject:
		// The book did not filter by subject: never show another's.
		return tidbok.Timeslot{}, &Error{Action: act, Text: textNoBooking,
			Err: because(tidbok.ErrNotFound, "the book answered with another subject's booking")}
	}
	return res.Booking, nil
}

// bookError wraps an error of a read from the book.
func (s *Service) bookError(act Action, err error) error {
	return refuse(act, err, textGeneric)
}
