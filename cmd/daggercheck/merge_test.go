package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scaleOut is the contract's view of the fields the long-run options add to
// `check --json` and of `merge --json`.
type scaleOut struct {
	Result            string  `json:"result"`
	Reason            string  `json:"reason"`
	DistinctStates    uint64  `json:"distinct_states"`
	GeneratedStates   uint64  `json:"generated_states"`
	StatesPerSecond   float64 `json:"states_per_second"`
	DistinctPerSecond float64 `json:"distinct_per_second"`
	PeakMemoryBytes   uint64  `json:"peak_memory_bytes"`
	SpilledStates     uint64  `json:"spilled_states"`
	Shard             string  `json:"shard"`
	ShardSeed         uint64  `json:"shard_seed"`
	MaxDepth          int     `json:"max_depth"`
	TraceLength       int     `json:"trace_length"`
}

type mergeOut struct {
	Result     string   `json:"result"`
	Reports    int      `json:"reports"`
	Complete   int      `json:"complete"`
	Shards     []string `json:"shards"`
	Violations []struct {
		Property    string   `json:"property"`
		FoundBy     []string `json:"found_by"`
		TraceLength int      `json:"trace_length"`
		Trace       *struct {
			Steps []json.RawMessage `json:"steps"`
		} `json:"trace"`
	} `json:"violations"`
	Coverage []struct {
		Action  string `json:"action"`
		Count   uint64 `json:"count"`
		Reports int    `json:"reports"`
	} `json:"coverage"`
}

var ringMid = []string{"ring", "-p", "flows=2", "-p", "slots=2", "-p", "rpcs=4", "--no-liveness"}

func checkJSON(t *testing.T, want int, args ...string) (scaleOut, string) {
	t.Helper()
	code, out, errOut := daggercheck(t, append(append([]string{"check"}, args...), "--json")...)
	require.Equal(t, want, code, "stderr: %s", errOut)
	var o scaleOut
	require.NoError(t, json.Unmarshal([]byte(out), &o))
	return o, out
}

func TestCheckReportsRatesAndPeakMemory(t *testing.T) {
	o, _ := checkJSON(t, exitOK, ringMid...)
	assert.Positive(t, o.StatesPerSecond)
	assert.Positive(t, o.DistinctPerSecond)
	assert.Greater(t, o.StatesPerSecond, o.DistinctPerSecond, "generated per second counts every successor")
	assert.Positive(t, o.PeakMemoryBytes)
}

// --mem-limit: a cap that spills gives the unbounded counts; one below
// the visited set stops incomplete (exit 3) with statistics; a bad size
// is a usage error naming the flag.
func TestMemLimitFlag(t *testing.T) {
	full, _ := checkJSON(t, exitOK, ringMid...)
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	spilled, _ := checkJSON(t, exitOK, append(ringMid, "--mem-limit", "300KiB")...)
	assert.Positive(t, spilled.SpilledStates)
	assert.Equal(t, full.DistinctStates, spilled.DistinctStates)
	assert.Equal(t, full.GeneratedStates, spilled.GeneratedStates)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "spill files are removed")

	small, _ := checkJSON(t, exitIncomplete, append(ringMid, "--mem-limit", "40KiB")...)
	assert.Equal(t, "incomplete", small.Result)
	assert.Contains(t, small.Reason, "memory limit reached")
	assert.Positive(t, small.DistinctStates)

	for _, bad := range []string{"lots", "12XB", "0", "-5MiB"} {
		code, _, errOut := daggercheck(t, append([]string{"check"}, append(ringMid, "--mem-limit", bad)...)...)
		assert.Equal(t, exitUsage, code, bad)
		assert.Contains(t, errOut, "--mem-limit", bad)
	}
	code, _, errOut := daggercheck(t, "check", "ring", "--strategy", "dfs", "--mem-limit", "1GiB")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "breadth-first")
}

// --expect-states sizes the visited set: the same counts, a visited set
// at least as large as the count asks for, bad counts a usage error.
func TestExpectStatesFlag(t *testing.T) {
	full, _ := checkJSON(t, exitOK, ringMid...)
	sized, _ := checkJSON(t, exitOK, append(ringMid, "--expect-states", "2M")...)
	assert.Equal(t, full.DistinctStates, sized.DistinctStates)
	assert.Equal(t, full.GeneratedStates, sized.GeneratedStates)
	assert.Greater(t, sized.PeakMemoryBytes, uint64(2e6*8), "2M states reserve at least 8 bytes each")
	for _, bad := range []string{"lots", "5X", "0", "-1", "99999999999999999999G"} {
		code, _, errOut := daggercheck(t, append([]string{"check"}, append(ringMid, "--expect-states", bad)...)...)
		assert.Equal(t, exitUsage, code, bad)
		assert.Contains(t, errOut, "--expect-states", bad)
	}
	code, _, errOut := daggercheck(t, "check", "ring", "--strategy", "dfs", "--expect-states", "1M")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "breadth-first")
}

