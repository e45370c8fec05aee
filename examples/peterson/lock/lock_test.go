package lock_test

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/examples/peterson/lock"
	"github.com/daggercheck/daggercheck/spec"
)

// check runs a breadth-first search of the lock with bug ("" for none).
func check(t *testing.T, bug string) *checker.Result {
	t.Helper()
	v, err := spec.ParseParams(lock.Params, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lock.New(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	res, err := checker.New[lock.State](m, checker.Options{}).BFS(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Peterson's lock keeps every property in exactly 20 states (the number
// is pinned: a change to the model's state space shows up here).
func TestPetersonHolds(t *testing.T) {
	res := check(t, "")
	res.AssertOK(t)
	if res.Stats.Distinct != 20 || res.Stats.Generated != 35 {
		t.Errorf("distinct %d, generated %d; want 20 and 35", res.Stats.Distinct, res.Stats.Generated)
	}
}

// Giving the turn away first lets both processes in: the shortest way
// there is six steps, each process taking its three.
func TestTurnFirstBreaksMutualExclusion(t *testing.T) {
	tr := check(t, "turn-first").AssertViolation(t, "mutual-exclusion")
	if tr.Len() != 6 {
		t.Errorf("counterexample of %d steps, want 6:\n%s", tr.Len(), tr)
	}
}

// A flag left up starves the other process: a behaviour in which it
// waits for ever, while the first stays idle.
func TestStickyFlagStarves(t *testing.T) {
	tr := check(t, "sticky-flag").AssertViolation(t, "starvation-free")
	if tr.LoopStart < 0 {
		t.Errorf("a liveness counterexample is a lasso; got\n%s", tr)
	}
}
