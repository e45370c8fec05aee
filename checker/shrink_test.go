package checker_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// shortest is the length of the shortest counterexample to property,
// found by breadth-first search of that property alone.
func shortest[S any](t *testing.T, m checker.Model[S], property string) int {
	t.Helper()
	return checker.AssertBreaks(t, m, checker.Options{}, property).Len()
}

// Simulation shrinks the walks it reports. On the published ring
// protocol random walks break a property in 11 to 27 steps; the reported
// counterexamples are as short as breadth-first search's, replay on the
// model, and repeat with their seed.
func TestSimulateShrinksToTheShortest(t *testing.T) {
	m := newRing(t, []string{"protocol=dagger"})
	c := checker.New(m, checker.Options{})
	for seed := uint64(1); seed <= 10; seed++ {
		opts := checker.Options{Seed: seed, Runs: 50, Steps: 200}
		res := run(t, m, opts, "simulate")
		if res.Verdict != checker.Violation || !strings.Contains(res.Reason, "shrunk from") {
			t.Fatalf("seed %d: %v (%s)", seed, res.Verdict, res.Reason)
		}
		if want := shortest(t, m, res.Property); res.Trace.Len() != want {
			t.Fatalf("seed %d: %s in %d steps (%s); breadth-first search finds %d", seed, res.Property, res.Trace.Len(), res.Reason, want)
		}
		if _, err := c.Recheck(res.Trace, res.Property); err != nil {
			t.Fatalf("seed %d: the shrunk trace is not a counterexample: %v", seed, err)
		}
		if again := run(t, m, opts, "simulate"); !reflect.DeepEqual(again.Trace, res.Trace) || again.Reason != res.Reason {
			t.Fatalf("seed %d: two runs report different traces", seed)
		}
	}
}

// Where the state space is too large for the last phase's breadth-first
// search (six counters up to 20: more states within 20 steps than its
// budget), dropping steps alone shrinks a walk of about 80 steps, in
// which every counter moves, to the 21 increments of one counter.
func TestSimulateShrinksByDroppingSteps(t *testing.T) {
	m := newGrid(t, 6, 20, "overflow")
	for seed := uint64(1); seed <= 3; seed++ {
		res := run(t, m, checker.Options{Seed: seed, Runs: 20, Steps: 200}, "simulate")
		if res.Property != "in-bounds" || res.Trace.Len() != 21 {
			t.Fatalf("seed %d: %s in %d steps (%s), want in-bounds in 21", seed, res.Property, res.Trace.Len(), res.Reason)
		}
	}
}

// A deadlock shrinks too: the last state of the shrunk walk is stuck.
func TestSimulateShrinksDeadlocks(t *testing.T) {
	m := newGrid(t, 3, 6, "stuck")
	c := checker.New(m, checker.Options{})
	res := run(t, m, checker.Options{Seed: 6, Runs: 20}, "simulate")
	if res.Verdict != checker.Deadlock || res.Trace.Len() != shortest(t, m, checker.DeadlockProperty) ||
		!strings.Contains(res.Reason, "shrunk from 15 to 12 steps") {
		t.Fatalf("%v in %d steps (%s)", res.Verdict, res.Trace.Len(), res.Reason)
	}
	if _, err := c.Recheck(res.Trace, checker.DeadlockProperty); err != nil {
		t.Fatal(err)
	}
}
