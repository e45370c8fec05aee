package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --trace-out and --itf-out write the counterexample the run printed; a
// run without one writes nothing and leaves an existing file alone; a
// file that cannot be written is exit 2, after the verdict was printed.
func TestCounterexampleFiles(t *testing.T) {
	dir := t.TempDir()
	tr, itf := filepath.Join(dir, "x.trace"), filepath.Join(dir, "x.itf.json")
	code, stdout, _ := cli(t, "check", "ring", "-p", "protocol=dagger", "--property", "no-duplicate",
		"--trace-out", tr, "--itf-out", itf)
	require.Equal(t, exitViolation, code)
	require.Contains(t, stdout, "counterexample, 10 steps")

	fh, err := os.Open(tr)
	require.NoError(t, err)
	defer fh.Close()
	f, err := trace.Parse(tr, fh)
	require.NoError(t, err)
	assert.Equal(t, "ring", f.Model)
	assert.Equal(t, "no-duplicate", f.Outcome.Property)
	assert.Len(t, f.Steps, 11)

	raw, err := os.ReadFile(itf)
	require.NoError(t, err)
	var doc struct {
		States []map[string]any `json:"states"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Len(t, doc.States, 11)

	// No counterexample: nothing written, the old file kept.
	require.NoError(t, os.WriteFile(tr, []byte("keep"), 0o644))
	code, _, stderr := cli(t, "check", "ring", "--trace-out", tr)
	require.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "no counterexample, nothing written to "+tr)
	kept, _ := os.ReadFile(tr)
	assert.Equal(t, "keep", string(kept))

	// An unwritable path: the verdict first, then exit 2 naming the file.
	bad := filepath.Join(dir, "no", "such", "dir", "x.trace")
	code, stdout, stderr = cli(t, "check", "ring", "-p", "protocol=dagger", "--trace-out", bad)
	assert.Equal(t, exitUsage, code)
	assert.True(t, strings.Contains(stdout, "result: violation"), "the verdict is still printed")
	assert.Contains(t, stderr, bad)
}
