package handshake

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/checker"
	implhs "github.com/daggercheck/daggercheck/impl/handshake"
	modelhs "github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/spec"
)

// The cores against the handshake model, step by step. rapid draws a
// configuration of model/handshake (calls, window, restarts of either
// side, a close, the network's fault budget, the server's expiries: two
// walks in three allow some) and then, with t.Repeat, actions of the
// model: each Repeat action is a group of the model's action kinds
// (groups) and picks one of the group's instances the model enables now.
// Every model step is mapped onto the cores as Replay maps it
// (replay.go), and after every step the implementation's abstract state
// must equal the model's.
//
// Run longer with -rapid.checks=N; a failure prints its seed, and is
// written as a trace file under testdata/rapid/ that
// TestReplayRapidFailures replays.
func TestCoresConformToHandshakeModel(t *testing.T) {
	bridgetest.Conform(t, func(rt *rapid.T, sink *bridgetest.Sink) int { return walk(rt, nil, nil, sink) })
}

// groups are the Repeat actions: the model's action kinds grouped by who
// acts, and "any" of them, so that rapid always finds one enabled while
// the model can move (it gives up after 100 skipped draws in a row).
var groups = map[string][]string{
	"client":  {"open", "call", "close"},
	"timer":   {"hello-timeout", "call-timeout", "close-timeout"},
	"restart": {"client-restart", "server-restart", "server-expire"}, // the processes' lifecycles
	"network": {"deliver", "reorder"},
	"fault":   {"lose", "duplicate"},
	"any":     nil,
}

// drawConfig draws a configuration of model/handshake.
func drawConfig(rt *rapid.T) []string {
	n := func(name string, lo, hi int) string {
		return fmt.Sprintf("%s=%d", name, rapid.IntRange(lo, hi).Draw(rt, name))
	}
	return []string{n("calls", 1, 3), n("window", 1, 2), n("client-restarts", 0, 2), n("server-restarts", 0, 2),
		n("closes", 0, 1), n("losses", 0, 2), n("dups", 0, 2), n("reorders", 0, 2), n("expiries", 0, 2)}
}

// walk draws a configuration and a walk of the correct model and
// compares the cores (with faults injected, if not nil) after every step;
// it returns the steps taken.
func walk(rt *rapid.T, faults *implhs.Faults, params []string, sink *bridgetest.Sink) int {
	v, m := bridgetest.Build(rt, modelhs.Params, modelhs.New, bridgetest.Override(drawConfig(rt), params), "")
	var f implhs.Faults
	if faults != nil {
		f = *faults
	}
	h, err := newHarness(m, f)
	if err != nil {
		rt.Fatal(err)
	}
	w := bridgetest.NewWalk(rt, sink, "handshake", v, "", m, h.compare, "impl faults: "+f.String()+"\n")
	w.CheckInit()
	actions := w.Actions(func(rt *rapid.T) {
		if len(bridge.Moves(m, w.State, nil)) > 0 {
			rt.Skip("the model can move")
		}
	})
	for group, names := range groups {
		actions[group] = func(rt *rapid.T) {
			moves := bridge.Moves(m, w.State, func(a checker.Action, _ modelhs.State) bool {
				return names == nil || slices.Contains(names, m.Actions()[a.Kind].Name)
			})
			if names == nil && len(moves) == 0 {
				return // the model has stopped: nothing to take, and nothing to skip
			}
			w.Take(rt, group, moves, h.step)
		}
	}
	rt.Repeat(actions)
	return w.Steps()
}

// mutantParams narrow the walks that look for a fault to what it needs,
// as its catalogue entry tells: a duplicate HELLO that arrives after a
// call ran needs a duplicate and a reorder; a frame of an old
// incarnation that reaches the next one's connection needs a restart of
// either side and a duplicate or a reorder. Other budgets would only
// dilute the draw: without the narrowing each is found in about four runs
// of five, with it in every one of 60.
var mutantParams = map[string][]string{
	spec.BugDuplicateHelloOpensTwice: {"client-restarts=0", "server-restarts=0", "closes=0", "losses=0", "dups=1", "reorders=1", "expiries=0"},
	spec.BugIgnoreIncarnation:        {"calls=2", "client-restarts=1", "server-restarts=1", "closes=0", "losses=0", "dups=1", "reorders=1", "expiries=0"},
}

// Every fault the cores can inject is found by a conformance walk of the
// correct model within rapid's default budget.
func TestMutantsAreFound(t *testing.T) {
	// A fault shows only some steps into a handshake (a restart, a late
	// packet): let each walk take up to 100 steps.
	if f := flag.Lookup("rapid.steps"); f != nil {
		old := f.Value.String()
		if err := f.Value.Set("100"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Value.Set(old) })
	}
	var mutants []bridgetest.Mutant
	for _, name := range implhs.Bugs {
		f, err := implhs.BugFaults(name)
		if err != nil {
			t.Fatal(err)
		}
		mutants = append(mutants, bridgetest.Mutant{Name: name, What: "the correct model against the cores with " + name,
			Walk: func(rt *rapid.T, sink *bridgetest.Sink) { walk(rt, &f, mutantParams[name], sink) }})
	}
	bridgetest.FindMutants(t, mutants)
}

// The walks the conformance test once found failing replay now.
func TestReplayRapidFailures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "rapid", "*", "*.trace"))
	for _, path := range paths {
		res, err := Replay(bridgetest.ParseFile(t, path), "")
		if err == nil && res.Outcome == bridge.Diverged {
			err = errors.New(res.Reason)
		}
		if err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func BenchmarkConformance(b *testing.B) {
	bridgetest.Bench(b, func(rt *rapid.T, sink *bridgetest.Sink) int { return walk(rt, nil, nil, sink) })
}
