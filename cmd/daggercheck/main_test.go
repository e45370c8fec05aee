package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/bridge/dagger"
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/model/grid"
	"github.com/daggercheck/daggercheck/spec"
)

// These tests drive the CLI through run, as a user would, and hold it to
// the contract of docs/checker.md: the JSON field names, the verdicts and
// the exit codes. They decode into their own types, not the package's, so
// a renamed field fails here.

// daggercheck runs the command line with the test's context and stderr
// not a terminal.
func daggercheck(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return daggercheckCtx(t, t.Context(), args...)
}

func daggercheckCtx(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Exit codes, the same for every command.
const (
	exitOK         = cli.ExitOK
	exitViolation  = cli.ExitViolation
	exitUsage      = cli.ExitUsage
	exitIncomplete = cli.ExitIncomplete
)

// stdin is what a command that reads standard input reads; tests replace it.
var stdin io.Reader = strings.NewReader("")

// run runs the daggercheck program as main does, with stdout and stderr
// going to the writers given.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	p := dagger.Program()
	return p.Run(&cli.Env{Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr}, args)
}

// checkOut is the contract's view of `check --json` and `simulate --json`.
type checkOut struct {
	Model           string            `json:"model"`
	Params          map[string]string `json:"params"`
	Bug             string            `json:"bug"`
	Result          string            `json:"result"`
	Property        string            `json:"property"`
	Reason          string            `json:"reason"`
	Workers         int               `json:"workers"`
	DistinctStates  uint64            `json:"distinct_states"`
	GeneratedStates uint64            `json:"generated_states"`
	Depth           int               `json:"depth"`
	Seconds         float64           `json:"seconds"`
	TraceLength     int               `json:"trace_length"`
	Trace           *traceOut         `json:"trace"`
	Seed            *uint64           `json:"seed"`
	Runs            int               `json:"runs"`
}

type traceOut struct {
	LoopStart *int      `json:"loop_start"`
	Stutter   bool      `json:"stutter"`
	Steps     []stepOut `json:"steps"`
}

type stepOut struct {
	Action string            `json:"action"`
	Args   map[string]int    `json:"args"`
	State  map[string]string `json:"state"`
}

// contractFields are the fields `check --json` always prints (the
// contract of docs/checker.md); property joins them when a property is violated.
var contractFields = []string{"model", "params", "bug", "result",
	"distinct_states", "generated_states", "depth", "seconds", "trace_length"}

// decodeReport decodes stdout as exactly one JSON object holding at least
// the contract's fields.
func decodeReport(t *testing.T, stdout string) checkOut {
	t.Helper()
	dec := json.NewDecoder(bytes.NewBufferString(stdout))
	var raw map[string]json.RawMessage
	require.NoError(t, dec.Decode(&raw), "stdout: %s", stdout)
	require.False(t, dec.More(), "stdout holds more than one JSON value: %s", stdout)
	for _, f := range contractFields {
		assert.Contains(t, raw, f, "JSON report lacks contract field %q", f)
	}
	var out checkOut
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	if out.Result == "violation" || out.Result == "deadlock" {
		assert.Contains(t, raw, "property", "a %s names the property", out.Result)
	}
	return out
}

func pow(b, e int) int {
	n := 1
	for range e {
		n *= b
	}
	return n
}

// The grid's exact numbers, from the formulas in model/grid's doc: every
// counter takes size+1 values; every state but the corner has one inc per
// counter below size; the corner is dims·size actions from the origin.
func gridDistinct(dims, size int) uint64 { return uint64(pow(size+1, dims)) }
func gridGenerated(dims, size int) uint64 {
	return uint64(1 + dims*size*pow(size+1, dims-1))
}
func gridDepth(dims, size int) int { return dims*size + 1 }

// gridDefaults are the grid's default dims and size.
func gridDefaults(t *testing.T) (dims, size int) {
	t.Helper()
	get := func(name string) int {
		i := slices.IndexFunc(grid.Params, func(p spec.Param) bool { return p.Name == name })
		require.GreaterOrEqual(t, i, 0, "grid has no parameter %q", name)
		n, err := strconv.Atoi(grid.Params[i].Default)
		require.NoError(t, err)
		return n
	}
	return get("dims"), get("size")
}

