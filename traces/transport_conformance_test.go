package traces

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/daggercheck/daggercheck/model/system"
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
// replaySystemTrace uses (traces/replay_system.go: the mapping and the
// abstraction are documented there), and after every step the
// implementation's abstract state must equal the model's.
//
// One step is left out (xportMoves): a data frame two or more behind its
// receiver is lost but never delivered, as Reliable's cumulative ack
// differs from the model's there (TestTransportStaleDuplicateAck).
//
// Run longer with -rapid.checks=N; a failure prints its seed, and is
// written as a trace file under testdata/rapid/ that TestReplayRapidFailures
// replays.
func TestTransportConformsToSystemModel(t *testing.T) {
	sink := &failureSink{dir: rapidDir("TestTransportConformsToSystemModel")}
	var walks, steps int
	defer logRate(t, time.Now(), &walks, &steps)
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		steps += xportWalk(rt, xportDraw{}, sink)
	})
}

// xportDraw fixes what a walk would otherwise draw: the mutation check
// sets the implementation's faults (and the parameters they need to
// show).
type xportDraw struct {
	faults *systemFaults // injected; nil: none
	params []string      // drawn parameters overridden
}

// xportWalk draws a configuration and a walk and compares impl with the
// model after every step; it returns the steps taken.
func xportWalk(rt *rapid.T, d xportDraw, sink *failureSink) int {
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
	params = override(params, d.params)
	v, err := spec.ParseParams(system.Params, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := system.New(v, "")
	if err != nil {
		rt.Skip(err) // a combination the model refuses
	}
	var faults systemFaults
	if d.faults != nil {
		faults = *d.faults
	}
	h, err := newXport(m, faults)
	if err != nil {
		rt.Fatal(err)
	}
	s := m.Init()[0]
	w := newWalkLog("system", v.Assignments(), "", checker.New(m, checker.Options{}), m.Actions(), s)
	fail := func(format string, args ...any) {
		rt.Fatalf("%s\n%s", fmt.Sprintf(format, args...), sink.keep(w))
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
		// The model has stopped (every call completed, or given up): so
		// has the implementation.
		"quiescent": func(rt *rapid.T) {
			if len(xportMoves(m, s, -1)) > 0 {
				rt.Skip("the model can move")
			}
			blocked := false
			m.Next(s, func(checker.Action, system.State) { blocked = true })
			if blocked {
				return // only a stale duplicate's delivery is left (see xportMoves): the walk ends here
			}
			if n := h.unacked(); n != 0 {
				fail("the model has stopped, the implementation has %d frames unacknowledged", n)
			}
		},
	}
	for group, kinds := range xportGroups {
		actions[group] = func(rt *rapid.T) {
			var moves []xportMove
			for _, mv := range xportMoves(m, s, -1) {
				if slices.Contains(kinds, m.Actions()[mv.a.Kind].Name) {
					moves = append(moves, mv)
				}
			}
			if len(moves) == 0 {
				rt.Skip("not enabled")
			}
			mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, group)]
			st := w.add(mv.a, mv.s)
			out := h.step(s, mv.a)
			s = mv.s
			if strings.HasPrefix(out, "diverged") {
				fail("step %d (%s): the implementation %s", len(w.walk)-1, st.Label(), out)
			}
		}
	}
	rt.Repeat(actions)
	return len(w.walk) - 1
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

// override replaces the key=value assignments of params named in with.
func override(params, with []string) []string {
	for _, a := range with {
		k, _, _ := strings.Cut(a, "=")
		i := slices.IndexFunc(params, func(p string) bool { return strings.HasPrefix(p, k+"=") })
		if i < 0 {
			params = append(params, a)
		} else {
			params[i] = a
		}
	}
	return params
}

// replayXport replays a system trace on the transport, the trace's bug
// injected, and returns the first divergence (the failure files rapid
// keeps, and the scenarios written by hand).
func replayXport(f *trace.File) error {
	res, err := replaySystemTrace(f, "")
	if err != nil {
		return err
	}
	if res.Outcome == Diverged {
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
	sink := &failureSink{dir: rapidDir("TestTransportOverFaultyNetworkConformsToSystemModel")}
	var walks, steps int
	var st netStats
	defer logRate(t, time.Now(), &walks, &steps)
	defer func() {
		t.Logf("the FaultyNetwork lost %d frames, duplicated %d, reordered %d; %d walks ended early (a stale duplicate, or a duplicate with the model's network full)",
			st.lost, st.duplicated, st.reordered, st.ended)
		if walks >= 100 && (st.lost == 0 || st.duplicated == 0) {
			t.Errorf("the FaultyNetwork lost or duplicated nothing in %d walks: the test does not exercise faults", walks)
		}
	}()
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		steps += xportFaultyWalk(rt, sink, &st)
	})
}

// netStats count what the FaultyNetwork did over a test's walks.
type netStats struct{ lost, duplicated, reordered, ended int }

