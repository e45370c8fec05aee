package ring

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Properties of the ring, named and described by the spec catalogue.
// The safety properties are judged when a step happens (the step sets a
// bit in State.Bad), so the state where one fails is the one right after
// the offending store, read or write.
func (m *Model) Properties() []checker.Property[State] {
	bit := func(name string, b uint8) checker.Property[State] {
		d := spec.Lookup(spec.LevelRing, name)
		return checker.Invariant(name, d.Summary(), func(s State) bool { return s.Bad&b == 0 })
	}
	doc := func(name string) string { return spec.Lookup(spec.LevelRing, name).Summary() }
	fair := make([]string, len(m.kinds))
	for i, k := range m.kinds {
		fair[i] = k.Name
	}
	return []checker.Property[State]{
		bit("no-duplicate", badDuplicate),
		bit("no-torn-read", badTorn),
		bit("no-overwrite", badOverwrite),
		bit("no-loss", badLoss),
		bit("fifo-order", badOrder),
		checker.Possible("something-consumed", doc("something-consumed"), m.allConsumed),
		checker.Finally("eventually-consumed", doc("eventually-consumed"), m.allConsumed, fair...),
		checker.Leads("no-stall", doc("no-stall"), m.waiting, func(s State) bool { return !m.waiting(s) }, fair...),
	}
}

// InvariantsHold: every Always property of the ring is a bit of s.Bad,
// so a state with none set satisfies them all (checker.Screened).
func (m *Model) InvariantsHold(s State) bool { return s.Bad == 0 }

// allConsumed: every RPC of every flow has been consumed.
func (m *Model) allConsumed(s State) bool {
	all := uint8(1<<m.RPCs - 1)
	for f := 0; f < m.Flows; f++ {
		if s.F[f].Taken != all {
			return false
		}
	}
	return true
}

// waiting: some ring holds a completely written RPC that has not been
// consumed.
func (m *Model) waiting(s State) bool {
	for f := 0; f < m.Flows; f++ {
		fl := &s.F[f]
		for i := 0; i < m.Slots; i++ {
			l := fl.Ring[i]
			if l.Valid != 1 || l.Hdr == 0 || l.Hdr != l.Args || fl.Taken&(1<<(l.Hdr-1)) != 0 {
				continue
			}
			if !m.RX && fl.Store != 0 && l.Hdr == fl.Sent {
				continue // its write is still in progress
			}
			return true
		}
	}
	return false
}

// Terminal: with doorbells or MMIO nothing polls, so once the producers
// have written everything and the consumer has nothing left to take, no
// action is enabled: that is the end of the run, not a deadlock. (An RPC
// lost on the way is eventually-consumed's to report.)
func (m *Model) Terminal(s State) bool {
	for f := 0; f < m.Flows; f++ {
		if int(s.F[f].Sent) != m.RPCs || s.F[f].Store != 0 {
			return false
		}
	}
	return true
}