// counters reads a grid state, checking it has exactly dims counters.
func counters(t *testing.T, st map[string]string, dims int) []int {
	t.Helper()
	require.Len(t, st, dims, "state %v", st)
	c := make([]int, dims)
	for i := range c {
		v, ok := st[fmt.Sprintf("c[%d]", i)]
		require.True(t, ok, "state %v lacks c[%d]", st, i)
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "state %v", st)
		c[i] = n
	}
	return c
}

// gridTrace checks that tr is a behaviour of the grid: it starts at the
// origin with "init", and each later step is inc or undo of one counter
// that moves just that counter by one. It returns the states.
func gridTrace(t *testing.T, tr *traceOut, dims int) [][]int {
	t.Helper()
	require.NotNil(t, tr, "no trace")
	require.NotEmpty(t, tr.Steps)
	first := tr.Steps[0]
	assert.Equal(t, "init", first.Action)
	assert.Empty(t, first.Args)
	states := [][]int{counters(t, first.State, dims)}
	assert.Equal(t, make([]int, dims), states[0], "the grid starts at the origin")
	for k, st := range tr.Steps[1:] {
		prev := states[k]
		cur := counters(t, st.State, dims)
		states = append(states, cur)
		i, ok := st.Args["i"]
		require.True(t, ok && len(st.Args) == 1, "step %d: args %v, want just i", k+1, st.Args)
		require.True(t, 0 <= i && i < dims, "step %d: i=%d out of 0..%d", k+1, i, dims-1)
		want := slices.Clone(prev)
		switch st.Action {
		case "inc":
			want[i]++
		case "undo":
			want[i]--
		default:
			t.Fatalf("step %d: action %q, want inc or undo", k+1, st.Action)
		}
		assert.Equal(t, want, cur, "step %d: %s i=%d from %v", k+1, st.Action, i, prev)
	}
	return states
}

func TestCheckDefaultModel(t *testing.T) {
	require.Equal(t, "ring", model.Default)
	code, stdout, stderr := daggercheck(t, "check")
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	assert.Empty(t, stderr, "no progress when stderr is not a terminal")
	assert.Regexp(t, fmt.Sprintf(`^model ring  dir=tx protocol=credit .*\(bfs, %d workers?\)\n`, runtime.GOMAXPROCS(0)), stdout)
	assert.Contains(t, stdout, "result: ok")

	// The grid, named, is still the example whose counts follow a formula.
	code, stdout, stderr = daggercheck(t, "check", "grid")
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	dims, size := gridDefaults(t)
	assert.Regexp(t, fmt.Sprintf(`(?m)^  distinct states\s+%d$`, gridDistinct(dims, size)), stdout)
	assert.Regexp(t, fmt.Sprintf(`(?m)^  generated states\s+%d$`, gridGenerated(dims, size)), stdout)
	assert.Regexp(t, fmt.Sprintf(`(?m)^  depth\s+%d$`, gridDepth(dims, size)), stdout)
}

func TestCheckJSONExactCounts(t *testing.T) {
	for _, tc := range []struct{ dims, size int }{{1, 1}, {2, 3}, {3, 4}, {4, 2}} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("dims=%d,size=%d,workers=%d", tc.dims, tc.size, workers), func(t *testing.T) {
				code, stdout, stderr := daggercheck(t, "check", "grid",
					"-p", fmt.Sprintf("dims=%d", tc.dims), "-p", fmt.Sprintf("size=%d", tc.size),
					"--workers", strconv.Itoa(workers), "--json")
				require.Equal(t, exitOK, code, "stderr: %s", stderr)
				assert.Empty(t, stderr)
				out := decodeReport(t, stdout)
				assert.Equal(t, "grid", out.Model)
				assert.Equal(t, map[string]string{"dims": strconv.Itoa(tc.dims), "size": strconv.Itoa(tc.size)}, out.Params)
				assert.Equal(t, "", out.Bug)
				assert.Equal(t, "ok", out.Result)
				assert.Empty(t, out.Property, "nothing is violated")
				assert.Equal(t, min(workers, runtime.GOMAXPROCS(0)), out.Workers, "at most one per processor")
				assert.Equal(t, gridDistinct(tc.dims, tc.size), out.DistinctStates)
				assert.Equal(t, gridGenerated(tc.dims, tc.size), out.GeneratedStates)
				assert.Equal(t, gridDepth(tc.dims, tc.size), out.Depth)
				assert.GreaterOrEqual(t, out.Seconds, 0.0)
				assert.Equal(t, 0, out.TraceLength)
				assert.Nil(t, out.Trace)
			})
		}
	}
}

