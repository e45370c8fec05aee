package ring

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// The producer's stores of one RPC, in program order. Dagger stores the
// header (with the lap's update_flag) first and the valid bit last; on a
// later lap valid is still 1, which is what lets a poll see a new header
// over old arguments. The credit protocol stores the arguments first and
// the header word (rpc, phase and valid together) last, with release
// ordering, so a line whose header is new has its arguments in place.
var (
	daggerStores      = []actName{aWriteHeader, aWriteArgs, aFence, aWriteValid}
	creditStores      = []actName{aWriteArgs, aFence, aWriteHeader}
	headerFirstStores = []actName{aWriteHeader, aFence, aWriteArgs}
)

func (m *Model) stores() []actName {
	switch {
	case m.Dagger:
		return daggerStores
	case m.Bug == spec.BugHeaderFirst:
		return headerFirstStores
	}
	return creditStores
}

func (m *Model) nextTX(s *State, emit func(checker.Action, State)) {
	if m.Interface == "mmio" {
		m.nextMMIO(s, emit)
		return
	}
	doorbell := m.Interface == "doorbell"
	stores := m.stores()
	for f := 0; f < m.Flows; f++ {
		fl := &s.F[f]
		// With doorbells the producer writes a batch of slots, then rings
		// (an MMIO write carrying how many RPCs are ready) before the next.
		mustRing := doorbell && fl.Store == 0 && (int(fl.Sent-fl.Rung) == m.Batch || (int(fl.Sent) == m.RPCs && fl.Sent > fl.Rung))
		if mustRing {
			t := *s
			t.F[f].Rung = fl.Sent
			m.emit(emit, aDoorbell, t, f)
		}
		if doorbell && fl.Next < fl.Rung {
			// The NIC DMA-reads the next announced line and takes it: the
			// doorbell, not a flag, says it is new.
			t := *s
			m.consume(&t, f, fl.Ring[int(fl.Next)%m.Slots])
			t.F[f].Next++
			m.emit(emit, aDMARead, t, f)
		}
		// The producer's stores change only its flow and the verdict
		// bits: built in place, then undone.
		if fl.Store == 0 && !mustRing && int(fl.Sent) < m.RPCs && m.admits(fl) {
			saved, bad := *fl, s.Bad
			k := int(fl.Sent)
			// overwrite sets only s.Bad, which buffered does not read.
			m.overwrite(s, f, k, func(r uint8) bool { return !doorbell && m.buffered(s, f, r) })
			m.store(s, f, k, stores[0])
			fl.Sent++
			fl.Store = 1
			m.emit(emit, stores[0], *s, f)
			*fl, s.Bad = saved, bad
		} else if fl.Store != 0 {
			saved := *fl
			name := stores[fl.Store]
			m.store(s, f, int(fl.Sent)-1, name)
			if fl.Store++; int(fl.Store) == len(stores) {
				fl.Store = 0
			}
			m.emit(emit, name, *s, f)
			*fl = saved
		}
		if !m.Dagger && fl.Credit < fl.Next {
			credit := fl.Credit
			fl.Credit = fl.Next
			m.emit(emit, aReturnCredit, *s, f)
			fl.Credit = credit
		}
	}
	switch {
	case doorbell:
	case int(s.PollRead) < m.Batch:
		m.pollLine(s, emit)
	default:
		m.process(s, emit)
	}
}

// nextMMIO: the CPU pushes each RPC into the NIC's register window for
// its flow (slot 0 of the ring stands for it) with one wide store, and
// every write that arrives makes the NIC take the window's contents.
// Dagger's wide store is split in two 32-byte halves on CPUs without
// 64-byte stores (header and the first arguments; the rest of the
// arguments), so the NIC can take a window whose halves belong to two
// RPCs. The credit protocol uses one 64-byte store, and waits for the
// NIC's credit before it reuses the window.
func (m *Model) nextMMIO(s *State, emit func(checker.Action, State)) {
	for f := 0; f < m.Flows; f++ {
		fl := &s.F[f]
		k := int(fl.Sent)
		switch {
		case fl.Store == 1:
			t := *s
			t.F[f].Ring[0].Args = uint8(k) // k-1's second half, numbered from 1
			t.F[f].Store = 0
			t.F[f].Arrived++
			m.emit(emit, aMMIOWriteHi, t, f)
		case k < m.RPCs && m.Dagger:
			t := *s
			m.overwrite(&t, f, k, func(uint8) bool { return false })
			w := &t.F[f].Ring[0]
			w.Valid, w.Flag, w.Hdr = 1, m.phase(k), uint8(k+1)
			t.F[f].Sent++
			t.F[f].Store = 1
			t.F[f].Arrived++
			m.emit(emit, aMMIOWriteLo, t, f)
		case k < m.RPCs && m.admits(fl):
			t := *s
			m.overwrite(&t, f, k, func(uint8) bool { return false })
			t.F[f].Ring[0] = Line{Valid: 1, Flag: m.phase(k), Hdr: uint8(k + 1), Args: uint8(k + 1)}
			t.F[f].Sent++
			t.F[f].Arrived++
			m.emit(emit, aMMIOWrite, t, f)
		}
		if fl.Arrived > 0 {
			t := *s
			m.consume(&t, f, fl.Ring[0])
			t.F[f].Arrived--
			t.F[f].Next++
			m.emit(emit, aMMIOTake, t, f)
		}
		if !m.Dagger && fl.Credit < fl.Next {
			t := *s
			t.F[f].Credit = fl.Next
			m.emit(emit, aReturnCredit, t, f)
		}
	}
}

