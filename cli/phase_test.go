package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/daggercheck/daggercheck/checker"
)

// Progress lines name the phase, with its own counts.
func TestProgressNamesThePhase(t *testing.T) {
	var b bytes.Buffer
	printProgress(&b, checker.Progress{Phase: checker.PhaseSafety, Depth: 53, Distinct: 2_330_000, Generated: 11_200_000,
		Queue: 115_500, Elapsed: 2 * time.Second})
	printProgress(&b, checker.Progress{Phase: checker.PhaseGraph, States: 40_100_000, Total: 100_200_000,
		Edges: 160_000_000, Elapsed: 250 * time.Second})
	printProgress(&b, checker.Progress{Phase: checker.PhaseComponents, Property: "no-stall", Index: 2, Of: 2,
		States: 50_000_000, Components: 1_200_000, Examined: 1_000_000, Elapsed: 301 * time.Second})
	assert.Equal(t, []string{
		"progress: 2s  safety search  depth 53  distinct 2.33M  generated 11.2M  queue 115.5k  5.60M states/s",
		"progress: 4m10s  building the graph  states 40.1M of 100.2M  edges 160.0M",
		"progress: 5m1s  fair components  no-stall (2 of 2)  region 50.0M states  components 1.20M  examined 1.00M",
	}, strings.Split(strings.TrimSpace(b.String()), "\n"))
}

// A run stopped in the liveness check says that the safety search was
// complete, which properties hold and which were not judged.
func TestInterruptedLivenessReport(t *testing.T) {
	res := &checker.Result{Verdict: checker.Incomplete, SafetyComplete: true, Phase: checker.PhaseGraph,
		Reason: "interrupted while building the state graph for the liveness check",
		Statuses: []checker.PropertyStatus{{Property: "in-bounds", Status: checker.Holds},
			{Property: "reaches-corner", Kind: checker.Eventually, Status: checker.NotJudged},
			{Property: checker.DeadlockProperty, Status: checker.Holds}},
		Stats: checker.Stats{Strategy: "bfs", Workers: 1}}
	rep := newReport("grid", nil, []string{"dims=2"}, "", res)
	var b bytes.Buffer
	rep.print(&b, res)
	assert.Contains(t, b.String(), "result: incomplete: interrupted while building the state graph for the liveness check\n"+
		"  the safety search explored every reachable state\n"+
		"  holds: in-bounds, no deadlock\n"+
		"  not judged: reaches-corner\n")
	assert.NotContains(t, b.String(), "no violation found so far")
}