func TestCheckDefaultsFilledIn(t *testing.T) {
	_, size := gridDefaults(t)
	code, stdout, _ := daggercheck(t, "check", "grid", "-p", "dims=2", "--json")
	require.Equal(t, exitOK, code)
	out := decodeReport(t, stdout)
	assert.Equal(t, map[string]string{"dims": "2", "size": strconv.Itoa(size)}, out.Params)
	assert.Equal(t, gridDistinct(2, size), out.DistinctStates)
}

func TestCheckOverflowFindsMinimalViolation(t *testing.T) {
	const dims, size = 2, 3
	code, stdout, stderr := daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=3", "--bug", "overflow", "--json")
	require.Equal(t, exitViolation, code, "stderr: %s", stderr)
	assert.Empty(t, stderr)
	out := decodeReport(t, stdout)
	assert.Equal(t, "overflow", out.Bug)
	assert.Equal(t, "violation", out.Result)
	assert.Equal(t, "in-bounds", out.Property)
	// Breadth-first search finds a shortest counterexample: one counter
	// counted past size, size+1 incs from the origin.
	assert.Equal(t, size+1, out.TraceLength)
	require.NotNil(t, out.Trace)
	assert.Len(t, out.Trace.Steps, out.TraceLength+1, "trace_length counts actions; steps include init")
	assert.Nil(t, out.Trace.LoopStart, "an invariant counterexample is finite")
	states := gridTrace(t, out.Trace, dims)
	for k, s := range states[:len(states)-1] {
		assert.LessOrEqual(t, slices.Max(s), size, "state %d %v is already out of bounds", k, s)
	}
	assert.Equal(t, size+1, slices.Max(states[len(states)-1]), "the last state breaks in-bounds")
	for _, st := range out.Trace.Steps[1:] {
		assert.Equal(t, "inc", st.Action)
	}
}

func TestCheckOverflowText(t *testing.T) {
	code, stdout, _ := daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=3", "--bug", "overflow")
	require.Equal(t, exitViolation, code)
	assert.Contains(t, stdout, "result: violation of in-bounds (always)")
	assert.Contains(t, stdout, "counterexample, 4 steps:")
	assert.Regexp(t, `(?m)^\s+0\s+init\s+c\[0\]=0 c\[1\]=0$`, stdout)
}

func TestCheckStuckDeadlocks(t *testing.T) {
	const dims, size = 2, 3
	code, stdout, stderr := daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=3", "--bug", "stuck", "--json")
	require.Equal(t, exitViolation, code, "stderr: %s", stderr)
	out := decodeReport(t, stdout)
	assert.Equal(t, "deadlock", out.Result)
	assert.Equal(t, checker.DeadlockProperty, out.Property)
	states := gridTrace(t, out.Trace, dims)
	assert.Len(t, states, out.TraceLength+1)
	// Under stuck, counter 0 is frozen once counter 1 has moved, so the
	// nearest state with nothing enabled is (0, size), size incs away.
	assert.Equal(t, size, out.TraceLength)
	last := states[len(states)-1]
	assert.Equal(t, []int{0, size}, last)

	// With deadlocks allowed, the same state is a fair behaviour that
	// stutters short of the corner: a liveness violation ending in a stutter.
	code, stdout, _ = daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=3", "--bug", "stuck", "--allow-deadlock", "--json")
	require.Equal(t, exitViolation, code)
	out = decodeReport(t, stdout)
	assert.Equal(t, "violation", out.Result)
	assert.Equal(t, "reaches-corner", out.Property)
	states = gridTrace(t, out.Trace, dims)
	assert.True(t, out.Trace.Stutter)
	require.NotNil(t, out.Trace.LoopStart)
	assert.Equal(t, len(states)-1, *out.Trace.LoopStart, "a stutter loops on the last state")
	assert.Equal(t, []int{0, size}, states[len(states)-1])
}

