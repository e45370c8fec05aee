package nic

import (
	"fmt"

	"github.com/daggercheck/daggercheck/checker"
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

// Status is what the control plane reports for an open or a close: the
// codes of Dagger's ConnStatus register.
type Status uint8

const (
	StatusOK Status = iota
	StatusAlreadyOpen
	StatusIsClosed
	StatusIDWrong
	numStatuses
)

var statusNames = [numStatuses]string{"OK", "AlreadyOpen", "IsClosed", "IdWrong"}

// String is Dagger's name for the code.
func (st Status) String() string {
	if st >= numStatuses {
		return fmt.Sprintf("status(%d)", uint8(st))
	}
	return statusNames[st]
}

// Want is the documented status table, the specification the control
// plane is judged against: an id outside the table is IdWrong whatever
// the operation; opening an open connection is AlreadyOpen and closing a
// closed one IsClosed, and neither changes the table; anything else is
// OK and flips the entry.
func Want(op Op, inTable, open bool) Status {
	switch {
	case !inTable:
		return StatusIDWrong
	case op == OpOpen && open:
		return StatusAlreadyOpen
	case op == OpClose && !open:
		return StatusIsClosed
	}
	return StatusOK
}

// connOp is the NIC's control plane: it applies op to connection id in
// s's table and reports a status (bug status-swap mixes up two codes).
func (m *Model) connOp(s *State, op Op, id int) Status {
	if id < 0 || id >= m.Conns {
		return StatusIDWrong
	}
	bit := uint8(1) << id
	open := s.Open&bit != 0
	swap := m.Bug == "status-swap"
	switch {
	case op == OpOpen && open && swap:
		return StatusIsClosed
	case op == OpOpen && open:
		return StatusAlreadyOpen
	case op == OpClose && !open && swap:
		return StatusAlreadyOpen
	case op == OpClose && !open:
		return StatusIsClosed
	}
	s.Open ^= bit
	return StatusOK
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
