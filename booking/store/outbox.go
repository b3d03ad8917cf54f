package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sync"
	"time"
)

// Outbox keeps the messages the flow owes citizens (confirmations, moves,
// cancellations; later reminders) until a worker has delivered them:
// written in the same step as the change they tell of, claimed by one
// worker at a time under a lease, and kept with their outcome after.
//
// A message's Key makes enqueueing it again a no-op, so that a repeated
// or resumed call never queues a second copy. Messages of one booking
// share a Group and are ordered by Sequence (the booking's calendar
// revision): a message supersedes the pending messages of its group with
// a lower Sequence, and one enqueued behind a higher Sequence is stored
// superseded, so that nothing stale is sent.
//
// Claim leases due messages to one worker: a worker that dies holding a
// lease loses it when the lease ends, and another claims the message
// again (delivery is at least once). Portal processes sharing an Outbox
// store share the queue; [MemOutbox] serves one process. Implementations
// must be safe for concurrent use.
//
// A SQL store claims with UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
// LOCKED) on PostgreSQL, so that workers in many processes never block
// on each other's rows; on SQLite one transaction at a time claims.
type Outbox interface {
	// Enqueue stores the messages, in one step: all or none. A message
	// whose Key is stored already is left as it is. A stored message of
	// the same Group with a lower Sequence that is still pending becomes
	// MessageSuperseded; a new message whose Group holds a higher
	// Sequence is stored superseded. Enqueue sets State to
	// MessagePending (or MessageSuperseded) and clears the fields the
	// worker owns.
	Enqueue(ctx context.Context, msgs ...Message) error
	// Withdraw takes back the pending message with key: it becomes
	// MessageWithdrawn and is never claimed. A message settled, superseded
	// or unknown is left as it is.
	Withdraw(ctx context.Context, key string) error
	// Claim leases up to limit pending messages due at now (NotBefore not
	// after now) whose lease, if any, has ended, oldest NotBefore first,
	// until now+lease. Each comes back with Attempts counted one up and a
	// Claim token that is new for this call.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// Settle records the outcome of the message with key claimed with
	// token claim. An outcome of MessagePending puts it back to be
	// claimed at o.Retry; MessageSent and MessageFailed are final. A
	// message superseded while claimed takes MessageSent (it went out)
	// but stays superseded otherwise. When claim is no longer the
	// message's (its lease ended and another worker claimed it, or it
	// was settled), Settle changes nothing and returns an error matching
	// [ErrLeaseLost].
	Settle(ctx context.Context, key, claim string, o Outcome) error
	// Get returns the message with key, or an error matching
	// [ErrNoMessage].
	Get(ctx context.Context, key string) (Message, error)
	// List returns the messages that f selects, in the order they were
	// enqueued.
	List(ctx context.Context, f MessageFilter) ([]Message, error)
}

// MessageState is where a message is in the outbox.
type MessageState uint8

// The states of a message.
const (
	// MessagePending: waiting to be claimed, or claimed and not settled.
	MessagePending MessageState = iota
	// MessageSent: delivered to the channel (the mail server or SMS
	// gateway accepted it).
	MessageSent
	// MessageFailed: will not be delivered: no or a bad address, a
	// permanent refusal, or too many attempts; Detail says which.
	MessageFailed
	// MessageSuperseded: a newer message of its group replaced it.
	MessageSuperseded
	// MessageWithdrawn: taken back with Withdraw.
	MessageWithdrawn
)

// String returns the state's name, e.g. "sent".
func (s MessageState) String() string {
	switch s {
	case MessagePending:
		return "pending"
	case MessageSent:
		return "sent"
	case MessageFailed:
		return "failed"
	case MessageSuperseded:
		return "superseded"
	case MessageWithdrawn:
		return "withdrawn"
	}
	return "unknown"
}

// Message is one message to one recipient over one channel.
type Message struct {
	// Key identifies the message; enqueueing a stored key is a no-op.
	Key string
	// Group is the thread the message belongs to, e.g. one booking;
	// Sequence orders the group's messages (see [Outbox]).
	Group    string
	Sequence int
	// Channel names how it is sent, e.g. "email" or "sms"; To is the
	// address on that channel, empty when the citizen agreed to the
	// channel but left no address.
	Channel, To string
	// NotBefore is the earliest time to send it; zero for at once.
	NotBefore time.Time
	// Created is when it was enqueued.
	Created time.Time
	// Body is what to send, in the enqueuer's encoding; the store keeps
	// it unread.
	Body []byte

	// The fields below are the store's and the worker's.

	State MessageState
	// Attempts counts the claims.
	Attempts int
	// Claim is the token of the current claim; LeaseUntil when it ends.
	Claim      string
	LeaseUntil time.Time
	// Settled is when the message reached its state (or when the last
	// attempt failed, while pending); Detail says how it went, e.g. the
	// server's answer or why it failed.
	Settled time.Time
	Detail  string
}

