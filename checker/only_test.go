package checker_test

import (
	"fmt"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// countdownProps is the countdown with a property of each kind, all of
// which hold; only its deadlock at 0 is wrong.
type countdownProps struct{ countdownModel }

func (m countdownProps) Properties() []checker.Property[int] {
	return []checker.Property[int]{
		checker.Invariant("within-start", "the count never exceeds its start", func(s int) bool { return s <= m.n }),
		checker.Possible("zero", "the count reaches zero", func(s int) bool { return s == 0 }),
		checker.Finally("reaches-zero", "the count always reaches zero", func(s int) bool { return s == 0 }, "dec"),
	}
}

// Options.Only selects among the model's properties; deadlock freedom is
// not one of them, and stays checked whatever Only names, unless
// AllowDeadlock: selecting one property must not drop the search for
// deadlocks (the command line's --property is Only).
func TestOnlyKeepsDeadlockDetection(t *testing.T) {
	const n = 3
	m := countdownProps{countdownModel{n: n}}
	selections := [][]string{nil, {"within-start"}, {"zero"}, {"reaches-zero"},
		{"within-start", "zero", "reaches-zero"}, {checker.DeadlockProperty}, {checker.DeadlockProperty, "zero"}}
	verbs := []struct {
		verb string
		opts checker.Options
	}{
		{"bfs", checker.Options{Workers: 1}}, {"bfs", checker.Options{Workers: 2}}, {"dfs", checker.Options{}},
		{"simulate", checker.Options{Runs: 3, Steps: 10}},
	}
	for _, only := range selections {
		for _, v := range verbs {
			what := fmt.Sprintf("%s, only %q", v.verb, only)
			o := v.opts
			o.Only = only
			res := run(t, m, o, v.verb)
			if res.Verdict != checker.Deadlock || res.Property != checker.DeadlockProperty {
				t.Fatalf("%s: %v %q, want the deadlock at 0: deadlock detection was dropped when Only named other properties",
					what, res.Verdict, res.Property)
			}
			if res.Trace.Len() != n {
				t.Fatalf("%s: the deadlock is reached in %d steps, want %d:\n%v", what, res.Trace.Len(), n, res.Trace)
			}
			validTrace(t, m, res.Trace)
			o.AllowDeadlock = true
			if res := run(t, m, o, v.verb); res.Verdict != checker.OK {
				t.Fatalf("%s, deadlocks allowed: %v %q, want ok", what, res.Verdict, res.Property)
			}
		}
	}
}
