package nic

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Bell parks idle polling goroutines until a producer rings it: the
// polling discipline's last stage, after spinning and yielding. A
// producer rings after it has written (a ring line, a link's packet);
// ringing costs one atomic load while no one waits.
//
// No wake-up is lost: a waiter registers, then re-checks for work, then
// blocks; a producer writes, then looks for waiters. With sequentially
// consistent atomics either the re-check sees the write or the producer
// sees the waiter.
type Bell struct {
	waiters atomic.Int32
	mu      sync.Mutex
	ch      chan struct{} // closed by Ring; nil when no one waits
}

// Waiting is how many goroutines are registered on the bell (parked, or
// about to re-check before parking).
func (b *Bell) Waiting() int { return int(b.waiters.Load()) }

// Ring wakes every goroutine waiting on the bell.
func (b *Bell) Ring() {
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

// Wait parks until the bell rings, ctx ends or max passes, unless check
// (run after registering) finds work; it reports what check found.
func (b *Bell) Wait(ctx context.Context, check func() bool, max time.Duration) bool {
	b.waiters.Add(1)
	defer b.waiters.Add(-1)
	b.mu.Lock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	ch := b.ch
	b.mu.Unlock()
	if check() {
		return true
	}
	t := time.NewTimer(max)
	defer t.Stop()
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	select {
	case <-ch:
	case <-done:
	case <-t.C:
	}
	return false
}
