package transport

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/wake"
)

// frames formats a batch of frames, one String a line, for comparison.
func frames(fs []Frame) []string {
	out := []string{}
	for _, f := range fs {
		s := f.String()
		if f.Kind == KindData {
			s = s[:len("data conn=0 seq=0")] // the packet is checked by delivery
		}
		out = append(out, s)
	}
	return out
}

func expect(t *testing.T, step string, got []Frame, want ...string) []Frame {
	t.Helper()
	g := frames(got)
	if len(g) != len(want) {
		t.Fatalf("%s: frames %q, want %q", step, g, want)
	}
	for i := range g {
		if g[i] != want[i] {
			t.Fatalf("%s: frames %q, want %q", step, g, want)
		}
	}
	return append([]Frame(nil), got...)
}

// TestScenarioDuplicateDataDeduplicated mirrors the system model's
// at-most-once counterexample for udp, under the reliable transport: the
// network duplicates the client's data frame; the server delivers the
// first copy and acknowledges it, and the second is acknowledged again
// and dropped — the call runs once.
func TestScenarioDuplicateDataDeduplicated(t *testing.T) {
	c, s := mustReliable(t, ReliableConfig{Window: 1}), mustReliable(t, ReliableConfig{Window: 1})
	if err := c.Send(packet(t, 0, 0)); err != nil {
		t.Fatal(err)
	}
	data := expect(t, "nic-send c0", c.Outgoing(), "data conn=0 seq=0")
	_ = s.Receive(data[0]) // deliver
	_ = s.Receive(data[0]) // deliver the duplicate
	if d := s.Deliveries(); len(d) != 1 || index(d[0]) != 0 {
		t.Fatalf("server delivered %d packets, want 1", len(d))
	}
	ack := expect(t, "server acks", s.Outgoing(), "ack conn=0 seq=0") // one cumulative ack covers both
	if got := s.Counters(); got.Delivered != 1 || got.Duplicates != 1 {
		t.Fatalf("server %s", got)
	}
	_ = c.Receive(ack[0])
	if c.Unacked() != 0 {
		t.Fatalf("client %s after the ack", c)
	}
}

// TestScenarioLostAckRetransmitted: the ack of the client's data frame is
// lost; the client's timer fires and it resends the frame with the same
// sequence number; the server acknowledges it again but does not deliver
// it twice; a stale copy of the ack that turns up later changes nothing.
func TestScenarioLostAckRetransmitted(t *testing.T) {
	c, s := mustReliable(t, ReliableConfig{Window: 1}), mustReliable(t, ReliableConfig{Window: 1})
	_ = c.Send(packet(t, 0, 0))
	_ = c.Send(packet(t, 0, 1))
	data := expect(t, "nic-send", c.Outgoing(), "data conn=0 seq=0") // window 1: one outstanding
	expect(t, "window full", c.Outgoing())
	_ = s.Receive(data[0])
	ack := expect(t, "server acks", s.Outgoing(), "ack conn=0 seq=0")
	_ = ack // lose it
	c.Timeout()
	re := expect(t, "retransmit", c.Outgoing(), "data conn=0 seq=0")
	_ = s.Receive(re[0])
	ack2 := expect(t, "server re-acks", s.Outgoing(), "ack conn=0 seq=0")
	_ = c.Receive(ack2[0])
	expect(t, "next packet", c.Outgoing(), "data conn=0 seq=1")
	_ = c.Receive(ack[0]) // the first ack was only delayed
	if d := s.Deliveries(); len(d) != 1 {
		t.Fatalf("server delivered %d, want 1", len(d))
	}
	cc, sc := c.Counters(), s.Counters()
	if cc.Retransmits != 1 || cc.StaleAcks != 1 || cc.Acked != 1 || sc.Duplicates != 1 || sc.Delivered != 1 {
		t.Fatalf("client %s; server %s", cc, sc)
	}
}

