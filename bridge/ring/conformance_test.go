package ring

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/checker"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// The implementation against the model, step by step: rapid draws a ring
// configuration (direction, protocol or bug, flows, slots, batch, RPCs)
// and then a walk of actions, each drawn from those the model enables in
// its current state; every action runs on model/ring and on impl/ring
// (with the faults that make it the same protocol), and after every step
// the implementation's abstract state must equal the model's. A failure
// is shrunk by rapid (its failure file lands under testdata/rapid/ and
// replays on every run) and written as a trace file next to it, which
// `daggercheck replay` runs.
//
// Run longer with -rapid.checks=N; a failure prints its seed.
func TestImplConformsToRingModel(t *testing.T) {
	bridgetest.Conform(t, func(rt *rapid.T, sink *bridgetest.Sink) int { return ringWalk(rt, ringDraw{}, sink) })
}

// ringDraw fixes what a ring walk would otherwise draw. The zero value
// draws everything (in the order the committed failure files expect);
// the mutation check fixes the direction and runs the model's credit
// protocol without a bug against an implementation with faults.
type ringDraw struct {
	mutant *implring.Faults // impl runs these faults; the model is the credit protocol, no bug
	rx     bool             // with mutant: the direction
	params []string         // drawn parameters overridden (key=value)
	steps  int              // the walk's length, if not drawn
}

// drawConfig draws a ring configuration: its parameters and bug.
func drawConfig(rt *rapid.T, d ringDraw) (params []string, bug string) {
	rx, protocol := d.rx, "credit"
	if d.mutant == nil {
		rx = rapid.Bool().Draw(rt, "rx")
		protocol = rapid.SampledFrom([]string{"credit", "dagger"}).Draw(rt, "protocol")
		if protocol == "credit" {
			var bugs []string
			for _, b := range modelring.Bugs {
				if strings.HasPrefix(b.Name, "rx-") == rx {
					bugs = append(bugs, b.Name)
				}
			}
			bugs = append(bugs, "", "", "") // mostly the correct protocol
			bug = rapid.SampledFrom(bugs).Draw(rt, "bug")
		}
	}
	slots := rapid.IntRange(1, 4).Draw(rt, "slots")
	var batches []int
	for b := 1; b <= min(slots, modelring.MaxBatch); b++ {
		if slots%b == 0 {
			batches = append(batches, b)
		}
	}
	params = []string{
		"dir=" + map[bool]string{true: "rx", false: "tx"}[rx],
		"protocol=" + protocol,
		fmt.Sprintf("flows=%d", rapid.IntRange(1, 2).Draw(rt, "flows")),
		fmt.Sprintf("slots=%d", slots),
		fmt.Sprintf("batch=%d", rapid.SampledFrom(batches).Draw(rt, "batch")),
		fmt.Sprintf("rpcs=%d", rapid.IntRange(1, 6).Draw(rt, "rpcs")),
		fmt.Sprintf("ids=%d", rapid.IntRange(1, 16).Draw(rt, "ids")),
	}
	// The interface is drawn last, so that the failure files committed
	// before it was drawn keep their draws above.
	iface := "coherent" // a mutant's is among its params
	if d.mutant == nil && !rx {
		iface = rapid.SampledFrom([]string{"coherent", "doorbell", "mmio"}).Draw(rt, "interface")
	}
	switch iface {
	case "doorbell", "mmio":
		params = bridgetest.Override(params, []string{"interface=" + iface})
		if iface == "mmio" {
			params = bridgetest.Override(params, []string{"slots=1", "batch=1"}) // the NIC's window holds one RPC
		}
		if bug != spec.BugCreditOverrun {
			bug = "" // the one bug of the catalogue the model admits there
		}
	}
	return bridgetest.Override(params, d.params), bug
}

// ringWalk draws a configuration and a walk and compares impl/ring with
// model/ring after every step; it returns the steps taken.
func ringWalk(rt *rapid.T, d ringDraw, sink *bridgetest.Sink) int {
	params, bug := drawConfig(rt, d)
	v, m := bridgetest.Build(rt, modelring.Params, modelring.New, params, bug)
	var faults implring.Faults
	var err error
	if d.mutant != nil {
		faults = *d.mutant
	} else if faults, err = implFaults(v, bug); err != nil {
		rt.Fatal(err)
	}
	h, err := newHarness(v, faults)
	if err != nil {
		rt.Fatal(err)
	}
	w := bridgetest.NewWalk(rt, sink, "ring", v, bug, m, nil,
		fmt.Sprintf("configuration %s --bug %q, impl faults %s; ", strings.Join(params, " "), bug, faults))
	if d := h.compare(w.Fields(0)); d != "" {
		w.Fail("initial states differ: %s", d)
	}
	checkRefusals(w, m, h, v.Int("rpcs"))
	n := d.steps
	if n == 0 {
		n = rapid.IntRange(1, 40).Draw(rt, "steps")
	}
	for i := 0; i < n; i++ {
		moves := bridge.Moves(m, w.State, nil)
		if len(moves) == 0 {
			break
		}
		mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, "move")]
		st := w.Add(mv.Action, mv.To)
		st.State = w.Fields(w.Steps()) // the ring harness compares the model's fields
		w.State = mv.To
		out := h.step(st)
		if refused(out) {
			w.Fail("step %d (%s): the implementation %s", w.Steps(), st.Label(), out)
		}
		if d := h.compare(st.State); d != "" {
			w.Fail("step %d (%s): %s (the implementation: %s)", w.Steps(), st.Label(), d, out)
		}
		checkRefusals(w, m, h, v.Int("rpcs"))
	}
	return w.Steps()
}

