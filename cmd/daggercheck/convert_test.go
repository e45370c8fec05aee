package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConvertCommand: a TLC counterexample of tla/ring/bug-header-first.cfg
// becomes a trace file that `replay` reproduces on impl/ring; the same
// with -p and --bug instead of the config; --json describes it.
func TestConvertCommand(t *testing.T) {
	src := "../../bridge/dagger/testdata/tlc/ring-bug-header-first.json"
	cfg := "../../tla/ring/bug-header-first.cfg"
	out := filepath.Join(t.TempDir(), "x.trace")

	code, stdout, stderr := daggercheck(t, "convert", src, "--cfg", cfg, "--out", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "converted "+src+" (tlc-json, 5 states) to "+out)
	assert.Contains(t, stdout, "--bug header-first, 4 steps, violation of no-torn-read")

	code, stdout, stderr = daggercheck(t, "replay", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "result: reproduced")

	// The same constants as parameters: the same trace, on stdout.
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	code, stdout, stderr = daggercheck(t, "convert", src, "-p", "protocol=credit", "--bug", "header-first")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, string(written), stdout)

	code, stdout, stderr = daggercheck(t, "convert", "--json", src, "--cfg", cfg)
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Format, Model, Bug, Result, Property, Trace string
		Steps                                       int `json:"trace_length"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	assert.Equal(t, "tlc-json", res.Format)
	assert.Equal(t, "ring", res.Model)
	assert.Equal(t, "header-first", res.Bug)
	assert.Equal(t, "violation", res.Result)
	assert.Equal(t, "no-torn-read", res.Property)
	assert.Equal(t, 4, res.Steps)
	assert.Equal(t, string(written), res.Trace)

	// An ITF trace of the same behaviour converts to the same file.
	code, stdout, stderr = daggercheck(t, "convert", "../../bridge/dagger/testdata/tlc/ring-bug-header-first.itf.json", "--cfg", cfg)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, string(written), stdout)
}

func TestConvertCommandRejects(t *testing.T) {
	src := "../../bridge/dagger/testdata/tlc/ring-bug-header-first.json"
	notJSON := filepath.Join(t.TempDir(), "x.json")
	require.NoError(t, os.WriteFile(notJSON, []byte("step init\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"convert"}, "one TLC JSON or ITF trace"},
		{[]string{"convert", "/no/such/file"}, "/no/such/file"},
		{[]string{"convert", notJSON}, "x.json: not a JSON object"},
		{[]string{"convert", src, "--cfg", "/no/such.cfg"}, "/no/such.cfg"},
		{[]string{"convert", src, "--cfg", "../../tla/ring/tx.cfg", "--bug", "header-first"}, "not both"},
		// Without the bug, the first store is another one: the Go model has no such step.
		{[]string{"convert", src}, "state 1 (TLA+ action TxBegin) is not a successor of state 0"},
		{[]string{"convert", src, "--cfg", "../../tla/ring/bug-header-first.cfg", "--property", "NoLoss"}, "breaks none of no-loss"},
	} {
		code, _, stderr := daggercheck(t, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}
