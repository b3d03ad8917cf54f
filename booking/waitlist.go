package booking

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webbtidbok/webbtidbok/booking/store"
	"github.com/webbtidbok/webbtidbok/casetype"
	"github.com/webbtidbok/webbtidbok/tidbok"
)

// The kinds of the cancellation list's messages ([Letter.Kind]).
const (
	// OfferMade: an earlier time is offered, with a link that books it.
	OfferMade NotificationKind = 10
	// OfferGone: the time offered was booked by somebody else.
	OfferGone NotificationKind = 11
)

// The actions of the cancellation list, in audit events.
const (
	ActionJoinWaitlist  Action = "join waitlist"
	ActionLeaveWaitlist Action = "leave waitlist"
	ActionMyWaitlist    Action = "my waitlist"
	ActionStaffWaitlist Action = "staff waitlist"
	ActionOffer         Action = "offer"
)

// Errors of the cancellation list.
var (
	// ErrNoWaitlist means the case type has no cancellation list
	// (casetype.Waitlist.Enabled is off), or the service has none
	// (Config.Waitlist). It matches [tidbok.ErrNotAllowed].
	ErrNoWaitlist error = &sentinel{what: "no cancellation list", also: tidbok.ErrNotAllowed}
	// ErrOfferInvalid means an offer's link is not one the service made,
	// or is damaged. It matches [tidbok.ErrNotFound].
	ErrOfferInvalid error = &sentinel{what: "offer link not valid", also: tidbok.ErrNotFound}
	// ErrOfferExpired means the offer ended before it was accepted. It
	// matches [tidbok.ErrNotAllowed].
	ErrOfferExpired error = &sentinel{what: "offer expired", also: tidbok.ErrNotAllowed}
	// ErrOfferGone means somebody else booked the time offered. It
	// matches [tidbok.ErrSlotTaken].
	ErrOfferGone error = &sentinel{what: "offered time booked by somebody else", also: tidbok.ErrSlotTaken}
)

// Texts of the cancellation list.
const (
	textNoWaitlist    = "Mottagningen har ingen lista för återbud här."
	textOfferInvalid  = "Länken fungerar inte. Logga in och gå till Mina bokningar."
	textOfferExpired  = "Erbjudandet har gått ut. Du står kvar på listan för återbud."
	textOfferGone     = "Tiden är tyvärr redan bokad."
	textOfferNotYours = "Erbjudandet gäller någon annan. Logga in som den person erbjudandet skickades till."
)

// validateWaitlist checks the waitlist's settings in Config.
func (c Config) validateWaitlist(p *tidbok.Problems) {
	if c.Waitlist == nil {
		return
	}
	if c.Outbox == nil {
		p.Add("Outbox", "is required with Waitlist: offers are sent through it")
	}
	if len(c.OfferKey) < 32 {
		p.Add("OfferKey", "is %d bytes; offers need a key of at least 32 random bytes", len(c.OfferKey))
	}
	if c.OfferLink == nil {
		p.Add("OfferLink", "is required with Waitlist: the link of an offer, made from its token")
	}
}

// JoinWaitlistRequest asks to put the subject on a clinic's cancellation
// list.
type JoinWaitlistRequest struct {
	Scope
	// BookingID is the subject's booking to move to an earlier time,
	// under a case type of kind Av- och omboka. Empty to wait with no
	// booking, under a case type of kind Boka tid whose list allows it.
	BookingID string
	// SamePerformer, with a booking, asks only for times with the
	// booking's clinician.
	SamePerformer bool
	// TimeType, with no booking, is the ID of the time type to wait for,
	// one of the case type's; Performer optionally the clinician.
	TimeType  string
	Performer tidbok.HSAID
	// Name is the subject's name, shown to staff on the list.
	Name string
	// Contact and Consent say where offers go (as for [BookRequest]);
	// with Contact zero and a booking, they go where the booking's
	// messages went.
	Contact tidbok.ContactInfo
	Consent Consent
}

