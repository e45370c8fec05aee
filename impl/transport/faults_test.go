package transport

import (
	"errors"
	"testing"
)

// TestBugFaultsNames: every transport bug name selects exactly the fault
// that prints as that name, "" the correct transport, anything else is
// ErrConfig.
func TestBugFaultsNames(t *testing.T) {
	for _, name := range Bugs {
		f, err := BugFaults(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.String() != name {
			t.Errorf("BugFaults(%q) = %s", name, f)
		}
	}
	if f, err := BugFaults(""); err != nil || f != (ReliableFaults{}) || f.String() != "none" {
		t.Errorf(`BugFaults("") = %s, %v`, f, err)
	}
	if _, err := BugFaults("response-misrouted"); !errors.Is(err, ErrConfig) {
		t.Errorf("response-misrouted (a NIC bug): %v, want ErrConfig", err)
	}
}

// pair is a client endpoint a and a server endpoint b of connection 0,
// stop-and-wait, driven by hand: the tests below move each frame.
func pair(t *testing.T, fa, fb ReliableFaults, window, recvQueue int) (a, b *Reliable) {
	t.Helper()
	a = mustReliable(t, ReliableConfig{Window: window, Faults: fa})
	b = mustReliable(t, ReliableConfig{Window: window, RecvQueue: recvQueue, Faults: fb})
	return a, b
}

func one(t *testing.T, out []Frame, kind Kind) Frame {
	t.Helper()
	if len(out) != 1 || out[0].Kind != kind {
		t.Fatalf("Outgoing %v, want one %s frame", out, kind)
	}
	return out[0]
}

func deliver(t *testing.T, to *Reliable, f Frame) {
	t.Helper()
	if err := to.Receive(f); err != nil {
		t.Fatalf("Receive %v: %v", f, err)
	}
}

// TestFaultNoDedup: a duplicated data frame is delivered twice by the
// faulty receiver, once by the correct one.
func TestFaultNoDedup(t *testing.T) {
	for _, fault := range []bool{false, true} {
		a, b := pair(t, ReliableFaults{}, ReliableFaults{NoDedup: fault}, 1, 1)
		if err := a.Send(packet(t, 0, 0)); err != nil {
			t.Fatal(err)
		}
		f := one(t, a.Outgoing(), KindData)
		deliver(t, b, f)
		b.Deliveries()
		deliver(t, b, f) // the network's duplicate
		got := len(b.Deliveries())
		c := b.Counters()
		switch {
		case !fault && (got != 0 || c.Delivered != 1 || c.Duplicates != 1):
			t.Errorf("correct: the duplicate delivered %d times; %s", got, c)
		case fault && (got != 1 || c.Delivered != 2 || b.RecvNext() != 1):
			t.Errorf("no-dedup: the duplicate delivered %d times, recv-next %d; %s", got, b.RecvNext(), c)
		}
	}
}

// TestFaultAckBeforeDelivery: with the receiver's room taken, the faulty
// receiver acknowledges the frame it drops, so the sender frees it and
// it is never delivered; the correct one leaves it unacknowledged, and
// the resend is delivered once the room is free.
func TestFaultAckBeforeDelivery(t *testing.T) {
	for _, fault := range []bool{false, true} {
		full := true // the RX ring the receiver delivers into is someone else's
		a := mustReliable(t, ReliableConfig{Window: 1})
		b := mustReliable(t, ReliableConfig{Window: 1, RecvQueue: 1, Room: func() bool { return !full },
			Faults: ReliableFaults{AckBeforeDelivery: fault}})
		if err := a.Send(packet(t, 0, 7)); err != nil {
			t.Fatal(err)
		}
		deliver(t, b, one(t, a.Outgoing(), KindData))
		out := b.Outgoing()
		if !fault {
			if len(out) != 0 || b.Counters().NoRoom != 1 || b.RecvNext() != 0 {
				t.Fatalf("correct: a frame without room answered with %v; %s", out, b.Counters())
			}
			full = false
			a.Timeout()
			deliver(t, b, one(t, a.Outgoing(), KindData))
			if d := b.Deliveries(); len(d) != 1 || index(d[0]) != 7 {
				t.Fatalf("correct: the resend delivered %d packets", len(d))
			}
			continue
		}
		deliver(t, a, one(t, out, KindAck))
		if a.Unacked() != 0 || b.Counters().AckedLost != 1 || b.RecvNext() != 1 {
			t.Fatalf("ack-before-delivery: sender unacked %d, receiver %s", a.Unacked(), b.Counters())
		}
		full = false
		a.Timeout() // nothing unacknowledged: nothing resent
		if out := a.Outgoing(); len(out) != 0 || len(b.Deliveries()) != 0 {
			t.Fatalf("ack-before-delivery: the lost packet came back (%v)", out)
		}
	}
}

// TestFaultSeqNotAdvanced: the sender's second packet travels with the
// first one's number, and the faulty pair's receiver drops it as a
// duplicate (acknowledging it, so the sender thinks it delivered).
func TestFaultSeqNotAdvanced(t *testing.T) {
	for _, fault := range []bool{false, true} {
		a, b := pair(t, ReliableFaults{SeqNotAdvanced: fault}, ReliableFaults{}, 1, 1)
		got := 0
		for i := range uint64(2) {
			if err := a.Send(packet(t, 0, i)); err != nil {
				t.Fatal(err)
			}
			f := one(t, a.Outgoing(), KindData)
			want := i
			if fault {
				want = 0
			}
			if f.Seq != want || a.SendSeq() != want {
				t.Fatalf("fault %t: packet %d sent with seq %d (send-seq %d), want %d", fault, i, f.Seq, a.SendSeq(), want)
			}
			deliver(t, b, f)
			got += len(b.Deliveries())
			deliver(t, a, one(t, b.Outgoing(), KindAck))
		}
		switch {
		case !fault && (got != 2 || a.SendSeq() != 2):
			t.Errorf("correct: %d delivered, send-seq %d", got, a.SendSeq())
		case fault && (got != 1 || b.Counters().Duplicates != 1 || a.Queued() != 0):
			t.Errorf("seq-not-advanced: %d delivered, %s; sender queued %d", got, b.Counters(), a.Queued())
		}
	}
}

// TestFaultRetransmitNewSeq: the ack is lost, the sender times out; the
// faulty resend carries a new number and is delivered a second time.
func TestFaultRetransmitNewSeq(t *testing.T) {
	for _, fault := range []bool{false, true} {
		a, b := pair(t, ReliableFaults{RetransmitNewSeq: fault}, ReliableFaults{}, 1, 1)
		if err := a.Send(packet(t, 0, 3)); err != nil {
			t.Fatal(err)
		}
		deliver(t, b, one(t, a.Outgoing(), KindData))
		b.Deliveries()
		one(t, b.Outgoing(), KindAck) // lost
		a.Timeout()
		re := one(t, a.Outgoing(), KindData)
		deliver(t, b, re)
		got := len(b.Deliveries())
		ack := one(t, b.Outgoing(), KindAck)
		deliver(t, a, ack)
		switch {
		case !fault && (re.Seq != 0 || got != 0 || b.Counters().Duplicates != 1):
			t.Errorf("correct: resend seq %d delivered %d times; %s", re.Seq, got, b.Counters())
		case fault && (re.Seq != 1 || got != 1 || b.Counters().Delivered != 2):
			t.Errorf("retransmit-new-seq: resend seq %d delivered %d times; %s", re.Seq, got, b.Counters())
		}
		if a.Unacked() != 0 {
			t.Errorf("fault %t: the ack of seq %d left %d unacknowledged", fault, ack.Seq, a.Unacked())
		}
	}
}

// An ack numbered past any sequence number a sender can have used is a
// bad ack, not a stale one, with or without renumbering faults.
func TestHugeAckIsBad(t *testing.T) {
	for _, f := range []ReliableFaults{{}, {SeqNotAdvanced: true}, {RetransmitNewSeq: true}} {
		a := mustReliable(t, ReliableConfig{Window: 1, Faults: f})
		if err := a.Send(packet(t, 0, 0)); err != nil {
			t.Fatal(err)
		}
		a.Outgoing()
		if err := a.Receive(Frame{Kind: KindAck, Seq: 1 << 63}); !errors.Is(err, ErrBadAck) {
			t.Errorf("faults %s: ack seq=2^63: %v, want ErrBadAck", f, err)
		}
		if a.Unacked() != 1 {
			t.Errorf("faults %s: the bad ack freed a frame", f)
		}
	}
}
