package nic

import (
	"math/bits"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// arrive: the network hands the NIC its next RPC, a request or a response
// on any connection (and, under key-hash, a request with any key). The
// RPC unit drops an RPC on a closed connection; otherwise the RPC takes
// the lowest free slot of the request buffer and waits for the balancer.
// With no free slot it is dropped. Every drop is counted: the counters
// are derived (arrived - delivered - in the pipeline), so they cost no
// state.
func (m *Model) arrive(s State, emit func(checker.Action, State)) {
	if int(s.Arrived) >= m.RPCs {
		return
	}
	for c := 0; c < m.Conns; c++ {
		for resp := 0; resp < 2; resp++ {
			keys := m.keys
			if resp == 1 {
				keys = 1 // a response goes to its connection's flow: its key never matters
			}
			for k := 0; k < keys; k++ {
				t := s
				t.Arrived++
				if s.Open&(1<<c) != 0 && s.Free != 0 {
					slot := bits.TrailingZeros8(s.Free)
					t.Free &^= 1 << slot
					t.Slot[slot] = RPC{Conn: uint8(c), Response: uint8(resp), Key: uint8(k)}
					t.Pending[t.NPending] = uint8(slot)
					t.NPending++
				}
				emitAct(emit, actArrive, t, int(s.Arrived), c, resp, k)
			}
		}
	}
}

// choices are the flows the balancer may pick for r, before the FIFO's
// fullness is looked at. Responses go to their connection's flow; the
// policy places requests (and, with bug response-balanced, responses).
func (m *Model) choices(s *State, r RPC) []int {
	if r.Response == 1 && m.Bug != spec.BugResponseBalanced {
		return []int{m.home(r.Conn)}
	}
	switch m.LB {
	case "static":
		return []int{m.home(r.Conn)}
	case "round-robin":
		return []int{int(s.RR)}
	case "random":
		all := make([]int, m.Flows)
		for f := range all {
			all[f] = f
		}
		return all
	}
	return []int{keyHash[r.Key] % m.Flows} // key-hash
}

// advanceRR steps the round-robin counter past a balanced RPC. The
// hardware's register holds flows-1 and the counter wraps when it reaches
// it; the bugs compare with the wrong bound.
func (m *Model) advanceRR(s *State) {
	last := m.Flows - 1
	switch m.Bug {
	case spec.BugRRWrapLate:
		last = m.Flows
	case spec.BugRRWrapEarly:
		last = m.Flows - 2
	}
	if int(s.RR) >= last {
		s.RR = 0
	} else {
		s.RR++
	}
}

// balance: the balancer pushes the oldest pending buffer index into a
// flow FIFO. A full FIFO drops the index (the RPC is counted as dropped);
// the credit protocol returns the buffer slot to the free list, Dagger
// never does, so the slot leaks. The step judges the balancer's
// properties on the flow it chose.
func (m *Model) balance(s State, emit func(checker.Action, State)) {
	if s.NPending == 0 {
		return
	}
	slot := s.Pending[0]
	r := s.Slot[slot]
	base := s
	copy(base.Pending[:], s.Pending[1:])
	base.Pending[len(base.Pending)-1] = 0
	base.NPending--
	balanced := r.Response == 0 || m.Bug == spec.BugResponseBalanced // went through the policy
	for _, f := range m.choices(&s, r) {
		t := base
		if balanced && m.LB == "round-robin" {
			m.advanceRR(&t)
		}
		turn := -1 // round-robin: the flow whose turn this request is
		if r.Response == 0 && m.LB == "round-robin" {
			turn = int(t.Requests)
			t.Requests = uint8((turn + 1) % m.Flows)
		}
		if f >= m.Flows {
			// No such FIFO: the index is refused and its slot returned.
			// The request has taken its turn, but the bad choice is
			// lb-in-range's to report, not round-robin-fair's.
			t.Bad |= badRange
			m.free(&t, slot)
			emitAct(emit, actBalance, t, int(slot), f)
			continue
		}
		if m.Bug == spec.BugRehashOnFull && r.Response == 0 && int(t.Len[f]) == m.FIFODepth {
			if g := (f + 1) % m.Flows; int(t.Len[g]) < m.FIFODepth {
				f = g
			}
		}
		if r.Response == 1 && f != m.home(r.Conn) {
			t.Bad |= badResponse
		}
		if turn >= 0 && f != turn {
			t.Bad |= badRR
		}
		if r.Response == 0 && m.LB == "key-hash" {
			switch kf := t.KeyFlow[r.Key]; {
			case kf == 0:
				t.KeyFlow[r.Key] = uint8(f + 1)
			case int(kf) != f+1:
				t.Bad |= badKey
			}
		}
		if int(t.Len[f]) == m.FIFODepth {
			if m.Dagger || m.Bug == spec.BugLeakOnOverflow {
				t.Slot[slot] = RPC{} // nothing refers to the slot again: it leaks
			} else {
				m.free(&t, slot)
			}
		} else {
			t.FIFO[f][t.Len[f]] = slot
			t.Len[f]++
		}
		emitAct(emit, actBalance, t, int(slot), f)
	}
}

// free returns a buffer slot to the free list.
func (m *Model) free(s *State, slot uint8) {
	s.Slot[slot] = RPC{}
	s.Free |= 1 << slot
}

// flushes: the scheduler writes a partial batch the second time it finds
// it (ours); Dagger and bug no-flush wait for a whole batch for ever.
func (m *Model) flushes() bool { return !m.Dagger && m.Bug != spec.BugNoFlush }

// schedule: the TX scheduler's step at flow Ptr, then on to the next flow
// (round-robin). It writes a burst into the flow's RX ring (abstracted as
// delivery to host flow Ptr) when the FIFO holds a whole batch, or, in
// the credit protocol, a partial batch it has already passed over once:
// a partial batch waits at most one round for company. Otherwise it
// passes over the flow. It idles (no step) while every FIFO is empty.
//
// The burst frees the entries' buffer slots. In the credit protocol an
// entry whose connection was closed while it waited is dropped, not
// delivered; Dagger's scheduler never looks at the connection table.
func (m *Model) schedule(s State, emit func(checker.Action, State)) {
	queued := false
	for f := 0; f < m.Flows; f++ {
		queued = queued || s.Len[f] > 0
	}
	if !queued {
		return
	}
	p := s.Ptr
	n := int(s.Len[p])
	t := s
	t.Ptr = uint8((int(p) + 1) % m.Flows)
	if n >= m.Batch || (n > 0 && m.flushes() && s.Aged&(1<<p) != 0) {
		k := min(n, m.Batch)
		for i := 0; i < k; i++ {
			slot := s.FIFO[p][i]
			r := s.Slot[slot]
			open := s.Open&(1<<r.Conn) != 0
			switch {
			case open:
				t.Delivered++
			case m.Dagger || m.Bug == spec.BugDeliverAfterClose:
				t.Delivered++
				t.Bad |= badConn
			}
			m.free(&t, slot)
		}
		copy(t.FIFO[p][:], s.FIFO[p][k:])
		for i := n - k; i < MaxFIFO; i++ {
			t.FIFO[p][i] = 0
		}
		t.Len[p] -= uint8(k)
		t.Aged &^= 1 << p
		emitAct(emit, actSend, t, int(p), k)
		return
	}
	if n > 0 && m.flushes() {
		t.Aged |= 1 << p
	}
	emitAct(emit, actSkip, t, int(p))
}