func TestCheckUndoBreaksLiveness(t *testing.T) {
	const dims, size = 2, 3
	code, stdout, stderr := daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=3", "--bug", "undo", "--json")
	require.Equal(t, exitViolation, code, "stderr: %s", stderr)
	out := decodeReport(t, stdout)
	assert.Equal(t, "violation", out.Result)
	assert.Equal(t, "reaches-corner", out.Property)
	require.NotNil(t, out.Trace)
	require.NotNil(t, out.Trace.LoopStart, "a liveness counterexample is a lasso")
	assert.False(t, out.Trace.Stutter, "undo keeps inc enabled: the lasso is a real cycle")
	states := gridTrace(t, out.Trace, dims)
	assert.Len(t, states, out.TraceLength+1)
	ls := *out.Trace.LoopStart
	require.True(t, 0 <= ls && ls < len(states)-1, "loop_start %d out of range for %d steps", ls, len(states))
	assert.Equal(t, states[ls], states[len(states)-1], "the lasso returns to loop_start's state")
	corner := []int{size, size}
	for k, s := range states {
		assert.NotEqual(t, corner, s, "state %d reaches the corner, so reaches-corner would hold", k)
	}
}

func TestCheckMaxDepthIncomplete(t *testing.T) {
	const dims, bound = 3, 3
	code, stdout, stderr := daggercheck(t, "check", "grid", "-p", "dims=3", "-p", "size=20", "--max-depth", "3", "--json")
	require.Equal(t, exitIncomplete, code, "stderr: %s", stderr)
	out := decodeReport(t, stdout)
	assert.Equal(t, "incomplete", out.Result)
	assert.Empty(t, out.Property)
	assert.Contains(t, out.Reason, "depth bound 3")
	// States within bound incs of the origin: C(bound+dims, dims) = 20 when
	// size > bound. Depth counts states on a path, so bound actions give
	// bound+1.
	assert.Equal(t, uint64(20), out.DistinctStates)
	assert.Equal(t, bound+1, out.Depth)

	code, stdout, _ = daggercheck(t, "check", "grid", "--max-depth", "3")
	assert.Equal(t, exitIncomplete, code)
	assert.Contains(t, stdout, "result: incomplete")

	// A bound the search never reaches changes nothing.
	code, stdout, _ = daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=3", "--max-depth", "100", "--json")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, gridDistinct(2, 3), decodeReport(t, stdout).DistinctStates)
}

func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, cmd := range []string{"check", "simulate"} {
		t.Run(cmd, func(t *testing.T) {
			code, stdout, stderr := daggercheckCtx(t, ctx, cmd, "--json")
			require.Equal(t, exitIncomplete, code, "stderr: %s", stderr)
			out := decodeReport(t, stdout)
			assert.Equal(t, "incomplete", out.Result)
			assert.Equal(t, "interrupted", out.Reason)
		})
	}
}

func TestBadInputExits2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // substrings of stderr naming the culprit
	}{
		{"no command", nil, []string{"usage: daggercheck COMMAND"}},
		{"unknown command", []string{"frob"}, []string{`unknown command "frob"`, "usage:"}},
		{"unknown model", []string{"check", "nosuch"}, []string{`"nosuch"`, "unknown model", "known: ", "grid", "ring"}},
		{"unknown model, simulate", []string{"simulate", "nosuch"}, []string{`"nosuch"`, "unknown model"}},
		{"two models", []string{"check", "grid", "grid"}, []string{"one model"}},
		{"unknown param key", []string{"check", "grid", "-p", "colour=red"}, []string{`"colour"`, "known: dims, size"}},
		{"malformed value", []string{"check", "grid", "-p", "size=x"}, []string{`size="x"`, "not an integer"}},
		{"missing '='", []string{"check", "grid", "-p", "size"}, []string{`"size"`, "key=value"}},
		{"repeated param", []string{"check", "grid", "-p", "size=3", "-p", "size=4"}, []string{`"size"`, "twice"}},
		{"value below range", []string{"check", "grid", "-p", "size=0"}, []string{"size=0", "1..200"}},
		{"value above range", []string{"check", "grid", "-p", "dims=9"}, []string{"dims=9", "1..8"}},
		{"unknown bug", []string{"check", "grid", "--bug", "nope"}, []string{`"nope"`, "known: overflow, stuck, undo"}},
		{"bug needs other params", []string{"check", "grid", "-p", "dims=1", "--bug", "stuck"}, []string{"dims=1", "stuck"}},
		{"unknown flag", []string{"check", "--nope"}, []string{"-nope"}},
		{"unknown flag, models", []string{"models", "--nope"}, []string{"-nope"}},
		{"models, unknown model", []string{"models", "nosuch"}, []string{`"nosuch"`, "unknown model", "known: "}},
		{"models takes one model", []string{"models", "grid", "ring"}, []string{"at most one model", `"grid"`}},
		{"flag without value", []string{"check", "--bug"}, []string{"-bug"}},
		{"bad strategy", []string{"check", "--strategy", "foo"}, []string{`--strategy "foo"`, "bfs or dfs"}},
		{"negative workers", []string{"check", "--workers", "-1"}, []string{"--workers -1"}},
		{"non-numeric workers", []string{"check", "--workers", "many"}, []string{"many", "-workers"}},
		{"dfs with workers", []string{"check", "--strategy", "dfs", "--workers", "4"}, []string{"--workers 4", "depth-first"}},
		{"negative max-depth", []string{"check", "--max-depth", "-1"}, []string{"--max-depth -1"}},
		{"zero runs", []string{"simulate", "--runs", "0"}, []string{"--runs 0"}},
		{"zero steps", []string{"simulate", "--steps", "0"}, []string{"--steps 0"}},
		{"search flag on simulate", []string{"simulate", "--workers", "2"}, []string{"-workers"}},
		{"depth bound on simulate", []string{"simulate", "--max-depth", "3"}, []string{"-max-depth"}},
		{"simulation flag on check", []string{"check", "--seed", "3"}, []string{"-seed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := daggercheck(t, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout, "errors go to stderr")
			for _, w := range tt.want {
				assert.Contains(t, stderr, w)
			}
		})
	}
}

