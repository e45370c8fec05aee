package system

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/impl/transport"
	modelsystem "github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
)

// The transports over impl/transport's FaultyNetwork against the system
// model. The endpoints' steps are drawn from those the model enables, as
// in TestTransportConformsToSystemModel; the network's step is the
// FaultyNetwork's own (Step: a channel and, by its seeded PCG, a frame
// and the faults to inject), and the model must allow what it did:
//
//	FaultyNetwork event              model steps
//	delivered                        deliver p (reorder p if p is not at
//	                                 the head of its channel in the model)
//	[reorder] delivered              the same
//	[...+lose]                       lose p
//	[...+duplicate] (delivered, a    duplicate p, then deliver or reorder p
//	copy left in flight)
//
// The frames in flight are compared as a multiset with the model's: the
// FaultyNetwork does not show its queues, so the test keeps the multiset
// from what the endpoints sent and what each Step took, and checks its
// size against InFlight. The fault budgets: lose and duplicate are
// compared exactly; a duplicate's copy goes to a random place in its
// channel (the model appends it), so taking it early is a reorder in the
// model's eyes that the FaultyNetwork does not count — the model gets the
// reorder budget plus the duplicate budget, and the test checks that it
// used at most as many reorders as the FaultyNetwork reordered and
// duplicated. One client (and, under udp, one retry) keeps the model's
// network of MaxNet packets mostly from filling; where it is full the
// model cannot duplicate and the FaultyNetwork still can, and the walk
// ends there, as it does where the FaultyNetwork delivers a stale
// duplicate (see xportMoves).
func TestTransportOverFaultyNetworkConformsToSystemModel(t *testing.T) {
	var st netStats
	walks := bridgetest.Conform(t, func(rt *rapid.T, sink *bridgetest.Sink) int { return xportFaultyWalk(rt, sink, &st) })
	t.Logf("the FaultyNetwork lost %d frames, duplicated %d, reordered %d; %d walks ended early (a stale duplicate, or a duplicate with the model's network full)",
		st.lost, st.duplicated, st.reordered, st.ended)
	if walks >= 100 && (st.lost == 0 || st.duplicated == 0) {
		t.Errorf("the FaultyNetwork lost or duplicated nothing in %d walks: the test does not exercise faults", walks)
	}
}

func BenchmarkTransportOverFaultyNetworkConformance(b *testing.B) {
	var st netStats
	bridgetest.Bench(b, func(rt *rapid.T, s *bridgetest.Sink) int { return xportFaultyWalk(rt, s, &st) })
}

// netStats count what the FaultyNetwork did over a test's walks.
type netStats struct{ lost, duplicated, reordered, ended int }

// faultyWalk is one walk of the transports over a FaultyNetwork.
type faultyWalk struct {
	*bridgetest.Walk[modelsystem.State]
	m      *modelsystem.Model
	h      *xport
	budget transport.Faults
	st     *netStats
	ended  bool // the FaultyNetwork delivered a stale duplicate (see xportMoves): the walk ends there
}

// drawFaulty draws the FaultyNetwork's configuration and the system
// model's parameters that match it.
func drawFaulty(rt *rapid.T) (transport.FaultConfig, []string) {
	udp := rapid.Bool().Draw(rt, "udp")
	budget := transport.Faults{
		Lose:      rapid.IntRange(0, 3).Draw(rt, "losses"),
		Duplicate: rapid.IntRange(0, 1).Draw(rt, "dups"),
		Reorder:   rapid.IntRange(0, 2).Draw(rt, "reorders"),
	}
	prob := rapid.SampledFrom([]float64{0, 0.2, 0.5})
	cfg := transport.FaultConfig{
		Seed1: rapid.Uint64().Draw(rt, "seed1"), Seed2: rapid.Uint64().Draw(rt, "seed2"),
		Lose: prob.Draw(rt, "p-lose"), Duplicate: prob.Draw(rt, "p-dup"), Reorder: prob.Draw(rt, "p-reorder"),
		Budget: budget,
	}
	params := []string{
		"transport=" + map[bool]string{true: "udp", false: "reliable"}[udp],
		"clients=1", "server-flows=1",
		fmt.Sprintf("calls=%d", rapid.IntRange(1, 3).Draw(rt, "calls")),
		fmt.Sprintf("losses=%d", budget.Lose),
		fmt.Sprintf("dups=%d", budget.Duplicate),
		fmt.Sprintf("reorders=%d", budget.Reorder+budget.Duplicate),
		fmt.Sprintf("retries=%d", rapid.IntRange(0, 1).Draw(rt, "retries")),
	}
	return cfg, params
}

