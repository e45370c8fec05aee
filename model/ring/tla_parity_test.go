package ring_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/tlaplus"
)

// TestTLAParity holds the Go model to the numbers TLC recorded for
// tla/Ring.tla in tla/results.tsv: the same verdict on every config and,
// for a complete run, exactly TLC's distinct and generated states and
// depth (modeltest.TLAParity says how the counts correspond).
func TestTLAParity(t *testing.T) {
	modeltest.TLAParity(t, "../../tla", "Ring", ring.TLAConstants, ring.Params, ring.New)
}

// TestEveryBugAndWeakPointHasATLCRefutation: each bug of the catalogue is
// a TLA+ variant (a value of the constant Bug) that TLC refutes, breaking
// the property the catalogue names, and each of the published protocol's
// weak points is refuted by TLC with the parameters that expose it.
func TestEveryBugAndWeakPointHasATLCRefutation(t *testing.T) {
	cases, err := tlaplus.TLCCases("../../tla", "Ring", ring.TLAConstants)
	if err != nil {
		t.Fatal(err)
	}
	normal := func(params []string) string {
		v, err := spec.ParseParams(ring.Params, params)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(v.Assignments(), " ")
	}
	refuted := func(params []string, bug, property string) bool {
		for _, c := range cases {
			if c.Result != "ok" && c.Bug == bug && tlaplus.GoPropertyName(c.Property) == property &&
				(params == nil || normal(c.Params) == normal(params)) {
				return true
			}
		}
		return false
	}
	for _, b := range ring.Bugs {
		if !refuted(nil, b.Name, b.Breaks) {
			t.Errorf("bug %s: no config in tla/results.tsv where TLC refutes %s", b.Name, b.Breaks)
		}
	}
	for _, w := range ring.WeakPoints {
		if !refuted(w.Params, "", w.Property) {
			t.Errorf("weak point %q (%v): no config in tla/results.tsv where TLC refutes %s", w.Name, w.Params, w.Property)
		}
	}
}

// TestTLCCasesCoverEveryConfig: tla/results.tsv has a row for every
// config under tla/ring/, and each maps to the Go model.
func TestTLCCasesCoverEveryConfig(t *testing.T) {
	cases, err := tlaplus.TLCCases("../../tla", "Ring", ring.TLAConstants)
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := filepath.Glob(filepath.Join("..", "..", "tla", "ring", "*.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != len(cfgs) {
		t.Fatalf("Ring: %d rows in tla/results.tsv for %d configs", len(cases), len(cfgs))
	}
}
