package transport

import (
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"
)

// TestSocketRetransmitsAfterEveryAck: a reliable Socket's timer resends
// the unacknowledged frames whenever a period passes without an ack, and
// goes on doing so however many acks came before. Its peer here is a bare
// UDP socket the test drives, so that losses are the test's choice and
// not the kernel's: round after round it takes a packet's frame, ignores
// it twice (two losses) and acknowledges the third copy. A timer that
// stops after the first ack, or after the first timeout, fails this test
// within a second or two, naming the round; over real sockets with no
// losses it would show only as a hang.
func TestSocketRetransmitsAfterEveryAck(t *testing.T) {
	const (
		rto = 2 * time.Millisecond
		// wait bounds each wait for a frame: hundreds of timer periods.
		wait = 2 * time.Second
	)
	conn, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	peer, err := ListenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	ep := mustReliable(t, ReliableConfig{Conn: 1, Window: 4})
	s, err := NewSocket(SocketConfig{Conn: conn, Peer: peer.LocalAddr().(*net.UDPAddr), Endpoint: ep, RTO: rto})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	buf := make([]byte, 2048)
	// next reads the socket's next data frame at or after seq, skipping
	// copies of frames already acknowledged that were still on their way.
	next := func(seq uint64, what string) Frame {
		t.Helper()
		for {
			if err := peer.SetReadDeadline(time.Now().Add(wait)); err != nil {
				t.Fatal(err)
			}
			n, _, err := peer.ReadFromUDP(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				var c ReliableCounters
				s.Inspect(func(e Endpoint) { c = e.(*Reliable).Counters() })
				t.Fatalf("%s did not come within %v (%d timer periods): the socket's timer stopped retransmitting; endpoint %s; socket %s",
					what, wait, wait/rto, c, s.Counters())
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := DecodeFrame(buf[:n])
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if f.Kind == KindData && f.Seq >= seq {
				return f
			}
		}
	}
	var seq uint64
	for round := range 5 {
		if err := s.Send(packet(t, 1, uint64(round))); err != nil {
			t.Fatalf("round %d: send: %v", round, err)
		}
		first := next(seq, fmt.Sprintf("round %d: packet %d's first transmission", round, round))
		if round == 0 {
			seq = first.Seq
		}
		if first.Seq != seq || index(first.Packet) != uint64(round) {
			t.Fatalf("round %d: first transmission %s, want seq %d carrying packet %d", round, first, seq, round)
		}
		for lost := 1; lost <= 2; lost++ {
			again := next(seq, fmt.Sprintf("round %d: packet %d's retransmission after %d losses and %d acks", round, round, lost, round))
			if again.Seq != seq || index(again.Packet) != uint64(round) {
				t.Fatalf("round %d: retransmission %s, want seq %d carrying packet %d", round, again, seq, round)
			}
		}
		ack, err := EncodeFrame(Frame{Kind: KindAck, Conn: 1, Seq: seq})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := peer.WriteToUDP(ack, conn.LocalAddr().(*net.UDPAddr)); err != nil {
			t.Fatal(err)
		}
		seq++
	}
}