// --checkpoint on an interrupted run, then --recover: the same counts as
// a run that was never interrupted; another configuration is refused.
func TestCheckpointAndRecoverFlags(t *testing.T) {
	full, _ := checkJSON(t, exitOK, ringMid...)
	dir := filepath.Join(t.TempDir(), "ck")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // interrupted before the first level: the checkpoint holds level 0
	code, _, errOut := daggercheckCtx(t, ctx, append([]string{"check"}, append(ringMid, "--checkpoint", dir)...)...)
	require.Equal(t, exitIncomplete, code, errOut)
	got, _ := checkJSON(t, exitOK, append(ringMid, "--recover", dir)...)
	assert.Equal(t, full.DistinctStates, got.DistinctStates)
	assert.Equal(t, full.GeneratedStates, got.GeneratedStates)

	code, _, errOut = daggercheck(t, "check", "ring", "-p", "flows=2", "--no-liveness", "--recover", dir)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "slots=2")
	assert.Contains(t, errOut, "checkpoint cannot be resumed")
}

// --shard i/N writes diversified depth-first reports; merge unites them
// with the exit code of a check.
func TestShardsAndMerge(t *testing.T) {
	dir := t.TempDir()
	var files []string
	seeds := map[uint64]bool{}
	for i := range 4 {
		o, out := checkJSON(t, exitViolation, append(ringMid, "--bug", "phase-stuck", "--shard", strconv.Itoa(i)+"/4", "--max-depth", "40")...)
		assert.Equal(t, strconv.Itoa(i)+"/4", o.Shard)
		assert.Positive(t, o.MaxDepth)
		seeds[o.ShardSeed] = true
		f := filepath.Join(dir, strconv.Itoa(i)+".json")
		require.NoError(t, os.WriteFile(f, []byte(out), 0o644))
		files = append(files, f)
	}
	assert.Len(t, seeds, 4, "every shard has its own seed")

	code, out, errOut := daggercheck(t, append([]string{"merge", "--json"}, files...)...)
	require.Equal(t, exitViolation, code, errOut)
	var m mergeOut
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	assert.Equal(t, "violation", m.Result)
	assert.Equal(t, 4, m.Reports)
	assert.Equal(t, []string{"0/4", "1/4", "2/4", "3/4"}, m.Shards)
	require.Len(t, m.Violations, 1)
	v := m.Violations[0]
	assert.Equal(t, "no-duplicate", v.Property)
	assert.Len(t, v.FoundBy, 4)
	require.NotNil(t, v.Trace)
	assert.Len(t, v.Trace.Steps, v.TraceLength+1)
	shortest := v.TraceLength
	for _, f := range files {
		var o scaleOut
		raw, _ := os.ReadFile(f)
		require.NoError(t, json.Unmarshal(raw, &o))
		assert.LessOrEqual(t, shortest, o.TraceLength, "merge keeps the shortest counterexample")
	}
	for _, c := range m.Coverage {
		assert.Positive(t, c.Reports, c.Action)
	}

	// Clean shards with no depth bound each explore everything: ok.
	var clean []string
	for i := range 2 {
		_, out := checkJSON(t, exitOK, append(ringMid, "--shard", strconv.Itoa(i)+"/2")...)
		f := filepath.Join(dir, "clean"+strconv.Itoa(i)+".json")
		require.NoError(t, os.WriteFile(f, []byte(out), 0o644))
		clean = append(clean, f)
	}
	code, out, errOut = daggercheck(t, append([]string{"merge"}, clean...)...)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "result: ok: 2 of 2 searches")

	// Reports of different configurations, or not reports at all, are
	// refused naming the file.
	code, _, errOut = daggercheck(t, "merge", files[0], clean[0])
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, clean[0])
	assert.Contains(t, errOut, "field bug")
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\n  \"model\": \"ring\",\n  oops\n}\n"), 0o644))
	code, _, errOut = daggercheck(t, "merge", bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, bad+":3:")

	for _, s := range []string{"4/4", "x/2", "1", "-1/3"} {
		code, _, errOut := daggercheck(t, "check", "ring", "--shard", s)
		assert.Equal(t, exitUsage, code, s)
		assert.Contains(t, errOut, "--shard", s)
	}
}
