package stall

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrStalled is the cause of a run a Watch stopped for want of progress.
var ErrStalled = errors.New("stalled")

// Quiet is how long a Watch lets a run go without progress. A correct run
// of the rings or the stack makes progress every few microseconds, and
// under the race detector on a busy machine every few milliseconds; five
// seconds without any is a stall, not slowness.
const Quiet = 5 * time.Second

// Limit bounds a single wait (Until, Recv) whose event a correct run
// brings within milliseconds.
const Limit = 20 * time.Second

// TB is the part of testing.TB the waits use (rapid's T has it too).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// A Watch stops a run that stalls. The run adds to its count as it makes
// progress (Add); when the count has not moved for the quiet period the
// Watch cancels the run's context with a cause that wraps ErrStalled and
// says what was awaited, and a test that sees a wrong result stops the
// run at once with Fail.
type Watch struct {
	count  atomic.Int64
	cancel context.CancelCauseFunc
	ctx    context.Context
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

// New starts a Watch over a run with context parent. what describes, for
// the count reached, the progress that did not come ("RPC 1234 of
// 200000 to be taken"); it is called from the Watch's goroutine, so it
// may read only what is safe to read while the run goes on (atomics, the
// count). The run must stop when the returned context is done.
func New(parent context.Context, quiet time.Duration, what func(count int64) string) (context.Context, *Watch) {
	ctx, cancel := context.WithCancelCause(parent)
	w := &Watch{cancel: cancel, ctx: ctx, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(min(quiet/10, 100*time.Millisecond))
		defer tick.Stop()
		last, since := w.count.Load(), time.Now()
		for {
			select {
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			case now := <-tick.C:
				if n := w.count.Load(); n != last {
					last, since = n, now
				} else if now.Sub(since) >= quiet {
					cancel(fmt.Errorf("%w: no progress for %v: %s", ErrStalled, quiet, what(n)))
					return
				}
			}
		}
	}()
	return ctx, w
}

// Add records progress.
func (w *Watch) Add(n int64) { w.count.Add(n) }

// Count is the progress recorded so far.
func (w *Watch) Count() int64 { return w.count.Load() }

// Fail stops the run at once with err as the cause (the first cause
// stays).
func (w *Watch) Fail(err error) { w.cancel(err) }

// Stop ends the Watch and returns why the run was stopped: the stall or
// the failure, or nil if neither happened (a cancellation of the parent
// context is the parent's business).
func (w *Watch) Stop() error {
	w.once.Do(func() { close(w.stop) })
	<-w.done
	cause := context.Cause(w.ctx)
	w.cancel(nil)
	if cause == nil || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return nil
	}
	return cause
}

// Until polls cond until it holds, and fails t, naming what it waited
// for, if it does not within limit.
func Until(t TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s, in vain", limit, what)
			return // a TB whose Fatalf returns
		}
		time.Sleep(time.Millisecond)
	}
}

// Recv receives from ch, and fails t, naming what it waited for, if
// nothing comes (or ch is not closed) within limit.
func Recv[T any](t TB, ch <-chan T, limit time.Duration, what string) T {
	t.Helper()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("waited %v for %s, in vain", limit, what)
	}
	var zero T
	return zero
}
