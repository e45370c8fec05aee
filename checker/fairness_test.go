package checker_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// Each liveness property is judged under its own fairness assumption and
// no other: a model with several, each alone known to hold or fail, must
// give for every sequence of one, two or three of them the verdict of
// the first that fails alone. A fairness set that leaked from one property's check into
// the next would make a property checked after one with more fairness
// hold (or, replaced, make one that holds fail).
func TestEachLivenessPropertyHasItsOwnFairness(t *testing.T) {
	busy1 := func(s choreState) bool { return s.Busy == 1 }
	type prop struct {
		p     checker.Property[choreState]
		holds bool
		// stutter: its counterexample stops where no fair action is
		// enabled; otherwise it goes round a loop that takes spin.
		stutter bool
	}
	props := []prop{
		{checker.Finally("done-work-fair", "", isDone, "work"), true, false},
		{checker.Finally("done-spin-fair", "", isDone, "spin"), false, false},
		{checker.Leads("busy-done-work-fair", "", busy1, isDone, "work"), true, false},
		{checker.Leads("busy-done-nothing-fair", "", busy1, isDone), false, true},
		{checker.Finally("done-both-fair", "", isDone, "work", "spin"), true, false},
	}
	describe := func(order []prop) string {
		var names []string
		for _, p := range order {
			names = append(names, fmt.Sprintf("%s (fair: %s)", p.p.Name, strings.Join(p.p.Fair, ", ")))
		}
		return strings.Join(names, ", then ")
	}
	verbs := []struct {
		verb    string
		workers int
	}{{"bfs", 1}, {"bfs", 2}, {"dfs", 1}}
	for _, order := range arrangements(props, 3) {
		var ps []checker.Property[choreState]
		want := -1
		for i, p := range order {
			ps = append(ps, p.p)
			if want < 0 && !p.holds {
				want = i
			}
		}
		m := chores{props: ps}
		for _, v := range verbs {
			res := run(t, m, checker.Options{Workers: v.workers}, v.verb)
			what := fmt.Sprintf("%s with %d workers, properties %s", v.verb, v.workers, describe(order))
			if want < 0 {
				if res.Verdict != checker.OK {
					t.Fatalf("%s: %v of %s, but each holds alone: fairness leaked between their checks", what, res.Verdict, res.Property)
				}
				continue
			}
			p := order[want]
			if res.Verdict != checker.Violation || res.Property != p.p.Name {
				t.Fatalf("%s: %v %q, want a violation of %s, the first that fails alone: another property's fairness leaked into its check",
					what, res.Verdict, res.Property, p.p.Name)
			}
			validTrace(t, m, res.Trace)
			if res.Trace.Stutter != p.stutter {
				t.Fatalf("%s: the counterexample to %s stutters=%v, want %v:\n%v", what, p.p.Name, res.Trace.Stutter, p.stutter, res.Trace)
			}
			if !p.stutter {
				spins := false
				for _, st := range res.Trace.Steps[res.Trace.LoopStart+1:] {
					spins = spins || st.Name == "spin"
				}
				if !spins {
					t.Fatalf("%s: the loop of the counterexample to %s does not take its fair action spin:\n%v", what, p.p.Name, res.Trace)
				}
			}
		}
	}
}

// arrangements returns every sequence of one to k distinct elements of
// xs, shortest first.
func arrangements[E any](xs []E, k int) [][]E {
	var out [][]E
	var seqs [][]int // as indices into xs
	for i := range xs {
		seqs = append(seqs, []int{i})
	}
	for len(seqs) > 0 {
		var longer [][]int
		for _, seq := range seqs {
			var es []E
			for _, i := range seq {
				es = append(es, xs[i])
			}
			out = append(out, es)
			if len(seq) == k {
				continue
			}
			for i := range xs {
				if !slices.Contains(seq, i) {
					longer = append(longer, append(slices.Clone(seq), i))
				}
			}
		}
		seqs = longer
	}
	return out
}