func TestHelpExits0(t *testing.T) {
	code, stdout, _ := daggercheck(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "usage: daggercheck COMMAND")
	assert.Contains(t, stdout, "(default "+model.Default+")")

	code, _, stderr := daggercheck(t, "check", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "usage: daggercheck check")
	assert.Contains(t, stderr, "-max-depth")
}

func TestWorkersDoNotChangeTheOutcome(t *testing.T) {
	for _, bug := range []string{"", "overflow", "stuck", "undo"} {
		t.Run("bug="+bug, func(t *testing.T) {
			outs := make([]checkOut, 0, 2)
			codes := make([]int, 0, 2)
			for _, w := range []string{"1", "4"} {
				args := []string{"check", "grid", "-p", "dims=3", "-p", "size=6", "--workers", w, "--json"}
				if bug != "" {
					args = append(args, "--bug", bug)
				}
				code, stdout, stderr := daggercheck(t, args...)
				require.NotEqual(t, exitUsage, code, "stderr: %s", stderr)
				codes = append(codes, code)
				outs = append(outs, decodeReport(t, stdout))
			}
			a, b := outs[0], outs[1]
			assert.Equal(t, codes[0], codes[1])
			assert.Equal(t, a.Result, b.Result)
			assert.Equal(t, a.Property, b.Property)
			assert.Equal(t, a.DistinctStates, b.DistinctStates)
			assert.Equal(t, a.GeneratedStates, b.GeneratedStates)
			assert.Equal(t, a.Depth, b.Depth)
			assert.Equal(t, a.TraceLength, b.TraceLength, "both find a shortest counterexample")
			assert.Equal(t, 1, a.Workers)
			assert.Equal(t, min(4, runtime.GOMAXPROCS(0)), b.Workers, "at most one per processor")
		})
	}
}

func TestWorkersZeroMeansOnePerProcessor(t *testing.T) {
	for _, flags := range [][]string{{"--workers", "0"}, nil} { // 0 is the default
		code, stdout, _ := daggercheck(t, append([]string{"check", "grid", "-p", "dims=2", "-p", "size=3", "--json"}, flags...)...)
		require.Equal(t, exitOK, code)
		assert.Equal(t, runtime.GOMAXPROCS(0), decodeReport(t, stdout).Workers, "flags %q", flags)
	}
}

func TestDFSAgreesWithBFS(t *testing.T) {
	code, stdout, _ := daggercheck(t, "check", "grid", "-p", "dims=3", "-p", "size=4", "--strategy", "dfs", "--json")
	require.Equal(t, exitOK, code)
	out := decodeReport(t, stdout)
	assert.Equal(t, "ok", out.Result)
	assert.Equal(t, gridDistinct(3, 4), out.DistinctStates)
	assert.Equal(t, gridGenerated(3, 4), out.GeneratedStates)
}

