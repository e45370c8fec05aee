package transport

import (
	"context"
	"net"
	"testing"
	"time"
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
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Many packets through a pair of Sockets (batched reads and writes of
// real datagrams) arrive once each and in order.
func TestSocketDeliversInOrder(t *testing.T) {
	a, b, _ := socketPair(t)
	const n = 2000
	var got []Packet
	for i := 0; i < n; {
		switch err := a.Send(packet(t, 1, uint64(i))); err {
		case nil:
			i++
		case ErrFull: // until acks free room (a rings its bell), at most 10ms
			a.Bell().Arm().Park(context.Background(), 10*time.Millisecond)
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
