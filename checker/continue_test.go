package checker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/ring"
)

// alone runs m for each property alone (deadlock detection only for the
// deadlock, so that a deadlock does not end another property's search)
// and returns what each finds: the reference that Continue must match.
func alone[S any](t *testing.T, m checker.Model[S], opts checker.Options) map[string]checker.Failure {
	t.Helper()
	names := []string{checker.DeadlockProperty}
	for _, p := range m.Properties() {
		names = append(names, p.Name)
	}
	found := map[string]checker.Failure{}
	for _, name := range names {
		o := opts
		o.Only, o.AllowDeadlock = []string{name}, name != checker.DeadlockProperty
		res := run(t, m, o, "bfs")
		if len(res.Violations) > 1 {
			t.Fatalf("%s alone: %d violations without Continue", name, len(res.Violations))
		}
		if res.Verdict == checker.Violation || res.Verdict == checker.Deadlock {
			found[name] = res.Violations[0]
		}
	}
	return found
}

// sameViolations fails t unless res lists exactly the violations of
// want, each with a counterexample of the same length and steps.
func sameViolations(t *testing.T, res *checker.Result, want map[string]checker.Failure) {
	t.Helper()
	if len(res.Violations) != len(want) {
		t.Fatalf("Continue found %d violations, the runs of each property alone %d: %v", len(res.Violations), len(want), names(res))
	}
	for _, f := range res.Violations {
		w, ok := want[f.Property]
		if !ok {
			t.Fatalf("Continue found %s, which holds when checked alone", f.Property)
		}
		if f.Verdict != w.Verdict || f.Kind != w.Kind || f.Trace.Len() != w.Trace.Len() || f.Reason != w.Reason {
			t.Fatalf("%s: Continue found %v of %d steps (%s), alone %v of %d (%s)", f.Property,
				f.Verdict, f.Trace.Len(), f.Reason, w.Verdict, w.Trace.Len(), w.Reason)
		}
		if !reflect.DeepEqual(f.Trace, w.Trace) {
			t.Fatalf("%s: Continue and the run alone found different counterexamples:\n%s\n%s", f.Property, f.Trace, w.Trace)
		}
	}
}

func names(res *checker.Result) []string {
	var out []string
	for _, f := range res.Violations {
		out = append(out, fmt.Sprintf("%s (%d steps)", f.Property, f.Trace.Len()))
	}
	return out
}

// On the published ring protocol, Continue lists every property the
// protocol breaks, with the shortest counterexample each, as runs of the
// properties one at a time do, on any number of workers; its first
// violation is the one a run without Continue reports.
func TestContinueOnPublishedRing(t *testing.T) {
	m := newRing(t, []string{"protocol=dagger"})
	want := alone(t, m, checker.Options{})
	for _, p := range []string{"no-overwrite", "no-loss", "no-torn-read", "no-duplicate", "fifo-order", "eventually-consumed"} {
		if _, ok := want[p]; !ok {
			t.Fatalf("the published protocol should break %s (a weak point of the ring model)", p)
		}
	}
	first := run(t, m, checker.Options{}, "bfs")
	var one *checker.Result
	for _, workers := range []int{1, 3} {
		res := run(t, m, checker.Options{Continue: true, Workers: workers}, "bfs")
		sameViolations(t, res, want)
		if res.Verdict != first.Verdict || res.Property != first.Property || !reflect.DeepEqual(res.Trace, first.Trace) ||
			!reflect.DeepEqual(res.Violations[0], first.Violations[0]) {
			t.Fatalf("the first violation is %s, without Continue %s", res.Property, first.Property)
		}
		for i := 1; i < len(res.Violations); i++ {
			if a, b := res.Violations[i-1], res.Violations[i]; a.Kind == b.Kind && a.Trace.Len() > b.Trace.Len() {
				t.Fatalf("%s (%d steps) is listed before %s (%d)", a.Property, a.Trace.Len(), b.Property, b.Trace.Len())
			}
		}
		if one == nil {
			one = res
		} else if !reflect.DeepEqual(one.Violations, res.Violations) || one.Stats.Distinct != res.Stats.Distinct ||
			one.Stats.Generated != res.Stats.Generated {
			t.Fatalf("Continue on 1 and %d workers differ: %v, %v", workers, names(one), names(res))
		}
	}
	t.Logf("published ring protocol breaks: %v", names(one))
}