// TestScenarioNoRoomDroppedUnacked: the fix for the model's
// ack-before-delivery bug. A frame arriving with the receive queue full
// is dropped unacknowledged; after the consumer makes room the resend is
// delivered and acknowledged. An ack for a frame never sent, a frame of
// another connection and a raw frame are counted and dropped.
func TestScenarioNoRoomDroppedUnacked(t *testing.T) {
	c := mustReliable(t, ReliableConfig{Window: 2})
	s := mustReliable(t, ReliableConfig{Window: 2, RecvQueue: 1})
	_ = c.Send(packet(t, 0, 0))
	_ = c.Send(packet(t, 0, 1))
	data := expect(t, "send two", c.Outgoing(), "data conn=0 seq=0", "data conn=0 seq=1")
	_ = s.Receive(data[0])
	_ = s.Receive(data[1]) // no room
	ack := expect(t, "ack first only", s.Outgoing(), "ack conn=0 seq=0")
	_ = c.Receive(ack[0])
	if s.Counters().NoRoom != 1 || c.Unacked() != 1 {
		t.Fatalf("server %s; client %s", s.Counters(), c)
	}
	if d := s.Deliveries(); len(d) != 1 || index(d[0]) != 0 {
		t.Fatal("first delivery")
	}
	c.Timeout()
	re := expect(t, "go-back-n", c.Outgoing(), "data conn=0 seq=1")
	_ = s.Receive(re[0])
	expect(t, "ack second", s.Outgoing(), "ack conn=0 seq=1")
	if d := s.Deliveries(); len(d) != 1 || index(d[0]) != 1 {
		t.Fatal("second delivery")
	}
	for _, tc := range []struct {
		f   Frame
		err error
	}{
		{Frame{Kind: KindAck, Seq: 5}, ErrBadAck},
		{Frame{Kind: KindData, Conn: 9}, ErrWrongConn},
		{Frame{Kind: KindRaw, Packet: packet(t, 0, 0)}, ErrWrongKind},
	} {
		if err := c.Receive(tc.f); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", tc.f, err, tc.err)
		}
	}
	if c.Counters().Rejected != 3 {
		t.Errorf("rejected %s", c.Counters())
	}
}

// TestScenarioAheadDropped: with a window, a frame that overtakes a lost
// one is dropped unacknowledged (go-back-N); the resend of both delivers
// them in order.
func TestScenarioAheadDropped(t *testing.T) {
	c, s := mustReliable(t, ReliableConfig{Window: 4}), mustReliable(t, ReliableConfig{Window: 4})
	for i := range 3 {
		_ = c.Send(packet(t, 0, uint64(i)))
	}
	data := expect(t, "send", c.Outgoing(), "data conn=0 seq=0", "data conn=0 seq=1", "data conn=0 seq=2")
	_ = s.Receive(data[2]) // 0 and 1 lost or late
	expect(t, "no ack", s.Outgoing())
	_ = s.Receive(data[0])
	c.Timeout()
	for _, f := range expect(t, "resend", c.Outgoing(), "data conn=0 seq=0", "data conn=0 seq=1", "data conn=0 seq=2") {
		_ = s.Receive(f)
	}
	ack := expect(t, "cumulative ack", s.Outgoing(), "ack conn=0 seq=2")
	_ = c.Receive(ack[0])
	d := s.Deliveries()
	if len(d) != 3 || index(d[0]) != 0 || index(d[1]) != 1 || index(d[2]) != 2 || c.Unacked() != 0 {
		t.Fatalf("deliveries %d, client %s", len(d), c)
	}
}

