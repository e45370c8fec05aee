package system

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
	"github.com/daggercheck/daggercheck/impl/transport"
	modelsystem "github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// The transports against the system model, step by step. rapid draws a
// configuration of model/system (transport, clients, calls, fault budget,
// retries, a server flow per connection or one shared by all) and then,
// with t.Repeat, actions of the model: each Repeat action is a group of
// the model's action kinds (xportGroups) and picks one of the group's
// instances the model enables now (a group with none is skipped). Every
// model step is mapped onto impl/transport's endpoints by the harness
// Replay uses (replay.go: the mapping and the abstraction are documented
// there), and after every step the implementation's abstract state must
// equal the model's.
//
// One step is left out (xportMoves): a data frame two or more behind its
// receiver is lost but never delivered, as Reliable's cumulative ack
// differs from the model's there (TestTransportStaleDuplicateAck).
//
// Run longer with -rapid.checks=N; a failure prints its seed, and is
// written as a trace file under testdata/rapid/ that TestReplayRapidFailures
// replays.
func TestTransportConformsToSystemModel(t *testing.T) {
	bridgetest.Conform(t, func(rt *rapid.T, sink *bridgetest.Sink) int { return xportWalk(rt, xportDraw{}, sink) })
}

// xportDraw fixes what a walk would otherwise draw: the mutation check
// sets the implementation's faults (and the parameters they need to
// show).
type xportDraw struct {
	faults *systemFaults // injected; nil: none
	params []string      // drawn parameters overridden
}

// drawConfig draws a configuration of model/system.
func drawConfig(rt *rapid.T, d xportDraw) []string {
	udp := d.faults == nil && rapid.Bool().Draw(rt, "udp")
	clients := rapid.IntRange(1, 3).Draw(rt, "clients")
	// A server flow per connection, or one shared by all.
	flows := rapid.SampledFrom([]int{1, clients}).Draw(rt, "server-flows")
	params := []string{
		"transport=" + map[bool]string{true: "udp", false: "reliable"}[udp],
		fmt.Sprintf("clients=%d", clients),
		fmt.Sprintf("calls=%d", rapid.IntRange(1, 3).Draw(rt, "calls")),
		fmt.Sprintf("losses=%d", rapid.IntRange(0, 2).Draw(rt, "losses")),
		fmt.Sprintf("dups=%d", rapid.IntRange(0, 2).Draw(rt, "dups")),
		fmt.Sprintf("reorders=%d", rapid.IntRange(0, 2).Draw(rt, "reorders")),
		fmt.Sprintf("retries=%d", rapid.IntRange(0, 2).Draw(rt, "retries")),
		fmt.Sprintf("server-flows=%d", flows),
	}
	return bridgetest.Override(params, d.params)
}

// xportWalk draws a configuration and a walk and compares impl with the
// model after every step; it returns the steps taken.
func xportWalk(rt *rapid.T, d xportDraw, sink *bridgetest.Sink) int {
	v, m := bridgetest.Build(rt, modelsystem.Params, modelsystem.New, drawConfig(rt, d), "")
	var faults systemFaults
	if d.faults != nil {
		faults = *d.faults
	}
	h, err := newXport(m, faults)
	if err != nil {
		rt.Fatal(err)
	}
	w := bridgetest.NewWalk(rt, sink, "system", v, "", m, h.compare, "")
	w.CheckInit()
	// The model has stopped (every call completed, or given up): so has
	// the implementation.
	actions := w.Actions(func(rt *rapid.T) {
		if len(xportMoves(m, w.State, -1)) > 0 {
			rt.Skip("the model can move")
		}
		blocked := false
		m.Next(w.State, func(checker.Action, modelsystem.State) { blocked = true })
		if blocked {
			return // only a stale duplicate's delivery is left (see xportMoves): the walk ends here
		}
		if n := h.unacked(); n != 0 {
			w.Fail("the model has stopped, the implementation has %d frames unacknowledged", n)
		}
	})
	for group, kinds := range xportGroups {
		actions[group] = func(rt *rapid.T) { w.Take(rt, group, groupMoves(m, w.State, kinds), h.step) }
	}
	rt.Repeat(actions)
	return w.Steps()
}

// groupMoves are the moves the implementation can follow (xportMoves) of
// the model's action kinds named.
func groupMoves(m *modelsystem.Model, s modelsystem.State, kinds []string) []bridge.Move[modelsystem.State] {
	var moves []bridge.Move[modelsystem.State]
	for _, mv := range xportMoves(m, s, -1) {
		if slices.Contains(kinds, m.Actions()[mv.Action.Kind].Name) {
			moves = append(moves, mv)
		}
	}
	return moves
}

// xportGroups are the Repeat actions: the model's action kinds grouped by
// who acts, so that rapid, which draws Repeat keys uniformly and retries a
// skipped one, mostly finds one enabled.
var xportGroups = map[string][]string{
	"client":  {"call", "nic-send", "retry", "give-up", "complete"},
	"server":  {"server-exec", "server-send"},
	"timer":   {"retransmit", "server-retransmit"},
	"network": {"deliver", "reorder"},
	"fault":   {"lose", "duplicate"},
}

// replayXport replays a system trace on the transport, the trace's bug
// injected, and returns the first divergence (the failure files rapid
// keeps, and the scenarios written by hand).
func replayXport(f *trace.File) error {
	res, err := Replay(f, "")
	if err != nil {
		return err
	}
	if res.Outcome == bridge.Diverged {
		return errors.New(res.Reason)
	}
	return nil
}

