package ring_test

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// The exact distinct-state count of every shipped configuration is pinned
// here, so a change to the ring's state space shows up in review. They
// are what the checker computes; change them only with the model.
var pinned = map[string]modeltest.Pinned{
	"tx":                 {Distinct: 160},
	"rx":                 {Distinct: 30},
	"tx-one-slot":        {Distinct: 44},
	"tx-4-slots-batch-4": {Distinct: 2441},
	"tx-2-flows":         {Distinct: 463420},
	"rx-2-flows":         {Distinct: 21025},
	"rx-3-flows":         {Distinct: 74088},
	"tx-doorbell":        {Distinct: 16129}, // 127²: with doorbells flows share nothing either
	"tx-mmio":            {Distinct: 169},   // 13²
}

var suite = modeltest.Suite[ring.State, *ring.Model]{Params: ring.Params, New: ring.New,
	Configs: ring.Configs, Pinned: pinned, Bugs: ring.Bugs, WeakPoints: ring.WeakPoints}

func TestShippedConfigsHold(t *testing.T) { suite.ShippedConfigsHold(t) }

func TestDaggerWeakPoints(t *testing.T) { suite.WeakPointsShow(t) }

// Every bug is caught by the property its catalogue entry names, with a
// minimal counterexample, and its parameters hold without it.
func TestBugsAreCaught(t *testing.T) { suite.BugsAreCaught(t) }

func TestBugsNeedTheirDirectionAndProtocol(t *testing.T) {
	for _, tc := range []struct {
		params []string
		bug    string
	}{
		{[]string{"dir=rx"}, "header-first"},
		{nil, "rx-no-phase"},
		{[]string{"protocol=dagger"}, "late-seen"},
		{[]string{"slots=3", "batch=2"}, ""},
	} {
		v, err := spec.ParseParams(ring.Params, tc.params)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ring.New(v, tc.bug); err == nil {
			t.Fatalf("%v --bug %q was accepted", tc.params, tc.bug)
		}
	}
}

func TestWorkersDoNotChangeRingResults(t *testing.T) {
	for _, params := range [][]string{{"flows=2", "slots=2", "rpcs=3"}, {"protocol=dagger", "flows=2"}} {
		m := suite.Build(t, params, "")
		one := modeltest.BFS(t, m, checker.Options{Workers: 1, SkipLiveness: true})
		two := modeltest.BFS(t, m, checker.Options{Workers: 2, SkipLiveness: true})
		if one.Verdict != two.Verdict || one.Property != two.Property || one.Stats.Distinct != two.Stats.Distinct ||
			one.Stats.Generated != two.Stats.Generated || one.Trace.Len() != two.Trace.Len() {
			t.Fatalf("%v: workers=1 %v %s %d/%d, workers=2 %v %s %d/%d", params, one.Verdict, one.Property,
				one.Stats.Distinct, one.Stats.Generated, two.Verdict, two.Property, two.Stats.Distinct, two.Stats.Generated)
		}
	}
}

// RX flows share nothing (each has its own NIC writer and host reader), so
// the state space of k flows is the k-th power of one flow's: a count the
// test derives without trusting the model's composition.
func TestRXFlowsAreIndependent(t *testing.T) {
	one := modeltest.BFS(t, suite.Build(t, []string{"dir=rx", "slots=2", "rpcs=4"}, ""), checker.Options{SkipLiveness: true})
	for k := 2; k <= 3; k++ {
		many := modeltest.BFS(t, suite.Build(t, []string{"dir=rx", "slots=2", "rpcs=4", "flows=" + string(rune('0'+k))}, ""), checker.Options{SkipLiveness: true})
		want := uint64(1)
		for range k {
			want *= one.Stats.Distinct
		}
		if many.Stats.Distinct != want {
			t.Fatalf("flows=%d: %d states, want %d^%d = %d", k, many.Stats.Distinct, one.Stats.Distinct, k, want)
		}
	}
}

// The interfaces' costs along the shortest behaviour that delivers every
// RPC follow from how each hands RPCs over: a doorbell per batch and a
// DMA read per line; one MMIO write per RPC (two when Dagger's store is
// split); and on the coherent ring neither, only coherence messages.
func TestInterfaceCosts(t *testing.T) {
	costs := func(params ...string) map[string]int {
		t.Helper()
		res := modeltest.BFS(t, suite.Build(t, params, ""), checker.Options{Only: []string{"something-consumed"}, AllowDeadlock: true})
		res.AssertOK(t)
		if len(res.Witnesses) != 1 {
			t.Fatalf("%v: witnesses %v", params, res.Witnesses)
		}
		out := map[string]int{}
		for _, c := range res.Witnesses[0].Costs {
			out[c.Name] = c.N
		}
		return out
	}
	for _, tc := range []struct {
		params []string
		want   map[string]int
	}{
		{[]string{"interface=doorbell", "slots=4", "batch=2", "rpcs=6"},
			map[string]int{ring.CostMMIO: 3, ring.CostDMARead: 6, ring.CostCoherence: 0, ring.CostRPCs: 6}},
		{[]string{"interface=doorbell", "slots=4", "batch=4", "rpcs=6"},
			map[string]int{ring.CostMMIO: 2, ring.CostDMARead: 6, ring.CostCoherence: 0, ring.CostRPCs: 6}},
		{[]string{"interface=mmio", "slots=1", "batch=1", "rpcs=3"},
			map[string]int{ring.CostMMIO: 3, ring.CostDMARead: 0, ring.CostCoherence: 0, ring.CostRPCs: 3}},
		// Split stores: two writes an RPC, but the shortest behaviour takes
		// the last RPC after its first half already (torn), so 2·3-1.
		{[]string{"interface=mmio", "slots=1", "batch=1", "rpcs=3", "protocol=dagger"},
			map[string]int{ring.CostMMIO: 5, ring.CostDMARead: 0, ring.CostCoherence: 0, ring.CostRPCs: 3}},
	} {
		got := costs(tc.params...)
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%v: %s = %d, want %d (all: %v)", tc.params, k, got[k], v, got)
			}
		}
	}
	// Coherent: no MMIO, no DMA; each RPC needs at least its line to move
	// to the CPU and back to the NIC (two messages each way).
	got := costs("slots=4", "batch=4", "rpcs=4")
	if got[ring.CostMMIO] != 0 || got[ring.CostDMARead] != 0 || got[ring.CostCoherence] < 4*4 {
		t.Fatalf("coherent costs %v", got)
	}
}
