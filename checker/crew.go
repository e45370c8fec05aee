package checker

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// spinFor is how long a goroutine that waits for another spins before it
// parks. Between two blocks of the ring model's search, and for the last
// chunk of a block, the wait is tens of microseconds on an idle machine,
// so a short spin saves the wake-up. On a busy machine the goroutine
// waited for may have lost its core to another process: spinning longer
// would only take more of the time the operating system would give it,
// so the waiter parks and hands the core over.
const spinFor = 50 * time.Microsecond

// gate lets goroutines wait for each other's progress: a waiter spins for
// spinFor, yielding the processor, then parks until a wake. A wake that
// nobody waits for costs one atomic add and one load.
type gate struct {
	events   atomic.Uint64 // wakes so far: a waiter can wait for "anything new"
	sleepers atomic.Int32
	mu       sync.Mutex
	cond     sync.Cond
}

// wake tells the waiters that something changed. Whoever changes what a
// waiter's condition reads does so before calling it.
func (g *gate) wake() {
	g.events.Add(1)
	if g.sleepers.Load() > 0 {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	}
}

// await returns once ready does. ready must read only atomics (or data
// published by them), as it runs while others change what it reads.
//
// A sleeper is counted before it last looks at ready, and a waker looks
// for sleepers after its change, so one of the two sees the other: no
// wake is lost.
func (g *gate) await(ready func() bool) {
	deadline := time.Now().Add(spinFor)
	for i := 0; !ready(); i++ {
		if i%16 == 15 && time.Now().After(deadline) {
			g.sleepers.Add(1)
			g.mu.Lock()
			if g.cond.L == nil {
				g.cond.L = &g.mu
			}
			for !ready() {
				g.cond.Wait()
			}
			g.mu.Unlock()
			g.sleepers.Add(-1)
			return
		}
		runtime.Gosched()
	}
}

// crew runs a phase function on up to n workers at once, many times over,
// with the same goroutines. Breadth-first search runs one phase a block (a
// level, unless it is large or a memory cap cuts it up), and so does the
// liveness graph's builder; a level of the ring model takes a few
// milliseconds: starting goroutines for each cost 5–10% of a run on this
// project's 2-core machine, so a crew's goroutines wait between phases,
// spinning briefly, then parked.
//
// Worker 0 is the calling goroutine and always runs the phase; the others
// join it if they get there before it ends, and a worker that comes late
// skips it. So a phase must get all of its work done on worker 0 alone:
// nothing may wait for a particular other worker, which on a busy
// machine may not run for milliseconds. run returns once every worker
// that joined has left.
type crew struct {
	n       int
	phase   func(id int)
	state   atomic.Uint64 // epoch<<33 | open<<32 | workers inside the phase
	stopped atomic.Bool
	gate    gate
}

const (
	crewOpen   = 1 << 32
	crewEpoch  = 1 << 33
	crewInside = crewOpen - 1
)

func newCrew(n int) *crew {
	c := &crew{n: n}
	for id := 1; id < n; id++ {
		go c.work(id)
	}
	return c
}

// run calls phase(0) and phase(id) for the other workers that join, and
// returns when all that joined have returned.
func (c *crew) run(phase func(id int)) {
	if c.n == 1 {
		phase(0)
		return
	}
	c.phase = phase
	s := c.state.Load()
	c.state.Store(s&^crewInside + crewEpoch | crewOpen) // publishes phase
	c.gate.wake()
	phase(0)
	if c.state.And(^uint64(crewOpen))&crewInside != 0 {
		c.gate.await(func() bool { return c.state.Load()&crewInside == 0 })
	}
	c.phase = nil
}

// stop ends the workers' goroutines; the crew is not used after.
func (c *crew) stop() {
	c.stopped.Store(true)
	c.gate.wake()
}

func (c *crew) work(id int) {
	var epoch uint64
	for {
		c.gate.await(func() bool { return c.stopped.Load() || c.state.Load()/crewEpoch != epoch })
		if c.stopped.Load() {
			return
		}
		s := c.state.Load()
		epoch = s / crewEpoch
		if !c.join(s) {
			continue
		}
		c.phase(id)
		if s := c.state.Add(^uint64(0)); s&crewOpen == 0 && s&crewInside == 0 {
			c.gate.wake() // the last to leave a closed phase
		}
	}
}

// join enters the phase of epoch s/crewEpoch if it is still open.
func (c *crew) join(s uint64) bool {
	epoch := s / crewEpoch
	for s&crewOpen != 0 && s/crewEpoch == epoch {
		if c.state.CompareAndSwap(s, s+1) {
			return true
		}
		s = c.state.Load()
	}
	return false
}