// labelled builds a system trace from step labels ("deliver dir=0
// conn=0 ..."), for scenarios written by hand.
func labelled(params []string, labels ...string) *trace.File {
	f := &trace.File{Model: "system", Params: params, Outcome: trace.Outcome{Result: "ok", LoopStart: -1}}
	f.Steps = append(f.Steps, trace.Step{Action: "init"})
	for i, l := range labels {
		words := strings.Fields(l)
		st := trace.Step{Action: words[0], Line: i + 1}
		for _, w := range words[1:] {
			k, v, _ := strings.Cut(w, "=")
			n := 0
			fmt.Sscan(v, &n)
			st.Args = append(st.Args, checker.Arg{Name: k, Value: n})
		}
		f.Steps = append(f.Steps, st)
	}
	return f
}

// TestTransportStaleDuplicateAck pins the one step where Reliable and the
// model's transport part ways (found by TestTransportConformsToSystemModel
// before xportMoves left the step out): a duplicate of call0's frame,
// delayed until after call1's frame arrived, is acknowledged by the model
// with its own number (ack seq=0, which the client ignores) and by
// Reliable cumulatively (ack seq=1). Both drop the duplicate and neither
// runs a call twice; but Reliable's ack can acknowledge a newer frame
// whose own ack is still on its way or lost, which the model's cannot.
func TestTransportStaleDuplicateAck(t *testing.T) {
	f := labelled([]string{"clients=1", "calls=2", "losses=0", "dups=1", "reorders=1", "server-flows=1"},
		"call client=0",
		"nic-send client=0",
		"duplicate dir=0 conn=0 kind=1 seq=0 call=1",
		"deliver dir=0 conn=0 kind=1 seq=0 call=1",
		"deliver dir=1 conn=0 kind=2 seq=0 call=0",
		"server-exec flow=0",
		"server-send flow=0",
		"deliver dir=1 conn=0 kind=1 seq=0 call=1",
		"complete client=0",
		"call client=0",
		"nic-send client=0",
		"reorder dir=0 conn=0 kind=1 seq=1 call=2",
		"deliver dir=0 conn=0 kind=1 seq=0 call=1", // the stale duplicate
	)
	err := replayXport(f)
	if err == nil {
		t.Fatal("the implementation followed the model through the stale duplicate's arrival: has Reliable's ack stopped being cumulative? Then let xportMoves take the step")
	}
	want := "step 13 (deliver c0->s data seq=0 call0): frames in flight: model [c0->s ack seq=0, s->c0 ack seq=0, s->c0 ack seq=1], impl [c0->s ack seq=0, s->c0 ack seq=1, s->c0 ack seq=1]"
	if err.Error() != want {
		t.Fatalf("diverged elsewhere:\n got %s\nwant %s", err, want)
	}
	// Up to the step before, the two agree.
	f.Steps = f.Steps[:len(f.Steps)-1]
	if err := replayXport(f); err != nil {
		t.Fatal(err)
	}
}

// Walks the conformance tests once found failing are kept as traces of
// behaviours (outcome ok), and so are scenarios written by hand: the
// transport, the trace's bug injected, must follow each to its end.
func TestReplayRapidFailures(t *testing.T) {
	bridgetest.ReplayKept(t, replayXport)
}

// The mutation check for the transports: each bug of model/system's
// catalogue is a fault the implementation can inject (impl/transport's
// ReliableFaults, or impl/nic's response-balanced at the client host's
// NIC for response-misrouted), found by the transport's conformance walk
// (bridgetest.FindMutants).
func TestMutantsAreFound(t *testing.T) {
	// What each transport fault needs to show: ack-before-delivery a
	// server flow shared by two connections (one's call fills the ring
	// while the other's arrives), response-misrouted two clients, the
	// others what model/system's catalogue says its bug needs.
	needs := map[string][]string{
		"ack-before-delivery": {"clients=2", "server-flows=1"},
		"response-misrouted":  {"clients=2"},
	}
	var mutants []bridgetest.Mutant
	for _, b := range modelsystem.Bugs {
		var f systemFaults
		if b.Name == "response-misrouted" {
			f.misrouted = true // impl/nic's response-balanced at the client host's NIC
		} else {
			var err error
			if f.xport, err = transport.BugFaults(b.Name); err != nil {
				t.Fatalf("model/system's bug %s: %v", b.Name, err)
			}
		}
		params := append(slices.Clone(needs[b.Name]), b.Params...)
		mutants = append(mutants, bridgetest.Mutant{Name: "transport/" + b.Name, What: fmt.Sprintf("the transport property, model correct %s, impl faults %s", strings.Join(append([]string{"transport=reliable"}, params...), " "), f),
			Walk: func(rt *rapid.T, sink *bridgetest.Sink) { xportWalk(rt, xportDraw{faults: &f, params: params}, sink) }})
	}
	for _, b := range transport.Bugs {
		if !slices.ContainsFunc(modelsystem.Bugs, func(x spec.Bug) bool { return x.Name == b }) {
			t.Errorf("impl/transport's fault %s is not a bug of model/system's catalogue", b)
		}
	}
	bridgetest.FindMutants(t, mutants)
}

func BenchmarkTransportConformance(b *testing.B) {
	bridgetest.Bench(b, func(rt *rapid.T, s *bridgetest.Sink) int { return xportWalk(rt, xportDraw{}, s) })
}