// admits is the producer's admission rule. Dagger has none; the credit
// producer may run at most a ring ahead of the consumer's published count.
func (m *Model) admits(fl *Flow) bool {
	if m.Dagger {
		return true
	}
	ahead := m.Slots
	if m.Bug == spec.BugCreditOverrun {
		ahead++
	}
	return int(fl.Sent) < int(fl.Credit)+ahead
}

// store applies one producer store of RPC k to its slot.
func (m *Model) store(s *State, f, k int, name actName) {
	l := &s.F[f].Ring[k%m.Slots]
	switch name {
	case aWriteHeader:
		l.Hdr, l.Flag = uint8(k+1), m.phase(k)
		if !m.Dagger {
			l.Valid = 1 // the credit header word carries valid
		}
	case aWriteArgs:
		l.Args = uint8(k + 1)
	case aWriteValid:
		l.Valid = 1
	}
}

// buffered reports whether the NIC holds a complete snapshot of RPC r of
// flow f that it has not processed yet and will take when it does: a
// snapshot its freshness test would reject is no copy at all.
func (m *Model) buffered(s *State, f int, r uint8) bool {
	if int(s.PollFlow) != f {
		return false
	}
	fl := &s.F[f]
	for j := 0; j < int(s.PollRead); j++ {
		l := s.Buf[j]
		if l.Valid != 1 || l.Hdr != r || l.Args != r {
			continue
		}
		slot := int(s.PollSlot) + j
		if m.Dagger && l.Flag != fl.Seen[slot] {
			return true
		}
		if !m.Dagger && int(r)-1 >= int(fl.Next) && l.Flag == m.phase(int(r)-1) {
			return true
		}
	}
	return false
}

// pollLine reads the next line of the current batch: one atomic snapshot,
// which may fall between any two of the producer's stores.
func (m *Model) pollLine(s *State, emit func(checker.Action, State)) {
	// Built in place and undone: the poll changes one buffer line, the
	// read count and (early-credit) one credit.
	f, slot := int(s.PollFlow), int(s.PollSlot)+int(s.PollRead)
	read, credit, was := s.PollRead, s.F[f].Credit, s.Buf[s.PollRead]
	l := s.F[f].Ring[slot]
	s.Buf[read] = l
	s.PollRead++
	if m.Bug == spec.BugEarlyCredit {
		// The bug: credit for a fresh line goes back as soon as it is read.
		fl := &s.F[f]
		if c := int(fl.Credit); slot == c%m.Slots && l.Valid == 1 && l.Flag == m.phase(c) {
			fl.Credit++
		}
	}
	m.emit(emit, aPollLine, *s, f, slot)
	s.Buf[read], s.PollRead, s.F[f].Credit = was, read, credit
}

// process judges the lines of a completed poll, forwards the new ones and
// moves the sweep on to the next batch (round-robin over flows).
func (m *Model) process(s *State, emit func(checker.Action, State)) {
	t := *s
	f := int(s.PollFlow)
	fl := &t.F[f]
	if m.Dagger {
		// A line is new when valid and its flag differs from the seen bit.
		// The seen bits written by this poll land only after the next
		// poll's look-ups: Dagger's one-cycle read-after-write hazard.
		var mask, val uint8
		for j := 0; j < m.Batch; j++ {
			slot := int(s.PollSlot) + j
			if l := s.Buf[j]; l.Valid == 1 && l.Flag != fl.Seen[slot] {
				m.consume(&t, f, l)
				mask |= 1 << slot
				val |= l.Flag << slot
			}
		}
		m.landPending(&t)
		t.PendFlow, t.PendMask, t.PendVal = uint8(f), mask, val
	} else {
		// Credit: take lines in order, from the flow's position, while
		// each is valid and carries the phase of the lap expected there.
		cur := int(fl.Next)
		for j := 0; j < m.Batch; j++ {
			slot := int(s.PollSlot) + j
			l := s.Buf[j]
			if slot == cur%m.Slots && l.Valid == 1 && (m.Bug == spec.BugPhaseStuck || l.Flag == m.phase(cur)) {
				m.consume(&t, f, l)
				cur++
			}
		}
		if m.Bug == spec.BugLateSeen {
			m.landPending(&t)
			t.PendFlow, t.PendMask = uint8(f), uint8(cur-int(fl.Next))
		} else {
			fl.Next = uint8(cur)
		}
	}
	t.Buf = [MaxBatch]Line{}
	t.PollRead = 0
	if t.PollSlot += uint8(m.Batch); int(t.PollSlot) == m.Slots {
		t.PollSlot = 0
		t.PollFlow = uint8((f + 1) % m.Flows)
	}
	m.emit(emit, aProcess, t, f)
}

// landPending applies the seen-state writes of the previous poll.
func (m *Model) landPending(s *State) {
	if s.PendMask == 0 {
		return
	}
	fl := &s.F[s.PendFlow]
	if m.Dagger {
		for b := 0; b < m.Slots; b++ {
			if s.PendMask&(1<<b) != 0 {
				fl.Seen[b] = (s.PendVal >> b) & 1
			}
		}
	} else {
		fl.Next += s.PendMask // late-seen: a count of RPCs consumed
	}
	s.PendFlow, s.PendMask, s.PendVal = 0, 0, 0
}
