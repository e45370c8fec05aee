package ring

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/slot"
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
// order, whole.
func TestDriverDeliversInOrder(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	for _, slots := range []int{1, 3, 8} {
		for _, batch := range []int{1, 4} {
			t.Run(fmt.Sprintf("slots=%d/batch=%d", slots, batch), func(t *testing.T) {
				r, err := NewRing(slots, Faults{})
				if err != nil {
					t.Fatal(err)
				}
				next, bad := 0, 0
				sink := func(got slot.RPC) {
					if want := numbered(next); got != want && bad < 5 {
						bad++
						t.Errorf("RPC %d: got %s\n          want %s", next, got, want)
					}
					next++
				}
				// The deadline only guards against a hang; a correct run
				// takes well under a second.
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				took, err := Driver{Ring: r, Batch: batch}.Run(ctx, n, numbered, sink)
				if err != nil || took != n {
					t.Fatalf("took %d of %d: %v", took, n, err)
				}
				if c := r.Consumer(); c.Next() != uint64(n) || r.Credit() != uint64(n) || r.Producer().Sent() != uint64(n) {
					t.Fatalf("next=%d credit=%d sent=%d, want %d", c.Next(), r.Credit(), r.Producer().Sent(), n)
				}
				if _, err := r.Consumer().Receive(); !errors.Is(err, ErrEmpty) {
					t.Fatalf("after the run the ring is not empty: %v", err)
				}
			})
		}
	}
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
	took, err := Driver{Ring: r}.Run(context.Background(), 20, gen, func(slot.RPC) {})
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