func xportFaultyWalk(rt *rapid.T, sink *failureSink, st *netStats) int {
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
	v, err := spec.ParseParams(system.Params, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := system.New(v, "")
	if err != nil {
		rt.Fatal(err)
	}
	h, err := newXport(m, systemFaults{})
	if err != nil {
		rt.Fatal(err)
	}
	h.net = transport.NewFaultyNetwork(cfg)
	s := m.Init()[0]
	w := newWalkLog("system", v.Assignments(), "", checker.New(m, checker.Options{}), m.Actions(), s)
	fail := func(format string, args ...any) {
		rt.Fatalf("%s\nFaultyNetwork %+v; %s", fmt.Sprintf(format, args...), cfg, sink.keep(w))
	}
	// take runs one model step, the one named, on the model only: the
	// implementation's side of a network step is the FaultyNetwork's.
	ended := false // the FaultyNetwork delivered a stale duplicate (see xportMoves): the walk ends there
	take := func(name string, p system.Packet) bool {
		for _, mv := range xportMoves(m, s, -1) {
			a := mv.a
			if m.Actions()[a.Kind].Name == name && a.Args[0] == int(p.Dir) && a.Args[1] == int(p.Conn) &&
				a.Args[2] == int(p.Kind) && a.Args[3] == int(p.Seq) && a.Args[4] == int(p.Call) {
				w.add(mv.a, mv.s)
				s = mv.s
				return true
			}
		}
		return false
	}
	actions := map[string]func(*rapid.T){
		"": func(rt *rapid.T) {
			if ended {
				return
			}
			if diff := h.compare(s); diff != "" {
				fail("after step %d (%s): %s", len(w.walk)-1, w.walk[len(w.walk)-1].Label(), diff)
			}
			left := h.net.Budget()
			used := func(n int) int { return n - int(s.Reorders) }(budget.Reorder + budget.Duplicate)
			switch {
			case left.Lose != int(s.Losses) || left.Duplicate != int(s.Dups):
				fail("fault budget: model lose=%d dup=%d left, FaultyNetwork %s", s.Losses, s.Dups, left)
			case used > (budget.Reorder-left.Reorder)+(budget.Duplicate-left.Duplicate):
				fail("the model used %d reorders, the FaultyNetwork reordered %d and duplicated %d", used,
					budget.Reorder-left.Reorder, budget.Duplicate-left.Duplicate)
			}
		},
		"network": func(rt *rapid.T) {
			if ended || h.net.InFlight() == 0 {
				rt.Skip("nothing in flight")
			}
			ev, _ := h.net.Step()
			if ev.Err != nil {
				fail("the FaultyNetwork carried a malformed frame: %v", ev.Err)
			}
			dir, conn := xToServer, int(ev.Frame.Conn)
			if strings.HasPrefix(ev.From, "s") {
				dir = xToClient
			}
			b, err := transport.EncodeFrame(ev.Frame)
			if err != nil {
				fail("%v", err)
			}
			p, err := h.abstract(dir, b)
			if err != nil {
				fail("%v", err)
			}
			h.untrack(dir, conn, p)
			key := p
			key.Result = 0 // the model's network actions do not name the result
			faults := strings.Split(ev.Fault, "+")
			for _, f := range faults {
				switch f {
				case "lose":
					st.lost++
				case "duplicate":
					st.duplicated++
				case "reorder":
					st.reordered++
				}
			}
			switch {
			case slices.Contains(faults, "lose"):
				if !take("lose", key) {
					fail("the FaultyNetwork lost %s (%s); the model cannot", p, ev)
				}
				return
			case slices.Contains(faults, "duplicate"):
				if s.N == system.MaxNet {
					// The model's network holds at most MaxNet packets, so
					// it cannot duplicate now; the walk ends here.
					ended = true
					st.ended++
					return
				}
				if !take("duplicate", key) {
					fail("the FaultyNetwork duplicated %s (%s); the model cannot", p, ev)
				}
				h.track(dir, conn, p) // the copy left in flight
			}
			if p.Kind == xData && staleDuplicate(s, dir, conn, int(p.Seq)) {
				ended = true
				st.ended++
				return
			}
			if !take("deliver", key) && !take("reorder", key) {
				fail("the FaultyNetwork delivered %s (%s); the model can neither deliver nor reorder it", p, ev)
			}
			if out := h.receive(dir, conn, ev.Frame); strings.HasPrefix(out, "diverged") {
				fail("Receive %s: %s", ev, out)
			}
			if out := h.flush(1-dir, conn); strings.HasPrefix(out, "diverged") {
				fail("%s", out)
			}
		},
		"quiescent": func(rt *rapid.T) {
			if ended {
				return
			}
			if len(xportMoves(m, s, -1)) > 0 || h.net.InFlight() > 0 {
				rt.Skip("the model or the network can move")
			}
			if n := h.unacked(); n != 0 {
				fail("the model has stopped, the implementation has %d frames unacknowledged", n)
			}
		},
	}
	for _, group := range []string{"client", "server", "timer"} {
		kinds := xportGroups[group]
		actions[group] = func(rt *rapid.T) {
			var moves []xportMove
			for _, mv := range xportMoves(m, s, -1) {
				if slices.Contains(kinds, m.Actions()[mv.a.Kind].Name) {
					moves = append(moves, mv)
				}
			}
			if ended || len(moves) == 0 {
				rt.Skip("not enabled")
			}
			mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, group)]
			st := w.add(mv.a, mv.s)
			out := h.step(s, mv.a)
			s = mv.s
			if strings.HasPrefix(out, "diverged") {
				fail("step %d (%s): the implementation %s", len(w.walk)-1, st.Label(), out)
			}
		}
	}
	rt.Repeat(actions)
	return len(w.walk) - 1
}
