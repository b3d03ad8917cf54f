package batch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder is a RunFunc that doubles each request, records the batches it
// got and, when gate is set, waits for it to close before answering.
type recorder struct {
	mu      sync.Mutex
	batches [][]int
	gate    chan struct{}
	started chan struct{} // receives once per batch, when set
}

func (r *recorder) run(ctx context.Context, reqs []int) ([]int, error) {
	r.mu.Lock()
	r.batches = append(r.batches, slices.Clone(reqs))
	gate := r.gate
	r.mu.Unlock()
	if r.started != nil {
		r.started <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	out := make([]int, len(reqs))
	for i, q := range reqs {
		out[i] = 2 * q
	}
	return out, nil
}

func (r *recorder) seen() [][]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches)
}

// queued waits until n calls wait in b's queue.
func queued[Req, Res any](t *testing.T, b *Batcher[Req, Res], n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		got := len(b.queue)
		b.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// result is what a Do returned.
type result struct {
	req, res int
	err      error
}

func doAsync(b *Batcher[int, int], ctx context.Context, req int, out chan<- result) {
	go func() {
		res, err := b.Do(ctx, req)
		out <- result{req, res, err}
	}()
}

// busy returns a batcher whose run waits for r.gate to close, with a
// first call (of 100) running, and the channel every call answers on.
func busy(t *testing.T, maxRunning, maxSize int) (*recorder, *Batcher[int, int], chan result) {
	t.Helper()
	r := &recorder{gate: make(chan struct{}), started: make(chan struct{}, 10)}
	b := New(maxRunning, maxSize, r.run)
	out := make(chan result, 10)
	doAsync(b, context.Background(), 100, out)
	<-r.started
	return r, b, out
}

// queue makes calls of reqs with ctx, one after the other, each once the
// one before waits in b's queue, which already held waiting.
func queue(t *testing.T, b *Batcher[int, int], ctx context.Context, out chan result, waiting int, reqs ...int) {
	t.Helper()
	for i, req := range reqs {
		doAsync(b, ctx, req, out)
		queued(t, b, waiting+i+1)
	}
}

func TestALoneCallRunsAtOnceByItself(t *testing.T) {
	r := &recorder{}
	b := New(2, 16, r.run)
	for i := range 3 {
		got, err := b.Do(context.Background(), i)
		if err != nil || got != 2*i {
			t.Fatalf("Do(%d) = %d, %v; want %d", i, got, err, 2*i)
		}
	}
	if want := [][]int{{0}, {1}, {2}}; !slices.EqualFunc(r.seen(), want, slices.Equal) {
		t.Errorf("batches %v, want %v", r.seen(), want)
	}
}

func TestCallsMadeWhileBatchesRunGoTogether(t *testing.T) {
	r, b, out := busy(t, 1, 16) // the first batch holds the only place
	queue(t, b, context.Background(), out, 0, 0, 1, 2, 3, 4)
	close(r.gate)
	for range 6 {
		if got := <-out; got.err != nil || got.res != 2*got.req {
			t.Errorf("Do(%d) = %d, %v", got.req, got.res, got.err)
		}
	}
	if want := [][]int{{100}, {0, 1, 2, 3, 4}}; !slices.EqualFunc(r.seen(), want, slices.Equal) {
		t.Errorf("batches %v, want %v", r.seen(), want)
	}
}

func TestBatchesAreNoLargerThanTheLimit(t *testing.T) {
	r, b, out := busy(t, 1, 2)
	queue(t, b, context.Background(), out, 0, 0, 1, 2, 3, 4)
	close(r.gate)
	for range 6 {
		<-out
	}
	if want := [][]int{{100}, {0, 1}, {2, 3}, {4}}; !slices.EqualFunc(r.seen(), want, slices.Equal) {
		t.Errorf("batches %v, want %v", r.seen(), want)
	}
}

func TestALoneCallWaitsForTheRunningBatchAndTwoStartAnother(t *testing.T) {
	r, b, out := busy(t, 2, 16)
	queue(t, b, context.Background(), out, 0, 2)
	select {
	case <-r.started:
		t.Fatal("a lone call started a second batch")
	case <-time.After(20 * time.Millisecond):
	}
	doAsync(b, context.Background(), 3, out)
	<-r.started // two wait: a second batch takes them
	close(r.gate)
	for range 3 {
		<-out
	}
	if want := [][]int{{100}, {2, 3}}; !slices.EqualFunc(r.seen(), want, slices.Equal) {
		t.Errorf("batches %v, want %v", r.seen(), want)
	}
}

func TestAtMostMaxRunningBatchesRunAtOnce(t *testing.T) {
	r, b, out := busy(t, 2, 16)
	queue(t, b, context.Background(), out, 0, 2)
	doAsync(b, context.Background(), 3, out)
	<-r.started
	queue(t, b, context.Background(), out, 0, 4, 5, 6) // three wait, but two batches run
	select {
	case <-r.started:
		t.Fatal("a third batch started while two ran")
	case <-time.After(20 * time.Millisecond):
	}
	close(r.gate)
	for range 6 {
		<-out
	}
	if n := len(r.seen()); n != 3 {
		t.Errorf("batches %v, want 3", r.seen())
	}
}

func TestAnErrorGoesToEveryCallOfItsBatch(t *testing.T) {
	boom := errors.New("boom")
	gate, started := make(chan struct{}), make(chan struct{}, 10)
	var n int
	b := New(1, 16, func(ctx context.Context, reqs []int) ([]int, error) {
		started <- struct{}{}
		<-gate
		n++
		if n == 2 {
			return nil, boom
		}
		return make([]int, len(reqs)), nil
	})
	out := make(chan result, 10)
	doAsync(b, context.Background(), 0, out)
	<-started
	for i := range 3 {
		doAsync(b, context.Background(), i+1, out)
		queued(t, b, i+1)
	}
	close(gate)
	for range 4 {
		got := <-out
		if want := got.req != 0; errors.Is(got.err, boom) != want {
			t.Errorf("Do(%d) = %v, want boom: %v", got.req, got.err, want)
		}
	}
}

func TestTooFewResultsIsAnError(t *testing.T) {
	b := New(1, 16, func(ctx context.Context, reqs []int) ([]int, error) { return nil, nil })
	if _, err := b.Do(context.Background(), 1); err == nil {
		t.Error("a batch that answered nothing gave no error")
	}
}

func TestACallGivenUpInTheQueueIsNeverSent(t *testing.T) {
	r, b, out := busy(t, 1, 16)
	ctx, cancel := context.WithCancel(context.Background())
	queue(t, b, ctx, out, 0, 1)
	queue(t, b, context.Background(), out, 1, 2)
	cancel()
	got := <-out
	if got.req != 1 || !errors.Is(got.err, ErrNotSent) || !errors.Is(got.err, context.Canceled) {
		t.Fatalf("the cancelled call returned %+v, want ErrNotSent and context.Canceled", got)
	}
	close(r.gate)
	<-out
	<-out
	if want := [][]int{{100}, {2}}; !slices.EqualFunc(r.seen(), want, slices.Equal) {
		t.Errorf("batches %v, want %v", r.seen(), want)
	}
}

func TestACallWithAnEndedContextIsNotSent(t *testing.T) {
	r := &recorder{}
	b := New(1, 16, r.run)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Do(ctx, 1); !errors.Is(err, ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, want ErrNotSent and context.Canceled", err)
	}
	if len(r.seen()) != 0 {
		t.Errorf("batches %v, want none", r.seen())
	}
}

func TestGivingUpOnARunningBatchReturnsAtOnce(t *testing.T) {
	var runCtx context.Context
	started, release := make(chan struct{}), make(chan struct{})
	b := New(1, 16, func(ctx context.Context, reqs []int) ([]int, error) {
		runCtx = ctx
		close(started)
		<-release
		return make([]int, len(reqs)), nil
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan result, 1)
	doAsync(b, ctx, 1, out)
	<-started
	cancel()
	got := <-out
	if !errors.Is(got.err, ErrAbandoned) || !errors.Is(got.err, context.Canceled) {
		t.Errorf("Do = %v, want ErrAbandoned and context.Canceled", got.err)
	}
	select {
	case <-runCtx.Done():
	case <-time.After(10 * time.Second):
		t.Error("the batch's context lives on after its only caller gave up")
	}
}

func TestABatchRunsOnWhileOneOfItsCallersWaits(t *testing.T) {
	type key struct{}
	var ctxs []context.Context
	release, started := make(chan struct{}), make(chan struct{}, 10)
	b := New(1, 16, func(ctx context.Context, reqs []int) ([]int, error) {
		ctxs = append(ctxs, ctx)
		started <- struct{}{}
		<-release
		return make([]int, len(reqs)), ctx.Err()
	})
	out := make(chan result, 10)
	doAsync(b, context.Background(), 0, out)
	<-started
	first, cancelFirst := context.WithCancel(context.WithValue(context.Background(), key{}, "first"))
	doAsync(b, first, 1, out)
	queued(t, b, 1)
	doAsync(b, context.Background(), 2, out)
	queued(t, b, 2)
	release <- struct{}{}
	if got := <-out; got.req != 0 || got.err != nil {
		t.Fatalf("got %+v, want call 0 answered", got)
	}
	<-started
	cancelFirst() // call 1 gives up; call 2 still waits for the batch
	if got := <-out; got.req != 1 || !errors.Is(got.err, ErrAbandoned) {
		t.Fatalf("got %+v, want call 1 abandoned", got)
	}
	release <- struct{}{}
	if got := <-out; got.req != 2 || got.err != nil {
		t.Errorf("got %+v, want call 2 answered", got)
	}
	if v := ctxs[1].Value(key{}); v != "first" {
		t.Errorf("the batch's context has value %v, want the first call's", v)
	}
}

func TestManyCallersEachGetTheirOwnResult(t *testing.T) {
	r := &recorder{}
	b := New(2, 8, r.run)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				req := g*1000 + i
				if got, err := b.Do(context.Background(), req); err != nil || got != 2*req {
					errs <- fmt.Errorf("Do(%d) = %d, %v", req, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := 0
	for _, batch := range r.seen() {
		if len(batch) > 8 {
			t.Errorf("a batch of %d, want at most 8", len(batch))
		}
		total += len(batch)
	}
	if total != 16*200 {
		t.Errorf("%d requests run, want %d", total, 16*200)
	}
	// The last batch's goroutine ends just after its callers return.
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		running, waiting := b.running, len(b.queue)
		b.mu.Unlock()
		if running == 0 && waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the calls: %d running, %d queued; want none", running, waiting)
		}
		time.Sleep(time.Millisecond)
	}
}