func TestSimulateIsReproducibleFromSeed(t *testing.T) {
	args := []string{"simulate", "grid", "--seed", "7", "--runs", "20", "--bug", "overflow", "-p", "size=3", "--json"}
	var outs []checkOut
	for range 2 {
		code, stdout, stderr := daggercheck(t, args...)
		require.Equal(t, exitViolation, code, "stderr: %s", stderr)
		assert.Empty(t, stderr)
		outs = append(outs, decodeReport(t, stdout))
	}
	a, b := outs[0], outs[1]
	assert.Equal(t, "violation", a.Result)
	assert.Equal(t, "in-bounds", a.Property)
	require.NotNil(t, a.Seed)
	assert.Equal(t, uint64(7), *a.Seed)
	assert.Equal(t, 20, a.Runs)
	dims, _ := gridDefaults(t)
	states := gridTrace(t, a.Trace, dims)
	assert.Len(t, states, a.TraceLength+1)
	assert.Equal(t, 4, slices.Max(states[len(states)-1]), "the walk ends where a counter passes size=3")

	assert.Equal(t, a.Trace, b.Trace, "same seed, same walk")
	assert.Equal(t, a.Reason, b.Reason)
	assert.Equal(t, a.TraceLength, b.TraceLength)
	assert.Equal(t, a.DistinctStates, b.DistinctStates)
	assert.Equal(t, a.GeneratedStates, b.GeneratedStates)
	assert.Equal(t, a.Depth, b.Depth)
}

func TestSimulateOK(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "simulate", "grid", "-p", "size=3", "--runs", "50")
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "(simulate, 1 worker)")
	assert.Contains(t, stdout, "walks             50 of at most 100 steps, seed 1")
}

// modelOut is the contract's view of one entry of `models --json`.
type modelOut struct {
	Name   string `json:"name"`
	Params []struct {
		Name        *string `json:"name"`
		Default     *string `json:"default"`
		Description *string `json:"description"`
	} `json:"params"`
	Properties []struct {
		Name *string `json:"name"`
		Kind *string `json:"kind"`
	} `json:"properties"`
	Bugs []struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
	} `json:"bugs"`
}

func TestModelsJSON(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "models", "--json")
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	assert.Empty(t, stderr)
	var all []modelOut
	require.NoError(t, json.Unmarshal([]byte(stdout), &all), "stdout: %s", stdout)
	require.Len(t, all, len(model.All()))
	kinds := []string{"always", "sometimes", "eventually", "leads-to"}
	var names []string
	for _, m := range all {
		names = append(names, m.Name)
		for _, p := range m.Params {
			require.NotNil(t, p.Name, "model %s: a parameter lacks name", m.Name)
			assert.NotNil(t, p.Default, "model %s: parameter %s lacks default", m.Name, *p.Name)
			assert.NotNil(t, p.Description, "model %s: parameter %s lacks description", m.Name, *p.Name)
		}
		assert.NotEmpty(t, m.Properties, "model %s has no properties", m.Name)
		for _, p := range m.Properties {
			require.NotNil(t, p.Name, "model %s: a property lacks name", m.Name)
			require.NotNil(t, p.Kind, "model %s: property %s lacks kind", m.Name, *p.Name)
			assert.Contains(t, kinds, *p.Kind, "model %s: property %s", m.Name, *p.Name)
		}
		for _, b := range m.Bugs {
			require.NotNil(t, b.Name, "model %s: a bug lacks name", m.Name)
			assert.NotNil(t, b.Description, "model %s: bug %s lacks description", m.Name, *b.Name)
		}
	}
	assert.Contains(t, names, model.Default)

	i := slices.IndexFunc(all, func(m modelOut) bool { return m.Name == "grid" })
	require.GreaterOrEqual(t, i, 0, "grid is not listed")
	g := all[i]
	require.Len(t, g.Params, len(grid.Params))
	for k, p := range grid.Params {
		assert.Equal(t, p.Name, *g.Params[k].Name)
		assert.Equal(t, p.Default, *g.Params[k].Default)
		assert.Equal(t, p.Description, *g.Params[k].Description)
	}
	var props []string
	for _, p := range g.Properties {
		props = append(props, *p.Name+":"+*p.Kind)
	}
	assert.Equal(t, []string{"in-bounds:always", "corner-reachable:sometimes", "reaches-corner:eventually"}, props)
	require.Len(t, g.Bugs, 3)
	for k, b := range grid.Bugs {
		assert.Equal(t, b.Name, *g.Bugs[k].Name)
		assert.Equal(t, b.Description, *g.Bugs[k].Description)
	}
}

