package checker_test

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/grid"
)

// cancelInGoal cancels a context on the at-th evaluation of a liveness
// property's goal, which the liveness check evaluates once a state while
// it builds the graph.
type cancelInGoal struct {
	checker.Model[grid.State]
	calls  *atomic.Int64
	at     int64
	cancel context.CancelFunc
}

func (m cancelInGoal) Properties() []checker.Property[grid.State] {
	props := m.Model.Properties()
	for i := range props {
		if props[i].Kind.Liveness() {
			goal := props[i].Holds
			props[i].Holds = func(s grid.State) bool {
				if m.calls.Add(1) == m.at {
					m.cancel()
				}
				return goal(s)
			}
		}
	}
	return props
}

func statusOf(t *testing.T, res *checker.Result) map[string]checker.Status {
	t.Helper()
	out := map[string]checker.Status{}
	for _, st := range res.Statuses {
		out[st.Property] = st.Status
	}
	return out
}

// A run interrupted in the liveness check explored every state: it says
// so, judges the safety properties (with their witnesses) and leaves the
// liveness properties not judged, naming the phase it was in.
func TestInterruptedLivenessKeepsSafety(t *testing.T) {
	// 10,000 states: the graph's builder looks at ctx every 4,096. The
	// wrappers hide the grid's Terminal, so its corner would deadlock.
	g := newGrid(t, 4, 9, "")
	opts := checker.Options{Workers: 2, AllowDeadlock: true}
	full := run(t, g, opts, "bfs")
	safety := map[string]checker.Status{"in-bounds": checker.Holds, "corner-reachable": checker.Holds,
		"reaches-corner": checker.NotJudged}
	for _, tc := range []struct {
		phase checker.Phase
		model func(context.CancelFunc) checker.Model[grid.State]
	}{
		{checker.PhaseGraph, func(cancel context.CancelFunc) checker.Model[grid.State] {
			// The safety search calls Next once a state, the graph's builder again.
			return cancelAfter[grid.State]{Model: g, calls: new(atomic.Int64), at: int64(full.Stats.Distinct) + 10, cancel: cancel}
		}},
		{checker.PhaseComponents, func(cancel context.CancelFunc) checker.Model[grid.State] {
			// At the last state, which the builder finds after its last
			// look at ctx (at 8,192 states expanded): the next phase sees it.
			return cancelInGoal{Model: g, calls: new(atomic.Int64), at: int64(full.Stats.Distinct), cancel: cancel}
		}},
	} {
		for _, verb := range []string{"bfs", "dfs"} {
			cctx, cancel := context.WithCancel(ctx)
			c := checker.New(tc.model(cancel), opts)
			res, err := map[string]func(context.Context) (*checker.Result, error){"bfs": c.BFS, "dfs": c.DFS}[verb](cctx)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != checker.Incomplete || !res.SafetyComplete || res.Phase != tc.phase {
				t.Fatalf("%s, %s: %v (%s) in %s, safety complete %v", verb, tc.phase, res.Verdict, res.Reason, res.Phase, res.SafetyComplete)
			}
			if got := statusOf(t, res); !reflect.DeepEqual(got, safety) {
				t.Fatalf("%s, %s: statuses %v, want %v", verb, tc.phase, got, safety)
			}
			if verb == "bfs" && (len(res.Witnesses) != 1 || res.Stats.Distinct != full.Stats.Distinct) {
				t.Fatalf("%s: %d witnesses, %d states; want corner-reachable's and %d", tc.phase, len(res.Witnesses), res.Stats.Distinct, full.Stats.Distinct)
			}
		}
	}
}

// Every property gets a status: all hold in a complete run; a safety
// violation leaves the others not judged; a liveness violation comes
// after the safety search, whose properties hold; an interrupted safety
// search judges nothing.
func TestStatuses(t *testing.T) {
	h, v, n := checker.Holds, checker.Violated, checker.NotJudged
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		bug   string
		ctx   context.Context
		phase checker.Phase
		want  [4]checker.Status // in-bounds, corner-reachable, reaches-corner, deadlock
	}{
		{"", ctx, checker.PhaseDone, [4]checker.Status{h, h, h, h}},
		{"overflow", ctx, checker.PhaseSafety, [4]checker.Status{v, n, n, n}},
		{"undo", ctx, checker.PhaseComponents, [4]checker.Status{h, h, v, h}},
		{"", cancelled, checker.PhaseSafety, [4]checker.Status{n, n, n, n}},
	} {
		res, err := checker.New(newGrid(t, 2, 3, tc.bug), checker.Options{}).BFS(tc.ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := statusOf(t, res)
		if res.Phase != tc.phase || [4]checker.Status{got["in-bounds"], got["corner-reachable"], got["reaches-corner"], got["deadlock"]} != tc.want {
			t.Fatalf("bug %q: phase %s, statuses %v; want %s, %v", tc.bug, res.Phase, got, tc.phase, tc.want)
		}
	}
	res := run(t, newGrid(t, 2, 3, ""), checker.Options{SkipLiveness: true, AllowDeadlock: true}, "bfs")
	if got := statusOf(t, res); len(got) != 3 || got["reaches-corner"] != n || got["in-bounds"] != h {
		t.Fatalf("skipped liveness, deadlocks allowed: %v", got)
	}
}
