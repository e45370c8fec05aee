package system_test

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
)

// Distinct-state counts of the shipped configurations, pinned so a change
// to the state space shows up in review (with the symmetry reduction).
var pinned = map[string]modeltest.Pinned{
	"reliable":                  {Distinct: 8673},
	"reliable-1-client-2-calls": {Distinct: 1779},
	"reliable-no-faults":        {Distinct: 469},
	"reliable-2-losses":         {Distinct: 862},
	"reliable-2-calls":          {Distinct: 82110},
}

var suite = modeltest.Suite[system.State, *system.Model]{Params: system.Params, New: system.New,
	Configs: system.Configs, Pinned: pinned, Bugs: system.Bugs}

func TestShippedConfigsHold(t *testing.T) { suite.ShippedConfigsHold(t) }

// UDP keeps response matching and completion (the RPC layer gives up),
// and gives neither at-most-once nor exactly-once.
func TestUDPGuarantees(t *testing.T) {
	m := suite.Build(t, []string{"transport=udp"}, "")
	for _, p := range system.UDPGaps {
		res := modeltest.BFS(t, m, checker.Options{Only: []string{p}})
		res.AssertViolation(t, p)
		modeltest.Minimal(t, m, p, res)
	}
	modeltest.BFS(t, m, checker.Options{Only: system.UDPKeeps}).AssertOK(t)
	// Without faults or resends, udp too runs each call at most once (but
	// its RPC layer may still give up before the response arrives).
	modeltest.BFS(t, suite.Build(t, []string{"transport=udp", "losses=0", "dups=0", "retries=0"}, ""), checker.Options{Only: []string{"at-most-once"}}).AssertOK(t)
}

// Every bug is caught by the property its catalogue entry names, with a
// minimal counterexample, and its parameters hold without it.
func TestBugsAreCaught(t *testing.T) { suite.BugsAreCaught(t) }

// Clients are interchangeable: the reduction changes no verdict and no
// counterexample length, and saves states.
func TestSymmetryKeepsResults(t *testing.T) {
	for _, tc := range []struct {
		params []string
		bug    string
	}{
		{[]string{"clients=2"}, ""},
		{[]string{"clients=2", "transport=udp"}, ""},
		{[]string{"clients=2"}, "no-dedup"},
		{[]string{"clients=2", "losses=0", "dups=0", "reorders=0", "calls=2"}, ""},
	} {
		m := suite.Build(t, tc.params, tc.bug)
		on := modeltest.BFS(t, m, checker.Options{})
		off := modeltest.BFS(t, m, checker.Options{NoSymmetry: true})
		if on.Verdict != off.Verdict || on.Property != off.Property || on.Trace.Len() != off.Trace.Len() {
			t.Fatalf("%v %s: with symmetry %v %s (%d steps), without %v %s (%d steps)", tc.params, tc.bug,
				on.Verdict, on.Property, on.Trace.Len(), off.Verdict, off.Property, off.Trace.Len())
		}
		if on.Stats.Distinct >= off.Stats.Distinct {
			t.Fatalf("%v: the reduction saved nothing (%d vs %d)", tc.params, on.Stats.Distinct, off.Stats.Distinct)
		}
		t.Logf("%v %s: %d states with symmetry, %d without", tc.params, tc.bug, on.Stats.Distinct, off.Stats.Distinct)
	}
}

func TestWorkersDoNotChangeSystemResults(t *testing.T) {
	for _, bug := range []string{"", "retransmit-new-seq"} {
		m := suite.Build(t, nil, bug)
		one := modeltest.BFS(t, m, checker.Options{Workers: 1, SkipLiveness: true})
		two := modeltest.BFS(t, m, checker.Options{Workers: 2, SkipLiveness: true})
		if one.Verdict != two.Verdict || one.Stats.Distinct != two.Stats.Distinct || one.Stats.Generated != two.Stats.Generated {
			t.Fatalf("bug %q: workers=1 %v %d/%d, workers=2 %v %d/%d", bug, one.Verdict, one.Stats.Distinct,
				one.Stats.Generated, two.Verdict, two.Stats.Distinct, two.Stats.Generated)
		}
	}
}

func TestBadBugParams(t *testing.T) {
	for _, tc := range []struct {
		params []string
		bug    string
	}{
		{[]string{"transport=udp"}, "no-dedup"},
		{[]string{"clients=1"}, "response-misrouted"},
	} {
		v, _ := spec.ParseParams(system.Params, tc.params)
		if _, err := system.New(v, tc.bug); err == nil {
			t.Fatalf("%v --bug %s accepted", tc.params, tc.bug)
		}
	}
}
