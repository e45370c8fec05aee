package transport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// harness drives two endpoints, "a" and "b", of one connection over a
// FaultyNetwork, each sending n packets to the other, in step mode.
type harness struct {
	net      *FaultyNetwork
	rng      *rand.Rand // the harness's own choices: spurious timeouts
	names    [2]string
	ends     [2]Endpoint
	next     [2]uint64 // next packet index to Send
	want     [2]uint64 // next packet index expected at Deliveries
	got      [2][]uint64
	n        uint64
	spurious float64 // probability per round of a Timeout with frames in flight
	conn     uint8
}

func newHarness(seed uint64, fc FaultConfig, a, b Endpoint, n uint64) *harness {
	fc.Seed1, fc.Seed2 = seed, seed^0x9e3779b97f4a7c15
	return &harness{
		net:   NewFaultyNetwork(fc),
		rng:   rand.New(rand.NewPCG(seed, 1)),
		names: [2]string{"a", "b"},
		ends:  [2]Endpoint{a, b},
		n:     n,
	}
}

func (h *harness) done() bool {
	for i := range 2 {
		if h.want[i] < h.n || h.next[i] < h.n || h.ends[i].Unacked() > 0 {
			return false
		}
	}
	return h.net.InFlight() == 0
}

// round: each side sends what its queue takes and puts its frames on the
// network; the network takes a few steps; each side's deliveries are
// checked (exactly once, in order, unless inOrder is false, when they are
// only recorded); with the network idle the unacknowledged senders time
// out, as the model's timedOut.
func (h *harness) round(t *testing.T, seed uint64, exact bool) {
	for i, e := range h.ends {
		for h.next[i] < h.n {
			err := e.Send(packet(t, h.conn, h.next[i]))
			if errors.Is(err, ErrFull) {
				break
			}
			if err != nil {
				t.Fatalf("seed %d: %s: send: %v", seed, h.names[i], err)
			}
			h.next[i]++
		}
		for _, f := range e.Outgoing() {
			if err := h.net.Send(h.names[i], h.names[1-i], f); err != nil {
				t.Fatalf("seed %d: %s: %v", seed, h.names[i], err)
			}
		}
	}
	for range 1 + h.rng.IntN(8) {
		ev, ok := h.net.Step()
		if !ok {
			break
		}
		if ev.Delivered {
			to := 0
			if ev.To == "b" {
				to = 1
			}
			_ = h.ends[to].Receive(ev.Frame)
		}
	}
	for i, e := range h.ends {
		for _, p := range e.Deliveries() {
			k := index(p)
			if exact && k != h.want[i] {
				t.Fatalf("seed %d: %s delivered packet %d, want %d (network %s)", seed, h.names[i], k, h.want[i], h.net.Counters())
			}
			h.got[i] = append(h.got[i], k)
			h.want[i]++
		}
	}
	for _, e := range h.ends {
		if e.Unacked() > 0 && (h.net.InFlight() == 0 || h.rng.Float64() < h.spurious) {
			e.Timeout()
		}
	}
}

func (h *harness) run(t *testing.T, seed uint64, maxRounds int) {
	for r := 0; !h.done(); r++ {
		if r == maxRounds {
			t.Fatalf("seed %d: not done after %d rounds: a %s, b %s, want %v next %v, network %s",
				seed, maxRounds, h.ends[0], h.ends[1], h.want, h.next, h.net.Counters())
		}
		h.round(t, seed, true)
	}
}

