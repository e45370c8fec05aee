package nic

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/checker"
	implnic "github.com/daggercheck/daggercheck/impl/nic"
	modelnic "github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/trace"
)

// The NIC pipeline against the NIC model, step by step. rapid draws a
// configuration of model/nic (protocol or bug, flows, connections,
// request buffer, FIFO depth, batch, balancer, RPCs) and then, with
// t.Repeat, the model's actions (one Repeat action per action kind:
// arrive, balance, send, skip, open, close), each picking one of the
// kind's instances the model enables now, and runs each on impl/nic in
// step mode, as Replay does (replay.go has the mapping); after every step
// impl/nic's Abstract must equal the model's state, field for field (the
// model's ghosts, which judge properties, aside). The RX rings have 8
// slots and are drained after every burst, so the scheduler never meets
// back-pressure, which the model does not have.
func TestNICConformsToNICModel(t *testing.T) {
	bridgetest.Conform(t, func(rt *rapid.T, sink *bridgetest.Sink) int { return nicWalk(rt, nicDraw{}, sink) })
}

// nicDraw fixes what a walk would otherwise draw: the mutation check runs
// the model's credit protocol without a bug against an implementation
// with faults, with the parameters the fault needs.
type nicDraw struct {
	mutant *implnic.Faults
	params []string
}

// drawConfig draws a configuration of model/nic: its parameters and bug.
func drawConfig(rt *rapid.T, d nicDraw) (params []string, bug string) {
	protocol := "credit"
	if d.mutant == nil {
		protocol = rapid.SampledFrom([]string{"credit", "dagger"}).Draw(rt, "protocol")
		if protocol == "credit" {
			bugs := append(bridgetest.BugNames(modelnic.Bugs), "", "", "", "", "", "", "", "")
			bug = rapid.SampledFrom(bugs).Draw(rt, "bug")
		}
	}
	params = []string{
		"protocol=" + protocol,
		fmt.Sprintf("flows=%d", rapid.IntRange(1, modelnic.MaxFlows).Draw(rt, "flows")),
		fmt.Sprintf("conns=%d", rapid.IntRange(1, modelnic.MaxConns).Draw(rt, "conns")),
		fmt.Sprintf("buffer=%d", rapid.IntRange(1, modelnic.MaxBuffer).Draw(rt, "buffer")),
		fmt.Sprintf("fifo=%d", rapid.IntRange(1, modelnic.MaxFIFO).Draw(rt, "fifo")),
		fmt.Sprintf("batch=%d", rapid.SampledFrom([]int{1, 2, 4}).Draw(rt, "batch")),
		"lb=" + rapid.SampledFrom([]string{"static", "round-robin", "random", "key-hash"}).Draw(rt, "lb"),
		fmt.Sprintf("rpcs=%d", rapid.IntRange(1, modelnic.MaxRPCs).Draw(rt, "rpcs")),
	}
	return bridgetest.Override(params, d.params), bug
}

// nicWalk draws a configuration and a walk and compares impl/nic with
// model/nic after every step; it returns the steps taken.
func nicWalk(rt *rapid.T, d nicDraw, sink *bridgetest.Sink) int {
	params, bug := drawConfig(rt, d)
	v, m := bridgetest.Build(rt, modelnic.Params, modelnic.New, params, bug)
	faults, err := implnic.BugFaults(bug)
	if err != nil {
		rt.Fatal(err)
	}
	if d.mutant != nil {
		faults = *d.mutant
	}
	h, err := newHarness(m, faults, m.Dagger)
	if err != nil {
		rt.Fatal(err)
	}
	w := bridgetest.NewWalk(rt, sink, "nic", v, bug, m, h.compare,
		fmt.Sprintf("configuration %s --bug %q, impl faults %s; ", strings.Join(params, " "), bug, faults))
	w.CheckInit()
	// The model has stopped (every RPC arrived and delivered or dropped;
	// only the control plane could move): the walk ends.
	actions := w.Actions(func(rt *rapid.T) {
		if len(moves(m, w.State, -1)) > 0 {
			rt.Skip("the model can move")
		}
	})
	for kind, k := range m.Actions() {
		step := func(_ modelnic.State, a checker.Action) string { return h.step(k.Name, a) }
		actions[k.Name] = func(rt *rapid.T) { w.Take(rt, k.Name, moves(m, w.State, kind), step) }
	}
	rt.Repeat(actions)
	return w.Steps()
}

// Every committed NIC counterexample (one per bug of model/nic's
// catalogue and per weak point of Dagger's published NIC) reproduces on
// impl/nic with the bug (or Dagger's profile) injected, and diverges on
// the correct implementation.
func TestReplayNICTraces(t *testing.T) {
	bugs := bridgetest.ReplayCounterexamples(t, "nic-*.trace", Replay)
	for _, b := range modelnic.Bugs {
		if !bugs[b.Name] {
			t.Errorf("bug %s has no committed counterexample under %s", b.Name, bridgetest.DocsTraces)
		}
	}
}

// Walks the conformance test once found failing are kept as traces of
// behaviours (outcome ok); the implementation must follow each to its
// end.
func TestReplayRapidFailures(t *testing.T) {
	bridgetest.ReplayKept(t, func(f *trace.File) error {
		res, err := Replay(f, "")
		if err != nil {
			return err
		}
		if res.Outcome == bridge.Diverged {
			return fmt.Errorf("%s", res.Reason)
		}
		return nil
	})
}

// The mutation check for the NIC: every fault impl/nic can inject, and
// Dagger's profile, is found by the NIC's conformance walk
// (bridgetest.FindMutants), with the parameters each needs to show.
func TestMutantsAreFound(t *testing.T) {
	// What each NIC fault needs to show: a balancer, a batch, a shallow FIFO.
	needs := map[string][]string{
		"response-balanced":   {"lb=round-robin", "flows=2"},
		"leak-on-overflow":    {"fifo=1", "batch=1"},
		"no-flush":            {"batch=2", "fifo=2", "buffer=3"},
		"rr-wrap-late":        {"lb=round-robin"},
		"rr-wrap-early":       {"lb=round-robin", "flows=3"},
		"rehash-on-full":      {"lb=key-hash", "flows=2", "fifo=1", "batch=1", "buffer=4", "rpcs=6", "conns=1"},
		"status-swap":         nil,
		"deliver-after-close": nil,
		"dagger":              {"batch=2", "fifo=2", "buffer=3"},
	}
	var mutants []bridgetest.Mutant
	nic := func(name string, f implnic.Faults) {
		params := needs[name]
		mutants = append(mutants, bridgetest.Mutant{Name: "nic/" + name, What: fmt.Sprintf("the NIC property, model credit %s, impl faults %s", strings.Join(params, " "), f),
			Walk: func(rt *rapid.T, sink *bridgetest.Sink) { nicWalk(rt, nicDraw{mutant: &f, params: params}, sink) }})
	}
	for _, b := range implnic.Bugs {
		f, err := implnic.BugFaults(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := needs[b]; !ok {
			t.Fatalf("impl/nic's bug %s: the mutation check does not know what it needs", b)
		}
		nic(b, f)
	}
	nic("dagger", implnic.DaggerFaults)
	bridgetest.FindMutants(t, mutants)
}

func BenchmarkNICConformance(b *testing.B) {
	bridgetest.Bench(b, func(rt *rapid.T, s *bridgetest.Sink) int { return nicWalk(rt, nicDraw{}, s) })
}
