package handshake

import (
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Properties of the handshake, named and described by the spec
// catalogue. The liveness properties assume weak fairness of every action
// but the network's faults, the restarts and the application's close,
// which may stop happening (and the server's expiries, which need not
// happen): budgets are what may happen, not what must.
func (m *Model) Properties() []checker.Property[State] {
	doc := func(name string) string { return spec.Lookup(spec.LevelHandshake, name).Summary() }
	var fair []string
	for _, k := range m.kinds {
		if !slices.Contains(Unfair, k.Name) {
			fair = append(fair, k.Name)
		}
	}
	seen := func(name string, bit uint8) checker.Property[State] {
		return checker.Possible(name, doc(name), func(s State) bool { return s.Seen&bit != 0 })
	}
	props := []checker.Property[State]{
		checker.Invariant("right-incarnation", doc("right-incarnation"), func(s State) bool { return s.Bad&badIncarnation == 0 }),
		checker.Invariant("at-most-once", doc("at-most-once"), func(s State) bool { return s.Bad&badTwice == 0 }),
		checker.Invariant("no-silent-loss", doc("no-silent-loss"), m.noSilentLoss),
		checker.Leads("setup-completes", doc("setup-completes"),
			func(s State) bool { return s.C.Phase == Connecting }, func(s State) bool { return s.C.Phase != Connecting }, fair...),
		checker.Finally("calls-complete", doc("calls-complete"), m.allMadeAndCompleted, fair...),
	}
	// A witness is asked for only where its budget lets it happen.
	if m.ServerRestarts > 0 {
		props = append(props, seen("restart-recovers", seenServerRestartOK))
	}
	if m.ClientRestarts > 0 {
		props = append(props, seen("client-restart-recovers", seenClientRestartOK))
	}
	if m.Closes > 0 {
		props = append(props, seen("clean-close", seenCleanClose))
	}
	return props
}

// Unfair are the actions the liveness properties do not assume will
// happen: the network's faults, the restarts, the server's expiries and
// the application's close.
var Unfair = []string{"reorder", "lose", "duplicate", "client-restart", "server-restart", "server-expire", "close"}

// noSilentLoss: every call made is in flight or completed, and one that
// completed ok ran.
func (m *Model) noSilentLoss(s State) bool {
	for k := 0; k < int(s.Issued); k++ {
		switch s.Status[k] {
		case Pending:
			if !slices.ContainsFunc(s.C.Flight[:], func(f InFlight) bool { return int(f.Call) == k+1 }) {
				return false
			}
		case OK:
			if s.Exec[k] == 0 {
				return false
			}
		}
	}
	return true
}

// allCompleted: every call made so far has completed, ok or not.
func (m *Model) allCompleted(s State) bool {
	for k := 0; k < int(s.Issued); k++ {
		if s.Status[k] == Pending {
			return false
		}
	}
	return true
}

// allMadeAndCompleted: the application has made all its calls, or closed
// its connection, and each call made has completed.
func (m *Model) allMadeAndCompleted(s State) bool {
	return (int(s.Issued) == m.Calls || s.C.Phase == ClosedPhase) && m.allCompleted(s)
}

// Terminal: once every call has been made (or the connection closed) and
// has completed, the system may fall silent.
func (m *Model) Terminal(s State) bool { return m.allMadeAndCompleted(s) }
