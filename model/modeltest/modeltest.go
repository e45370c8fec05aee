// Package modeltest holds what the model packages' tests share: building
// a model from "-p" assignments, running a search that must not fail, and
// checking that a breadth-first counterexample is minimal against an
// independent bound. It is imported by tests only.
package modeltest

import (
	"context"
	"slices"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Build parses params against defs and builds a model with newModel,
// failing t on any error.
func Build[M any](t testing.TB, defs []spec.Param, newModel func(spec.Values, string) (M, error), params []string, bug string) M {
	t.Helper()
	v, err := spec.ParseParams(defs, params)
	if err != nil {
		t.Fatal(err)
	}
	m, err := newModel(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// BFS runs a breadth-first search, failing t if the checker errs.
func BFS[S any](t testing.TB, m checker.Model[S], opts checker.Options) *checker.Result {
	t.Helper()
	res, err := checker.New(m, opts).BFS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Minimal checks a breadth-first counterexample to property against an
// independent bound: the same search limited to one step fewer must not
// find a violation. (A lasso's length is not a shortest-path length, so
// lassos are not judged.)
func Minimal[S any](t testing.TB, m checker.Model[S], property string, res *checker.Result) {
	t.Helper()
	if res.Trace == nil || res.Trace.LoopStart >= 0 {
		return
	}
	n := res.Trace.Len()
	if n == 0 {
		return // an initial state: nothing is shorter
	}
	if n == 1 {
		// MaxDepth 0 means no bound, so judge the initial states directly.
		for _, p := range m.Properties() {
			if p.Name != property || p.Kind != checker.Always {
				continue
			}
			for _, s := range m.Init() {
				if !p.Holds(s) {
					t.Fatalf("an initial state violates %s: the 1-step counterexample is not minimal", property)
				}
			}
		}
		return
	}
	shorter := BFS(t, m, checker.Options{Only: []string{property}, MaxDepth: n - 1})
	if shorter.Verdict == checker.Violation || shorter.Verdict == checker.Deadlock {
		t.Fatalf("a search bounded to %d steps also violates %s: the %d-step counterexample is not minimal", n-1, property, n)
	}
}

// Pinned are the exact counts a shipped configuration's breadth-first
// search finds, pinned so that any change to a model's state space shows
// up in review. A zero Generated or Depth is not compared: some models
// pin the distinct count alone.
type Pinned struct {
	Distinct, Generated uint64
	Depth               int
}

// Suite is what the tests of one model share: how to build it, its
// shipped configurations with their pinned counts, and its bug catalogue.
type Suite[S any, M checker.Model[S]] struct {
	Params  []spec.Param
	New     func(spec.Values, string) (M, error)
	Configs []spec.Shipped
	Pinned  map[string]Pinned
	Bugs    []spec.Bug
	// WeakPoints are the published protocol's weak points the model shows.
	WeakPoints []spec.WeakPoint
}

// Build builds the model with params and bug, failing t on any error.
func (s Suite[S, M]) Build(t testing.TB, params []string, bug string) M {
	t.Helper()
	return Build(t, s.Params, s.New, params, bug)
}

// ShippedConfigsHold checks every shipped configuration: a breadth-first
// search in which every property holds and whose counts are the pinned
// ones. A configuration with no pinned counts fails. With -short,
// configurations of over 100,000 distinct states are skipped.
func (s Suite[S, M]) ShippedConfigsHold(t *testing.T) {
	t.Helper()
	for _, c := range s.Configs {
		t.Run(c.Name, func(t *testing.T) {
			want, ok := s.Pinned[c.Name]
			if !ok {
				t.Fatalf("configuration %s has no pinned counts", c.Name)
			}
			if testing.Short() && want.Distinct > 100_000 {
				t.Skip("large configuration; run without -short")
			}
			res := BFS[S](t, s.Build(t, c.Params, ""), checker.Options{})
			res.AssertOK(t)
			t.Logf("%s: %d distinct, %d generated, depth %d, %.2fs", c.Name,
				res.Stats.Distinct, res.Stats.Generated, res.Stats.Depth, res.Stats.Duration.Seconds())
			got := Pinned{res.Stats.Distinct, res.Stats.Generated, res.Stats.Depth}
			if want.Generated == 0 {
				got.Generated = 0
			}
			if want.Depth == 0 {
				got.Depth = 0
			}
			if got != want {
				t.Fatalf("got %d distinct, %d generated, depth %d; pinned %d, %d, %d (0: not pinned)",
					res.Stats.Distinct, res.Stats.Generated, res.Stats.Depth, want.Distinct, want.Generated, want.Depth)
			}
		})
	}
}

// BugsAreCaught checks the bug catalogue: every bug, under the parameters
// its entry names, is caught by a breadth-first search over all the
// properties by exactly the property the entry names, with a non-empty
// counterexample that is minimal when it is finite; and without the bug
// the same parameters hold, so the violation comes from the mutation.
func (s Suite[S, M]) BugsAreCaught(t *testing.T) {
	t.Helper()
	for _, b := range s.Bugs {
		t.Run(b.Name, func(t *testing.T) {
			m := s.Build(t, b.Params, b.Name)
			res := BFS[S](t, m, checker.Options{})
			tr := res.AssertViolation(t, b.Breaks)
			if tr == nil || tr.Len() == 0 {
				t.Fatalf("%s: no counterexample", b.Name)
			}
			t.Logf("%s breaks %s in %d steps (loop at %d)", b.Name, b.Breaks, tr.Len(), tr.LoopStart)
			Minimal[S](t, m, b.Breaks, res)
			if b.Params != nil {
				BFS[S](t, s.Build(t, b.Params, ""), checker.Options{}).AssertOK(t)
			}
		})
	}
}

// WeakPointsShow checks each of the published protocol's weak points: the
// search finds the property broken under the weak point's parameters,
// with a minimal counterexample, and the same parameters in the corrected
// protocol (without protocol=dagger) keep it.
func (s Suite[S, M]) WeakPointsShow(t *testing.T) {
	t.Helper()
	for _, w := range s.WeakPoints {
		t.Run(w.Name, func(t *testing.T) {
			m := s.Build(t, w.Params, "")
			res := BFS[S](t, m, checker.Options{Only: []string{w.Property}})
			tr := res.AssertViolation(t, w.Property)
			if tr == nil || tr.Len() == 0 {
				t.Fatal("no counterexample")
			}
			t.Logf("%s: %s in %d steps (loop at %d)", w.Name, w.Property, tr.Len(), tr.LoopStart)
			Minimal[S](t, m, w.Property, res)
			credit := slices.DeleteFunc(slices.Clone(w.Params), func(p string) bool { return p == "protocol=dagger" })
			BFS[S](t, s.Build(t, credit, ""), checker.Options{Only: []string{w.Property}}).AssertOK(t)
		})
	}
}
