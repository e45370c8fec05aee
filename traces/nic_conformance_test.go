package traces

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
	implnic "github.com/daggercheck/daggercheck/impl/nic"
	modelnic "github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// The NIC pipeline against the NIC model, step by step. rapid draws a
// configuration of model/nic (protocol or bug, flows, connections,
// request buffer, FIFO depth, batch, balancer, RPCs) and then, with
// t.Repeat, the model's actions — one Repeat action per action kind
// (arrive, balance, send, skip, open, close), each picking one of the
// kind's instances the model enables now — and runs each on impl/nic in
// step mode, which has a step for every model action:
//
//	arrive rpc conn response key   Arrive(an RPC on conn, a response or a
//	                               request whose first argument is key)
//	balance slot flow              Balance (under lb=random, Choose
//	                               returns the model's flow)
//	send flow n, skip flow         Schedule, whose Burst must be the
//	                               model's; the host then drains the RX
//	                               ring (the model abstracts the ring to
//	                               delivery)
//	open conn status, close ...    Open, Close: the status must be the
//	                               model's
//
// and after every step impl/nic's Abstract must equal the model's state,
// field for field (the model's ghosts, which judge properties, aside).
// The RX rings have 8 slots and are drained after every burst, so the
// scheduler never meets back-pressure, which the model does not have.
func TestNICConformsToNICModel(t *testing.T) {
	sink := &failureSink{dir: rapidDir("TestNICConformsToNICModel")}
	var walks, steps int
	defer logRate(t, time.Now(), &walks, &steps)
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		steps += nicWalk(rt, nicDraw{}, sink)
	})
}

// nicDraw fixes what a walk would otherwise draw: the mutation check runs
// the model's credit protocol without a bug against an implementation
// with faults, with the parameters the fault needs.
type nicDraw struct {
	mutant *implnic.Faults
	params []string
}

// nicWalk draws a configuration and a walk and compares impl/nic with
// model/nic after every step; it returns the steps taken.
func nicWalk(rt *rapid.T, d nicDraw, sink *failureSink) int {
	protocol, bug := "credit", ""
	if d.mutant == nil {
		protocol = rapid.SampledFrom([]string{"credit", "dagger"}).Draw(rt, "protocol")
		if protocol == "credit" {
			bugs := append(bugNames(modelnic.Bugs), "", "", "", "", "", "", "", "")
			bug = rapid.SampledFrom(bugs).Draw(rt, "bug")
		}
	}
	params := []string{
		"protocol=" + protocol,
		fmt.Sprintf("flows=%d", rapid.IntRange(1, modelnic.MaxFlows).Draw(rt, "flows")),
		fmt.Sprintf("conns=%d", rapid.IntRange(1, modelnic.MaxConns).Draw(rt, "conns")),
		fmt.Sprintf("buffer=%d", rapid.IntRange(1, modelnic.MaxBuffer).Draw(rt, "buffer")),
		fmt.Sprintf("fifo=%d", rapid.IntRange(1, modelnic.MaxFIFO).Draw(rt, "fifo")),
		fmt.Sprintf("batch=%d", rapid.SampledFrom([]int{1, 2, 4}).Draw(rt, "batch")),
		"lb=" + rapid.SampledFrom([]string{"static", "round-robin", "random", "key-hash"}).Draw(rt, "lb"),
		fmt.Sprintf("rpcs=%d", rapid.IntRange(1, modelnic.MaxRPCs).Draw(rt, "rpcs")),
	}
	params = override(params, d.params)
	v, err := spec.ParseParams(modelnic.Params, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := modelnic.New(v, bug)
	if err != nil {
		rt.Skip(err) // a combination the model refuses
	}
	faults, err := implnic.BugFaults(bug)
	if err != nil {
		rt.Fatal(err)
	}
	if d.mutant != nil {
		faults = *d.mutant
	}
	h, err := newNICHarness(m, faults, m.Dagger)
	if err != nil {
		rt.Fatal(err)
	}
	s := m.Init()[0]
	w := newWalkLog("nic", v.Assignments(), bug, checker.New(m, checker.Options{}), m.Actions(), s)
	fail := func(format string, args ...any) {
		rt.Fatalf("%s\nconfiguration %s --bug %q, impl faults %s; %s", fmt.Sprintf(format, args...),
			strings.Join(params, " "), bug, faults, sink.keep(w))
	}
	if diff := h.compare(s); diff != "" {
		fail("initial states differ: %s", diff)
	}
	actions := map[string]func(*rapid.T){
		"": func(rt *rapid.T) {
			if diff := h.compare(s); diff != "" {
				fail("after step %d (%s): %s", len(w.walk)-1, w.walk[len(w.walk)-1].Label(), diff)
			}
		},
		// The model has stopped (every RPC arrived and delivered or
		// dropped; only the control plane could move): the walk ends.
		"quiescent": func(rt *rapid.T) {
			if len(nicMoves(m, s, -1)) > 0 {
				rt.Skip("the model can move")
			}
		},
	}
	for kind, k := range m.Actions() {
		actions[k.Name] = func(rt *rapid.T) {
			moves := nicMoves(m, s, kind)
			if len(moves) == 0 {
				rt.Skip("not enabled")
			}
			mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, k.Name)]
			st := w.add(mv.a, mv.s)
			out := h.step(k.Name, mv.a)
			s = mv.s
			if strings.HasPrefix(out, "diverged") {
				fail("step %d (%s): the implementation %s", len(w.walk)-1, st.Label(), out)
			}
		}
	}
	rt.Repeat(actions)
	return len(w.walk) - 1
}

// bugNames lists the bug names of a catalogue.
func bugNames(bugs []spec.Bug) []string {
	var out []string
	for _, b := range bugs {
		out = append(out, b.Name)
	}
	return out
}

// replayNIC replays a kept NIC walk (a behaviour without violation):
// the implementation must follow it to its end.
func replayNIC(f *trace.File) error {
	res, err := Replay(f, "")
	if err != nil {
		return err
	}
	if res.Outcome == Diverged {
		return fmt.Errorf("%s", res.Reason)
	}
	return nil
}
