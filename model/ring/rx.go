package ring

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// The host's loads of the line at its position. The NIC writes a whole
// line at once (one coherent write), but the CPU reads it with separate
// loads: the header word, then the arguments, then (credit) the header
// word again, to be sure the line did not change in between.
const (
	loadIdle   = 0
	loadedHdr  = 1
	loadedArgs = 2
)

func (m *Model) nextRX(s *State, emit func(checker.Action, State)) {
	for f := 0; f < m.Flows; f++ {
		fl := &s.F[f]
		// The NIC writes the flow's next response, a whole line. Dagger
		// does not check that the host consumed the slot; credit does.
		if k := int(fl.Sent); k < m.RPCs && (m.Dagger || k < int(fl.Credit)+m.Slots) {
			t := *s
			m.overwrite(&t, f, k, func(r uint8) bool {
				return fl.Load == loadedArgs && fl.Got.Hdr == r && fl.Got.Args == r
			})
			t.F[f].Ring[k%m.Slots] = Line{Valid: 1, Flag: m.phase(k), Hdr: uint8(k + 1), Args: uint8(k + 1)}
			t.F[f].Sent++
			m.emit(emit, aNICWrite, t, f)
		}
		slot := int(fl.Next) % m.Slots
		l := fl.Ring[slot]
		switch fl.Load {
		case loadIdle:
			// Poll the header; a line that is not fresh leaves everything
			// as it was (the host polls again).
			t := *s
			if m.fresh(fl, slot, l) {
				tf := &t.F[f]
				tf.Got = Line{Valid: l.Valid, Flag: l.Flag, Hdr: l.Hdr}
				tf.Load = loadedHdr
				if m.Bug == spec.BugRXEarlyCredit && tf.Credit <= tf.Next {
					tf.Credit = tf.Next + 1
				}
			}
			m.emit(emit, aLoadHeader, t, f)
		case loadedHdr:
			t := *s
			tf := &t.F[f]
			tf.Got.Args = l.Args
			if m.Dagger {
				// Dagger takes the line now: no second look at the header.
				m.consume(&t, f, tf.Got)
				tf.Seen[slot] = m.rpcID(tf.Got.Hdr) + 1
				tf.Next++
				tf.Load, tf.Got = loadIdle, Line{}
			} else {
				tf.Load = loadedArgs
			}
			m.emit(emit, aLoadArgs, t, f)
		case loadedArgs:
			// Re-check the header word: if the line changed, drop the copy
			// and read it again.
			t := *s
			tf := &t.F[f]
			if l.Valid == fl.Got.Valid && l.Flag == fl.Got.Flag && l.Hdr == fl.Got.Hdr {
				m.consume(&t, f, tf.Got)
				tf.Next++
			}
			tf.Load, tf.Got = loadIdle, Line{}
			m.emit(emit, aRecheck, t, f)
		}
		if !m.Dagger && fl.Credit < fl.Next {
			t := *s
			t.F[f].Credit = fl.Next
			m.emit(emit, aReturnCredit, t, f)
		}
	}
}

// fresh is the host's test that the line at its position holds a message
// it has not consumed. Dagger compares the rpc_id with the last one
// consumed in that slot; credit compares the phase with the lap's.
func (m *Model) fresh(fl *Flow, slot int, l Line) bool {
	if l.Valid != 1 {
		return false
	}
	if m.Dagger {
		return m.rpcID(l.Hdr)+1 != fl.Seen[slot]
	}
	return m.Bug == spec.BugRXNoPhase || l.Flag == m.phase(int(fl.Next))
}

// rpcID is the rpc_id response r (numbered from 1) carries: its number
// modulo the id space, as a wrapping counter would give.
func (m *Model) rpcID(r uint8) uint8 { return (r - 1) % uint8(m.IDs) }
