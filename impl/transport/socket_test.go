package transport

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/internal/stall"
)

// socketPair connects two Sockets over real UDP sockets on 127.0.0.1, each
// driving a reliable endpoint; it returns them and A's raw connection.
func socketPair(t *testing.T) (a, b *Socket, aConn *net.UDPConn) {
	t.Helper()
	ac, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	bc, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	mk := func(conn, peer *net.UDPConn) *Socket {
		ep, err := NewReliable(ReliableConfig{Conn: 1, Window: 32})
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSocket(SocketConfig{Conn: conn, Peer: peer.LocalAddr().(*net.UDPAddr), Endpoint: ep, RTO: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return mk(ac, bc), mk(bc, ac), ac
}

// waitFor polls cond until it holds, failing after a generous bound (a
// bound on waiting, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	stall.Until(t, stall.Limit, what, cond)
}

// Many packets through a pair of Sockets (batched reads and writes of
// real datagrams) arrive once each and in order.
func TestSocketDeliversInOrder(t *testing.T) {
	a, b, _ := socketPair(t)
	const n = 2000
	var got []Packet
	ctx, watch := stall.New(t.Context(), stall.Quiet, func(sent int64) string {
		return fmt.Sprintf("the socket took no packet after the first %d of %d: no ack freed room", sent, n)
	})
	defer watch.Stop()
	for i := 0; i < n; {
		switch err := a.Send(packet(t, 1, uint64(i))); err {
		case nil:
			i++
			watch.Add(1)
		case ErrFull: // until acks free room (a rings its bell), at most 10ms
			a.Bell().Arm().Park(ctx, 10*time.Millisecond)
			if ctx.Err() != nil {
				t.Fatalf("%v; %d delivered; sender %s", watch.Stop(), len(got), a.Counters())
			}
		default:
			t.Fatal(err)
		}
		got = append(got, b.Deliveries()...)
	}
	waitFor(t, "every packet", func() bool {
		got = append(got, b.Deliveries()...)
		return len(got) >= n
	})
	if len(got) != n {
		t.Fatalf("%d packets delivered for %d sent", len(got), n)
	}
	for i, p := range got {
		if index(p) != uint64(i) {
			t.Fatalf("packet %d is packet %d", i, index(p))
		}
	}
	if c := a.Counters(); c.DatagramsOut < n || c.WriteErrors != 0 {
		t.Fatalf("sender counters: %v", c)
	}
}

// A datagram from another address, and a malformed one from the peer,
// are counted and dropped; the Socket goes on delivering.
func TestSocketDropsForeignAndMalformed(t *testing.T) {
	a, b, aConn := socketPair(t)
	other, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	good, err := EncodeFrame(Frame{Kind: KindRaw, Conn: 1, Packet: packet(t, 1, 7)})
	if err != nil {
		t.Fatal(err)
	}
	bAddr := b.cfg.Conn.LocalAddr().(*net.UDPAddr)
	if _, err := other.WriteToUDP(good, bAddr); err != nil {
		t.Fatal(err)
	}
	if _, err := aConn.WriteToUDP([]byte{1, 2, 3}, bAddr); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the foreign and the malformed datagram", func() bool {
		c := b.Counters()
		return c.Foreign == 1 && c.Malformed == 1
	})
	if err := a.Send(packet(t, 1, 0)); err != nil {
		t.Fatal(err)
	}
	var got []Packet
	waitFor(t, "a packet after the bad datagrams", func() bool {
		got = append(got, b.Deliveries()...)
		return len(got) == 1
	})
	if index(got[0]) != 0 {
		t.Fatalf("delivered packet %d", index(got[0]))
	}
}

// Under seeded loss, duplication and reordering of every datagram both
// sockets write, a reliable pair still delivers every packet once and in
// order, and each kind of fault was injected.
func TestSocketUnderNetFaultsDeliversInOrder(t *testing.T) {
	ac, _ := ListenLoopback()
	bc, _ := ListenLoopback()
	mk := func(conn, peer *net.UDPConn, seed uint64) *Socket {
		ep, err := NewReliable(ReliableConfig{Conn: 1, Window: 16})
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSocket(SocketConfig{Conn: conn, Peer: peer.LocalAddr().(*net.UDPAddr), Endpoint: ep, RTO: 2 * time.Millisecond,
			Faults: NetFaults{Seed: seed, Lose: 0.2, Duplicate: 0.1, Reorder: 0.1}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := mk(ac, bc, 1), mk(bc, ac, 2)
	const n = 300
	var got []Packet
	i := 0
	waitFor(t, "every packet delivered under faults", func() bool {
		for i < n && a.Send(packet(t, 1, uint64(i))) == nil {
			i++
		}
		got = b.TakeDeliveries(got)
		return len(got) >= n
	})
	for i, p := range got {
		if p != packet(t, 1, uint64(i)) {
			t.Fatalf("packet %d is %s", i, p)
		}
	}
	if c := a.Counters().Faults; c.Lost == 0 || c.Duplicated == 0 || c.Reordered == 0 {
		t.Errorf("faults injected: %s", c)
	}
	if _, err := NewSocket(SocketConfig{Conn: ac, Peer: bc.LocalAddr().(*net.UDPAddr), Endpoint: &UDP{}, Faults: NetFaults{Lose: 2}}); err == nil {
		t.Error("a probability of 2 accepted")
	}
}
