package nic

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// Driver is the free-running mode: two polling goroutines over the step
// methods, until the context ends. The TX sweeper calls PollTX over every
// flow; the RX pipeline takes at most Room arrivals from the Port, then
// balances every pending RPC and runs the scheduler until a round moves
// nothing. Neither has state of its own beyond its loop.
//
// The polling discipline: a goroutine that found nothing to do yields
// the processor (runtime.Gosched) for Spin rounds, then parks on its
// Bell until a producer rings it (NIC.WakeTX, NIC.WakeRX) or MaxPark
// passes. Pure spinning would starve the other goroutines whenever there
// are more runnable goroutines than cores (Go preempts a busy loop only
// every ~10 ms); parking only when idle keeps latency low under load. The
// TX sweeper never parks while it holds RPCs the Port refused: the room
// it waits for comes with no bell.
type Driver struct {
	NIC *NIC
	// Spin is the idle rounds before parking (default 64).
	Spin int
	// MaxPark caps a park, for producers that do not ring (default 1ms).
	MaxPark time.Duration
}

// Run starts the goroutines and returns at once; the WaitGroup is done
// when both have returned, after ctx ends.
func (d *Driver) Run(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() { d.loop(ctx, &d.NIC.txBell, d.txRound, d.NIC.holding) })
	wg.Go(func() { d.loop(ctx, &d.NIC.rxBell, d.rxRound, func() bool { return false }) })
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
