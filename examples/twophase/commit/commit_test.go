package commit_test

import (
	"fmt"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/examples/twophase/commit"
	"github.com/daggercheck/daggercheck/spec"
)

// check runs a breadth-first search of two-phase commit with rms
// resource managers and bug ("" for none).
func check(t *testing.T, rms int, bug string, opts checker.Options) *checker.Result {
	t.Helper()
	v, err := spec.ParseParams(commit.Params, []string{fmt.Sprintf("rms=%d", rms)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := commit.New(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	res, err := checker.New[commit.State](m, opts).BFS(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Two-phase commit keeps every property. Without the symmetry the state
// counts are TLC's for TwoPhase.tla (288 states with three RMs); with it,
// one state per multiset of RMs. Both are pinned.
func TestTwoPhaseHolds(t *testing.T) {
	for _, tc := range []struct {
		rms                 int
		distinct, symmetric uint64
	}{{1, 12, 12}, {2, 56, 34}, {3, 288, 80}, {4, 1568, 166}} {
		t.Run(fmt.Sprintf("rms=%d", tc.rms), func(t *testing.T) {
			full := check(t, tc.rms, "", checker.Options{NoSymmetry: true})
			full.AssertOK(t)
			sym := check(t, tc.rms, "", checker.Options{})
			sym.AssertOK(t)
			if full.Stats.Distinct != tc.distinct || sym.Stats.Distinct != tc.symmetric {
				t.Errorf("distinct %d (symmetry: %d), want %d (%d)", full.Stats.Distinct, sym.Stats.Distinct, tc.distinct, tc.symmetric)
			}
		})
	}
}

// Committing before the last RM has prepared lets that RM abort a
// committed transaction; aborting without a word leaves prepared RMs
// waiting: a deadlock.
func TestTwoPhaseBugs(t *testing.T) {
	tr := check(t, 3, "commit-early", checker.Options{}).AssertViolation(t, "consistent")
	if tr.Len() != 7 {
		t.Errorf("commit-early: counterexample of %d steps, want 7:\n%s", tr.Len(), tr)
	}
	tr = check(t, 3, "silent-abort", checker.Options{}).AssertViolation(t, checker.DeadlockProperty)
	if last := tr.Steps[len(tr.Steps)-1]; tr.Len() != 4 || last.Name != "rm-prepare" {
		t.Errorf("silent-abort: want 4 steps ending in rm-prepare, got\n%s", tr)
	}
}

// Every configuration, with or without a bug, keeps the checker's
// contract: the symmetry included (Canonical picks a representative that
// depends on the class alone).
func TestTwoPhaseKeepsTheContract(t *testing.T) {
	for rms := 1; rms <= 4; rms++ {
		for _, bug := range []string{"", "commit-early", "silent-abort"} {
			v, err := spec.ParseParams(commit.Params, []string{fmt.Sprintf("rms=%d", rms)})
			if err != nil {
				t.Fatal(err)
			}
			m, err := commit.New(v, bug)
			if err != nil {
				t.Fatal(err)
			}
			checker.AssertContract[commit.State](t, m, checker.Options{})
		}
	}
}
