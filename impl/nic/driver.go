package nic

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// Driver is the free-running mode: one polling goroutine over the step
// methods, until the context ends. Each round sweeps every flow's TX ring
// (PollTX) and then runs the RX pipeline once (Pump: at most Room
// arrivals from the Port, every pending RPC balanced, the scheduler until
// a round moves nothing). The TX and RX steps keep their own state, so
// one goroutine may run both in turn; it has no state of its own beyond
// its loop.
//
// One goroutine, not one per direction: on a machine with few cores every
// polling goroutine is a goroutine the scheduler must hand the processor
// to, and a hand-off (a yield through the run queue, a park and its
// wake-up) costs more than a sweep that finds nothing. An RPC that goes
// from a TX ring out and back in through a loopback link then crosses no
// goroutine boundary inside the NIC.
//
// The polling discipline: a round that found nothing to do yields the
// processor (runtime.Gosched) for Spin rounds, then the goroutine parks
// on the NIC's bell until a producer rings it (NIC.WakeTX, NIC.WakeRX)
// or MaxPark passes. Pure spinning would starve the other goroutines
// whenever there are more runnable goroutines than cores (Go preempts a
// busy loop only every ~10 ms); parking only when idle keeps latency low
// under load. The goroutine never parks while the TX side holds RPCs the
// Port refused: the room it waits for comes with no bell.
type Driver struct {
	NIC *NIC
	// Spin is the idle rounds before parking (default 64).
	Spin int
	// MaxPark caps a park, for producers that do not ring (default 1ms).
	MaxPark time.Duration
	// Host, if set, is host work run on the same goroutine after each
	// round (a server's dispatch of its RX rings, run to completion); it
	// returns how much it moved, and must not wait for the NIC.
	Host func() int
}

// Run starts the goroutine and returns at once; the WaitGroup is done
// when it has returned, after ctx ends.
func (d *Driver) Run(ctx context.Context) *sync.WaitGroup {
	return RunGroup(ctx, d)
}

// RunGroup runs several drivers' rounds in turn on one goroutine, until
// ctx ends: each NIC's TX sweep, RX pipeline and Host work, then the
// next NIC's. In process, an RPC from one NIC to another over a loopback
// link and back then crosses no goroutine at all; with fewer polling
// goroutines than cores, none waits for another to be scheduled. The
// NICs' wake-ups all ring one bell (from now on); the first driver's
// Spin and MaxPark apply. A NIC belongs to one group at a time.
func RunGroup(ctx context.Context, ds ...*Driver) *sync.WaitGroup {
	var wg sync.WaitGroup
	if len(ds) == 0 {
		return &wg
	}
	bell := &ds[0].NIC.own
	for _, d := range ds {
		d.NIC.bell.Store(bell)
	}
	round := func() int {
		moved := 0
		for _, d := range ds {
			moved += d.round()
		}
		return moved
	}
	busy := func() bool {
		for _, d := range ds {
			if d.NIC.holding() {
				return true
			}
		}
		return false
	}
	wg.Go(func() { ds[0].loop(ctx, bell, round, busy) })
	return &wg
}

func (d *Driver) loop(ctx context.Context, bell *Bell, round func() int, busy func() bool) {
	spin := d.Spin
	if spin <= 0 {
		spin = 64
	}
	maxPark := d.MaxPark
	if maxPark <= 0 {
		maxPark = time.Millisecond
	}
	idle := 0
	for ctx.Err() == nil {
		if round() > 0 {
			idle = 0
			continue
		}
		if idle++; idle < spin || busy() {
			runtime.Gosched()
			continue
		}
		if bell.Wait(ctx, func() bool { return round() > 0 }, maxPark) {
			idle = 0
		}
	}
}

// round is one TX sweep of every flow, then one pass of the RX pipeline,
// then the Host's work.
func (d *Driver) round() int {
	moved := d.txRound() + d.rxRound()
	if d.Host != nil {
		moved += d.Host()
	}
	return moved
}

// txRound sweeps every flow's TX ring once.
func (d *Driver) txRound() int {
	moved := 0
	for range d.NIC.Flows() {
		_, k, _ := d.NIC.PollTX() // drops and back-pressure are counted
		moved += k
	}
	return moved
}

// rxRound is one pass of the RX pipeline.
func (d *Driver) rxRound() int {
	return d.NIC.Pump()
}

// Pump runs the RX pipeline once, as the Driver's RX goroutine does: it
// takes at most Room arrivals from the Port, balances every pending RPC,
// and runs the scheduler until a whole round of flows moves nothing. It
// returns how many RPCs it moved (arrived, balanced or written). Step
// mode callers may use it as one coarse step.
func (n *NIC) Pump() int {
	moved := 0
	if n.cfg.Port != nil {
		if room := n.Room(); room > 0 {
			moved += n.cfg.Port.Receive(n, room)
		}
	}
	for {
		if _, err := n.Balance(); errors.Is(err, ErrIdle) {
			break
		}
		moved++
	}
	// A skip may age a partial batch that the next visit flushes, so
	// the scheduler stops after two whole rounds with nothing written.
	for quiet := 0; quiet < 2*len(n.flows); {
		b, err := n.Schedule()
		if errors.Is(err, ErrIdle) {
			break
		}
		if b.Sent > 0 {
			moved += b.Sent
			quiet = 0
		} else {
			quiet++
		}
	}
	return moved
}
