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
// the processor (runtime.Gosched) and, after Spin idle rounds in a row,
// sleeps, from a microsecond doubling up to MaxSleep, until it finds
// work. Pure spinning would starve the other goroutines whenever there
// are more runnable goroutines than cores (Go preempts a busy loop only
// every ~10 ms); sleeping only when idle keeps latency low under load.
type Driver struct {
	NIC *NIC
	// Spin is the idle rounds before sleeping (default 256).
	Spin int
	// MaxSleep caps the idle sleep (default 200µs).
	MaxSleep time.Duration
}

// Run starts the goroutines and returns at once; Wait waits for them
// after ctx ends.
func (d *Driver) Run(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() { d.loop(ctx, d.txRound) })
	wg.Go(func() { d.loop(ctx, d.rxRound) })
	return &wg
}

func (d *Driver) loop(ctx context.Context, round func() int) {
	spin := d.Spin
	if spin <= 0 {
		spin = 256
	}
	maxSleep := d.MaxSleep
	if maxSleep <= 0 {
		maxSleep = 200 * time.Microsecond
	}
	idle, sleep := 0, time.Microsecond
	for ctx.Err() == nil {
		if round() > 0 {
			idle, sleep = 0, time.Microsecond
			continue
		}
		if idle++; idle < spin {
			runtime.Gosched()
			continue
		}
		time.Sleep(sleep)
		sleep = min(2*sleep, maxSleep)
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
