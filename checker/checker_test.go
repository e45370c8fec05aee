package checker_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/grid"
	"github.com/daggercheck/daggercheck/spec"
)

var ctx = context.Background()

func newGrid(t testing.TB, dims, size int, bug string) *grid.Model {
	t.Helper()
	v, err := spec.ParseParams(grid.Params, []string{fmt.Sprintf("dims=%d", dims), fmt.Sprintf("size=%d", size)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := grid.New(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func pow(b, e int) uint64 {
	r := uint64(1)
	for range e {
		r *= uint64(b)
	}
	return r
}

func run[S any](t testing.TB, m checker.Model[S], opts checker.Options, verb string) *checker.Result {
	t.Helper()
	c := checker.New(m, opts)
	var res *checker.Result
	var err error
	switch verb {
	case "bfs":
		res, err = c.BFS(ctx)
	case "dfs":
		res, err = c.DFS(ctx)
	case "simulate":
		res, err = c.Simulate(ctx)
	}
	if err != nil {
		t.Fatalf("%s: %v", verb, err)
	}
	return res
}

// validTrace replays a trace on the model independently of the checker:
// every step's action must be enabled in the previous state and lead to a
// state whose fields are the step's, and a lasso must close.
func validTrace[S any](t *testing.T, m checker.Model[S], tr *checker.Trace) {
	t.Helper()
	if tr == nil || len(tr.Steps) == 0 {
		t.Fatal("no trace")
	}
	fields := func(s S) []checker.Field {
		if f, ok := any(m).(checker.Formatter[S]); ok {
			return f.Fields(s)
		}
		return checker.New(m, checker.Options{}).FieldsOf(s)
	}
	var cur S
	found := false
	for _, s := range m.Init() {
		if reflect.DeepEqual(fields(s), tr.Steps[0].State) {
			cur, found = s, true
		}
	}
	if !found || tr.Steps[0].Name != "init" {
		t.Fatalf("step 0 is not an initial state: %v", tr.Steps[0])
	}
	var states []S
	states = append(states, cur)
	for i, st := range tr.Steps[1:] {
		found = false
		m.Next(cur, func(a checker.Action, s S) {
			if !found && a == st.Action && reflect.DeepEqual(fields(s), st.State) {
				cur, found = s, true
			}
		})
		if !found {
			t.Fatalf("step %d (%s) is not a transition of the model", i+1, st.Label())
		}
		states = append(states, cur)
	}
	if tr.LoopStart >= 0 && !tr.Stutter {
		if !reflect.DeepEqual(fields(states[tr.LoopStart]), fields(cur)) {
			t.Fatalf("lasso does not close: step %d differs from the last step", tr.LoopStart)
		}
	}
}

// The grid's counts follow from a formula: (size+1)^dims states, one
// initial state plus dims·size·(size+1)^(dims-1) transitions (each counter
// can step up from size of its values, whatever the others hold), and
// dims·size+1 levels.
func TestGridExactCounts(t *testing.T) {
	for _, tc := range []struct{ dims, size int }{{1, 1}, {1, 7}, {2, 3}, {3, 5}, {4, 6}, {5, 3}} {
		t.Run(fmt.Sprintf("dims=%d,size=%d", tc.dims, tc.size), func(t *testing.T) {
			m := newGrid(t, tc.dims, tc.size, "")
			want := checker.Stats{
				Distinct:  pow(tc.size+1, tc.dims),
				Generated: 1 + uint64(tc.dims*tc.size)*pow(tc.size+1, tc.dims-1),
				Depth:     tc.dims*tc.size + 1,
			}
			for _, verb := range []string{"bfs", "dfs"} {
				res := run(t, m, checker.Options{}, verb)
				if res.Verdict != checker.OK {
					t.Fatalf("%s: verdict %v (%s)", verb, res.Verdict, res.Property)
				}
				if res.Stats.Distinct != want.Distinct || res.Stats.Generated != want.Generated {
					t.Fatalf("%s: distinct %d generated %d, want %d %d", verb, res.Stats.Distinct, res.Stats.Generated, want.Distinct, want.Generated)
				}
				if verb == "bfs" && res.Stats.Depth != want.Depth {
					t.Fatalf("depth %d, want %d", res.Stats.Depth, want.Depth)
				}
				var fired uint64
				for _, c := range res.Stats.Coverage {
					fired += c.Count
				}
				if fired != want.Generated-1 {
					t.Fatalf("%s: coverage adds up to %d, want %d", verb, fired, want.Generated-1)
				}
			}
		})
	}
}

// For coprime jug sizes every state with one jug empty or full is
// reachable and no other is: 2(big+1) + 2(small+1) - 4 states.
func TestJugsCountAndShortestSolution(t *testing.T) {
	m := jugs{small: 3, big: 5, goal: 4}
	m.goal = 99 // unreachable: explore everything
	res := run(t, m, checker.Options{}, "bfs")
	if want := uint64(2*(5+1) + 2*(3+1) - 4); res.Verdict != checker.OK || res.Stats.Distinct != want {
		t.Fatalf("verdict %v, %d states; want ok, %d", res.Verdict, res.Stats.Distinct, want)
	}
	if res.Stats.Generated != 1+6*res.Stats.Distinct {
		t.Fatalf("generated %d, want 1 + 6 per state", res.Stats.Generated)
	}

	m.goal = 4
	res = run(t, m, checker.Options{}, "bfs")
	if res.Verdict != checker.Violation || res.Property != "big-not-goal" {
		t.Fatalf("verdict %v %q, want a violation of big-not-goal", res.Verdict, res.Property)
	}
	validTrace(t, m, res.Trace)
	// Minimality, checked by brute force: no sequence of fewer actions
	// from the start puts goal gallons in the big jug.
	n := res.Trace.Len()
	var reach func(s jugState, left int) bool
	reach = func(s jugState, left int) bool {
		if s.Big == m.goal {
			return true
		}
		found := false
		if left > 0 {
			m.Next(s, func(_ checker.Action, t jugState) { found = found || reach(t, left-1) })
		}
		return found
	}
	if !reach(jugState{}, n) || reach(jugState{}, n-1) {
		t.Fatalf("counterexample of %d steps is not the shortest", n)
	}
	if n != 6 {
		t.Fatalf("Die Hard is solved in 6 steps, got %d", n)
	}
}

// The grid's overflow bug needs size+1 increments of one counter; BFS
// must find exactly that, DFS something no shorter, both valid.
func TestCounterexamples(t *testing.T) {
	m := newGrid(t, 3, 4, "overflow")
	bfs := run(t, m, checker.Options{}, "bfs")
	if bfs.Verdict != checker.Violation || bfs.Property != "in-bounds" || bfs.Trace.Len() != 5 {
		t.Fatalf("bfs: %v %q with %d steps; want in-bounds violated in 5", bfs.Verdict, bfs.Property, bfs.Trace.Len())
	}
	validTrace(t, m, bfs.Trace)
	dfs := run(t, m, checker.Options{}, "dfs")
	if dfs.Verdict != checker.Violation || dfs.Property != "in-bounds" || dfs.Trace.Len() < 5 {
		t.Fatalf("dfs: %v %q with %d steps", dfs.Verdict, dfs.Property, dfs.Trace.Len())
	}
	validTrace(t, m, dfs.Trace)
	// The diff shows only the changed counter.
	if ch := bfs.Trace.Steps[1].Changed(&bfs.Trace.Steps[0]); len(ch) != 1 {
		t.Fatalf("step 1 changed %v, want one field", ch)
	}
}

// Verdict, distinct and generated counts and depth must not depend on the
// number of workers, for complete runs and for runs that stop at a
// violation.
func TestWorkersDoNotChangeResults(t *testing.T) {
	// Let 4 and 8 workers run even where there are fewer processors (they
	// take turns, and join blocks late or not at all).
	atLeastProcs(t, 8)
	cases := []struct {
		name string
		run  func(workers int) *checker.Result
	}{
		{"grid", func(w int) *checker.Result { return run(t, newGrid(t, 4, 7, ""), checker.Options{Workers: w}, "bfs") }},
		{"grid-overflow", func(w int) *checker.Result {
			return run(t, newGrid(t, 4, 7, "overflow"), checker.Options{Workers: w}, "bfs")
		}},
		{"grid-wide-levels", func(w int) *checker.Result {
			// Levels of over a thousand states, so every worker takes chunks.
			return run(t, newGrid(t, 5, 6, "overflow"), checker.Options{Workers: w}, "bfs")
		}},
		{"grid-undo", func(w int) *checker.Result {
			// A liveness counterexample, from a graph built on w workers.
			return run(t, newGrid(t, 4, 6, "undo"), checker.Options{Workers: w}, "bfs")
		}},
		{"grid-stuck", func(w int) *checker.Result {
			return run(t, newGrid(t, 3, 9, "stuck"), checker.Options{Workers: w}, "bfs")
		}},
		{"ring-wide-levels", func(w int) *checker.Result {
			// Levels of thousands of states in chunks of 128: workers fill
			// their backlogs and help each other.
			return run(t, ringModel(t, "", "flows=2", "slots=4", "rpcs=4", "batch=2"), checker.Options{Workers: w, SkipLiveness: true}, "bfs")
		}},
		{"jugs", func(w int) *checker.Result { return run(t, jugs{3, 5, 4}, checker.Options{Workers: w}, "bfs") }},
		{"bag", func(w int) *checker.Result {
			return run(t, bag{k: 4, n: 9, limit: 30}, checker.Options{Workers: w}, "bfs")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.run(1)
			for _, w := range []int{2, 4, 8} {
				got := tc.run(w)
				if got.Stats.Workers != w {
					t.Fatalf("%d workers ran, want %d", got.Stats.Workers, w)
				}
				if got.Verdict != base.Verdict || got.Property != base.Property ||
					got.Stats.Distinct != base.Stats.Distinct || got.Stats.Generated != base.Stats.Generated ||
					got.Stats.Depth != base.Stats.Depth || got.Trace.Len() != base.Trace.Len() {
					t.Fatalf("workers=%d: %v %q %d/%d depth %d trace %d; workers=1: %v %q %d/%d depth %d trace %d", w,
						got.Verdict, got.Property, got.Stats.Distinct, got.Stats.Generated, got.Stats.Depth, got.Trace.Len(),
						base.Verdict, base.Property, base.Stats.Distinct, base.Stats.Generated, base.Stats.Depth, base.Trace.Len())
				}
				if !reflect.DeepEqual(got.Stats.Coverage, base.Stats.Coverage) {
					t.Fatalf("workers=%d: coverage %v, want %v", w, got.Stats.Coverage, base.Stats.Coverage)
				}
				// Not just as long: the same counterexample and witnesses.
				if !reflect.DeepEqual(got.Trace, base.Trace) || !reflect.DeepEqual(got.Witnesses, base.Witnesses) {
					t.Fatalf("workers=%d: another counterexample or witness than with one worker", w)
				}
			}
		})
	}
}

// A run uses at most GOMAXPROCS workers: more would only take turns.
func TestWorkersAtMostGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	m := ringModel(t, "phase-stuck", "flows=2", "slots=2", "batch=2", "rpcs=4")
	want := run(t, m, checker.Options{SkipLiveness: true}, "bfs")
	got := run(t, m, checker.Options{Workers: 8, SkipLiveness: true}, "bfs")
	if got.Stats.Workers != 1 {
		t.Fatalf("8 workers asked for with GOMAXPROCS=1: %d ran, want 1", got.Stats.Workers)
	}
	sameOutcome(t, "8 workers asked for with GOMAXPROCS=1", got, want)
}

func TestDeadlock(t *testing.T) {
	res := run(t, countdownModel{n: 5}, checker.Options{}, "bfs")
	if res.Verdict != checker.Deadlock || res.Property != checker.DeadlockProperty || res.Trace.Len() != 5 {
		t.Fatalf("verdict %v %q, trace %d; want a deadlock after 5 steps", res.Verdict, res.Property, res.Trace.Len())
	}
	validTrace(t, countdownModel{n: 5}, res.Trace)
	for _, verb := range []string{"dfs", "simulate"} {
		if res := run(t, countdownModel{n: 5}, checker.Options{}, verb); res.Verdict != checker.Deadlock {
			t.Fatalf("%s: verdict %v, want deadlock", verb, res.Verdict)
		}
	}
	// Built without: the end is terminal, or deadlocks are allowed.
	for _, verb := range []string{"bfs", "dfs", "simulate"} {
		if res := run(t, terminalCountdown{countdownModel{n: 5}}, checker.Options{}, verb); res.Verdict != checker.OK {
			t.Fatalf("%s terminal: verdict %v %q, want ok", verb, res.Verdict, res.Property)
		}
		if res := run(t, countdownModel{n: 5}, checker.Options{AllowDeadlock: true}, verb); res.Verdict != checker.OK {
			t.Fatalf("%s allow-deadlock: verdict %v, want ok", verb, res.Verdict)
		}
	}
	// The grid's stuck bug deadlocks at (0, size): size steps of counter 1.
	m := newGrid(t, 2, 4, "stuck")
	res = run(t, m, checker.Options{}, "bfs")
	if res.Verdict != checker.Deadlock || res.Trace.Len() != 4 {
		t.Fatalf("stuck: %v after %d steps, want deadlock after 4", res.Verdict, res.Trace.Len())
	}
	validTrace(t, m, res.Trace)
}

func TestSometimesNeedsAWitness(t *testing.T) {
	m := chores{props: []checker.Property[choreState]{
		checker.Possible("never", "busy reaches 7, which it cannot", func(s choreState) bool { return s.Busy == 7 }),
	}}
	for _, verb := range []string{"bfs", "dfs"} {
		res := run(t, m, checker.Options{}, verb)
		if res.Verdict != checker.Violation || res.Property != "never" || res.Trace != nil {
			t.Fatalf("%s: %v %q, want a violation of never without trace", verb, res.Verdict, res.Property)
		}
	}
	// Simulation cannot refute it: it lists it instead.
	res := run(t, m, checker.Options{Runs: 5}, "simulate")
	if res.Verdict != checker.OK || len(res.Unwitnessed) != 1 {
		t.Fatalf("simulate: %v, unwitnessed %v", res.Verdict, res.Unwitnessed)
	}
	m.props[0] = checker.Possible("spun-twice", "busy reaches 2", func(s choreState) bool { return s.Busy == 2 })
	if res := run(t, m, checker.Options{}, "bfs"); res.Verdict != checker.OK {
		t.Fatalf("witnessed property: %v", res.Verdict)
	}
}

func TestLiveness(t *testing.T) {
	busy1 := func(s choreState) bool { return s.Busy == 1 }
	cases := []struct {
		name    string
		prop    checker.Property[choreState]
		holds   bool
		stutter bool
	}{
		{"eventually, work fair", checker.Finally("done", "", isDone, "work"), true, false},
		{"eventually, work and spin fair", checker.Finally("done", "", isDone, "work", "spin"), true, false},
		{"eventually, nothing fair", checker.Finally("done", "", isDone), false, true},
		{"eventually, only spin fair", checker.Finally("done", "", isDone, "spin"), false, false},
		{"leads-to, work fair", checker.Leads("busy-done", "", busy1, isDone, "work"), true, false},
		{"leads-to, only spin fair", checker.Leads("busy-done", "", busy1, isDone, "spin"), false, false},
		{"leads-to, nothing fair", checker.Leads("busy-done", "", busy1, isDone), false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := chores{props: []checker.Property[choreState]{tc.prop}}
			for _, verb := range []string{"bfs", "dfs"} {
				res := run(t, m, checker.Options{}, verb)
				if tc.holds {
					if res.Verdict != checker.OK {
						t.Fatalf("%s: %v %q, want ok", verb, res.Verdict, res.Property)
					}
					continue
				}
				if res.Verdict != checker.Violation || res.Property != tc.prop.Name || res.Trace == nil {
					t.Fatalf("%s: %v %q, want a violation", verb, res.Verdict, res.Property)
				}
				tr := res.Trace
				validTrace(t, m, tr)
				if tr.Stutter != tc.stutter || tr.LoopStart < 0 {
					t.Fatalf("%s: stutter=%v loop=%d, want stutter=%v and a loop", verb, tr.Stutter, tr.LoopStart, tc.stutter)
				}
				// The loop never reaches the goal, and a leads-to lasso passes the trigger.
				sawTrigger := tc.prop.Kind == checker.Eventually
				for i, st := range tr.Steps {
					if fieldValue(st, "Done") == "true" {
						t.Fatalf("step %d reaches the goal", i)
					}
					sawTrigger = sawTrigger || (i <= tr.LoopStart && fieldValue(st, "Busy") == "1")
				}
				if !sawTrigger {
					t.Fatal("leads-to counterexample never meets the trigger")
				}
				if !tr.Stutter {
					// A fair loop for spin takes spin.
					spins := false
					for _, st := range tr.Steps[tr.LoopStart+1:] {
						spins = spins || st.Name == "spin"
					}
					if !spins {
						t.Fatal("the loop does not take the fair action spin")
					}
				}
			}
		})
	}
	// The grid's undo bug lets a fair behaviour go back and forth forever.
	m := newGrid(t, 2, 3, "undo")
	res := run(t, m, checker.Options{}, "bfs")
	if res.Verdict != checker.Violation || res.Property != "reaches-corner" || res.Trace.LoopStart < 0 {
		t.Fatalf("undo: %v %q", res.Verdict, res.Property)
	}
	validTrace(t, m, res.Trace)
}

func fieldValue(st checker.Step, name string) string {
	for _, f := range st.State {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// With symmetry the checker counts multisets: C(n+k, k) of them.
func TestSymmetry(t *testing.T) {
	for _, tc := range []struct{ k, n int }{{2, 3}, {3, 4}, {4, 6}} {
		m := bag{k: tc.k, n: tc.n}
		res := run(t, m, checker.Options{}, "bfs")
		want := new(big.Int).Binomial(int64(tc.n+tc.k), int64(tc.k)).Uint64()
		if res.Verdict != checker.OK || res.Stats.Distinct != want {
			t.Fatalf("k=%d n=%d: %v with %d states, want ok with %d", tc.k, tc.n, res.Verdict, res.Stats.Distinct, want)
		}
	}
	// Without the reduction, every state: (n+1)^k.
	if res := run(t, bag{k: 3, n: 4}, checker.Options{NoSymmetry: true}, "bfs"); res.Stats.Distinct != pow(5, 3) {
		t.Fatalf("NoSymmetry: %d states, want %d", res.Stats.Distinct, pow(5, 3))
	}
	// Counterexamples replay through non-canonical states too.
	m := bag{k: 3, n: 5, limit: 7}
	res := run(t, m, checker.Options{}, "bfs")
	if res.Verdict != checker.Violation || res.Trace.Len() != 7 {
		t.Fatalf("%v after %d steps, want a violation after 7", res.Verdict, res.Trace.Len())
	}
	validTrace(t, m, res.Trace)
}

func TestDepthBound(t *testing.T) {
	m := newGrid(t, 2, 3, "") // diameter 6
	for _, verb := range []string{"bfs", "dfs"} {
		if res := run(t, m, checker.Options{MaxDepth: 5}, verb); res.Verdict != checker.Incomplete {
			t.Fatalf("%s bound 5: %v, want incomplete", verb, res.Verdict)
		}
		if res := run(t, m, checker.Options{MaxDepth: 6}, verb); res.Verdict != checker.OK || res.Stats.Distinct != 16 {
			t.Fatalf("%s bound 6: %v with %d states, want ok with 16", verb, res.Verdict, res.Stats.Distinct)
		}
	}
	res := run(t, m, checker.Options{MaxDepth: 2}, "bfs")
	if res.Stats.Distinct != 6 { // levels 0, 1, 2 hold 1, 2 and 3 states
		t.Fatalf("bound 2: %d states, want 6", res.Stats.Distinct)
	}
}

func TestCancelledRunIsIncomplete(t *testing.T) {
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	c := checker.New(newGrid(t, 3, 5, ""), checker.Options{Workers: 2})
	for name, verb := range map[string]func(context.Context) (*checker.Result, error){"bfs": c.BFS, "dfs": c.DFS, "simulate": c.Simulate} {
		res, err := verb(cctx)
		if err != nil || res.Verdict != checker.Incomplete || !strings.HasPrefix(res.Reason, "interrupted") {
			t.Fatalf("%s: %v %v %q", name, err, res.Verdict, res.Reason)
		}
	}
}

func TestSimulationIsReproducible(t *testing.T) {
	m := newGrid(t, 3, 6, "overflow")
	a := run(t, m, checker.Options{Seed: 42, Runs: 50, Steps: 40}, "simulate")
	b := run(t, m, checker.Options{Seed: 42, Runs: 50, Steps: 40}, "simulate")
	if a.Verdict != checker.Violation || !reflect.DeepEqual(a.Trace, b.Trace) || a.Reason != b.Reason {
		t.Fatalf("same seed, different outcomes: %v %q / %v %q", a.Verdict, a.Reason, b.Verdict, b.Reason)
	}
	validTrace(t, m, a.Trace)
	ok := run(t, newGrid(t, 3, 6, ""), checker.Options{Seed: 42, Runs: 50, Steps: 40}, "simulate")
	if ok.Verdict != checker.OK || ok.Stats.Distinct == 0 {
		t.Fatalf("correct grid: %v", ok.Verdict)
	}
}

func TestBadModelsAreErrors(t *testing.T) {
	m := chores{props: []checker.Property[choreState]{checker.Finally("done", "", isDone, "no-such-action")}}
	if _, err := checker.New(m, checker.Options{}).BFS(ctx); err == nil {
		t.Fatal("fairness of an unknown action was accepted")
	}
	m = chores{props: []checker.Property[choreState]{
		checker.Possible("p", "", isDone), checker.Possible("p", "", isDone)}}
	if _, err := checker.New(m, checker.Options{}).DFS(ctx); err == nil {
		t.Fatal("a repeated property name was accepted")
	}
}

func TestCollisionProbability(t *testing.T) {
	if p := checker.CollisionProbability(1<<20, 1<<22); p <= 0 || p > 1e-6 {
		t.Fatalf("probability %g out of range", p)
	}
	if p := checker.CollisionProbability(100, 100); p != 0 {
		t.Fatalf("no repeated look-ups, probability %g, want 0", p)
	}
}

// Fairness is per action instance, as TLA+'s \A p: WF(Tick(p)): process 0
// ticking forever does not excuse process 1's tick, which stays enabled.
func TestFairnessIsPerAction(t *testing.T) {
	run(t, turns{}, checker.Options{}, "bfs").AssertOK(t)
	// Without fairness of finish, process 1 may stop just before finishing.
	m := turnsUnfairFinish{}
	tr := run(t, m, checker.Options{}, "bfs").AssertViolation(t, "p1-finishes")
	validTrace(t, m, tr)
}

type turnsUnfairFinish struct{ turns }

func (turnsUnfairFinish) Properties() []checker.Property[turnState] {
	return []checker.Property[turnState]{checker.Finally("p1-finishes", "process 1 finishes",
		func(s turnState) bool { return s.Done }, "tick")}
}

// Every counterexample the searches produce rechecks; a doctored one does
// not.
func TestRecheck(t *testing.T) {
	type tc struct {
		name string
		res  *checker.Result
		c    interface {
			Recheck(*checker.Trace, string) (*checker.Trace, error)
		}
	}
	jm := jugs{3, 5, 4}
	gm := newGrid(t, 2, 3, "stuck")
	um := newGrid(t, 2, 2, "undo")
	lm := chores{props: []checker.Property[choreState]{checker.Leads("busy-done", "", func(s choreState) bool { return s.Busy == 1 }, isDone, "spin")}}
	sm := chores{props: []checker.Property[choreState]{checker.Finally("done", "", isDone)}}
	cases := []tc{
		{"invariant", run(t, jm, checker.Options{}, "bfs"), checker.New(jm, checker.Options{})},
		{"deadlock", run(t, gm, checker.Options{}, "bfs"), checker.New(gm, checker.Options{})},
		{"eventually", run(t, um, checker.Options{}, "bfs"), checker.New(um, checker.Options{})},
		{"leads-to", run(t, lm, checker.Options{}, "bfs"), checker.New(lm, checker.Options{})},
		{"stutter", run(t, sm, checker.Options{}, "bfs"), checker.New(sm, checker.Options{})},
		{"dfs", run(t, jm, checker.Options{}, "dfs"), checker.New(jm, checker.Options{})},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			if k.res.Trace == nil {
				t.Fatalf("no counterexample: %v", k.res.Verdict)
			}
			if _, err := k.c.Recheck(k.res.Trace, k.res.Property); err != nil {
				t.Fatalf("the checker's own counterexample does not recheck: %v\n%s", err, k.res.Trace)
			}
			// Only the changed fields, as trace files keep them.
			thin := *k.res.Trace
			thin.Steps = nil
			for i, st := range k.res.Trace.Steps {
				var prev *checker.Step
				if i > 0 {
					prev = &k.res.Trace.Steps[i-1]
				}
				st.State = st.Changed(prev)
				thin.Steps = append(thin.Steps, st)
			}
			if _, err := k.c.Recheck(&thin, k.res.Property); err != nil {
				t.Fatalf("thin trace: %v", err)
			}
			// Cut the last step: no longer a counterexample (safety), or
			// the loop no longer closes (liveness).
			if len(thin.Steps) > 1 && !thin.Stutter {
				cut := thin
				cut.Steps = thin.Steps[:len(thin.Steps)-1]
				if _, err := k.c.Recheck(&cut, k.res.Property); !errors.Is(err, checker.ErrNotACounterexample) {
					t.Fatalf("a cut trace rechecked: %v", err)
				}
			}
			// A step with a wrong argument or a wrong field does not replay.
			if len(thin.Steps) > 1 {
				bad := thin
				bad.Steps = slices.Clone(thin.Steps)
				bad.Steps[1].State = append(slices.Clone(bad.Steps[1].State), checker.Field{Name: "no-such-field", Value: "1"})
				if _, err := k.c.Recheck(&bad, k.res.Property); !errors.Is(err, checker.ErrNotACounterexample) {
					t.Fatalf("a doctored trace rechecked: %v", err)
				}
			}
		})
	}
	// A loop that starves a fair action is refused.
	tr := run(t, um, checker.Options{}, "bfs").Trace
	if _, err := checker.New(um, checker.Options{}).Recheck(tr, "reaches-corner"); err != nil {
		t.Fatal(err)
	}
	unfair := &checker.Trace{LoopStart: 0, Steps: []checker.Step{tr.Steps[0],
		{Name: "inc", Args: []checker.Arg{{Name: "i", Value: 0}}},
		{Name: "undo", Args: []checker.Arg{{Name: "i", Value: 0}}}}}
	_, err := checker.New(um, checker.Options{}).Recheck(unfair, "reaches-corner")
	if !errors.Is(err, checker.ErrNotACounterexample) || !strings.Contains(err.Error(), "unfair: inc i=1") {
		t.Fatalf("a loop starving inc i=1 was not refused as unfair: %v", err)
	}
}

// meteredGrid counts the increments of each counter along a behaviour.
type meteredGrid struct{ *grid.Model }

var _ checker.Meter[grid.State] = meteredGrid{}

func (meteredGrid) Measure(states []grid.State, actions []checker.Action) []checker.Count {
	counts := []checker.Count{{Name: "steps", N: len(actions) - 1}, {Name: "c0-incs"}}
	for i := 1; i < len(states); i++ {
		if states[i].C[0] != states[i-1].C[0] {
			counts[1].N++
		}
	}
	return counts
}

// A complete BFS reports a shortest witness of each sometimes property,
// the same whatever the number of workers, measured by the model's meter.
func TestWitnesses(t *testing.T) {
	var first *checker.Witness
	for _, w := range []int{1, 2, 4} {
		m := meteredGrid{newGrid(t, 3, 4, "")}
		res := run(t, m, checker.Options{Workers: w}, "bfs")
		res.AssertOK(t)
		if len(res.Witnesses) != 1 || res.Witnesses[0].Property != "corner-reachable" {
			t.Fatalf("witnesses %v", res.Witnesses)
		}
		wit := res.Witnesses[0]
		if wit.Trace.Len() != 3*4 {
			t.Fatalf("the corner is 12 increments away; the witness takes %d", wit.Trace.Len())
		}
		validTrace(t, checker.Model[grid.State](m), wit.Trace)
		want := []checker.Count{{Name: "steps", N: 12}, {Name: "c0-incs", N: 4}}
		if !reflect.DeepEqual(wit.Costs, want) {
			t.Fatalf("costs %v, want %v", wit.Costs, want)
		}
		if first == nil {
			first = &wit
		} else if !reflect.DeepEqual(first.Trace, wit.Trace) {
			t.Fatalf("workers=%d chose another witness", w)
		}
	}
}

// Symmetry does not reduce the liveness check, which judges fairness per
// action and would see renamed actions along a loop: with or without it,
// the same verdict and a counterexample that rechecks.
func TestSymmetryAndLiveness(t *testing.T) {
	plain := run(t, rounds{}, checker.Options{}, "bfs")
	sym := run(t, sortedRounds{}, checker.Options{}, "bfs")
	for _, res := range []*checker.Result{plain, sym} {
		tr := res.AssertViolation(t, "both-at-2")
		if _, err := checker.New(rounds{}, checker.Options{}).Recheck(tr, "both-at-2"); err != nil {
			t.Fatal(err)
		}
	}
}
