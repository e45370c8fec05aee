package checker

import (
	"runtime"
	"sync/atomic"
	"time"
)

// crew runs a phase function on n workers at once, many times over, with
// the same goroutines. Breadth-first search runs one phase a block (a
// level, unless a memory cap cuts it up), and a level of the ring model
// takes a few milliseconds: starting goroutines for each, the second one
// waited about 100µs to be scheduled on this project's 2-core machine (a
// parked thread must be woken), which cost 5–10% of a run. So a crew's goroutines spin for a while between
// phases — the gap between two levels is tens of microseconds — and park
// only when no phase comes.
//
// Worker 0 is the calling goroutine: run calls the phase for it directly.
type crew struct {
	n        int
	phase    func(id int)
	gen      atomic.Uint64 // phases started; a worker runs each once
	left     atomic.Int64  // workers still in the current phase
	stopped  atomic.Bool
	sleeping []atomic.Bool   // per worker (and main at index 0): parked, to be woken
	wake     []chan struct{} // per worker, one token each
}

// spinFor is how long an idle goroutine spins before it parks.
const spinFor = 2 * time.Millisecond

func newCrew(n int) *crew {
	c := &crew{n: n, sleeping: make([]atomic.Bool, n), wake: make([]chan struct{}, n)}
	for i := range c.wake {
		c.wake[i] = make(chan struct{}, 1)
	}
	for id := 1; id < n; id++ {
		go c.work(id)
	}
	return c
}

// run calls phase(id) for every worker id in 0..n-1 at once and returns
// when all have returned.
func (c *crew) run(phase func(id int)) {
	if c.n == 1 {
		phase(0)
		return
	}
	c.phase = phase
	c.left.Store(int64(c.n))
	c.gen.Add(1) // publishes phase and left
	for id := 1; id < c.n; id++ {
		c.rouse(id)
	}
	phase(0)
	if c.left.Add(-1) != 0 {
		c.await(0, func() bool { return c.left.Load() == 0 })
	}
	c.phase = nil
}

// stop ends the workers' goroutines; the crew is not used after.
func (c *crew) stop() {
	c.stopped.Store(true)
	c.gen.Add(1)
	for id := 1; id < c.n; id++ {
		c.rouse(id)
	}
}

func (c *crew) work(id int) {
	var seen uint64
	for {
		c.await(id, func() bool { return c.gen.Load() != seen })
		seen = c.gen.Load()
		if c.stopped.Load() {
			return
		}
		c.phase(id)
		if c.left.Add(-1) == 0 {
			c.rouse(0)
		}
	}
}

// await returns once ready does: it spins, yielding the processor, for
// spinFor, then parks until roused.
func (c *crew) await(id int, ready func() bool) {
	deadline := time.Now().Add(spinFor)
	for i := 0; !ready(); i++ {
		if i%64 == 63 && time.Now().After(deadline) {
			c.sleeping[id].Store(true)
			if ready() {
				// Roused meanwhile, or not: take the token if one was sent.
				if !c.sleeping[id].CompareAndSwap(true, false) {
					<-c.wake[id]
				}
				return
			}
			<-c.wake[id]
			deadline = time.Now().Add(spinFor)
			continue
		}
		runtime.Gosched()
	}
}

// rouse wakes worker id if it is parked.
func (c *crew) rouse(id int) {
	if c.sleeping[id].CompareAndSwap(true, false) {
		c.wake[id] <- struct{}{}
	}
}
