// Package batch gathers calls made at the same time into batches that run
// as one, the way a database commits many transactions with one flush:
// concurrent bookings of free slots become one statement, one round trip
// and one commit.
//
// A Batcher runs at most a set number of batches at once. A call made
// while none runs is sent at once, in a batch of its own, so a lone call
// never waits for company. Calls made while a batch runs wait in a queue:
// another batch starts beside the running ones when at least two calls
// wait and fewer than the most run, and when a batch ends, everything
// queued (up to the largest batch) is the next one. The busier the
// batcher, the larger its batches.
//
// A batch runs on a goroutine that exists while there are batches to run;
// a Batcher has no goroutine of its own and nothing to close.
package batch

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// ErrNotSent is matched by the error of a call whose context ended
// before its batch was sent: the call had no effect. The error also
// matches the context's error.
var ErrNotSent = errors.New("batch: given up before it was sent")

// ErrAbandoned is matched by the error of a call whose context ended while
// its batch ran: the call may or may not take effect. The error also
// matches the context's error.
var ErrAbandoned = errors.New("batch: given up while it ran")

// RunFunc runs a batch of requests and returns one result for each, in
// order, or one error for them all. Its context ends only when every
// caller in the batch has given up; it carries the values of the first
// call's context.
type RunFunc[Req, Res any] func(ctx context.Context, reqs []Req) ([]Res, error)

// A Batcher gathers concurrent calls of Do into batches for its RunFunc.
// It is safe for concurrent use.
type Batcher[Req, Res any] struct {
	run        RunFunc[Req, Res]
	maxRunning int
	maxSize    int

	mu      sync.Mutex
	running int               // batches running (goroutines in loop)
	queue   []*call[Req, Res] // calls waiting for a batch, oldest first
}

// call is one Do waiting for its result.
type call[Req, Res any] struct {
	ctx  context.Context
	req  Req
	res  Res
	err  error
	done chan struct{} // closed when res and err are set
}

// New returns a Batcher that runs at most maxRunning batches of at most
// maxSize requests at once with run. Values below 1 mean 1.
func New[Req, Res any](maxRunning, maxSize int, run RunFunc[Req, Res]) *Batcher[Req, Res] {
	return &Batcher[Req, Res]{run: run, maxRunning: max(maxRunning, 1), maxSize: max(maxSize, 1)}
}

// Do runs req in the next batch and returns its result.
//
// If ctx ends first, Do returns at once: with an error matching
// ErrNotSent if the batch had not been sent (the request had no effect),
// or ErrAbandoned if it had (the request may or may not take effect).
func (b *Batcher[Req, Res]) Do(ctx context.Context, req Req) (Res, error) {
	var zero Res
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	c := &call[Req, Res]{ctx: ctx, req: req, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	if b.running == 0 || b.running < b.maxRunning && len(b.queue) >= 2 {
		// A lone call waits for a running batch to end rather than
		// take another connection by itself: it then goes with those
		// that came meanwhile.
		b.running++
		go b.loop(b.takeLocked())
	}
	b.mu.Unlock()

	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
	}
	b.mu.Lock()
	if i := slices.Index(b.queue, c); i >= 0 {
		b.queue = slices.Delete(b.queue, i, i+1)
		b.mu.Unlock()
		return zero, fmt.Errorf("%w: %w", ErrNotSent, ctx.Err())
	}
	b.mu.Unlock()
	select {
	case <-c.done: // it ended while we looked
		return c.res, c.err
	default:
		return zero, fmt.Errorf("%w: %w", ErrAbandoned, ctx.Err())
	}
}

// takeLocked removes the next batch from the queue. b.mu is held.
func (b *Batcher[Req, Res]) takeLocked() []*call[Req, Res] {
	n := min(len(b.queue), b.maxSize)
	batch := slices.Clone(b.queue[:n])
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:]) // drop the references the queue no longer holds
	b.queue = b.queue[:rest]
	return batch
}

// loop runs batch, then the batches that queued meanwhile, until the
// queue is empty.
func (b *Batcher[Req, Res]) loop(batch []*call[Req, Res]) {
	for {
		b.runBatch(batch)
		// The callers just answered are runnable now. Those that call
		// again at once (a server's handlers, a benchmark's clients)
		// then join the next batch instead of leaving it to whoever
		// was quicker: with 16 callers, batches of about 15 instead of
		// alternating 1 and 15 (see BENCHMARKS.md).
		runtime.Gosched()
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		batch = b.takeLocked()
		b.mu.Unlock()
	}
}

// runBatch runs the calls of batch still wanted and gives each its
// result.
func (b *Batcher[Req, Res]) runBatch(batch []*call[Req, Res]) {
	live := make([]*call[Req, Res], 0, len(batch))
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = fmt.Errorf("%w: %w", ErrNotSent, err)
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ctx, stop := together(live)
	defer stop()
	reqs := make([]Req, len(live))
	for i, c := range live {
		reqs[i] = c.req
	}
	res, err := b.run(ctx, reqs)
	if err == nil && len(res) != len(live) {
		err = fmt.Errorf("batch: %d results for %d requests", len(res), len(live))
	}
	for i, c := range live {
		if err != nil {
			c.err = err
		} else {
			c.res = res[i]
		}
		close(c.done)
	}
}

// together returns a context with the values of the first call's that
// ends when every call's context has ended, and a function that releases
// it.
func together[Req, Res any](calls []*call[Req, Res]) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(calls[0].ctx))
	var left atomic.Int64
	left.Store(int64(len(calls)))
	stops := make([]func() bool, len(calls))
	for i, c := range calls {
		stops[i] = context.AfterFunc(c.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}