// TestReliableExactlyOnceOverFaultyNetwork: with loss, duplication,
// reordering and delay (each with probability 0.2, within a budget so
// every run ends), both directions of a connection deliver every packet
// exactly once and in order, for window sizes from stop-and-wait up, for
// many seeds. A failure names its seed.
func TestReliableExactlyOnceOverFaultyNetwork(t *testing.T) {
	const n = 150
	for _, window := range []int{1, 2, 8} {
		for seed := uint64(0); seed < 150; seed++ {
			cfg := ReliableConfig{Conn: 3, Window: window, RecvQueue: 1 + int(seed%5)}
			h := newHarness(seed, FaultConfig{
				Lose: 0.2, Duplicate: 0.2, Reorder: 0.2, Delay: 0.1,
				Budget: Faults{Lose: 2 * n, Duplicate: 2 * n, Reorder: 2 * n, Delay: 2 * n},
			}, mustReliable(t, cfg), mustReliable(t, cfg), n)
			h.conn, h.spurious = 3, 0.05
			h.run(t, seed, 1000*n)
			for i, e := range h.ends {
				c := e.(*Reliable).Counters()
				if c.Delivered != n || c.Acked != n {
					t.Fatalf("window %d seed %d: %s counters %s", window, seed, h.names[i], c)
				}
			}
			nc := h.net.Counters()
			if seed == 0 {
				t.Logf("window %d seed 0: network %s; a %s", window, nc, h.ends[0].(*Reliable).Counters())
			}
			if nc.Lost == 0 || nc.Duplicated == 0 || nc.Reordered == 0 {
				t.Fatalf("window %d seed %d: faults not exercised: %s", window, seed, nc)
			}
		}
	}
}

// TestReliable100kUnderFaults: 100,000 packets each way through a network
// that loses, duplicates and reorders 20% of frames (delays 10%), no
// budget, window 8: zero lost, zero duplicated.
func TestReliable100kUnderFaults(t *testing.T) {
	const n, seed = 100_000, 20240601
	cfg := ReliableConfig{Window: 8}
	h := newHarness(seed, FaultConfig{
		Lose: 0.2, Duplicate: 0.2, Reorder: 0.2, Delay: 0.1,
		Budget: Faults{Lose: -1, Duplicate: -1, Reorder: -1, Delay: -1},
	}, mustReliable(t, cfg), mustReliable(t, cfg), n)
	h.spurious = 0.01
	h.run(t, seed, 100*n)
	for i := range 2 {
		if uint64(len(h.got[i])) != n {
			t.Fatalf("%s: %d delivered, want %d", h.names[i], len(h.got[i]), n)
		}
	}
	t.Logf("seed %d: network %s; a %s; b %s", seed, h.net.Counters(), h.ends[0].(*Reliable).Counters(), h.ends[1].(*Reliable).Counters())
}

