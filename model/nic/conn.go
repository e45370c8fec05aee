package nic

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Op is a control-plane operation on the connection table.
type Op uint8

const (
	OpOpen Op = iota
	OpClose
)

func (op Op) String() string {
	if op == OpClose {
		return "close"
	}
	return "open"
}

// Want is the documented status table, the specification the control
// plane is judged against: an id outside the table is IdWrong whatever
// the operation; opening an open connection is AlreadyOpen and closing a
// closed one IsClosed, and neither changes the table; anything else is
// OK and flips the entry.
func Want(op Op, inTable, open bool) spec.ConnStatus {
	switch {
	case !inTable:
		return spec.ConnIDWrong
	case op == OpOpen && open:
		return spec.ConnAlreadyOpen
	case op == OpClose && !open:
		return spec.ConnIsClosed
	}
	return spec.ConnOK
}

// connOp is the NIC's control plane: it applies op to connection id in
// s's table and reports a status (bug status-swap mixes up two codes).
func (m *Model) connOp(s *State, op Op, id int) spec.ConnStatus {
	if id < 0 || id >= m.Conns {
		return spec.ConnIDWrong
	}
	bit := uint8(1) << id
	open := s.Open&bit != 0
	swap := m.Bug == spec.BugStatusSwap
	switch {
	case op == OpOpen && open && swap:
		return spec.ConnIsClosed
	case op == OpOpen && open:
		return spec.ConnAlreadyOpen
	case op == OpClose && !open && swap:
		return spec.ConnAlreadyOpen
	case op == OpClose && !open:
		return spec.ConnIsClosed
	}
	s.Open ^= bit
	return spec.ConnOK
}

// control: at any time the control plane may open or close any
// connection id, including the first id past the table (a request can
// name any c_id; the table has conns entries). The step judges the
// reported status against Want.
func (m *Model) control(s State, emit func(checker.Action, State)) {
	for _, op := range []Op{OpOpen, OpClose} {
		kind := actOpen
		if op == OpClose {
			kind = actClose
		}
		for id := 0; id <= m.Conns; id++ {
			t := s
			st := m.connOp(&t, op, id)
			if st != Want(op, id < m.Conns, id < m.Conns && s.Open&(1<<id) != 0) {
				t.Bad |= badConn
			}
			emitAct(emit, kind, t, id, int(st))
		}
	}
}