// JoinWaitlist puts the subject on the clinic's cancellation list: when
// a time of the booking's kind (or of TimeType) earlier than the booking
// frees up at the clinic, the first citizens on the list are sent an
// offer with a link that books it ([Service.AcceptOffer]). Joining again
// keeps the first place. The case type's list must be on
// ([ErrNoWaitlist]) and its terms accepted ([*TermsError]).
func (s *Service) JoinWaitlist(ctx context.Context, req JoinWaitlistRequest) (store.WaitEntry, error) {
	const act = ActionJoinWaitlist
	now := s.now()
	ev := event(req.Scope, act, now)
	ev.BookingID = req.BookingID
	e, err := s.joinWaitlist(ctx, req, now)
	s.recordWrite(ctx, ev, err)
	return e, err
}

func (s *Service) joinWaitlist(ctx context.Context, req JoinWaitlistRequest, now time.Time) (store.WaitEntry, error) {
	const act = ActionJoinWaitlist
	kind := casetype.KindBook
	if req.BookingID != "" {
		kind = casetype.KindManage
	}
	a, err := s.open(ctx, req.Scope, act, now, kind)
	if err != nil {
		return store.WaitEntry{}, err
	}
	if err := s.checkTerms(ctx, req.Scope, act); err != nil {
		return store.WaitEntry{}, err
	}
	if s.waitlist == nil || !a.ct.Waitlist.Enabled {
		return store.WaitEntry{}, &Error{Action: act, Text: textNoWaitlist, Err: because(ErrNoWaitlist, "case type %q", a.ct.ID)}
	}
	e := store.WaitEntry{
		ID: newEntryID(), Clinic: req.Clinic, CaseType: req.CaseType, Subject: req.Subject,
		Name: strings.TrimSpace(req.Name), BookingID: req.BookingID, Joined: now,
		Recipients: req.Consent.recipients(req.Contact),
	}
	if e.Name == "" {
		e.Name = strings.TrimSpace(req.Contact.FirstName + " " + req.Contact.LastName)
	}
	if req.BookingID != "" {
		b, err := s.ownBooking(ctx, a, req.Scope, act, req.BookingID)
		if err != nil {
			return store.WaitEntry{}, err
		}
		if err := mayChange(ActionReschedule, a, b); err != nil {
			return store.WaitEntry{}, err
		}
		e.TimeType, e.Before = b.TimeType, b.Start
		if req.SamePerformer {
			e.Performer = b.Performer
		}
		if req.Contact.IsZero() {
			e.Recipients = s.lastRecipients(ctx, req.Clinic, req.BookingID)
		}
	} else {
		if !slices.Contains(a.ct.TimeTypeIDs, req.TimeType) {
			return store.WaitEntry{}, &Error{Action: act, Text: textTimeType,
				Err: because(ErrTimeTypeNotOffered, "%q is not among those of case type %q", req.TimeType, a.ct.ID)}
		}
		e.TimeType, e.Performer = tidbok.TimeType{ID: req.TimeType}, req.Performer
	}
	out, err := s.waitlist.Join(ctx, e)
	if err != nil {
		return store.WaitEntry{}, &Error{Action: act, Text: textGeneric, Err: failure("joining the list", err)}
	}
	return out, nil
}

// LeaveWaitlist takes the subject's entry id off the clinic's list
// (sc.Clinic); an entry that is not there, or not the subject's, is left
// as it is.
func (s *Service) LeaveWaitlist(ctx context.Context, sc Scope, id string) error {
	const act = ActionLeaveWaitlist
	now := s.now()
	ev := event(sc, act, now)
	err := func() error {
		if _, err := s.open(ctx, sc, act, now, casetype.KindBook, casetype.KindManage); err != nil {
			return err
		}
		if s.waitlist == nil {
			return nil
		}
		es, err := s.waitlist.Entries(ctx, store.WaitFilter{Clinic: sc.Clinic, Subject: sc.Subject})
		if err != nil {
			return &Error{Action: act, Text: textGeneric, Err: failure("reading the list", err)}
		}
		for _, e := range es {
			if e.ID == id {
				ev.BookingID = e.BookingID
				if err := s.waitlist.Leave(ctx, sc.Clinic, id); err != nil {
					return &Error{Action: act, Text: textGeneric, Err: failure("leaving the list", err)}
				}
			}
		}
		return nil
	}()
	s.recordWrite(ctx, ev, err)
	return err
}

