package wake

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// wait is the waiter's side of the protocol: arm, re-check, park.
func wait(ctx context.Context, b *Bell, check func() bool, max time.Duration) bool {
	w := b.Arm()
	if check() {
		w.Disarm()
		return true
	}
	w.Park(ctx, max)
	return false
}

// TestBellWakesAndTimesOut: a waiter whose work comes with a ring
// returns, however the two interleave (its re-check sees the work, or the
// ring wakes it); a re-check that finds work does not park; an unrung
// bell times out, and a done context ends the wait.
func TestBellWakesAndTimesOut(t *testing.T) {
	var b Bell
	if !wait(context.Background(), &b, func() bool { return true }, time.Hour) || b.Waiting() != 0 {
		t.Fatal("a re-check that finds work must disarm")
	}
	for range 100 {
		var work atomic.Bool
		woke := make(chan struct{})
		go func() {
			for !work.Load() {
				wait(context.Background(), &b, work.Load, time.Hour)
			}
			close(woke)
		}()
		work.Store(true) // the producer writes, then rings
		b.Ring()
		<-woke
	}
	if wait(context.Background(), &b, func() bool { return false }, time.Microsecond) {
		t.Fatal("an unrung bell reported work")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if wait(ctx, &b, func() bool { return false }, time.Hour) {
		t.Fatal("a done context reported work")
	}
	if b.Waiting() != 0 {
		t.Fatalf("%d waiters left registered", b.Waiting())
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
	// Delivered rings no other flow: flow 1's waiter stays parked, its
	// channel not closed.
	h := bs.Host(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		h.Arm().Park(ctx, time.Hour)
		close(done)
	}()
	for !parked(h) {
		runtime.Gosched()
	}
	bs.Delivered(1<<0 | 1<<2)
	if !parked(h) {
		t.Fatal("Delivered rang a flow it was not given")
	}
	cancel()
	<-done
}

// parked reports whether a goroutine waits on b and b has not rung since.
func parked(b *Bell) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Waiting() > 0 && b.ch != nil
}

// parkUntilRung parks a goroutine on b for an hour and fails unless ring
// wakes it.
func parkUntilRung(t *testing.T, b *Bell, ring func()) {
	t.Helper()
	woke := make(chan struct{})
	go func() {
		b.Arm().Park(context.Background(), time.Hour)
		close(woke)
	}()
	for !parked(b) {
		runtime.Gosched() // armed, its channel made: a ring now wakes it
	}
	ring()
	select {
	case <-woke:
	case <-time.After(time.Minute):
		t.Fatal("the ring did not wake the parked goroutine")
	}
}

// TestIdle: Idle asks to park only after Spin fruitless rounds in a row,
// and a round that moves something, or Reset, starts the count again.
func TestIdle(t *testing.T) {
	var idle Idle
	for i := 1; i < Spin; i++ {
		if idle.Next(0) {
			t.Fatalf("park after %d idle rounds", i)
		}
	}
	if !idle.Next(0) {
		t.Fatalf("no park after %d idle rounds", Spin)
	}
	if idle.Next(1) || idle.Next(0) {
		t.Fatal("a round that moved something did not start the count again")
	}
	for range Spin {
		idle.Next(0)
	}
	idle.Reset()
	if idle.Next(0) {
		t.Fatal("Reset did not start the count again")
	}
}
