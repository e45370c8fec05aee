package system

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Next enumerates the enabled actions: each client's application and NIC,
// the server's handler and NIC for each connection, and the network,
// which delivers the packet at the head of each channel and, within the
// fault budget, loses, duplicates or delivers out of order.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	for c := 0; c < m.Clients; c++ {
		m.clientSteps(s, c, emit)
		if !m.UDP && m.timedOut(&s, toClient, c, &s.S[c].End) {
			t := s
			m.retransmit(&t, toClient, c, &t.S[c].End)
			m.emit(emit, "server-retransmit", t, c)
		}
	}
	for f := 0; f < m.ServerFlows; f++ {
		m.serverSteps(s, f, emit)
	}
	for i := 0; i < int(s.N); i++ {
		p := s.Net[i]
		args := []int{int(p.Dir), int(p.Conn), int(p.Kind), int(p.Seq), int(p.Call)}
		head := i == 0 || s.Net[i-1].Dir != p.Dir || s.Net[i-1].Conn != p.Conn
		if i > 0 && s.Net[i-1] == p {
			continue // an identical packet ahead of it: the same actions
		}
		if head || s.Reorders > 0 {
			t := s
			t.remove(i)
			if !head {
				t.Reorders--
			}
			m.receive(&t, p)
			name := "deliver"
			if !head {
				name = "reorder"
			}
			m.emit(emit, name, t, args...)
		}
		if s.Losses > 0 {
			t := s
			t.remove(i)
			t.Losses--
			m.emit(emit, "lose", t, args...)
		}
		if s.Dups > 0 {
			t := s
			if send(&t, p) {
				t.Dups--
				m.emit(emit, "duplicate", t, args...)
			}
		}
	}
}

func (m *Model) clientSteps(s State, c int, emit func(checker.Action, State)) {
	cl := &s.C[c]
	// The application issues its next call into the TX ring.
	if cl.Waiting == 0 && int(cl.Issued) < m.Calls && cl.TxRing == 0 {
		t := s
		tc := &t.C[c]
		tc.TxRing, tc.Waiting = tc.Issued+1, tc.Issued+1
		tc.Issued++
		m.emit(emit, "call", t, c)
	}
	// The client NIC takes the call from the ring and sends it.
	if cl.TxRing != 0 && (m.UDP || cl.End.Unacked == 0) {
		t := s
		tc := &t.C[c]
		p := Packet{Dir: toServer, Kind: kindReq, Conn: uint8(c), Call: cl.TxRing}
		if !m.UDP {
			p.Kind, p.Seq = kindData, cl.End.SendSeq
			tc.End.Unacked = cl.TxRing
		}
		if send(&t, p) {
			tc.TxRing = 0
			m.emit(emit, "nic-send", t, c)
		}
	}
	if m.UDP {
		// The RPC layer's timeout: resend the call, or give up.
		if cl.Waiting != 0 && cl.TxRing == 0 && int(cl.Retries) < m.Retries {
			t := s
			if send(&t, Packet{Dir: toServer, Kind: kindReq, Conn: uint8(c), Call: cl.Waiting}) {
				t.C[c].Retries++
				m.emit(emit, "retry", t, c)
			}
		}
		if cl.Waiting != 0 && int(cl.Retries) == m.Retries {
			t := s
			tc := &t.C[c]
			tc.Status[cl.Waiting-1] = 2
			tc.Waiting, tc.Retries = 0, 0
			m.emit(emit, "give-up", t, c)
		}
	} else if m.timedOut(&s, toServer, c, &cl.End) {
		t := s
		m.retransmit(&t, toServer, c, &t.C[c].End)
		m.emit(emit, "retransmit", t, c)
	}
	// The application takes a response from the RX ring; one for a call
	// it no longer waits for (given up on) is dropped.
	if cl.RxRing != 0 {
		t := s
		tc := &t.C[c]
		if k := int(cl.RxRing) - 1; cl.RxRing == cl.Waiting {
			if cl.RxRes != result(c, k) {
				t.Bad |= badMatch
			}
			tc.Status[k], tc.Got[k] = 1, cl.RxRes
			tc.Waiting, tc.Retries = 0, 0
		}
		tc.RxRing, tc.RxRes = 0, 0
		m.emit(emit, "complete", t, c)
	}
}