// MyWaitlist returns the subject's entries on the clinic's list
// (sc.Clinic), in the order they joined, for Mina bokningar to show
// which bookings wait for an earlier time.
func (s *Service) MyWaitlist(ctx context.Context, sc Scope) ([]store.WaitEntry, error) {
	const act = ActionMyWaitlist
	now := s.now()
	ev := event(sc, act, now)
	out, err := func() ([]store.WaitEntry, error) {
		if _, err := s.open(ctx, sc, act, now, casetype.KindBook, casetype.KindManage); err != nil {
			return nil, err
		}
		if s.waitlist == nil {
			return nil, nil
		}
		out, err := s.waitlist.Entries(ctx, store.WaitFilter{Clinic: sc.Clinic, Subject: sc.Subject})
		if err != nil {
			return nil, &Error{Action: act, Text: textGeneric, Err: failure("reading the list", err)}
		}
		return out, nil
	}()
	if err := s.recordRead(ctx, ev, err); err != nil {
		return nil, err
	}
	return out, nil
}

// StaffWaitlist returns the clinic's cancellation list, in the order the
// citizens joined, to a staff member of the clinic. Reading it is
// audited, one event per entry read.
func (s *Service) StaffWaitlist(ctx context.Context, staff Staff, clinic tidbok.HSAID) ([]store.WaitEntry, error) {
	const act = ActionStaffWaitlist
	ev := Event{Time: s.now(), Caller: Caller{Agent: staff.ID}, Clinic: clinic, Action: act, Session: staff.Session}
	out, err := func() ([]store.WaitEntry, error) {
		if err := staff.authorize(act, clinic); err != nil {
			return nil, err
		}
		if s.waitlist == nil {
			return nil, nil
		}
		out, err := s.waitlist.Entries(ctx, store.WaitFilter{Clinic: clinic})
		if err != nil {
			return nil, &Error{Action: act, Text: textGeneric, Err: failure("reading the list", err)}
		}
		return out, nil
	}()
	if err != nil || len(out) == 0 {
		if err == nil {
			ev.Detail = "0 entries read"
		}
		if err := s.recordRead(ctx, ev, err); err != nil {
			return nil, err
		}
		return out, nil
	}
	for _, e := range out {
		x := ev
		x.Subject, x.CaseType, x.BookingID, x.Detail = e.Subject, e.CaseType, e.BookingID, "waitlist entry read"
		if err := s.recordRead(ctx, x, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SlotKey identifies a freed time among a clinic's offers: its start,
// end, kind and clinician.
func SlotKey(ts tidbok.Timeslot) string {
	return strconv.FormatInt(ts.Start.Unix(), 10) + "-" + strconv.FormatInt(ts.End.Unix(), 10) + "/" +
		ts.TimeType.ID + "/" + ts.Performer.String()
}

// SlotFreed offers the free time slot at clinic to the first citizens on
// the clinic's list who wait for its kind and have no booking, or a later
// one: as many as the first one's case type says
// (casetype.Waitlist.Offers), each offer lasting its OfferTTL. A time
// with an open offer that has not ended is not offered again, nor to a
// citizen it was offered to before; once every offer has ended unused,
// the next call offers it to the next on the list. The flow calls it
// when a booking is cancelled or moved, and [Service.WatchWaitlist] when
// the book shows a time free that was not; a portal may call it when it
// learns of a freed time some other way. It returns the offers made.
func (s *Service) SlotFreed(ctx context.Context, clinic tidbok.HSAID, slot tidbok.Timeslot) ([]store.Offer, error) {
	return s.slotFreed(ctx, clinic, slot, tidbok.PersonalNumber{})
}

func (s *Service) slotFreed(ctx context.Context, clinic tidbok.HSAID, slot tidbok.Timeslot, freedBy tidbok.PersonalNumber) ([]store.Offer, error) {
	now := s.now()
	if s.waitlist == nil || !slot.Start.After(now) {
		return nil, nil
	}
	slot.Subject, slot.Reason, slot.ID, slot.Flags = tidbok.PersonalNumber{}, "", "", tidbok.Flags{}
	slot.Facility, slot.Invitation, slot.Purpose = clinic, false, ""
	key := SlotKey(slot)
	prior, err := s.waitlist.Offers(ctx, clinic, key)
	if err != nil {
		return nil, failure("reading the time's offers", err)
	}
	offered := map[string]bool{}
	for _, o := range prior {
		if o.State == store.OfferAccepted || (o.State == store.OfferOpen && now.Before(o.Expires)) {
			return nil, nil
		}
		offered[o.Entry.ID] = true
	}
	es, err := s.waitlist.Entries(ctx, store.WaitFilter{Clinic: clinic, TimeType: tidbok.TimeType{ID: slot.TimeType.ID}})
	if err != nil {
		return nil, failure("reading the list", err)
	}
	var offers []store.Offer
	limit := 0
	cts := map[string]casetype.CaseType{}
	for _, e := range es {
		if offered[e.ID] || e.Subject == freedBy || (!e.Performer.IsZero() && e.Performer != slot.Performer) ||
			(!e.Before.IsZero() && !slot.Start.Before(e.Before)) {
			continue
		}
		ct, ok := cts[e.CaseType]
		if !ok {
			if ct, err = s.caseTypes.Get(ctx, clinic, e.CaseType); err != nil {
				continue
			}
			cts[e.CaseType] = ct
		}
		if ct.Status != casetype.StatusActive || !ct.Waitlist.Enabled {
			continue
		}
		if limit == 0 {
			limit = ct.Waitlist.OfferCount()
		}
		offers = append(offers, store.Offer{
			ID: offerID(e.ID, key), Clinic: clinic, Slot: slot, SlotKey: key, Entry: e,
			Created: now, Expires: now.Add(ct.Waitlist.OfferLifetime()),
		})
		if len(offers) == limit {
			break
		}
	}
	if len(offers) == 0 {
		return nil, nil
	}
	if err := s.waitlist.AddOffers(ctx, offers...); err != nil {
		return nil, failure("storing the offers", err)
	}
	for _, o := range offers {
		prev := tidbok.Timeslot{}
		if o.Entry.BookingID != "" {
			prev = tidbok.Timeslot{ID: o.Entry.BookingID, Start: o.Entry.Before, Facility: clinic}
		}
		s.enqueueOffer(ctx, o, OfferMade, Letter{
			Booking: o.Slot, Previous: prev, Time: now, Expires: o.Expires,
			Link: s.offerLink(s.offerToken(o)),
		})
	}
	return offers, nil
}

// enqueueOffer queues the letter of kind about offer o to the entry's
// recipients. The gone message supersedes the offer's when that is not
// yet sent.
func (s *Service) enqueueOffer(ctx context.Context, o store.Offer, kind NotificationKind, l Letter) {
	if s.outbox == nil || len(o.Entry.Recipients) == 0 {
		return
	}
	l.Kind = kind
	l.Sequence = 1
	if kind == OfferGone {
		l.Sequence = 2
	}
	l.Booking.Subject, l.Booking.Reason = tidbok.PersonalNumber{}, ""
	group := "offer/" + o.ID
	msgs := make([]store.Message, 0, len(o.Entry.Recipients))
	for _, r := range o.Entry.Recipients {
		l.Channel = r.Channel
		body, err := json.Marshal(l)
		if err != nil {
			s.log.Error("booking: encoding an offer failed", "err", err)
			return
		}
		msgs = append(msgs, store.Message{
			Key: group + "/" + kind.String() + "/" + r.Channel, Group: group, Sequence: l.Sequence,
			Channel: r.Channel, To: r.To, Created: l.Time, Body: body,
		})
	}
	if err := s.outbox.Enqueue(context.WithoutCancel(ctx), msgs...); err != nil {
		s.log.Error("booking: queueing an offer failed", "clinic", o.Clinic, "err", err)
	}
}

// afterChange is the cancellation list's part of a cancel or a move of
// bookingID at the clinic: the booking's own entries leave the list (the
// time they wait to beat is gone), and its former time, freed, is offered
// to those waiting. Failures are logged: the change stands.
func (s *Service) afterChange(ctx context.Context, sc Scope, bookingID string, freed tidbok.Timeslot) {
	if s.waitlist == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	es, err := s.waitlist.Entries(ctx, store.WaitFilter{Clinic: sc.Clinic, BookingID: bookingID})
	if err == nil {
		for _, e := range es {
			if e.Subject == sc.Subject {
				err = errors.Join(err, s.waitlist.Leave(ctx, sc.Clinic, e.ID))
			}
		}
	}
	if err != nil {
		s.log.Warn("booking: taking a changed booking off the cancellation list failed", "clinic", sc.Clinic, "err", err)
	}
	if _, err := s.slotFreed(ctx, sc.Clinic, freed, sc.Subject); err != nil {
		s.log.Warn("booking: offering a freed time failed", "clinic", sc.Clinic, "err", err)
	}
}

// OfferView is an offer as the citizen sees it before accepting.
type OfferView struct {
	// Offer is the stored offer.
	Offer store.Offer
	// Summary describes the time offered.
	Summary Summary
	// Scope is the scope to accept it in: the caller's, with the offer's
	// clinic and case type.
	Scope Scope
}

// Offer reads the offer of token for the subject logged in (sc.Caller,
// sc.Subject; sc.Clinic and sc.CaseType are taken from the offer), for
// the confirm step of its link. It refuses an offer of another subject
// ([ErrForbidden]), one ended ([ErrOfferExpired]) and one whose time
// was booked ([ErrOfferGone], with the text "Tiden är tyvärr redan
// bokad.").
func (s *Service) Offer(ctx context.Context, sc Scope, token string) (OfferView, error) {
	now := s.now()
	o, sc, err := s.openOffer(ctx, sc, token, now)
	ev := event(sc, ActionOffer, now)
	ev.BookingID = o.Entry.BookingID
	if err := s.recordRead(ctx, ev, err); err != nil {
		return OfferView{}, err
	}
	return OfferView{Offer: o, Summary: Summarize(o.Slot, ""), Scope: sc}, nil
}

// openOffer checks token and reads its offer for sc.
func (s *Service) openOffer(ctx context.Context, sc Scope, token string, now time.Time) (store.Offer, Scope, error) {
	const act = ActionOffer
	if s.waitlist == nil {
		return store.Offer{}, sc, &Error{Action: act, Text: textOfferInvalid, Err: because(ErrNoWaitlist, "the service has no list")}
	}
	id, ok := s.checkOfferToken(token)
	if !ok {
		return store.Offer{}, sc, &Error{Action: act, Text: textOfferInvalid, Err: because(ErrOfferInvalid, "the token does not verify")}
	}
	o, err := s.waitlist.Offer(ctx, id)
	switch {
	case errors.Is(err, store.ErrNoOffer):
		return store.Offer{}, sc, &Error{Action: act, Text: textOfferInvalid, Err: wrapping(ErrOfferInvalid, err)}
	case err != nil:
		return store.Offer{}, sc, &Error{Action: act, Text: textGeneric, Err: failure("reading the offer", err)}
	}
	sc.Clinic, sc.CaseType = o.Clinic, o.Entry.CaseType
	switch {
	case o.Entry.Subject != sc.Subject:
		return store.Offer{}, sc, &Error{Action: act, Text: textOfferNotYours, Err: because(ErrForbidden, "the offer is for another subject")}
	case o.State == store.OfferGone:
		return o, sc, &Error{Action: act, Text: textOfferGone, Err: because(ErrOfferGone, "offer %s", o.ID)}
	case o.State == store.OfferOpen && !now.Before(o.Expires):
		return o, sc, &Error{Action: act, Text: textOfferExpired, Err: because(ErrOfferExpired, "at %v", o.Expires)}
	}
	return o, sc, nil
}

// AcceptOfferRequest accepts an offer.
type AcceptOfferRequest struct {
	// Scope is who is logged in and for whom; Clinic and CaseType are
	// taken from the offer.
	Scope
	// Key is the request key, as for [BookRequest].
	Key string
	// Token is the offer's token, from its link.
	Token string
	// Contact and Consent are as for [BookRequest] (needed for an offer
	// to a citizen with no booking) and [RescheduleRequest].
	Contact tidbok.ContactInfo
	Consent Consent
}

// AcceptOffer books the time offered with token: for a citizen waiting
// with a booking it moves the booking ([Service.Reschedule]), otherwise
// it books the time ([Service.Book]), under the entry's case type, with
// all of their rules. The book decides who of those offered the time is
// first: the others' offers become gone and they are sent a message
// saying so, and a later accept of theirs is refused with
// [ErrOfferGone] ("Tiden är tyvärr redan bokad."). The accepted entry
// leaves the list. Safe to repeat with the same Key.
func (s *Service) AcceptOffer(ctx context.Context, req AcceptOfferRequest) (Confirmation, error) {
	now := s.now()
	o, sc, err := s.openOffer(ctx, req.Scope, req.Token, now)
	if err != nil {
		s.recordWrite(ctx, event(sc, ActionOffer, now), err)
		return Confirmation{}, err
	}
	var conf Confirmation
	if o.Entry.BookingID != "" {
		conf, err = s.Reschedule(ctx, RescheduleRequest{Scope: sc, Key: req.Key, BookingID: o.Entry.BookingID,
			Slot: o.Slot, Contact: req.Contact, Consent: req.Consent})
	} else {
		conf, err = s.Book(ctx, BookRequest{Scope: sc, Key: req.Key, Slot: o.Slot, Contact: req.Contact, Consent: req.Consent})
	}
	ctx = context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if _, serr := s.waitlist.SettleOffer(ctx, o.ID, store.OfferAccepted, now); serr != nil && !errors.Is(serr, store.ErrOfferSettled) {
			s.log.Warn("booking: recording an accepted offer failed", "clinic", o.Clinic, "err", serr)
		}
		if lerr := s.waitlist.Leave(ctx, o.Clinic, o.Entry.ID); lerr != nil {
			s.log.Warn("booking: taking an accepted offer's entry off the list failed", "clinic", o.Clinic, "err", lerr)
		}
		s.offerGone(ctx, o, "")
		return conf, nil
	case errors.Is(err, tidbok.ErrSlotTaken) && !errors.Is(err, ErrHeld):
		s.offerGone(ctx, o, o.ID)
		out := &SlotTakenError{Action: ActionBook, Text: textOfferGone, Err: wrapping(ErrOfferGone, err)}
		var ste *SlotTakenError
		if errors.As(err, &ste) {
			out.Action, out.Alternatives = ste.Action, ste.Alternatives
		}
		return Confirmation{}, out
	}
	return Confirmation{}, err
}

// offerGone settles the open offers of o's time as gone and tells their
// citizens, all but the offer with id quiet (whose citizen sees it on
// screen). SettleOffer decides, so each is told once.
func (s *Service) offerGone(ctx context.Context, o store.Offer, quiet string) {
	now := s.now()
	all, err := s.waitlist.Offers(ctx, o.Clinic, o.SlotKey)
	if err != nil {
		s.log.Warn("booking: reading a time's offers failed; the others are not told it is gone", "clinic", o.Clinic, "err", err)
		return
	}
	for _, x := range all {
		if x.State != store.OfferOpen {
			continue
		}
		if _, err := s.waitlist.SettleOffer(ctx, x.ID, store.OfferGone, now); err != nil {
			continue // settled by another call, which told them
		}
		if x.ID != quiet {
			s.enqueueOffer(ctx, x, OfferGone, Letter{Booking: x.Slot, Time: now})
		}
	}
}

// offerToken returns o's token: its ID and expiry, signed with the
// service's key. It names no person.
func (s *Service) offerToken(o store.Offer) string {
	payload := o.ID + "." + strconv.FormatInt(o.Expires.Unix(), 10)
	return payload + "." + s.offerMAC(payload)
}

func (s *Service) offerMAC(payload string) string {
	m := hmac.New(sha256.New, s.offerKey)
	m.Write([]byte("webbtidbok offer\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkOfferToken returns the offer ID of a token the service signed.
func (s *Service) checkOfferToken(token string) (string, bool) {
	if len(s.offerKey) == 0 || len(token) > 256 {
		return "", false
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", false
	}
	payload, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.offerMAC(payload))) {
		return "", false
	}
	id, _, ok := strings.Cut(payload, ".")
	return id, ok && id != ""
}

// offerID is the ID of the offer of the time with key to entry: the
// same offer made twice (by the flow and by a watcher) has the same ID.
func offerID(entry, key string) string {
	h := sha256.Sum256([]byte(entry + "\x00" + key))
	return hex.EncodeToString(h[:12])
}

func newEntryID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
