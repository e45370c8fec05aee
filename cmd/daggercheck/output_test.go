package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/spec"
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
	code, stdout, _ := daggercheck(t, "check", "ring", "-p", "protocol=dagger", "--property", "no-duplicate",
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
	code, _, stderr := daggercheck(t, "check", "ring", "--trace-out", tr)
	require.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "no counterexample, nothing written to "+tr)
	kept, _ := os.ReadFile(tr)
	assert.Equal(t, "keep", string(kept))

	// A path that cannot be written: exit 2 at once, naming the file,
	// before any search.
	dir2 := filepath.Join(dir, "d")
	require.NoError(t, os.Mkdir(dir2, 0o755))
	for _, tc := range []struct{ flag, path, why string }{
		{"--trace-out", filepath.Join(dir, "no", "such", "dir", "x.trace"), "no directory " + filepath.Join(dir, "no", "such", "dir")},
		{"--itf-out", dir2, "is a directory"},
		{"--trace-out", filepath.Join(tr, "x.trace"), "not a directory"},
		{"--checkpoint", filepath.Join(tr, "ck"), "not a directory"},
	} {
		code, stdout, stderr = daggercheck(t, "check", "ring", "-p", "protocol=dagger", tc.flag, tc.path)
		assert.Equal(t, exitUsage, code, tc.flag+" "+tc.path)
		assert.Empty(t, stdout, "no search ran")
		assert.Contains(t, stderr, tc.flag+" "+tc.path+": ")
		assert.Contains(t, stderr, tc.why)
	}
}

// For every bug of every model, convert reads back what --itf-out wrote
// as the trace file --trace-out wrote for the same counterexample, and
// recheck reproduces both on the model.
func TestITFConvertsBackToTheTraceFile(t *testing.T) {
	dir := t.TempDir()
	for _, m := range model.All() {
		for _, b := range m.Bugs {
			t.Run(m.Name+"/"+b.Name, func(t *testing.T) {
				tr, itf := filepath.Join(dir, m.Name+"-"+b.Name+".trace"), filepath.Join(dir, m.Name+"-"+b.Name+".itf.json")
				args := []string{"check", m.Name, "--bug", b.Name, "--trace-out", tr, "--itf-out", itf}
				if b.Breaks != spec.Deadlock {
					args = append(args, "--property", b.Breaks)
				}
				code, stdout, stderr := daggercheck(t, args...)
				require.Equal(t, exitViolation, code, "%s%s", stdout, stderr)
				written, err := os.ReadFile(tr)
				require.NoError(t, err)
				code, stdout, stderr = daggercheck(t, "convert", itf)
				require.Equal(t, exitOK, code, stderr)
				assert.Equal(t, string(written), stdout)
				for _, f := range []string{tr, itf} {
					code, stdout, _ = daggercheck(t, "recheck", f)
					assert.Equal(t, exitOK, code, stdout)
					assert.Contains(t, stdout, "result: reproduced: ")
				}
			})
		}
	}
}
