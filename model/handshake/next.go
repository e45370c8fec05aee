package handshake

import (
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

func (m *Model) emit(emit func(checker.Action, State), name string, t State, args ...int) {
	emit(checker.Act(m.act[name], args...), t)
}

// Next enumerates the enabled actions: the client's application and
// timers, the restarts, the server's expiry of a silent client's
// connection, and the network, which delivers the packet at the
// head of each direction and, within the fault budget, loses, duplicates
// or delivers out of order.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	m.clientSteps(s, emit)
	if s.ClientRestarts > 0 && s.N < MaxNet {
		t := s
		t.ClientRestarts--
		m.restartClient(&t)
		m.emit(emit, "client-restart", t)
	}
	if s.ServerRestarts > 0 {
		t := s
		t.ServerRestarts--
		t.S = Server{Inc: s.S.Inc + 1}
		m.emit(emit, "server-restart", t)
	}
	if s.Expiries > 0 && s.S.Entry.State == Open {
		t := s
		t.Expiries--
		m.expire(&t)
		m.emit(emit, "server-expire", t)
	}
	for i := 0; i < int(s.N); i++ {
		p := s.Net[i]
		args := []int{int(p.Kind), int(p.C), int(p.S), int(p.Seq), int(p.Call)}
		head := i == 0 || dir(s.Net[i-1]) != dir(p)
		if slices.Contains(s.Net[:i], p) {
			// An identical packet ahead of it: the network acts on the
			// earliest copy, so that an action names one successor.
			continue
		}
		if head || s.Reorders > 0 {
			t := s
			t.remove(i)
			name := "deliver"
			if !head {
				t.Reorders--
				name = "reorder"
			}
			m.receive(&t, p)
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

func (m *Model) clientSteps(s State, emit func(checker.Action, State)) {
	c := &s.C
	if c.Phase == Idle {
		t := s
		if m.open(&t) {
			m.emit(emit, "open", t)
		}
	}
	if c.Phase == Connecting && !s.inFlight(func(p Packet) bool {
		return p.Kind == Hello && p.C == c.Inc && p.Seq == c.Start || p.Kind == Welcome && m.welcomes(c, p)
	}) {
		t := s
		if send(&t, Packet{Kind: Hello, C: c.Inc, Seq: c.Start}) {
			m.emit(emit, "hello-timeout", t)
		}
	}
	if n := c.flying(); c.Phase == Established && n < m.Window && int(s.Issued) < m.Calls {
		t := s
		k := t.Issued
		if send(&t, Packet{Kind: Call, C: c.Inc, S: c.Peer, Seq: c.NextSeq, Call: k + 1}) {
			t.C.Flight[n] = InFlight{Seq: c.NextSeq, Call: k + 1}
			t.C.NextSeq++
			t.By[k] = c.Inc
			t.Issued++
			m.emit(emit, "call", t)
		}
	}
	if c.Phase == Established || c.Phase == Closing {
		for _, f := range c.Flight {
			if f.Call == 0 || s.inFlight(func(p Packet) bool { return m.answers(c, f, p) }) {
				continue
			}
			t := s
			if send(&t, Packet{Kind: Call, C: c.Inc, S: c.Peer, Seq: f.Seq, Call: f.Call}) {
				m.emit(emit, "call-timeout", t, int(f.Seq))
			}
		}
	}
	if c.Phase == Established && s.Closes > 0 {
		t := s
		if send(&t, Packet{Kind: Close, C: c.Inc, S: c.Peer}) {
			t.Closes--
			if m.Bug == spec.BugCloseDropsInflight {
				t.C.Flight = [MaxWindow]InFlight{} // the bug: forgotten, neither ok nor failed
			} else {
				failInFlight(&t)
			}
			t.C.Phase = Closing
			m.emit(emit, "close", t)
		}
	}
	if c.Phase == Closing && !s.inFlight(func(p Packet) bool {
		return (p.Kind == Close || p.Kind == Closed) && p.C == c.Inc
	}) {
		t := s
		if send(&t, Packet{Kind: Close, C: c.Inc, S: c.Peer}) {
			m.emit(emit, "close-timeout", t)
		}
	}
}

// welcomes reports whether WELCOME p answers the client's current HELLO:
// it names the client's incarnation and echoes the HELLO's start (with
// hello=incarnation, the incarnation alone).
func (m *Model) welcomes(c *Client, p Packet) bool {
	return p.C == c.Inc && (m.ByIncarnation || p.Seq == c.Start)
}

// answers reports whether packet p is call f or an answer to it (its
// RESULT, or a RESET of the client's incarnation): while one is in
// flight the call's timer does not fire.
func (m *Model) answers(c *Client, f InFlight, p Packet) bool {
	switch p.Kind {
	case Call, Result:
		return p.C == c.Inc && p.S == c.Peer && p.Seq == f.Seq
	case Reset:
		return p.C == c.Inc && p.S >= c.Peer
	}
	return false
}

// flying is the number of calls in flight.
func (c *Client) flying() int {
	n := 0
	for _, f := range c.Flight {
		if f.Call != 0 {
			n++
		}
	}
	return n
}

// open starts a handshake: the HELLO takes the next sequence number as
// the connection's seq start (with seq-restart-from-zero, a connection
// starts its numbers at 0 again).
func (m *Model) open(s *State) bool {
	c := &s.C
	next := c.NextSeq
	if m.Bug == spec.BugSeqRestartFromZero {
		next = 0
	}
	if !send(s, Packet{Kind: Hello, C: c.Inc, Seq: next}) {
		return false
	}
	c.Phase, c.Peer, c.Start, c.NextSeq = Connecting, 0, next, next+1
	return true
}

// failInFlight completes every call in flight with a visible error.
func failInFlight(s *State) {
	for i, f := range s.C.Flight {
		if f.Call != 0 {
			s.Status[f.Call-1] = Failed
		}
		s.C.Flight[i] = InFlight{}
	}
}

// restartClient: a new, larger incarnation with no memory, which opens
// at once (a restart waits for room in the network); the application
// sees its calls in flight fail.
func (m *Model) restartClient(s *State) {
	failInFlight(s)
	s.C = Client{Inc: s.C.Inc + 1}
	m.open(s)
}

// receive is the arrival of packet p at its destination.
func (m *Model) receive(s *State, p Packet) {
	if ToServer(p.Kind) {
		m.serverReceive(s, p)
	} else {
		m.clientReceive(s, p)
	}
}

func (m *Model) clientReceive(s *State, p Packet) {
	c := &s.C
	switch p.Kind {
	case Welcome:
		if c.Phase == Connecting && m.welcomes(c, p) {
			c.Phase, c.Peer = Established, p.S
		}
	case Result:
		if !m.ClientAdmits(*s, p) {
			return
		}
		for i, f := range c.Flight {
			if f.Call == 0 || f.Seq != p.Seq {
				continue
			}
			if f.Call != p.Call {
				s.Bad |= badIncarnation // another call's result
			}
			s.Status[f.Call-1] = OK
			if c.Peer > 1 {
				s.Seen |= seenServerRestartOK
			}
			if c.Inc > 1 {
				s.Seen |= seenClientRestartOK
			}
			c.Flight[i] = InFlight{}
			c.compact()
			return
		}
	case Reset:
		// A larger server incarnation restarted; the same one forgot the
		// connection. Either way the connection is gone.
		if c.Phase != Established && c.Phase != Closing || p.C != c.Inc || p.S < c.Peer {
			return
		}
		failInFlight(s)
		if c.Phase == Closing {
			c.Phase = ClosedPhase
			return
		}
		m.open(s) // a delivery took a packet out: there is room
	case Closed:
		if c.Phase == Closing && p.C == c.Inc {
			c.Phase = ClosedPhase
			s.Seen |= seenCleanClose
		}
	}
}

// compact keeps the calls in flight sorted by seq with the free slots
// last, so that equal sets are equal states.
func (c *Client) compact() {
	if c.Flight[0].Call == 0 && MaxWindow > 1 {
		c.Flight[0], c.Flight[1] = c.Flight[1], InFlight{}
	}
}

func (m *Model) serverReceive(s *State, p Packet) {
	sv := &s.S
	e := &sv.Entry
	switch p.Kind {
	case Hello:
		m.serverHello(s, p)
	case Call:
		m.serverCall(s, p)
	case Close:
		if p.S == sv.Inc && e.State == Open && e.C == p.C {
			m.close(e)
		}
		send(s, Packet{Kind: Closed, C: p.C, S: sv.Inc})
	}
}

// close: the server closes its open connection, remembering its
// incarnation and start (with closed=forget, nothing).
func (m *Model) close(e *Entry) {
	*e = Entry{State: ClosedEntry, C: e.C, Start: e.Start}
	if m.ForgetClosed {
		*e = Entry{}
	}
}

// expire: the server has not heard from its open connection's client
// for its idle timeout (time is abstract: at any moment) and closes the
// connection as if its client had, telling nobody, but remembering it
// expired (with closed=forget, nothing). A client that is in fact alive
// learns it from the RESET its next CALL earns; one still connecting
// (the WELCOME lost) gets the WELCOME again for its resent HELLO.
func (m *Model) expire(s *State) {
	e := &s.S.Entry
	m.close(e)
	if e.State == ClosedEntry {
		e.State = ExpiredEntry
	}
}

// serverHello: a HELLO of a new incarnation, or of a later handshake of
// the same one (a larger start), opens a new connection in place of the
// address's old one; a duplicate (same incarnation and start) gets the
// same WELCOME, unless its connection was closed: then it is dropped if
// its client closed it, and answered with the same WELCOME, opening
// nothing, if the server expired it (the client may be waiting for a
// WELCOME the network lost; it opens, and the RESET its first CALL
// earns sends it to handshake again). An older one is dropped. With
// hello=incarnation every HELLO of the connection's incarnation counts
// as a duplicate.
func (m *Model) serverHello(s *State, p Packet) {
	sv := &s.S
	e := &sv.Entry
	fresh := Entry{State: Open, C: p.C, Start: p.Seq, RecvNext: p.Seq + 1}
	dup := p.C == e.C && (m.ByIncarnation || p.Seq == e.Start)
	switch {
	case e.State == NoEntry:
		*e = fresh
	case dup && e.State == ClosedEntry:
		return // a late HELLO of the closed connection: it stays closed
	case dup && e.State == ExpiredEntry:
		// The expired connection's WELCOME again; it stays closed.
	case dup && m.Bug == spec.BugDuplicateHelloOpensTwice:
		*e = fresh // the bug: opened again
	case dup:
	case p.C > e.C && e.State == Open && m.Bug == spec.BugSeqRestartFromZero:
		e.C = p.C // the bug: the new incarnation on the old connection's transport state
	case p.C > e.C || p.C == e.C && p.Seq > e.Start:
		*e = fresh
	default:
		return // a late HELLO of an older handshake or incarnation
	}
	// The WELCOME echoes the connection's start: with hello=incarnation a
	// duplicate's start may differ from the connection's.
	send(s, Packet{Kind: Welcome, C: p.C, S: sv.Inc, Seq: e.Start})
}

// serverCall handles a CALL: it runs in the open connection of its
// incarnations once, a resend is answered from the kept result, and a
// CALL for a connection the server does not have gets a RESET.
func (m *Model) serverCall(s *State, p Packet) {
	sv := &s.S
	e := &sv.Entry
	if !m.ServerAdmits(*s, p) {
		if p.S == sv.Inc && e.State == Open {
			return // a packet of another client incarnation: stale
		}
		send(s, Packet{Kind: Reset, C: p.C, S: sv.Inc})
		return
	}
	switch {
	case p.Seq == e.RecvNext && int(p.Seq-e.Start-1) < MaxCalls:
		k := p.Call - 1
		if s.By[k] != e.C {
			s.Bad |= badIncarnation // a call of another incarnation runs here
		}
		if s.Exec[k]++; s.Exec[k] > 1 {
			s.Bad |= badTwice
		}
		e.Kept[p.Seq-e.Start-1] = p.Call
		e.RecvNext++
		send(s, Packet{Kind: Result, C: p.C, S: sv.Inc, Seq: p.Seq, Call: p.Call})
	case p.Seq > e.Start && p.Seq < e.RecvNext && e.Kept[p.Seq-e.Start-1] != 0:
		send(s, Packet{Kind: Result, C: p.C, S: sv.Inc, Seq: p.Seq, Call: e.Kept[p.Seq-e.Start-1]})
	}
}

// ServerAdmits reports whether the server gives data frame p (a CALL) to
// its open connection's transport: only a frame of that connection's
// incarnations (with ignore-incarnation, any frame).
func (m *Model) ServerAdmits(s State, p Packet) bool {
	e := &s.S.Entry
	if m.Bug == spec.BugIgnoreIncarnation {
		return e.State == Open // the bug: whichever connection is open
	}
	return p.S == s.S.Inc && e.State == Open && e.C == p.C
}

// ClientAdmits reports whether the client gives data frame p (a RESULT)
// to its connection's transport: only a frame of the connection's
// incarnations (with ignore-incarnation, any frame).
func (m *Model) ClientAdmits(s State, p Packet) bool {
	c := &s.C
	if c.Phase != Established && c.Phase != Closing {
		return false
	}
	return m.Bug == spec.BugIgnoreIncarnation || p.C == c.Inc && p.S == c.Peer
}