func (m *Model) serverSteps(s State, f int, emit func(checker.Action, State)) {
	fl := &s.F[f]
	// The handler runs a delivered call and writes its response.
	if fl.RxCall != 0 && fl.TxCall == 0 {
		t := s
		c, k := fl.RxConn, fl.RxCall-1
		if t.S[c].Exec[k]++; t.S[c].Exec[k] > 1 {
			t.Bad |= badAtMostOnce
		}
		t.F[f] = Flow{TxConn: c, TxCall: fl.RxCall}
		m.emit(emit, "server-exec", t, f)
	}
	// The server NIC sends the response on the call's connection.
	if c := int(fl.TxConn); fl.TxCall != 0 && (m.UDP || s.S[c].End.Unacked == 0) {
		t := s
		r := result(c, int(fl.TxCall)-1)
		p := Packet{Dir: toClient, Kind: kindResp, Conn: uint8(c), Call: fl.TxCall, Result: r}
		if !m.UDP {
			e := &t.S[c].End
			p.Kind, p.Seq = kindData, e.SendSeq
			e.Unacked, e.Result = fl.TxCall, r
		}
		if send(&t, p) {
			t.F[f].TxConn, t.F[f].TxCall = 0, 0
			m.emit(emit, "server-send", t, f)
		}
	}
}

// timedOut: a reliable sender's timer fires when its packet is
// unacknowledged and neither the packet nor its acknowledgement is in
// flight any more. Time is abstract; this is the moment a timeout
// matters, and it keeps the state space finite.
func (m *Model) timedOut(s *State, dir, c int, e *End) bool {
	if e.Unacked == 0 || int(s.N) == MaxNet {
		return false
	}
	for _, p := range s.Net[:s.N] {
		if int(p.Conn) == c && p.Seq == e.SendSeq &&
			((int(p.Dir) == dir && p.Kind == kindData) || (int(p.Dir) != dir && p.Kind == kindAck)) {
			return false
		}
	}
	return true
}

// retransmit resends the unacknowledged packet.
func (m *Model) retransmit(s *State, dir, c int, e *End) {
	if m.Bug == spec.BugRetransmitNewSeq {
		e.SendSeq++ // the bug: a resend looks like a new packet
	}
	send(s, Packet{Dir: uint8(dir), Kind: kindData, Conn: uint8(c), Seq: e.SendSeq, Call: e.Unacked, Result: e.Result})
}

// receive is the arrival of packet p at its destination.
func (m *Model) receive(s *State, p Packet) {
	c := int(p.Conn)
	switch p.Kind {
	case kindReq:
		if fl := &s.F[c%m.ServerFlows]; fl.RxCall == 0 {
			fl.RxConn, fl.RxCall = p.Conn, p.Call
		}
	case kindResp:
		ring := m.responseRing(s, c)
		if cl := &s.C[ring]; cl.RxRing == 0 {
			cl.RxRing, cl.RxRes = p.Call, p.Result
		}
	case kindAck:
		e := &s.S[c].End
		if p.Dir == toClient {
			e = &s.C[c].End
		}
		if e.Unacked != 0 && p.Seq == e.SendSeq {
			e.Unacked, e.Result = 0, 0
			if m.Bug != spec.BugSeqNotAdvanced {
				e.SendSeq++
			}
		}
	case kindData:
		if p.Dir == toServer {
			fl := &s.F[c%m.ServerFlows]
			m.receiveData(s, p, &s.S[c].End, fl.RxCall == 0, func() { fl.RxConn, fl.RxCall = p.Conn, p.Call })
		} else {
			ring := m.responseRing(s, c)
			cl := &s.C[ring]
			m.receiveData(s, p, &s.C[c].End, cl.RxRing == 0, func() { cl.RxRing, cl.RxRes = p.Call, p.Result })
		}
	}
}

// receiveData is a reliable receiver: a packet with the expected sequence
// number goes to the ring if the ring has room, and is acknowledged; an
// old one (a duplicate) is acknowledged again and dropped; with the ring
// full the packet is dropped unacknowledged, for the sender to resend.
func (m *Model) receiveData(s *State, p Packet, e *End, room bool, deliver func()) {
	ack := Packet{Dir: 1 - p.Dir, Kind: kindAck, Conn: p.Conn, Seq: p.Seq}
	switch {
	case p.Seq == e.RecvNext || m.Bug == spec.BugNoDedup:
		if m.Bug == spec.BugAckBeforeDelivery {
			send(s, ack) // the bug: acknowledged before it has a place
			e.RecvNext = p.Seq + 1
			if room {
				deliver()
			}
			return
		}
		if room {
			deliver()
			e.RecvNext = p.Seq + 1
			send(s, ack)
		}
	case p.Seq < e.RecvNext:
		send(s, ack)
	}
}

// responseRing is the client flow a response arriving on connection c is
// written to: c's own, or, with response-misrouted, the next flow of the
// client NIC's round-robin balancer.
func (m *Model) responseRing(s *State, c int) int {
	if m.Bug != spec.BugResponseMisrouted {
		return c
	}
	ring := int(s.RR)
	s.RR = uint8((ring + 1) % m.Clients)
	return ring
}
