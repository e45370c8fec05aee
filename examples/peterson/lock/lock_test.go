package lock_test

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/examples/peterson/lock"
	"github.com/daggercheck/daggercheck/spec"
)

// newLock builds the lock with bug ("" for none) and its parameters'
// defaults.
func newLock(t *testing.T, bug string) *lock.Model {
	t.Helper()
	v, err := spec.ParseParams(lock.Params, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lock.New(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Peterson's lock keeps the checker's contract and every property, in
// exactly 20 states (the number is pinned: a change to the model's state
// space shows up here).
func TestPetersonHolds(t *testing.T) {
	m := newLock(t, "")
	checker.AssertContract[lock.State](t, m, checker.Options{})
	res := checker.AssertHolds[lock.State](t, m, checker.Options{})
	if res.Stats.Distinct != 20 || res.Stats.Generated != 35 {
		t.Errorf("distinct %d, generated %d; want 20 and 35", res.Stats.Distinct, res.Stats.Generated)
	}
}

// Giving the turn away first lets both processes in: the shortest way
// there is six steps, each process taking its three.
func TestTurnFirstBreaksMutualExclusion(t *testing.T) {
	tr := checker.AssertBreaks[lock.State](t, newLock(t, "turn-first"), checker.Options{}, "mutual-exclusion")
	if tr.Len() != 6 {
		t.Errorf("counterexample of %d steps, want 6:\n%s", tr.Len(), tr)
	}
}

// A flag left up starves the other process: a behaviour in which it
// waits for ever, while the first stays idle.
func TestStickyFlagStarves(t *testing.T) {
	tr := checker.AssertBreaks[lock.State](t, newLock(t, "sticky-flag"), checker.Options{}, "starvation-free")
	if tr.LoopStart < 0 {
		t.Errorf("a liveness counterexample is a lasso; got\n%s", tr)
	}
}
