package nic

import "github.com/daggercheck/daggercheck/spec"

// Bits of a connection table entry.
const (
	connOpen      = 1
	connFlowShift = 8 // the registered flow plus one; 0: the home flow
)

// Open opens connection id with its home flow (id mod flows) for
// responses and static balancing.
func (n *NIC) Open(id int) spec.ConnStatus { return n.control(true, id, -1) }

// OpenOn opens connection id and registers flow as its flow (Dagger's
// client_flow_id): its responses, and its requests under LBStatic, go
// there. A flow out of range is IdWrong.
func (n *NIC) OpenOn(id, flow int) spec.ConnStatus {
	if flow < 0 || flow >= len(n.flows) {
		return spec.ConnIDWrong
	}
	return n.control(true, id, flow)
}

// Close closes connection id: arrivals on it are dropped, and (credit)
// its RPCs still queued are dropped at the scheduler.
func (n *NIC) Close(id int) spec.ConnStatus { return n.control(false, id, -1) }

// IsOpen reports whether connection id is open (false past the table).
func (n *NIC) IsOpen(id int) bool {
	return id >= 0 && id < len(n.conns) && n.conns[id].Load()&connOpen != 0
}

// control applies an open or a close to the table under the control
// plane's lock and reports the status (StatusSwap mixes two codes up).
func (n *NIC) control(open bool, id, flow int) spec.ConnStatus {
	if id < 0 || id >= len(n.conns) {
		return spec.ConnIDWrong
	}
	n.ctl.Lock()
	defer n.ctl.Unlock()
	e := n.conns[id].Load()
	isOpen := e&connOpen != 0
	swap := n.faults.StatusSwap
	switch {
	case open && isOpen && swap:
		return spec.ConnIsClosed
	case open && isOpen:
		return spec.ConnAlreadyOpen
	case !open && !isOpen && swap:
		return spec.ConnAlreadyOpen
	case !open && !isOpen:
		return spec.ConnIsClosed
	}
	if open {
		e = connOpen | uint32(flow+1)<<connFlowShift
	} else {
		e &^= connOpen
	}
	n.conns[id].Store(e)
	return spec.ConnOK
}

// home is connection c's flow: the registered one, else c mod flows.
func (n *NIC) home(c uint8) int {
	if int(c) < len(n.conns) {
		if f := int(n.conns[c].Load() >> connFlowShift); f > 0 {
			return f - 1
		}
	}
	return int(c) % len(n.flows)
}
