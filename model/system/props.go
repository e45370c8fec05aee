package system

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Properties of the end-to-end system, named and described by the spec
// catalogue. The liveness properties assume weak fairness of every action
// but the network's faults (lose, duplicate, reorder), which may stop
// happening: the fault budget is what the network may do, not what it
// must.
func (m *Model) Properties() []checker.Property[State] {
	doc := func(name string) string { return spec.Lookup(spec.LevelSystem, name).Summary() }
	bit := func(name string, b uint8) checker.Property[State] {
		return checker.Invariant(name, doc(name), func(s State) bool { return s.Bad&b == 0 })
	}
	var fair []string
	for _, k := range m.kinds {
		if k.Name != "lose" && k.Name != "duplicate" && k.Name != "reorder" {
			fair = append(fair, k.Name)
		}
	}
	return []checker.Property[State]{
		bit("response-matching", badMatch),
		bit("at-most-once", badAtMostOnce),
		checker.Possible("all-completed-ok", doc("all-completed-ok"), m.exactlyOnce),
		checker.Finally("eventual-completion", doc("eventual-completion"), m.allCompleted, fair...),
		checker.Finally("exactly-once", doc("exactly-once"), m.exactlyOnce, fair...),
	}
}

// allCompleted: every call of every client has completed, ok or not.
func (m *Model) allCompleted(s State) bool {
	for c := 0; c < m.Clients; c++ {
		for k := 0; k < m.Calls; k++ {
			if s.C[c].Status[k] == 0 {
				return false
			}
		}
	}
	return true
}

// exactlyOnce: every call completed ok and ran exactly once.
func (m *Model) exactlyOnce(s State) bool {
	for c := 0; c < m.Clients; c++ {
		for k := 0; k < m.Calls; k++ {
			if s.C[c].Status[k] != 1 || s.S[c].Exec[k] != 1 {
				return false
			}
		}
	}
	return true
}

// Terminal: once every call has completed, the system may fall silent.
func (m *Model) Terminal(s State) bool { return m.allCompleted(s) }
