package coherence

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Properties of the coherence handshake, named and described by the spec
// catalogue. data-value and no-unexpected-message are judged on the step
// that breaks them (it sets a bit in State.Bad); swmr is a predicate on
// the state.
//
// requests-complete is judged for the CPU's requests on line 0. The model
// is symmetric under swapping the two caches and under permuting lines
// (TestSymmetry checks that the transition graph is), so a request that
// never completes on any cache and line has a mirror image on the CPU's
// line 0; one trigger covers them all, where the checker's leads-to,
// whose trigger and goal are single predicates, could not say "the same
// request" for every cache and line at once.
func (m *Model) Properties() []checker.Property[State] {
	doc := func(name string) string { return spec.Lookup(spec.LevelCoherence, name).Summary() }
	bad := func(name string, b uint8) checker.Property[State] {
		return checker.Invariant(name, doc(name), func(s State) bool { return s.Bad&b == 0 })
	}
	props := []checker.Property[State]{
		checker.Invariant("swmr", doc("swmr"), m.swmr),
		bad("data-value", badStale),
		bad("no-unexpected-message", badUnexpected),
		checker.Possible("both-read-written-value", doc("both-read-written-value"),
			func(s State) bool { return s.Seen == 1<<CPU|1<<NIC }),
		checker.Leads("requests-complete", doc("requests-complete"),
			func(s State) bool { return s.Cache[CPU][0].St.transient() },
			func(s State) bool { return !s.Cache[CPU][0].St.transient() },
			fairKinds...),
	}
	if !m.MSI {
		props = append(props, checker.Possible("exclusive-granted", doc("exclusive-granted"), hasExclusive))
	}
	return props
}

// swmr: on every line, a cache that may write (E or M) is the only one
// holding a readable copy.
func (m *Model) swmr(s State) bool {
	for l := 0; l < m.Lines; l++ {
		for c := 0; c < 2; c++ {
			if st := s.Cache[c][l].St; (st == E || st == M) && s.Cache[other(c)][l].St.readable() {
				return false
			}
		}
	}
	return true
}

// hasExclusive: some cache holds some line Exclusive.
func hasExclusive(s State) bool {
	for c := 0; c < 2; c++ {
		for _, cl := range s.Cache[c] {
			if cl.St == E {
				return true
			}
		}
	}
	return false
}
