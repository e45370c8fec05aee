package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplayCommand(t *testing.T) {
	trace := "../../docs/traces/ring-dagger-torn-read-on-a-later-lap.trace"
	code, stdout, stderr := daggercheck(t, "replay", trace)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "result: reproduced: the implementation followed all 18 steps and broke no-torn-read")

	code, stdout, _ = daggercheck(t, "replay", trace, "--bug", "none")
	assert.Equal(t, exitViolation, code)
	assert.Contains(t, stdout, "result: diverged at step 1")

	code, stdout, _ = daggercheck(t, "replay", "--json", trace)
	require.Equal(t, exitOK, code)
	var res struct {
		Result   string   `json:"result"`
		Property string   `json:"property"`
		Broken   []string `json:"impl_broken"`
		Steps    []any    `json:"steps"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	assert.Equal(t, "reproduced", res.Result)
	assert.Equal(t, "no-torn-read", res.Property)
	assert.Contains(t, res.Broken, "no-torn-read")
	assert.Len(t, res.Steps, 19)

	// Bad input: exit 2 naming the culprit.
	bad := filepath.Join(t.TempDir(), "bad.trace")
	require.NoError(t, os.WriteFile(bad, []byte("daggercheck-trace 1\nmodel ring\nstep go\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay"}, "one trace file"},
		{[]string{"replay", "/no/such/file"}, "/no/such/file"},
		{[]string{"replay", bad}, "bad.trace:3"},
		{[]string{"replay", "../../docs/traces/coherence-bug-lost-writeback.trace"}, "impl replays ring, nic, system and handshake traces"},
		{[]string{"replay", trace, "--bug", "nope"}, "--bug nope"},
	} {
		code, _, stderr := daggercheck(t, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}
