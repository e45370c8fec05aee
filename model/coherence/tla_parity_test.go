package coherence_test

import (
	"path/filepath"
	"testing"

	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/tlaplus"
)

// TestTLAParity holds the Go model to the numbers TLC recorded for
// tla/Coherence.tla in tla/results.tsv: the same verdict on every config and,
// for a complete run, exactly TLC's distinct and generated states and
// depth (modeltest.TLAParity says how the counts correspond).
func TestTLAParity(t *testing.T) {
	modeltest.TLAParity(t, "../../tla", "Coherence", coherence.TLAConstants, coherence.Params, coherence.New)
}

// TestEveryBugHasATLCRefutation: each bug of the catalogue is a TLA+
// variant (a value of the constant Bug) that TLC refutes, breaking the
// property the catalogue names.
func TestEveryBugHasATLCRefutation(t *testing.T) {
	cases, err := tlaplus.TLCCases("../../tla", "Coherence", coherence.TLAConstants)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range coherence.Bugs {
		found := false
		for _, c := range cases {
			found = found || c.Bug == b.Name && c.Result != "ok" && tlaplus.GoPropertyName(c.Property) == b.Breaks
		}
		if !found {
			t.Errorf("bug %s: no config in tla/results.tsv where TLC refutes %s", b.Name, b.Breaks)
		}
	}
}

// TestTLCCasesCoverEveryConfig: tla/results.tsv has a row for every
// config under tla/coherence/, and each maps to the Go model.
func TestTLCCasesCoverEveryConfig(t *testing.T) {
	cases, err := tlaplus.TLCCases("../../tla", "Coherence", coherence.TLAConstants)
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := filepath.Glob(filepath.Join("..", "..", "tla", "coherence", "*.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != len(cfgs) {
		t.Fatalf("Coherence: %d rows in tla/results.tsv for %d configs", len(cases), len(cfgs))
	}
}