// Several invariants broken by one state, and a deadlock, are each
// listed; so are a Sometimes property no state witnesses and a liveness
// property.
func TestContinueListsEveryKind(t *testing.T) {
	m := newGrid(t, 2, 3, "stuck")
	res := run(t, m, checker.Options{Continue: true}, "bfs")
	sameViolations(t, res, alone(t, m, checker.Options{}))

	j := manyBroken{}
	res = run(t, j, checker.Options{Continue: true, Workers: 2}, "bfs")
	sameViolations(t, res, alone(t, j, checker.Options{}))
	got := names(res)
	want := []string{"big-not-4 (6 steps)", "not-3-and-4 (6 steps)", "big-under-5 (1 steps)", "never-7 (0 steps)"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if res.Violations[0].Property != "big-under-5" || res.Violations[3].Property != "never-7" {
		t.Fatalf("the shortest first, the Sometimes property after the invariants: %v", names(res))
	}
	if len(res.Witnesses) != 0 {
		t.Fatalf("witnesses: %v", res.Witnesses)
	}
}

// manyBroken is the jugs with more invariants, two of them broken first
// by the same state (the puzzle's solution: small 3, big 4), and a
// Sometimes property that no state witnesses.
type manyBroken struct{}

func (manyBroken) Init() []jugState                   { return jugs{3, 5, 4}.Init() }
func (manyBroken) Actions() []checker.ActionKind      { return jugs{3, 5, 4}.Actions() }
func (manyBroken) Encode(b []byte, s jugState) []byte { return jugs{3, 5, 4}.Encode(b, s) }
func (manyBroken) Next(s jugState, emit func(checker.Action, jugState)) {
	jugs{3, 5, 4}.Next(s, emit)
}
func (manyBroken) Properties() []checker.Property[jugState] {
	return []checker.Property[jugState]{
		checker.Invariant("big-not-4", "", func(s jugState) bool { return s.Big != 4 }),
		checker.Invariant("not-3-and-4", "", func(s jugState) bool { return s.Small != 3 || s.Big != 4 }),
		checker.Invariant("big-under-5", "", func(s jugState) bool { return s.Big < 5 }),
		checker.Possible("never-7", "", func(s jugState) bool { return s.Big == 7 }),
	}
}

// A run with Continue resumed from a checkpoint ends as an uninterrupted
// one: the violations found before the checkpoint are kept.
func TestContinueRecovers(t *testing.T) {
	// Both runs wrap the model alike, so that they fingerprint alike.
	m := checker.Model[ring.State](cancelAfter[ring.State]{Model: newRing(t, []string{"protocol=dagger"}),
		calls: new(atomic.Int64), at: -1, cancel: func() {}})
	want := run(t, m, checker.Options{Continue: true}, "bfs")
	dir := t.TempDir()
	interrupted, cancel := context.WithCancel(ctx)
	defer cancel()
	cm := cancelAfter[ring.State]{Model: newRing(t, []string{"protocol=dagger"}), calls: new(atomic.Int64),
		at: int64(want.Stats.Distinct / 2), cancel: cancel}
	first, err := checker.New(checker.Model[ring.State](cm), checker.Options{Continue: true, CheckpointDir: dir}).BFS(interrupted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "current", "checkpoint.json")); err != nil {
		t.Fatalf("no checkpoint: %v", err)
	}
	if len(first.Violations) == 0 || len(first.Violations) == len(want.Violations) || len(first.Unjudged) == 0 {
		t.Fatalf("the interrupted run should have found some violations, and judged no liveness: %v, unjudged %v",
			names(first), first.Unjudged)
	}
	res := run(t, m, checker.Options{Continue: true, Recover: dir}, "bfs")
	if !reflect.DeepEqual(res.Violations, want.Violations) || res.Stats.Distinct != want.Stats.Distinct {
		t.Fatalf("recovered: %v, uninterrupted: %v", names(res), names(want))
	}
	if _, err := checker.New(m, checker.Options{Recover: dir}).BFS(ctx); err == nil {
		t.Fatal("a Continue checkpoint resumed without Continue")
	}
}
