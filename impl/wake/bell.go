package wake

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Bell parks idle polling goroutines until a producer rings it: the
// polling discipline's last stage, after spinning and yielding (Poll). A
// producer rings after it has written (a ring line, a link's packet, a
// socket's datagram); ringing costs one atomic load while no one waits.
//
// No wake-up is lost: a waiter registers (Arm), then re-checks for work,
// then blocks (Park); a producer writes, then looks for waiters. With
// sequentially consistent atomics either the re-check sees the write or
// the producer sees the waiter. The bell calls nothing: the waiter runs
// its own re-check between Arm and Park.
//
// A bell may forward (Forward): ringing it then rings another, the bell
// of a goroutine that polls several NICs in turn, so producers keep
// ringing the bell they were given.
type Bell struct {
	waiters atomic.Int32
	to      atomic.Pointer[Bell] // set: Ring rings this bell instead
	mu      sync.Mutex
	ch      chan struct{} // closed by Ring; nil when no one waits
}

// Waiting is how many goroutines are registered on the bell (parked, or
// about to re-check before parking).
func (b *Bell) Waiting() int { return int(b.waiters.Load()) }

// Forward makes every later Ring of b ring to instead (nil: b again). A
// goroutine parked on b itself is no longer woken by b's producers: only
// the goroutine that polls for both parks on to.
func (b *Bell) Forward(to *Bell) {
	if to == b {
		to = nil
	}
	b.to.Store(to)
}

// Ring wakes every goroutine waiting on the bell (or on the bell it
// forwards to).
func (b *Bell) Ring() {
	if to := b.to.Load(); to != nil {
		b = to
	}
	if b.waiters.Load() == 0 {
		return
	}
	b.mu.Lock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
	b.mu.Unlock()
}

// Arm registers the caller as a waiter on the bell and returns the
// Waiter to park with. The caller then re-checks for work — its own
// round, run by itself, not called back from here — and Disarms if it
// found some, Parks if not: a ring after Arm is not lost, Park then
// returns at once.
func (b *Bell) Arm() Waiter {
	b.waiters.Add(1)
	b.mu.Lock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	ch := b.ch
	b.mu.Unlock()
	return Waiter{b: b, ch: ch}
}

// Waiter is one armed wait on a Bell.
type Waiter struct {
	b  *Bell
	ch chan struct{}
}

// Park blocks until the bell rings (or rang since Arm), ctx ends or max
// passes, and unregisters.
func (w Waiter) Park(ctx context.Context, max time.Duration) {
	defer w.b.waiters.Add(-1)
	select {
	case <-w.ch:
		return
	default:
	}
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-w.ch:
	case <-ctx.Done():
	case <-t.C:
	}
}

// Disarm unregisters without blocking: the re-check found work.
func (w Waiter) Disarm() { w.b.waiters.Add(-1) }
