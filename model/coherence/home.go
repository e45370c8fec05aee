package coherence

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// homeRecv emits the home's receipt of message i, unless it leaves the
// message waiting. The home is a blocking directory: while it waits on a
// line for the other cache's InvAck or snoop data, every request and
// write-back for that line stays in the network. Holding write-backs back
// is what keeps a PutAck from overtaking the snoop or Inv the home sent
// earlier to the same cache, so a cache never meets a stale snoop.
func (m *Model) homeRecv(s State, i int, emit func(checker.Action, State)) {
	x := s.Net[i]
	r, l := int(x.From), int(x.Line)
	d := s.Dir[l]
	t := s
	remove(&t, i)
	e := func() { emit(checker.Act(actHomeRecv, r, int(x.Type), l, int(x.Val)), t) }
	if x.Type.response() {
		if !m.awaited(d, r, x.Type) {
			t.Bad |= badUnexpected
		} else {
			m.complete(&t, l, x)
		}
		e()
		return
	}
	if d.Busy != Idle && !(x.Type.writeBack() && m.Bug == spec.BugEarlyPutAck) {
		return // a request or write-back waits until the line is free
	}
	switch x.Type {
	case GetS:
		m.getS(&t, r, l)
	case GetM:
		m.getM(&t, r, l)
	case Upg:
		if d.St == DirS && d.Holders&bit(r) != 0 {
			m.upgrade(&t, r, l)
		} else {
			m.getM(&t, r, l) // the upgrade lost a race: r no longer shares
		}
	case PutS, PutE, PutM:
		m.put(&t, r, l, x)
	default:
		t.Bad |= badUnexpected
	}
	e()
}

func bit(c int) uint8 { return 1 << c }

// owner is the cache a DirEM line's Holders names.
func owner(d DirLine) int {
	if d.Holders == bit(NIC) {
		return NIC
	}
	return CPU
}

// awaited: the home is waiting on line d for exactly this response from r.
func (m *Model) awaited(d DirLine, r int, typ MsgType) bool {
	if d.Busy == Idle || r != other(int(d.Req)) {
		return false
	}
	switch d.Busy {
	case WaitFwdS, WaitFwdM:
		return typ == SnoopResp || typ == SnoopAck
	default:
		return typ == InvAck
	}
}

// grant sends r a message of type typ for line l and records what it
// grants: DataS adds r to the sharers; DataE, DataM and UpgAck make r
// the owner.
func (m *Model) grant(s *State, r, l int, typ MsgType, val uint8) {
	d := &s.Dir[l]
	if typ == DataS {
		d.St, d.Holders = DirS, d.Holders|bit(r)
	} else {
		d.St, d.Holders = DirEM, bit(r)
	}
	m.send(s, Msg{From: Home, To: uint8(r), Type: typ, Line: uint8(l), Val: val})
}

// wait sends typ (Inv or a snoop) to the cache other than r and makes the
// line busy until it answers.
func (m *Model) wait(s *State, r, l int, typ MsgType, busy Busy) {
	s.Dir[l].Busy, s.Dir[l].Req = busy, uint8(r)
	m.send(s, Msg{From: Home, To: uint8(other(r)), Type: typ, Line: uint8(l)})
}

func (m *Model) getS(s *State, r, l int) {
	d := s.Dir[l]
	switch {
	case d.St == DirI && !m.MSI:
		m.grant(s, r, l, DataE, d.Mem)
	case d.St == DirI || d.St == DirS:
		m.grant(s, r, l, DataS, d.Mem)
	case owner(d) == r: // r owns the line, yet asks for it
		s.Bad |= badUnexpected
	default:
		m.wait(s, r, l, FwdGetS, WaitFwdS)
	}
}

func (m *Model) getM(s *State, r, l int) {
	d := s.Dir[l]
	switch {
	case d.St == DirI:
		m.grant(s, r, l, DataM, d.Mem)
	case d.St == DirS && (d.Holders&^bit(r) == 0 || m.Bug == spec.BugNoInvalidate):
		m.grant(s, r, l, DataM, d.Mem)
	case d.St == DirS:
		m.wait(s, r, l, Inv, WaitInvGetM)
	case owner(d) == r:
		s.Bad |= badUnexpected
	default:
		m.wait(s, r, l, FwdGetM, WaitFwdM)
	}
}

// upgrade serves an Upg from r, which still shares the line.
func (m *Model) upgrade(s *State, r, l int) {
	if s.Dir[l].Holders == bit(r) || m.Bug == spec.BugUpgradeWithSharer {
		m.grant(s, r, l, UpgAck, 0)
		return
	}
	m.wait(s, r, l, Inv, WaitInvUpg)
}

// put serves a write-back. From the owner it ends the ownership (PutM
// brings the data home); from a sharer it removes the sharer. Anything
// else is stale — the home took the line away while the write-back was in
// flight, and the cache has already answered for its data — and is only
// acknowledged.
func (m *Model) put(s *State, r, l int, x Msg) {
	d := &s.Dir[l]
	ack := true
	switch {
	case d.St == DirEM && owner(*d) == r && x.Type != PutS:
		if x.Type == PutM {
			d.Mem = x.Val
		}
		d.St, d.Holders = DirI, 0
	case d.St == DirS && d.Holders&bit(r) != 0:
		d.Holders &^= bit(r)
		if d.Holders == 0 {
			d.St = DirI
		} else if x.Type == PutS && m.Bug == spec.BugDropAck {
			ack = false
		}
	}
	if ack {
		m.send(s, Msg{From: Home, To: uint8(r), Type: PutAck, Line: uint8(l)})
	}
}

// complete ends the transaction a busy line serves, on the awaited
// response x from the other cache.
func (m *Model) complete(s *State, l int, x Msg) {
	d := &s.Dir[l]
	r, o := int(d.Req), int(x.From)
	busy := d.Busy
	d.Busy, d.Req = Idle, 0
	data := x.Val
	if x.Type == SnoopAck {
		data = d.Mem // no data came: memory's is all the home has
	}
	switch busy {
	case WaitFwdS:
		// The old owner keeps a shared copy (or, if its write-back is in
		// flight, is removed when the write-back arrives).
		d.Mem = data
		d.St, d.Holders = DirS, bit(o)
		m.grant(s, r, l, DataS, data)
	case WaitFwdM:
		m.grant(s, r, l, DataM, data)
	case WaitInvGetM:
		m.grant(s, r, l, DataM, d.Mem)
	case WaitInvUpg:
		m.grant(s, r, l, UpgAck, 0)
	}
}
