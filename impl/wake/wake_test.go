package wake

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestBellWakesAndTimesOut: a waiter whose work comes with a ring
// returns, however the two interleave (its re-check sees the work, or the
// ring wakes it); a check that finds work returns at once; an unrung bell
// times out, and a done context ends the wait.
func TestBellWakesAndTimesOut(t *testing.T) {
	var b Bell
	if !b.Wait(context.Background(), func() bool { return true }, time.Hour) {
		t.Fatal("a check that finds work must return true")
	}
	for range 100 {
		var work atomic.Bool
		woke := make(chan struct{})
		go func() {
			for !work.Load() {
				b.Wait(context.Background(), work.Load, time.Hour)
			}
			close(woke)
		}()
		work.Store(true) // the producer writes, then rings
		b.Ring()
		<-woke
	}
	if b.Wait(context.Background(), func() bool { return false }, time.Microsecond) {
		t.Fatal("an unrung bell reported work")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b.Wait(ctx, func() bool { return false }, time.Hour) {
		t.Fatal("a done context reported work")
	}
}

// TestForwardAndDelivered: a forwarding bell's rings wake the goroutine
// parked on the bell it forwards to; Delivered rings exactly the host
// bells of its flows. The waiters park for an hour, so only a ring wakes
// them.
func TestForwardAndDelivered(t *testing.T) {
	bs := NewBells(3)
	var group Bell
	bs.NIC().Forward(&group)
	parkUntilRung(t, &group, bs.TXWritten)
	bs.NIC().Forward(bs.NIC()) // back to itself
	parkUntilRung(t, bs.NIC(), bs.TXWritten)

	parkUntilRung(t, bs.Host(2), func() { bs.Delivered(1<<0 | 1<<2) })
	parkUntilRung(t, bs.Host(0), func() { bs.Delivered(1 << 0) })
	done := make(chan bool)
	go func() {
		done <- bs.Host(1).Wait(context.Background(), func() bool { return false }, 50*time.Millisecond)
	}()
	for bs.Host(1).Waiting() == 0 {
		runtime.Gosched()
	}
	bs.Delivered(1<<0 | 1<<2)
	start := time.Now()
	<-done
	if time.Since(start) < 10*time.Millisecond {
		t.Fatal("Delivered rang a flow it was not given")
	}
}

// parkUntilRung parks a goroutine on b for an hour and fails unless ring
// wakes it.
func parkUntilRung(t *testing.T, b *Bell, ring func()) {
	t.Helper()
	woke := make(chan struct{})
	go func() {
		b.Wait(context.Background(), func() bool { return false }, time.Hour)
		close(woke)
	}()
	for b.Waiting() == 0 {
		runtime.Gosched()
	}
	ring()
	select {
	case <-woke:
	case <-time.After(time.Minute):
		t.Fatal("the ring did not wake the parked goroutine")
	}
}

// TestPollParksAndStops: Poll runs rounds until its context ends, parks
// when idle (a ring wakes it for the next round) and does not park while
// busy.
func TestPollParksAndStops(t *testing.T) {
	var b Bell
	var work, rounds atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Poll(ctx, &b, func() int {
			rounds.Add(1)
			return int(work.Swap(0))
		}, nil)
	}()
	for b.Waiting() == 0 {
		runtime.Gosched() // idle: it parks
	}
	before := rounds.Load()
	work.Store(1)
	b.Ring()
	for rounds.Load() == before {
		runtime.Gosched()
	}
	cancel()
	b.Ring()
	<-done

	var busy atomic.Bool
	busy.Store(true)
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() {
		defer close(done)
		Poll(ctx, &b, func() int { rounds.Add(1); return 0 }, busy.Load)
	}()
	before = rounds.Load()
	for rounds.Load() < before+10*Spin {
		if b.Waiting() != 0 {
			t.Fatal("parked while busy")
		}
		runtime.Gosched()
	}
	cancel()
	<-done
}
