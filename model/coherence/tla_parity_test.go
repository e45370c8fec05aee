package coherence_test

import (
	"os"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/traces"
)

// TestTLAParity holds the Go model to the numbers TLC recorded for
// tla/Coherence.tla in tla/results.tsv: for every config, the Go model with
// the same constants (traces.TLAParams maps them) must find the same
// verdict and, for a complete run, exactly TLC's distinct-state count,
// generated-state count and depth. The definitions agree: both count the
// initial states among the generated ones and every successor, duplicates
// included; both give the depth as the number of states on the longest
// shortest path from an initial state (an initial state alone: depth 1).
// The checker runs with one worker and without symmetry reduction, since
// TLC reduces nothing. For a violated invariant or a deadlock the
// shortest counterexample must have TLC's length (TLC counts states, we
// count steps: one fewer); a lasso's length depends on how each tool
// closes the loop, so only the property is compared.
//
// Configs TLC needed over a million generated states for run only with
// DAGGERCHECK_TLA_ALL=1 (README, "Tests").
func TestTLAParity(t *testing.T) {
	cases, err := traces.TLCCases("../../tla", "Coherence")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Config, func(t *testing.T) {
			if c.Generated > 1_000_000 && os.Getenv("DAGGERCHECK_TLA_ALL") == "" {
				t.Skipf("TLC generated %d states; set DAGGERCHECK_TLA_ALL=1 to compare this config", c.Generated)
			}
			m := modeltest.Build(t, coherence.Params, coherence.New, c.Params, c.Bug)
			res := modeltest.BFS(t, m, checker.Options{Workers: 1, NoSymmetry: true, Only: c.Only})
			assertParity(t, c, res)
		})
	}
}

func assertParity(t *testing.T, c traces.TLCCase, res *checker.Result) {
	t.Helper()
	want := map[string]checker.Verdict{"ok": checker.OK, "violation": checker.Violation, "deadlock": checker.Deadlock}[c.Result]
	if res.Verdict != want {
		t.Fatalf("tla/results.tsv:%d: TLC: %s %s; Go (%v, bug %q): %s %s", c.Line, c.Result, c.Property, c.Params, c.Bug, res.Verdict, res.Property)
	}
	switch c.Result {
	case "ok":
		got := [3]uint64{res.Stats.Distinct, res.Stats.Generated, uint64(res.Stats.Depth)}
		if tlc := [3]uint64{c.Distinct, c.Generated, uint64(c.Depth)}; got != tlc {
			t.Errorf("tla/results.tsv:%d: distinct, generated, depth: TLC %v, Go %v", c.Line, tlc, got)
		}
	case "violation":
		if p := traces.GoPropertyName(c.Property); res.Property != p {
			t.Errorf("tla/results.tsv:%d: TLC refutes %s (%s), Go %s", c.Line, c.Property, p, res.Property)
		}
		if res.Kind == checker.Always && res.Trace.Len() != c.TraceStatesCount()-1 {
			t.Errorf("tla/results.tsv:%d: TLC's counterexample has %d states, Go's %d steps", c.Line, c.TraceStatesCount(), res.Trace.Len())
		}
	case "deadlock":
		if res.Trace.Len() != c.TraceStatesCount()-1 {
			t.Errorf("tla/results.tsv:%d: TLC's deadlock trace has %d states, Go's %d steps", c.Line, c.TraceStatesCount(), res.Trace.Len())
		}
	}
}

// TestEveryBugHasATLCRefutation: each bug of the catalogue is a TLA+
// variant (a value of the constant Bug) that TLC refutes, breaking the
// property the catalogue names.
func TestEveryBugHasATLCRefutation(t *testing.T) {
	cases, err := traces.TLCCases("../../tla", "Coherence")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range coherence.Bugs {
		found := false
		for _, c := range cases {
			found = found || c.Bug == b.Name && c.Result != "ok" && traces.GoPropertyName(c.Property) == b.Breaks
		}
		if !found {
			t.Errorf("bug %s: no config in tla/results.tsv where TLC refutes %s", b.Name, b.Breaks)
		}
	}
}
