package ring

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/internal/stall"
)

// numbered is RPC i of a free-running run: every field and all 52 argument
// bytes derive from i, so a torn line (a header of one RPC over the words
// of another) cannot pass for a whole one.
func numbered(i int) slot.RPC {
	r := slot.RPC{RPCID: uint32(i + 1), FnID: uint16(i * 3), ConnID: uint8(i * 5), FrameID: uint8(i), Argl: uint16(i % (slot.ArgsSize + 1))}
	binary.LittleEndian.PutUint32(r.Args[:4], uint32(i+1))
	for j := 4; j < slot.ArgsSize; j++ {
		r.Args[j] = byte(i*7 + j)
	}
	return r
}

// TestDriverDeliversInOrder runs the credit protocol free-running, over
// many laps, and checks that the poller takes every RPC exactly once, in
// order, whole. A wrong RPC stops the run at once, and a run that stops
// making progress (an RPC lost, a ring stalled) fails within seconds,
// naming the RPC that did not come and the ring's state.
func TestDriverDeliversInOrder(t *testing.T) {
	n := 200_000
	if testing.Short() || raceEnabled {
		n = 20_000 // under the race detector 200,000 took over eight minutes on two busy cores
	}
	for _, cfg := range []struct{ slots, batch int }{{1, 1}, {1, 4}, {3, 1}, {3, 4}, {8, 1}, {8, 4}} {
		ok := t.Run(fmt.Sprintf("slots=%d/batch=%d", cfg.slots, cfg.batch), func(t *testing.T) {
			r, err := NewRing(cfg.slots, Faults{})
			if err != nil {
				t.Fatal(err)
			}
			runWatched(t, Driver{Ring: r, Batch: cfg.batch}, n)
			if c := r.Consumer(); c.Next() != uint64(n) || r.Credit() != uint64(n) || r.Producer().Sent() != uint64(n) {
				t.Fatalf("next=%d credit=%d sent=%d, want %d", c.Next(), r.Credit(), r.Producer().Sent(), n)
			}
			if _, err := r.Consumer().Receive(); !errors.Is(err, ErrEmpty) {
				t.Fatalf("after the run the ring is not empty: %v", err)
			}
		})
		if !ok {
			return // the first configuration that fails names the fault; each other would take as long to say the same
		}
	}
}

// runWatched runs d free-running over n numbered RPCs and fails t at the
// first RPC that is not the next one, or when the poller has taken none
// for stall.Quiet, naming what did not happen and the ring's state: how
// far the producer ran ahead of the consumer, which the credit protocol
// bounds by the ring's size.
func runWatched(t *testing.T, d Driver, n int) {
	t.Helper()
	r := d.Ring
	// Progress is reported every 64 RPCs: an atomic operation per RPC
	// would slow the run down several times under the race detector.
	const every = 64
	ctx, w := stall.New(t.Context(), stall.Quiet, func(taken int64) string {
		return fmt.Sprintf("the poller took no RPC after the first %d or more of %d", taken*every, n)
	})
	next := 0 // the poller's alone
	sink := func(got slot.RPC) {
		if got != numbered(next) {
			w.Fail(fmt.Errorf("RPC %d: got %s\n          want %s", next, got, numbered(next)))
		}
		if next++; next%every == 0 {
			w.Add(1)
		}
	}
	took, err := d.Run(ctx, n, numbered, sink)
	if cause := w.Stop(); cause != nil {
		t.Fatalf("faults %s: %v; the poller took %d; %s", r.Faults(), cause, took, ringState(r))
	}
	if err != nil || took != n {
		t.Fatalf("took %d of %d: %v", took, n, err)
	}
}

// ringState describes a ring whose goroutines have stopped: how far the
// producer is ahead of the consumer, which the credit protocol bounds by
// the ring's size.
func ringState(r *Ring) string {
	sent, next := r.Producer().Sent(), r.Consumer().Next()
	state := fmt.Sprintf("producer sent %d, consumer at %d, credit %d, %d slots", sent, next, r.Credit(), r.Slots())
	if sent > next+uint64(r.Slots()) {
		state += fmt.Sprintf(": the producer ran %d RPCs ahead of the consumer in a ring of %d slots, "+
			"so admission let it overwrite a slot not yet consumed", sent-next, r.Slots())
	}
	return state
}

// A producer error other than a full ring stops the run with that error
// after the poller has drained what was sent.
func TestDriverReportsProducerError(t *testing.T) {
	r, err := NewRing(4, Faults{})
	if err != nil {
		t.Fatal(err)
	}
	gen := func(i int) slot.RPC {
		if i == 10 {
			return slot.RPC{Argl: slot.ArgsSize + 1}
		}
		return numbered(i)
	}
	ctx, w := stall.New(t.Context(), stall.Quiet, func(int64) string { return "the run to stop at the producer's error" })
	took, err := Driver{Ring: r}.Run(ctx, 20, gen, func(slot.RPC) {})
	if cause := w.Stop(); cause != nil {
		t.Fatalf("%v; %s", cause, ringState(r))
	}
	if err == nil || took != 10 {
		t.Fatalf("took %d, err %v; want 10 and ErrTooLarge", took, err)
	}
}

// BenchmarkRingThroughput: one producer goroutine and one poller goroutine
// over one TX ring of 8 slots (Dagger's default), 64-byte RPCs.
func BenchmarkRingThroughput(b *testing.B) {
	for _, batch := range []int{1, 4} {
		b.Run(fmt.Sprintf("slots=8/batch=%d", batch), func(b *testing.B) {
			r, err := NewRing(8, Faults{})
			if err != nil {
				b.Fatal(err)
			}
			rpc := numbered(1)
			b.ResetTimer()
			took, err := Driver{Ring: r, Batch: batch}.Run(context.Background(), b.N, func(int) slot.RPC { return rpc }, func(slot.RPC) {})
			if err != nil || took != b.N {
				b.Fatalf("took %d of %d: %v", took, b.N, err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rpcs/s")
		})
	}
}