// Outcome is what a worker reports for a claimed message.
type Outcome struct {
	// State is MessageSent, MessageFailed, or MessagePending to try again
	// at Retry.
	State MessageState
	// At is when the attempt ended.
	At time.Time
	// Retry is when to try again (State MessagePending).
	Retry time.Time
	// Detail says how it went.
	Detail string
}

// MessageFilter selects messages for [Outbox.List]; an empty field
// selects all.
type MessageFilter struct {
	Group string
	To    string
	// Limit bounds the answer to the newest Limit messages; zero for all.
	Limit int
}

// Outbox errors.
var (
	// ErrLeaseLost means the claim token no longer holds the message
	// ([Outbox.Settle]): another worker took it over, or it was settled.
	ErrLeaseLost error = &sentinel{what: "outbox lease lost"}
	// ErrNoMessage means the outbox holds no message with the key.
	ErrNoMessage error = &sentinel{what: "no such outbox message"}
)

// NewClaimToken returns a fresh random claim token.
func NewClaimToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// MemOutbox is an [Outbox] in memory, for one process. It is safe for
// concurrent use; the zero value is ready to use. It keeps every message
// it was given.
type MemOutbox struct {
	mu    sync.Mutex
	order []string
	m     map[string]*Message
}

var _ Outbox = (*MemOutbox)(nil)

// NewMemOutbox returns an empty outbox.
func NewMemOutbox() *MemOutbox { return &MemOutbox{} }

// Enqueue implements [Outbox].
func (o *MemOutbox) Enqueue(ctx context.Context, msgs ...Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]*Message{}
	}
	for _, in := range msgs {
		if _, ok := o.m[in.Key]; ok {
			continue
		}
		msg := in
		msg.State, msg.Attempts, msg.Claim, msg.LeaseUntil, msg.Settled, msg.Detail = MessagePending, 0, "", time.Time{}, time.Time{}, ""
		msg.Body = slices.Clone(in.Body)
		for _, k := range o.order {
			old := o.m[k]
			if old.Group != msg.Group {
				continue
			}
			switch {
			case old.Sequence > msg.Sequence:
				msg.State = MessageSuperseded
			case old.Sequence < msg.Sequence && old.State == MessagePending:
				old.State = MessageSuperseded
			}
		}
		o.m[msg.Key] = &msg
		o.order = append(o.order, msg.Key)
	}
	return nil
}

// Withdraw implements [Outbox].
func (o *MemOutbox) Withdraw(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if m, ok := o.m[key]; ok && m.State == MessagePending {
		m.State = MessageWithdrawn
	}
	return nil
}

// Claim implements [Outbox].
func (o *MemOutbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var due []*Message
	for _, k := range o.order {
		m := o.m[k]
		if m.State == MessagePending && !m.NotBefore.After(now) && !m.LeaseUntil.After(now) {
			due = append(due, m)
		}
	}
	slices.SortStableFunc(due, func(a, b *Message) int { return a.NotBefore.Compare(b.NotBefore) })
	if limit > 0 && len(due) > limit {
		due = due[:limit]
	}
	token := NewClaimToken()
	out := make([]Message, 0, len(due))
	for _, m := range due {
		m.Attempts++
		m.Claim, m.LeaseUntil = token, now.Add(lease)
		out = append(out, copyMessage(m))
	}
	return out, nil
}

// Settle implements [Outbox].
func (o *MemOutbox) Settle(ctx context.Context, key, claim string, out Outcome) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	m, ok := o.m[key]
	if !ok || claim == "" || m.Claim != claim || (m.State != MessagePending && m.State != MessageSuperseded) {
		return Because(ErrLeaseLost, "message %s is not held by this claim", key)
	}
	m.Claim, m.LeaseUntil, m.Settled, m.Detail = "", time.Time{}, out.At, out.Detail
	switch {
	case out.State == MessageSent:
		m.State = MessageSent
	case m.State == MessageSuperseded:
	case out.State == MessagePending:
		m.NotBefore = out.Retry
	default:
		m.State = out.State
	}
	return nil
}

// Get implements [Outbox].
func (o *MemOutbox) Get(ctx context.Context, key string) (Message, error) {
	if err := ctx.Err(); err != nil {
		return Message{}, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	m, ok := o.m[key]
	if !ok {
		return Message{}, Because(ErrNoMessage, "key %s", key)
	}
	return copyMessage(m), nil
}

// List implements [Outbox].
func (o *MemOutbox) List(ctx context.Context, f MessageFilter) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Message
	for _, k := range o.order {
		m := o.m[k]
		if (f.Group == "" || m.Group == f.Group) && (f.To == "" || m.To == f.To) {
			out = append(out, copyMessage(m))
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, nil
}

func copyMessage(m *Message) Message {
	c := *m
	c.Body = slices.Clone(m.Body)
	return c
}
