package modeltest

import (
	"os"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/tlaplus"
)

// TLAParity holds a Go model to the numbers TLC recorded for tla/SPEC.tla
// in tla/results.tsv (read from tlaDir): for every config, the Go model
// with the same constants (consts, the model's TLAConstants, map them)
// must find the same verdict and, for a complete run, exactly TLC's
// distinct-state count, generated-state count and depth. The definitions agree: both count the
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
func TLAParity[S any, M checker.Model[S]](t *testing.T, tlaDir, specName string, consts []spec.TLAConstant, defs []spec.Param, newModel func(spec.Values, string) (M, error)) {
	t.Helper()
	cases, err := tlaplus.TLCCases(tlaDir, specName, consts)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no TLC results for %s under %s", specName, tlaDir)
	}
	for _, c := range cases {
		t.Run(c.Config, func(t *testing.T) {
			if c.Generated > 1_000_000 && os.Getenv("DAGGERCHECK_TLA_ALL") == "" {
				t.Skipf("TLC generated %d states; set DAGGERCHECK_TLA_ALL=1 to compare this config", c.Generated)
			}
			m := Build(t, defs, newModel, c.Params, c.Bug)
			res := BFS[S](t, m, checker.Options{Workers: 1, NoSymmetry: true, Only: c.Only})
			assertParity(t, c, res)
		})
	}
}

func assertParity(t *testing.T, c tlaplus.TLCCase, res *checker.Result) {
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
		if p := tlaplus.GoPropertyName(c.Property); res.Property != p {
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