func TestModelsText(t *testing.T) {
	code, stdout, _ := daggercheck(t, "models")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, model.Default+" (default)")
	for _, b := range grid.Bugs {
		assert.Regexp(t, regexp.MustCompile(`--bug `+regexp.QuoteMeta(b.Name)+`\s+breaks `+regexp.QuoteMeta(b.Breaks)), stdout)
	}
}

// Progress goes to stderr only when it is a terminal or --progress is
// given; here it is neither, so stderr stays empty whatever the verdict.
func TestNoProgressWhenNotATerminal(t *testing.T) {
	for _, args := range [][]string{
		{"check"},
		{"check", "--json"},
		{"check", "grid", "-p", "size=3", "--bug", "overflow"},
		{"check", "grid", "--max-depth", "2"},
		{"simulate", "grid", "-p", "size=3"},
	} {
		code, _, stderr := daggercheck(t, args...)
		assert.NotEqual(t, exitUsage, code, "%q", args)
		assert.Empty(t, stderr, "%q", args)
	}
}

// A bug given without the parameters it needs to show gets them, and
// stderr says so: under the defaults (calls=1) seq-not-advanced would
// pass.
func TestBugGetsTheParametersItNeeds(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "check", "system", "--bug", "seq-not-advanced", "--json")
	require.Equal(t, exitViolation, code, stderr)
	assert.Equal(t, "daggercheck: --bug seq-not-advanced shows only with -p calls=2, which this run adds\n", stderr)
	out := decodeReport(t, stdout)
	assert.Equal(t, "2", out.Params["calls"])
	assert.Equal(t, "deadlock", out.Result)
}

// --continue on Dagger's published ring protocol lists every property it
// breaks, each with the shortest counterexample a run of that property
// alone finds; merge takes them all from such a report.
func TestContinueListsEveryViolation(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "check", "ring", "-p", "protocol=dagger", "--continue", "--json")
	require.Equal(t, exitViolation, code, stderr)
	var out struct {
		Property   string `json:"property"`
		Violations []struct {
			Property    string `json:"property"`
			Result      string `json:"result"`
			TraceLength int    `json:"trace_length"`
			Trace       *struct {
				Steps []json.RawMessage `json:"steps"`
			} `json:"trace"`
		} `json:"violations"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	var names []string
	for _, v := range out.Violations {
		names = append(names, v.Property)
		code, stdout, _ := daggercheck(t, "check", "ring", "-p", "protocol=dagger", "--property", v.Property, "--json")
		require.Equal(t, exitViolation, code)
		alone := decodeReport(t, stdout)
		assert.Equal(t, v.Property, alone.Property)
		assert.Equal(t, alone.TraceLength, v.TraceLength, "%s: the shortest counterexample", v.Property)
		require.NotNil(t, v.Trace, v.Property)
		assert.Len(t, v.Trace.Steps, v.TraceLength+1)
	}
	assert.Equal(t, []string{"no-overwrite", "no-loss", "no-duplicate", "fifo-order", "no-torn-read",
		"eventually-consumed", "no-stall"}, names)
	assert.Equal(t, names[0], out.Property, "the first violation is the report's")

	code, text, _ := daggercheck(t, "check", "ring", "-p", "protocol=dagger", "--continue")
	require.Equal(t, exitViolation, code)
	assert.Contains(t, text, "result: 7 properties violated: "+strings.Join(names, ", ")+"\n")
	for _, p := range names {
		assert.Contains(t, text, "violation of "+p+" (")
	}

	report := filepath.Join(t.TempDir(), "continue.json")
	require.NoError(t, os.WriteFile(report, []byte(stdout), 0o644))
	code, merged, _ := daggercheck(t, "merge", report)
	assert.Equal(t, exitViolation, code)
	assert.Contains(t, merged, "result: violation: 7 of the model's properties violated")

	for _, args := range [][]string{{"--strategy", "dfs"}, {"--shard", "0/2"}} {
		code, _, stderr := daggercheck(t, append([]string{"check", "ring", "--continue"}, args...)...)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, stderr, "--continue applies to breadth-first search")
	}
	code, _, stderr = daggercheck(t, "simulate", "--continue")
	assert.Equal(t, exitUsage, code, "simulate has no --continue")
	assert.Contains(t, stderr, "-continue")
}