// TestUDPNotExactlyOnce: the best-effort transport over the same faulty
// network loses some packets and delivers others twice or out of order:
// it does not guarantee exactly-once, as the system model's udp
// counterexamples show.
func TestUDPNotExactlyOnce(t *testing.T) {
	const n, seed = 500, 7
	mk := func() *UDP {
		u, err := NewUDP(UDPConfig{})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	h := newHarness(seed, FaultConfig{
		Lose: 0.2, Duplicate: 0.2, Reorder: 0.2,
		Budget: Faults{Lose: -1, Duplicate: -1, Reorder: -1},
	}, mk(), mk(), n)
	for r := 0; h.next[0] < n || h.next[1] < n || h.net.InFlight() > 0; r++ {
		if r == 100*n {
			t.Fatalf("seed %d: network does not drain", seed)
		}
		h.round(t, seed, false)
	}
	for i := range 2 {
		seen := map[uint64]int{}
		reordered := 0
		for j, k := range h.got[i] {
			seen[k]++
			if j > 0 && k < h.got[i][j-1] {
				reordered++
			}
		}
		lost, dups := 0, 0
		for k := range uint64(n) {
			switch c := seen[k]; {
			case c == 0:
				lost++
			case c > 1:
				dups += c - 1
			}
		}
		t.Logf("seed %d: %s received %d of %d: %d lost, %d duplicates, %d out of order", seed, h.names[i], len(h.got[i]), n, lost, dups, reordered)
		if lost == 0 || dups == 0 || reordered == 0 {
			t.Fatalf("seed %d: %s: expected losses, duplicates and reordering; got %d, %d, %d", seed, h.names[i], lost, dups, reordered)
		}
	}
}

func TestReliableConfig(t *testing.T) {
	for _, c := range []ReliableConfig{{Window: -1}, {Window: MaxWindow + 1}, {Window: 4, SendQueue: 3}, {RecvQueue: -1}} {
		if _, err := NewReliable(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	r := mustReliable(t, ReliableConfig{})
	if got := fmt.Sprint(r); got != "conn=0 send-seq=0 unacked=0 queued=0 recv-next=0 ack-due=false" {
		t.Errorf("String: %s", got)
	}
}

// With PiggybackAcks, two endpoints exchanging data in both directions
// deliver everything once and in order, most acks ride on data frames,
// and an ack frame of its own goes out only when no data does.
func TestPiggybackedAcks(t *testing.T) {
	mk := func() *Reliable {
		r, err := NewReliable(ReliableConfig{Conn: 1, Window: 4, SendStart: 100, RecvStart: 100, PiggybackAcks: true})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := mk(), mk()
	var gotA, gotB []Packet
	const n = 50
	for i := 0; i < n; i++ {
		for a.Send(packet(t, 1, uint64(i))) != nil || b.Send(packet(t, 1, uint64(1000+i))) != nil {
			t.Fatalf("send %d: queue full", i)
		}
		for _, f := range a.Outgoing() {
			f.Inc = 1 // version 2, as between processes
			_ = b.Receive(f)
		}
		for _, f := range b.Outgoing() {
			f.Inc = 2
			_ = a.Receive(f)
		}
		gotA, gotB = a.TakeDeliveries(gotA), b.TakeDeliveries(gotB)
	}
	var l Loopback
	l.A, l.B = a, b
	l.Settle(100)
	gotA, gotB = a.TakeDeliveries(gotA), b.TakeDeliveries(gotB)
	if len(gotA) != n || len(gotB) != n {
		t.Fatalf("delivered %d and %d of %d", len(gotA), len(gotB), n)
	}
	for i := range n {
		if gotB[i] != packet(t, 1, uint64(i)) || gotA[i] != packet(t, 1, uint64(1000+i)) {
			t.Fatalf("packet %d out of order", i)
		}
	}
	ca, cb := a.Counters(), b.Counters()
	if ca.Piggybacked == 0 || cb.Piggybacked == 0 || a.Unacked() != 0 || b.Unacked() != 0 || ca.Rejected+cb.Rejected != 0 {
		t.Fatalf("a: %s\nb: %s", ca, cb)
	}
}

// With FastRetransmit a lost frame is resent on the receiver's duplicate
// ack, with no Timeout, once until the oldest frame is acknowledged.
func TestFastRetransmit(t *testing.T) {
	mk := func() *Reliable {
		r, err := NewReliable(ReliableConfig{Conn: 1, Window: 8, SendStart: 50, RecvStart: 50, FastRetransmit: true})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := mk(), mk()
	for i := range 4 {
		if err := a.Send(packet(t, 1, uint64(i))); err != nil {
			t.Fatal(err)
		}
	}
	out := a.Outgoing()
	if len(out) != 4 {
		t.Fatalf("%d frames out", len(out))
	}
	for _, f := range out[1:] { // the first is lost
		_ = b.Receive(f)
	}
	dup := b.Outgoing()
	if len(dup) != 1 || dup[0].Kind != KindAck {
		t.Fatalf("receiver's answer to frames ahead: %v", dup)
	}
	for range 3 { // the same duplicate ack, thrice: one resend
		_ = a.Receive(dup[0])
	}
	again := a.Outgoing()
	if len(again) != 4 || again[0].Seq != out[0].Seq || a.Counters().FastResends != 1 || a.Counters().Timeouts != 0 {
		t.Fatalf("after the duplicate acks: %d frames, %s", len(again), a.Counters())
	}
	for _, f := range again {
		_ = b.Receive(f)
	}
	if got := b.Deliveries(); len(got) != 4 || got[0] != packet(t, 1, 0) || got[3] != packet(t, 1, 3) {
		t.Fatalf("delivered %v", got)
	}
	for _, f := range b.Outgoing() {
		_ = a.Receive(f)
	}
	if a.Unacked() != 0 {
		t.Fatalf("unacked %d: %s", a.Unacked(), a)
	}
}
