package checker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// sameOutcome fails unless two runs report the same verdict, counts,
// coverage, counterexample and witnesses.
func sameOutcome(t *testing.T, what string, got, want *checker.Result) {
	t.Helper()
	if got.Verdict != want.Verdict || got.Property != want.Property ||
		got.Stats.Distinct != want.Stats.Distinct || got.Stats.Generated != want.Stats.Generated ||
		got.Stats.Depth != want.Stats.Depth {
		t.Fatalf("%s: %v %q (%s) %d/%d depth %d; want %v %q %d/%d depth %d", what,
			got.Verdict, got.Property, got.Reason, got.Stats.Distinct, got.Stats.Generated, got.Stats.Depth,
			want.Verdict, want.Property, want.Stats.Distinct, want.Stats.Generated, want.Stats.Depth)
	}
	if !reflect.DeepEqual(got.Stats.Coverage, want.Stats.Coverage) {
		t.Fatalf("%s: coverage %v, want %v", what, got.Stats.Coverage, want.Stats.Coverage)
	}
	if !reflect.DeepEqual(got.Trace, want.Trace) || !reflect.DeepEqual(got.Witnesses, want.Witnesses) {
		t.Fatalf("%s: another counterexample or witness", what)
	}
}

func ringModel(t testing.TB, bug string, params ...string) *ring.Model {
	t.Helper()
	v, err := spec.ParseParams(ring.Params, params)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ring.New(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A memory cap that holds the visited set but not the frontier moves the
// frontier to disk, and the run ends exactly as an unbounded one: same
// counts, coverage, counterexample and witnesses, on one and two workers.
func TestMemLimitSpillsAndChangesNothing(t *testing.T) {
	atLeastProcs(t, 3)
	cases := []struct {
		name string
		m    checker.Model[ring.State]
		room uint64
	}{
		{"ok", ringModel(t, "", "flows=2", "slots=2", "batch=2", "rpcs=4"), 32 << 10},
		{"violation", ringModel(t, "phase-stuck", "flows=2", "slots=2", "batch=2", "rpcs=4"), 16 << 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := run(t, tc.m, checker.Options{SkipLiveness: true}, "bfs")
			for _, workers := range []int{1, 2, 3} {
				// The visited set at the end plus a little: levels of
				// hundreds of 200-byte states cannot stay in memory.
				limit := want.Stats.FingerprintBytes + tc.room
				got := run(t, tc.m, checker.Options{Workers: workers, SkipLiveness: true, MemLimit: limit, TraceDir: t.TempDir()}, "bfs")
				if got.Stats.Spilled == 0 {
					t.Fatalf("workers=%d: a cap of %d bytes spilled nothing (visited set %d bytes)", workers, limit, want.Stats.FingerprintBytes)
				}
				sameOutcome(t, "with a memory cap", got, want)
			}
		})
	}
}

// A cap that cannot hold the visited set stops the run, incomplete, with
// its statistics, instead of running out of memory.
func TestMemLimitTooSmallIsIncomplete(t *testing.T) {
	m := ringModel(t, "", "flows=2", "slots=2", "batch=2", "rpcs=4")
	full := run(t, m, checker.Options{SkipLiveness: true}, "bfs")
	for _, workers := range []int{1, 2} {
		got := run(t, m, checker.Options{Workers: workers, SkipLiveness: true, MemLimit: full.Stats.FingerprintBytes / 2, TraceDir: t.TempDir()}, "bfs")
		if got.Verdict != checker.Incomplete || !strings.Contains(got.Reason, checker.ErrMemoryLimit.Error()) {
			t.Fatalf("workers=%d: %v (%s), want incomplete at the memory limit", workers, got.Verdict, got.Reason)
		}
		if got.Stats.Distinct == 0 || got.Stats.Distinct >= full.Stats.Distinct {
			t.Fatalf("workers=%d: stopped with %d of %d states", workers, got.Stats.Distinct, full.Stats.Distinct)
		}
	}
}

// atLeastProcs lets a test run n workers where there are fewer
// processors (a run uses at most GOMAXPROCS).
func atLeastProcs(t *testing.T, n int) {
	if old := runtime.GOMAXPROCS(0); old < n {
		runtime.GOMAXPROCS(n)
		t.Cleanup(func() { runtime.GOMAXPROCS(old) })
	}
}

// cancelAfter cancels a context on its model's at-th call to Next: an
// interrupt in the middle of a level, at a point that does not depend on
// timing.
type cancelAfter[S any] struct {
	checker.Model[S]
	calls  *atomic.Int64
	at     int64
	cancel context.CancelFunc
}

func (m cancelAfter[S]) Next(s S, emit func(checker.Action, S)) {
	if m.calls.Add(1) == m.at {
		m.cancel()
	}
	m.Model.Next(s, emit)
}

// An interrupted run with --checkpoint writes a checkpoint; a run that
// recovers from it ends exactly as an uninterrupted run, whatever the
// number of workers on either side.
func TestCheckpointRecover(t *testing.T) {
	atLeastProcs(t, 3)
	cases := []struct {
		name string
		m    checker.Model[ring.State]
	}{
		{"ok", ringModel(t, "", "slots=4", "batch=2", "rpcs=5")},
		{"violation", ringModel(t, "header-first", "slots=4", "batch=2", "rpcs=5")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			never := cancelAfter[ring.State]{Model: tc.m, calls: new(atomic.Int64), at: -1, cancel: func() {}}
			want := run(t, checker.Model[ring.State](never), checker.Options{SkipLiveness: true}, "bfs")
			for _, w := range [][2]int{{1, 1}, {2, 1}, {1, 2}, {3, 2}} {
				dir := t.TempDir()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				m := cancelAfter[ring.State]{Model: tc.m, calls: new(atomic.Int64), at: int64(want.Stats.Distinct / 3), cancel: cancel}
				first, err := checker.New(checker.Model[ring.State](m), checker.Options{Workers: w[0], SkipLiveness: true,
					CheckpointDir: dir, Identity: "ring test"}).BFS(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if first.Verdict != checker.Incomplete || !strings.Contains(first.Reason, dir) {
					t.Fatalf("interrupted run: %v (%s), want incomplete with a checkpoint", first.Verdict, first.Reason)
				}
				if _, err := os.Stat(filepath.Join(dir, "current", "checkpoint.json")); err != nil {
					t.Fatalf("no checkpoint: %v", err)
				}
				got, err := checker.New(checker.Model[ring.State](never), checker.Options{Workers: w[1], SkipLiveness: true,
					Recover: dir, Identity: "ring test"}).BFS(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				sameOutcome(t, "recovered", got, want)
			}
		})
	}
}

// A checkpoint is refused, naming the difference, by a run of another
// configuration or with other search options, and a directory without
// one is an error too.
func TestCheckpointRefusesAnotherRun(t *testing.T) {
	m := ringModel(t, "", "slots=4", "batch=2", "rpcs=3")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cm := cancelAfter[ring.State]{Model: m, calls: new(atomic.Int64), at: 50, cancel: cancel}
	if _, err := checker.New(checker.Model[ring.State](cm), checker.Options{CheckpointDir: dir, Identity: "ring slots=4",
		SkipLiveness: true}).BFS(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts checker.Options
		want string
	}{
		{checker.Options{Recover: dir, Identity: "ring slots=2", SkipLiveness: true}, `written for "ring slots=4"`},
		{checker.Options{Recover: dir, Identity: "ring slots=4", SkipLiveness: true, MaxDepth: 9}, "max-depth=9"},
		{checker.Options{Recover: t.TempDir(), Identity: "ring slots=4", SkipLiveness: true}, "holds no checkpoint"},
	} {
		_, err := checker.New(checker.Model[ring.State](m), tc.opts).BFS(context.Background())
		if !errors.Is(err, checker.ErrCheckpoint) || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("recover with %+v: %v, want ErrCheckpoint naming %q", tc.opts, err, tc.want)
		}
	}
}

// Shuffle reorders depth-first search reproducibly: the same seed gives
// the same run, an unbounded search still explores every state whatever
// the seed, and different seeds find different counterexamples.
func TestShuffledDFS(t *testing.T) {
	m := ringModel(t, "", "flows=2", "slots=2", "batch=2", "rpcs=3")
	full := run(t, m, checker.Options{SkipLiveness: true}, "bfs")
	bad := ringModel(t, "phase-stuck", "flows=2", "slots=2", "batch=2", "rpcs=4")
	traces := map[string]bool{}
	for seed := uint64(1); seed <= 6; seed++ {
		a := run(t, m, checker.Options{SkipLiveness: true, Shuffle: seed}, "dfs")
		if a.Verdict != checker.OK || a.Stats.Distinct != full.Stats.Distinct || a.Stats.Generated != full.Stats.Generated {
			t.Fatalf("seed %d: %v with %d/%d states, want ok with %d/%d", seed, a.Verdict,
				a.Stats.Distinct, a.Stats.Generated, full.Stats.Distinct, full.Stats.Generated)
		}
		v1 := run(t, bad, checker.Options{SkipLiveness: true, Shuffle: seed}, "dfs")
		v2 := run(t, bad, checker.Options{SkipLiveness: true, Shuffle: seed}, "dfs")
		if v1.Verdict != checker.Violation || !reflect.DeepEqual(v1.Trace, v2.Trace) || v1.Stats.Distinct != v2.Stats.Distinct {
			t.Fatalf("seed %d: %v, and two runs differ", seed, v1.Verdict)
		}
		traces[v1.Trace.String()] = true
	}
	if len(traces) < 2 {
		t.Fatalf("six seeds found one counterexample: the order is not shuffled")
	}
}

// Under a memory cap too small to hold the liveness check's graph, the
// graph goes to disk and the check finds what it finds in memory: the
// same verdict, statuses and lasso, on one and two workers.
func TestLivenessGraphOnDiskChangesNothing(t *testing.T) {
	ringRx := ringModel(t, "", "protocol=dagger", "dir=rx", "ids=2", "flows=2", "slots=4", "rpcs=6", "batch=2")
	cases := []struct {
		name string
		run  func(checker.Options) *checker.Result
	}{
		{"ring, holds", func(o checker.Options) *checker.Result {
			return run(t, ringModel(t, "", "flows=2", "slots=2", "batch=2", "rpcs=4"), o, "bfs")
		}},
		{"ring dagger rx, violated", func(o checker.Options) *checker.Result {
			o.Only = []string{"no-stall"}
			return run(t, ringRx, o, "bfs")
		}},
		{"grid undo, violated", func(o checker.Options) *checker.Result { return run(t, newGrid(t, 4, 9, "undo"), o, "bfs") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.run(checker.Options{})
			if want.Stats.GraphStates == 0 || want.Stats.GraphOnDisk {
				t.Fatalf("uncapped: graph of %d states, on disk %v", want.Stats.GraphStates, want.Stats.GraphOnDisk)
			}
			// Just under what the graph takes in memory; and room for the
			// graph but not for it and the index beside it.
			for _, limit := range []uint64{want.Stats.GraphBytes - 1, want.Stats.GraphBytes + 8*want.Stats.GraphStates} {
				for _, workers := range []int{1, 2} {
					got := tc.run(checker.Options{Workers: workers, MemLimit: limit, TraceDir: t.TempDir()})
					if !got.Stats.GraphOnDisk {
						t.Fatalf("workers=%d, cap %d: the graph (%d bytes) stayed in memory", workers, limit, got.Stats.GraphBytes)
					}
					sameOutcome(t, fmt.Sprintf("graph on disk, cap %d", limit), got, want)
					if !reflect.DeepEqual(got.Statuses, want.Statuses) {
						t.Fatalf("workers=%d: statuses %v, want %v", workers, got.Statuses, want.Statuses)
					}
				}
			}
		})
	}
}

// A cap that lets the safety search finish but cannot hold the liveness
// check's work arrays stops the run, incomplete, with the safety
// properties judged, instead of running out of memory.
func TestLivenessPastTheCapIsIncomplete(t *testing.T) {
	m := ringModel(t, "", "flows=2", "slots=2", "batch=2", "rpcs=4")
	full := run(t, m, checker.Options{}, "bfs")
	limit := full.Stats.FingerprintBytes + 64<<10
	got := run(t, m, checker.Options{MemLimit: limit, TraceDir: t.TempDir()}, "bfs")
	if got.Verdict != checker.Incomplete || !got.SafetyComplete || !strings.Contains(got.Reason, checker.ErrMemoryLimit.Error()) {
		t.Fatalf("cap %d: %v (%s), safety complete %v; want incomplete at the memory limit after the safety search", limit, got.Verdict, got.Reason, got.SafetyComplete)
	}
	for _, st := range got.Statuses {
		if want := map[bool]checker.Status{true: checker.NotJudged, false: checker.Holds}[st.Kind.Liveness()]; st.Status != want {
			t.Fatalf("%s: %s, want %s", st.Property, st.Status, want)
		}
	}
}

// A visited set sized up front, too small, right or too large, changes
// nothing a run reports, on one worker or several.
func TestExpectStatesChangesNothing(t *testing.T) {
	m := ringModel(t, "", "flows=2", "slots=4", "rpcs=4", "batch=2")
	want := run(t, m, checker.Options{SkipLiveness: true}, "bfs")
	for _, expect := range []uint64{1, want.Stats.Distinct, 10 * want.Stats.Distinct} {
		for _, w := range []int{1, 2} {
			got := run(t, m, checker.Options{Workers: w, ExpectStates: expect, SkipLiveness: true}, "bfs")
			sameOutcome(t, fmt.Sprintf("ExpectStates %d on %d workers", expect, w), got, want)
		}
	}
	bug := newGrid(t, 4, 7, "overflow")
	want = run(t, bug, checker.Options{}, "bfs")
	got := run(t, bug, checker.Options{ExpectStates: 1 << 20}, "bfs")
	sameOutcome(t, "a violation with ExpectStates", got, want)
}