func xportFaultyWalk(rt *rapid.T, sink *bridgetest.Sink, st *netStats) int {
	cfg, params := drawFaulty(rt)
	v, err := spec.ParseParams(modelsystem.Params, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := modelsystem.New(v, "")
	if err != nil {
		rt.Fatal(err)
	}
	h, err := newXport(m, systemFaults{})
	if err != nil {
		rt.Fatal(err)
	}
	h.net = transport.NewFaultyNetwork(cfg)
	w := &faultyWalk{m: m, h: h, budget: cfg.Budget, st: st,
		Walk: bridgetest.NewWalk(rt, sink, "system", v, "", m, h.compare, fmt.Sprintf("FaultyNetwork %+v; ", cfg))}
	actions := map[string]func(*rapid.T){"": w.check, "network": w.network, "quiescent": w.quiescent}
	for _, group := range []string{"client", "server", "timer"} {
		kinds := xportGroups[group]
		actions[group] = func(rt *rapid.T) {
			if w.ended {
				rt.Skip("not enabled")
			}
			w.Take(rt, group, groupMoves(m, w.State, kinds), h.step)
		}
	}
	rt.Repeat(actions)
	return w.Steps()
}

// check compares the states after a step, and the fault budgets.
func (w *faultyWalk) check(*rapid.T) {
	if w.ended {
		return
	}
	if diff := w.h.compare(w.State); diff != "" {
		w.Fail("after step %d (%s): %s", w.Steps(), w.Last().Label(), diff)
	}
	s, budget := w.State, w.budget
	left := w.h.net.Budget()
	used := budget.Reorder + budget.Duplicate - int(s.Reorders)
	switch {
	case left.Lose != int(s.Losses) || left.Duplicate != int(s.Dups):
		w.Fail("fault budget: model lose=%d dup=%d left, FaultyNetwork %s", s.Losses, s.Dups, left)
	case used > (budget.Reorder-left.Reorder)+(budget.Duplicate-left.Duplicate):
		w.Fail("the model used %d reorders, the FaultyNetwork reordered %d and duplicated %d", used,
			budget.Reorder-left.Reorder, budget.Duplicate-left.Duplicate)
	}
}

// quiescent ends the walk where neither the model nor the network can
// move; the implementation must have nothing unacknowledged.
func (w *faultyWalk) quiescent(rt *rapid.T) {
	if w.ended {
		return
	}
	if len(xportMoves(w.m, w.State, -1)) > 0 || w.h.net.InFlight() > 0 {
		rt.Skip("the model or the network can move")
	}
	if n := w.h.unacked(); n != 0 {
		w.Fail("the model has stopped, the implementation has %d frames unacknowledged", n)
	}
}

// take runs one model step, the one named, on the model only: the
// implementation's side of a network step is the FaultyNetwork's.
func (w *faultyWalk) take(name string, p modelsystem.Packet) bool {
	for _, mv := range xportMoves(w.m, w.State, -1) {
		a := mv.Action
		if w.m.Actions()[a.Kind].Name == name && a.Args[0] == int(p.Dir) && a.Args[1] == int(p.Conn) &&
			a.Args[2] == int(p.Kind) && a.Args[3] == int(p.Seq) && a.Args[4] == int(p.Call) {
			w.Add(mv.Action, mv.To)
			w.State = mv.To
			return true
		}
	}
	return false
}

// network is the FaultyNetwork's step, which the model must allow.
func (w *faultyWalk) network(rt *rapid.T) {
	if w.ended || w.h.net.InFlight() == 0 {
		rt.Skip("nothing in flight")
	}
	ev, _ := w.h.net.Step()
	if ev.Err != nil {
		w.Fail("the FaultyNetwork carried a malformed frame: %v", ev.Err)
	}
	dir, conn := xToServer, int(ev.Frame.Conn)
	if strings.HasPrefix(ev.From, "s") {
		dir = xToClient
	}
	b, err := transport.EncodeFrame(ev.Frame)
	if err != nil {
		w.Fail("%v", err)
	}
	p, err := w.h.abstract(dir, b)
	if err != nil {
		w.Fail("%v", err)
	}
	w.h.untrack(dir, conn, p)
	key := p
	key.Result = 0 // the model's network actions do not name the result
	faults := strings.Split(ev.Fault, "+")
	w.count(faults)
	switch {
	case slices.Contains(faults, "lose"):
		if !w.take("lose", key) {
			w.Fail("the FaultyNetwork lost %s (%s); the model cannot", p, ev)
		}
		return
	case slices.Contains(faults, "duplicate"):
		if w.State.N == modelsystem.MaxNet {
			// The model's network holds at most MaxNet packets, so it
			// cannot duplicate now; the walk ends here.
			w.end()
			return
		}
		if !w.take("duplicate", key) {
			w.Fail("the FaultyNetwork duplicated %s (%s); the model cannot", p, ev)
		}
		w.h.track(dir, conn, p) // the copy left in flight
	}
	if p.Kind == xData && staleDuplicate(w.State, dir, conn, int(p.Seq)) {
		w.end()
		return
	}
	if !w.take("deliver", key) && !w.take("reorder", key) {
		w.Fail("the FaultyNetwork delivered %s (%s); the model can neither deliver nor reorder it", p, ev)
	}
	if out := w.h.receive(dir, conn, ev.Frame); strings.HasPrefix(out, "diverged") {
		w.Fail("Receive %s: %s", ev, out)
	}
	if out := w.h.flush(1-dir, conn); strings.HasPrefix(out, "diverged") {
		w.Fail("%s", out)
	}
}

// count counts the faults of one FaultyNetwork step.
func (w *faultyWalk) count(faults []string) {
	for _, f := range faults {
		switch f {
		case "lose":
			w.st.lost++
		case "duplicate":
			w.st.duplicated++
		case "reorder":
			w.st.reordered++
		}
	}
}

func (w *faultyWalk) end() {
	w.ended = true
	w.st.ended++
}
