package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateCommand(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "validate", "../../docs/runs/ring-tx.run")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "result: valid: 18 of 18 events explained by model ring")

	code, stdout, _ = daggercheck(t, "validate", "--json", "../../docs/runs/ring-tx-credit-overrun.run")
	require.Equal(t, exitViolation, code)
	var res struct {
		Result    string   `json:"result"`
		Events    int      `json:"events"`
		Explained int      `json:"explained"`
		Line      int      `json:"line"`
		Event     string   `json:"event"`
		Could     []string `json:"model_could_log"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	assert.Equal(t, "invalid", res.Result)
	assert.Equal(t, 2, res.Explained)
	assert.Equal(t, "send flow=0 rpc=2", res.Event)
	assert.Equal(t, 10, res.Line)
	assert.NotEmpty(t, res.Could)

	e2e := []string{"validate", "--history", "-p", "clients=2", "-p", "calls=2", "-p", "server-flows=2",
		"-p", "losses=1", "-p", "dups=1", "-p", "reorders=2"}
	code, stdout, stderr = daggercheck(t, append(e2e, "../../docs/runs/e2e.history")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "result: valid: 12 of 12 events explained by model system")
	code, _, _ = daggercheck(t, append(e2e, "../../docs/runs/e2e-exec-twice.history")...)
	assert.Equal(t, exitViolation, code)

	// A state limit too small to follow the log: incomplete, exit 3.
	code, _, stderr = daggercheck(t, append(e2e, "--max-states", "5", "../../docs/runs/e2e.history")...)
	assert.Equal(t, exitIncomplete, code)
	assert.Contains(t, stderr, "more than 5 model states")

	// Bad input: exit 2 naming the culprit.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.run")
	require.NoError(t, os.WriteFile(bad, []byte("daggercheck-run 1\nmodel ring\nevent send flow=0 rpc=x\n"), 0o644))
	badParams := filepath.Join(dir, "params.run")
	require.NoError(t, os.WriteFile(badParams, []byte("daggercheck-run 1\nmodel ring\nparam slots=0\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"validate"}, "one run log"},
		{[]string{"validate", "/no/such/file"}, "/no/such/file"},
		{[]string{"validate", bad}, "run log " + bad + ": malformed run log: line 3: send: field rpc=\"x\""},
		{[]string{"validate", badParams}, "slots"},
		{[]string{"validate", "-p", "clients=2", "../../docs/runs/ring-tx.run"}, "-p goes with --history"},
		{[]string{"validate", "--max-states", "0", "../../docs/runs/ring-tx.run"}, "--max-states 0"},
		{[]string{"validate", "--history", "../../docs/runs/ring-tx.run"}, "ring-tx.run:1"},
		{[]string{"validate", "--history", "-p", "clients=9", "../../docs/runs/e2e.history"}, "clients"},
		{[]string{"validate", "../../docs/traces/coherence-bug-lost-writeback.trace"}, "malformed run log: ../../docs/traces/coherence-bug-lost-writeback.trace:1: want \"daggercheck-run 1\" first"},
	} {
		code, _, stderr := daggercheck(t, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}

// --complete: a whole recorded run is valid; the same log cut short at a
// line boundary, or with no events at all, is not, and the report says
// what the model could still log.
func TestValidateComplete(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "validate", "--complete", "../../docs/runs/ring-tx.run")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "result: valid: 18 of 18 events")

	whole, err := os.ReadFile("../../docs/runs/ring-tx.run")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(whole), "\n")
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		keep   int // lines kept: the header is 7
		events int
	}{{"cut.run", 20, 13}, {"empty.run", 7, 0}} {
		path := filepath.Join(dir, tc.name)
		require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines[:tc.keep], "")), 0o644))
		code, _, _ := daggercheck(t, "validate", path)
		assert.Equal(t, exitOK, code, "%s: without --complete a prefix of a run is valid", tc.name)
		code, stdout, _ := daggercheck(t, "validate", "--complete", path)
		assert.Equal(t, exitViolation, code, tc.name)
		assert.Contains(t, stdout, fmt.Sprintf("result: invalid: %d of %d events explained", tc.events, tc.events))
		assert.Contains(t, stdout, "the run log ends before the run does")
		assert.Contains(t, stdout, "the model could still log:\n  send flow=0 rpc=")
	}
}
