package checker_test

import (
	"reflect"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// twoUnwitnessed is the countdown with two sometimes properties that no
// state witnesses, and one that every state does.
type twoUnwitnessed struct{ countdownModel }

func (m twoUnwitnessed) Properties() []checker.Property[int] {
	never := func(s int) bool { return s > m.n }
	return []checker.Property[int]{
		checker.Possible("above-start", "the count goes above its start", never),
		checker.Possible("also-above-start", "the same, again", never),
		checker.Possible("any", "any state", func(int) bool { return true }),
	}
}

// A run that stops at the first sometimes property no state witnesses
// reports it violated, and does not report as holding a later one that
// no state witnesses either (found by the differential test: it read
// holds, because the search had explored everything); one every state
// witnesses holds. With Continue both are violations.
func TestUnwitnessedSometimesNeverReadsHolds(t *testing.T) {
	m := twoUnwitnessed{countdownModel{n: 3}}
	want := []checker.PropertyStatus{
		{Property: "above-start", Kind: checker.Sometimes, Status: checker.Violated},
		{Property: "also-above-start", Kind: checker.Sometimes, Status: checker.NotJudged},
		{Property: "any", Kind: checker.Sometimes, Status: checker.Holds},
	}
	for _, tc := range []struct {
		verb string
		opts checker.Options
	}{{"bfs", checker.Options{AllowDeadlock: true}}, {"bfs", checker.Options{AllowDeadlock: true, Workers: 2}},
		{"dfs", checker.Options{AllowDeadlock: true}}} {
		res := run(t, m, tc.opts, tc.verb)
		if res.Property != "above-start" || !reflect.DeepEqual(res.Statuses, want) {
			t.Fatalf("%s: %v of %s, statuses %v; want above-start violated and statuses %v", tc.verb, res.Verdict, res.Property, res.Statuses, want)
		}
	}
	res := run(t, m, checker.Options{AllowDeadlock: true, Continue: true}, "bfs")
	want[1].Status = checker.Violated
	if len(res.Violations) != 2 || !reflect.DeepEqual(res.Statuses, want) {
		t.Fatalf("continue: %d violations, statuses %v; want 2 and %v", len(res.Violations), res.Statuses, want)
	}
}