func TestSendQueueBounded(t *testing.T) {
	c := mustReliable(t, ReliableConfig{Window: 2, SendQueue: 3})
	for i := range 3 {
		if err := c.Send(packet(t, 0, uint64(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Send(packet(t, 0, 3)); !errors.Is(err, ErrFull) {
		t.Fatalf("4th send: %v", err)
	}
	bad := Packet{Argl: slot.ArgsSize + 1} // no slot carries it
	if err := c.Send(bad); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad packet: %v", err)
	}
}

// TestLoopbackReliable: over the fault-free loopback, a reliable pair
// never times out, and delivers everything in order.
func TestLoopbackReliable(t *testing.T) {
	a, b := mustReliable(t, ReliableConfig{Conn: 1}), mustReliable(t, ReliableConfig{Conn: 1})
	l := Loopback{A: a, B: b}
	const n = 1000
	var sent, got [2]uint64
	for sent[0] < n || sent[1] < n || got[0] < n || got[1] < n {
		for i, e := range []*Reliable{a, b} {
			for sent[i] < n && e.Send(packet(t, 1, sent[i])) == nil {
				sent[i]++
			}
		}
		if l.Settle(100) == 0 && (got[0] < n || got[1] < n) && sent == [2]uint64{n, n} {
			t.Fatalf("stuck: a %s b %s", a, b)
		}
		for i, e := range []*Reliable{b, a} {
			for _, p := range e.Deliveries() {
				if index(p) != got[i] {
					t.Fatalf("out of order: %d, want %d", index(p), got[i])
				}
				got[i]++
			}
		}
	}
	if a.Counters().Retransmits != 0 || b.Counters().Duplicates != 0 {
		t.Fatalf("a %s; b %s", a.Counters(), b.Counters())
	}
}

// TestFaultyNetworkDeterministic: the same seeds and calls give the same
// events; other seeds give others.
func TestFaultyNetworkDeterministic(t *testing.T) {
	run := func(seed uint64) []string {
		n := NewFaultyNetwork(FaultConfig{Seed1: seed, Lose: 0.3, Duplicate: 0.3, Reorder: 0.3, Delay: 0.2,
			Budget: Faults{Lose: -1, Duplicate: -1, Reorder: -1, Delay: 5}})
		for i := range 20 {
			_ = n.Send("a", "b", Frame{Kind: KindAck, Seq: uint64(i)})
			_ = n.Send("b", "a", Frame{Kind: KindAck, Seq: uint64(i)})
		}
		n.SendBytes("a", "b", []byte{1, 2, 3})
		var evs []string
		for range 200 {
			ev, ok := n.Step()
			if !ok {
				break
			}
			evs = append(evs, ev.String())
		}
		if n.Counters().Malformed == 0 || n.Counters().Delayed > 5 {
			t.Fatalf("seed %d: %s", seed, n.Counters())
		}
		return evs
	}
	a, b, c := run(1), run(1), run(2)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatal("lengths differ")
	}
	same := len(a) == len(c)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: %s vs %s", i, a[i], b[i])
		}
		if same && a[i] != c[i] {
			same = false
		}
	}
	if same {
		t.Fatal("seeds 1 and 2 gave the same run")
	}
}

// TestSocketReliableLoopback: two Sockets on 127.0.0.1 exchange n packets
// each way over the reliable transport; each side receives all of the
// other's exactly once and in order. It stops by itself within a deadline.
func TestSocketReliableLoopback(t *testing.T) {
	const n = 3000
	ca, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	var bell wake.Bell // both sockets ring it when frames arrive
	mk := func(c, peer *net.UDPConn) *Socket {
		s, err := NewSocket(SocketConfig{Conn: c, Peer: peer.LocalAddr().(*net.UDPAddr),
			Endpoint: mustReliable(t, ReliableConfig{Conn: 2, Window: 8}), RTO: 5 * time.Millisecond, Bell: &bell})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk(ca, cb), mk(cb, ca)
	defer a.Close()
	defer b.Close()
	socks := [2]*Socket{a, b}
	var sent, got [2]uint64
	deadline := time.Now().Add(30 * time.Second)
	for got[0] < n || got[1] < n {
		for i, s := range socks {
			for sent[i] < n {
				err := s.Send(packet(t, 2, sent[i]))
				if errors.Is(err, ErrFull) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				sent[i]++
			}
			for _, p := range socks[1-i].Deliveries() {
				if index(p) != got[i] {
					t.Fatalf("side %d: packet %d, want %d", 1-i, index(p), got[i])
				}
				got[i]++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("deadline: sent %v got %v; a %s b %s", sent, got, a.Counters(), b.Counters())
		}
		bell.Arm().Park(context.Background(), time.Millisecond) // a ring, or a retry

	}
	for _, s := range socks {
		var c ReliableCounters
		s.Inspect(func(e Endpoint) { c = e.(*Reliable).Counters() })
		t.Logf("%s; socket %s", c, s.Counters())
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(packet(t, 2, 0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("send after close: %v", err)
	}
}