// checkRefusals compares refusals too: where the model's producer may not
// start its flow's next RPC (no credit), the implementation's must refuse
// it (ErrRingFull); a walk the model leads cannot otherwise see an
// implementation that admits too much.
func checkRefusals(w *bridgetest.Walk[modelring.State], m *modelring.Model, h *harness, rpcs int) {
	for f, fr := range h.flows {
		p := fr.r.Producer()
		if p.NextStore() != implring.StoreNone || int(p.Sent()) >= rpcs || ringProducerEnabled(m, w.State, f) {
			continue
		}
		switch err := p.Begin(h.gen(int(p.Sent()))); {
		case errors.Is(err, implring.ErrStepOrder) && p.Unrung() > 0:
			// A doorbell producer with a batch to announce rings first,
			// as the model's.
		case err == nil:
			w.Fail("after step %d: flow %d's producer has no credit in the model, and the implementation admitted RPC %d", w.Steps(), f, p.Sent()-1)
		case !errors.Is(err, implring.ErrRingFull):
			w.Fail("after step %d: flow %d's producer: %v", w.Steps(), f, err)
		}
	}
}

// ringProducerEnabled reports whether the ring model lets flow f's
// producer make its next store (TX: a store of the CPU; RX: the NIC's
// write).
func ringProducerEnabled(m *modelring.Model, s modelring.State, f int) bool {
	enabled := false
	m.Next(s, func(a checker.Action, _ modelring.State) {
		k := m.Actions()[a.Kind]
		if _, store := stores[k.Name]; !store && k.Name != "nic-write" {
			return
		}
		if i := slices.Index(k.Params, "flow"); i >= 0 && a.Args[i] == f {
			enabled = true
		}
	})
	return enabled
}

// The mutation check for the rings: every fault impl/ring can inject, the
// bugs of model/ring's catalogue and Dagger's published behaviours, is
// found by the ring's conformance walk (bridgetest.FindMutants).
func TestMutantsAreFound(t *testing.T) {
	var mutants []bridgetest.Mutant
	ring := func(name string, f implring.Faults, rx bool, params ...string) {
		mutants = append(mutants, bridgetest.Mutant{Name: "ring/" + name, What: fmt.Sprintf("the ring property, model credit %s, impl faults %s", strings.Join(params, " "), f),
			Walk: func(rt *rapid.T, sink *bridgetest.Sink) {
				ringWalk(rt, ringDraw{mutant: &f, rx: rx, params: params, steps: 40}, sink)
			}})
	}
	for _, b := range modelring.Bugs {
		f, err := implring.BugFaults(b.Name)
		if err != nil {
			t.Fatalf("model/ring's bug %s: %v", b.Name, err)
		}
		ring(b.Name, f, strings.HasPrefix(b.Name, "rx-"))
	}
	ring("dagger-tx", implring.DaggerTX, false)
	ring("dagger-rx", implring.DaggerRX, true)
	// Dagger's published behaviours one at a time.
	ring("no-credit", implring.Faults{NoCredit: true}, false)
	ring("rx-no-credit", implring.Faults{NoCredit: true}, true)
	ring("dagger-stores", implring.Faults{DaggerStores: true}, false)
	// Seen bits show as a reordering: a poll of two lines, one read
	// before its write and the next after.
	ring("seen-bits", implring.Faults{SeenBits: true}, false, "flows=1", "slots=2", "batch=2", "rpcs=3")
	// rpc_id freshness shows when a slot's next occupant has its rpc_id.
	ring("rx-id-freshness", implring.Faults{RxIDFreshness: true}, true, "flows=1", "slots=1", "batch=1", "ids=1", "rpcs=3")
	ring("skip-recheck", implring.Faults{SkipRecheck: true}, true)
	// The doorbell and MMIO interfaces: Dagger's, each of its behaviours
	// alone, and the bug the model admits there.
	doorbell, mmio := "interface=doorbell", []string{"interface=mmio", "slots=1", "batch=1"}
	ring("dagger-doorbell", implring.DaggerDoorbell, false, doorbell)
	ring("doorbell/no-credit", implring.Faults{NoCredit: true}, false, doorbell)
	ring("doorbell/dagger-stores", implring.Faults{DaggerStores: true}, false, doorbell)
	ring("doorbell/credit-overrun", implring.Faults{CreditOverrun: true}, false, doorbell)
	ring("dagger-mmio", implring.DaggerMMIO, false, mmio...)
	ring("mmio/no-credit", implring.Faults{NoCredit: true}, false, mmio...)
	ring("mmio/split-store", implring.Faults{SplitStore: true}, false, mmio...)
	ring("mmio/credit-overrun", implring.Faults{CreditOverrun: true}, false, mmio...)
	bridgetest.FindMutants(t, mutants)
}

func BenchmarkRingConformance(b *testing.B) {
	bridgetest.Bench(b, func(rt *rapid.T, s *bridgetest.Sink) int { return ringWalk(rt, ringDraw{}, s) })
}
