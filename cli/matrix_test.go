package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/spec"
)

// guardedParams make the counter's guard a knob: strict counts on while
// the next value is within max, loose while the counter is below it,
// which overshoots when step does not divide max.
var guardedParams = []spec.Param{
	{Name: "max", Default: "3", Description: "where counting stops", Min: 1, Max: 9},
	{Name: "step", Default: "1", Description: "how much a step adds", Min: 1, Max: 3},
	{Name: "guard", Default: "strict", Description: "strict or loose", Choices: []string{"strict", "loose"}},
}

// guarded is the counter with one more property: sometimes it counts
// to max exactly, which it never does when step does not divide max.
type guarded struct{ *counter }

func (g guarded) Properties() []checker.Property[count] {
	return append(g.counter.Properties(), checker.Possible("reaches-max", "some behaviour counts to max exactly",
		func(s count) bool { return int(s.N) == g.max }))
}

func newGuarded(v spec.Values, bug string) (guarded, error) {
	if v.Int("step") == 3 && v.String("guard") == "loose" {
		return guarded{}, fmt.Errorf("%w guard=loose: step=3 divides max=3, so there is nothing to overshoot", spec.ErrParam)
	}
	return guarded{&counter{max: v.Int("max"), step: v.Int("step"), loose: v.String("guard") == "loose"}}, nil
}

// matrixProgram has the counter with its guard as a knob, and the plain
// counter, which has no design space.
var matrixProgram = cli.Program{Name: "counting", Models: []cli.Model{
	cli.Register[count, guarded]("guarded", "a counter with a choice of guard", guardedParams, nil, newGuarded).
		WithSpace(spec.Space{Fixed: []string{"max=3"}, Axes: []spec.Axis{
			spec.Knob("step", "1", "2", "3"), spec.Knob("guard", "strict", "loose")}}),
	cli.Register[count]("counter", "a counter", counterParams, counterBugs, newCounter),
}}

func runMatrix(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := matrixProgram.Run(&cli.Env{Stdout: &out, Stderr: &errOut}, append([]string{"matrix"}, args...))
	return out.String(), errOut.String(), code
}

// matrixJSON is what the tests read of matrix --json.
type matrixJSON struct {
	Models []struct {
		Model      string
		Properties []string
		Rows       []struct {
			Config string
			Result string
			Cells  []struct {
				Property, Status, Trace string
				Steps                   int
				Unwitnessed             bool
			}
			DistinctStates uint64 `json:"distinct_states"`
			Seconds        float64
		}
		Excluded []struct{ Config, Reason string }
	}
	Summary []struct{ Setting, Property, Text string }
}

func decodeMatrix(t *testing.T, out string) matrixJSON {
	t.Helper()
	var m matrixJSON
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	for _, mm := range m.Models {
		for i := range mm.Rows {
			mm.Rows[i].Seconds = 0
		}
	}
	return m
}

// The matrix checks every configuration the model accepts, lists the
// ones it rejects, and says which knob breaks what; the tables are the
// same with one worker as with several.
func TestMatrixTables(t *testing.T) {
	out, errOut, code := runMatrix(t, "--json", "--workers", "1")
	require.Equal(t, cli.ExitOK, code, errOut)
	m := decodeMatrix(t, out)
	require.Len(t, m.Models, 1, "only the model with a design space")
	g := m.Models[0]
	assert.Equal(t, []string{"bounded", "reaches-max", "deadlock"}, g.Properties)
	var configs []string
	for _, r := range g.Rows {
		configs = append(configs, r.Config)
		bounded, reaches := "ok", "ok"
		if r.Config == "step=2 guard=loose" {
			bounded = "violated"
			assert.Equal(t, 2, r.Cells[0].Steps)
		}
		if strings.HasPrefix(r.Config, "step=2") {
			reaches = "violated"
			assert.True(t, r.Cells[1].Unwitnessed, r.Config)
		}
		assert.Equal(t, []string{bounded, reaches, "ok"}, []string{r.Cells[0].Status, r.Cells[1].Status, r.Cells[2].Status}, r.Config)
	}
	assert.Equal(t, []string{"step=1 guard=strict", "step=1 guard=loose", "step=2 guard=strict", "step=2 guard=loose", "step=3 guard=strict"}, configs)
	require.Len(t, g.Excluded, 1)
	assert.Equal(t, "step=3 guard=loose", g.Excluded[0].Config)
	assert.Contains(t, g.Excluded[0].Reason, "nothing to overshoot")

	var texts []string
	for _, l := range m.Summary {
		texts = append(texts, l.Text)
	}
	assert.Contains(t, texts, "guard=loose breaks bounded (2 steps) under step=2; keeps it under step=1 (where guard=strict keeps it under the same settings)")
	assert.Contains(t, texts, "step=2 breaks reaches-max (no state witnesses it) under every setting of the other knobs (where step=1 or step=3 keeps it under the same settings)")
	assert.Contains(t, texts, "every value of guard breaks reaches-max (no state witnesses it) under step=2; all keep it under step=1|3; guard does not decide it")

	for _, w := range []string{"3", "8"} {
		again, _, code := runMatrix(t, "--json", "--workers", w)
		require.Equal(t, cli.ExitOK, code)
		assert.Equal(t, m, decodeMatrix(t, again), "--workers %s", w)
	}
}

// With --out, each configuration's row and counterexamples are written
// there, the Markdown links to the traces, and a second run takes the
// rows already judged from there instead of checking them again.
func TestMatrixOutAndResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mx")
	out, errOut, code := runMatrix(t, "--out", dir, "--no-times", "guarded")
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.Contains(t, out, "| 2 | loose | [✗ 2](mx/guarded/2-loose.bounded.trace) | ✗ never | ok |")
	assert.NotContains(t, out, "seconds")
	raw, err := os.ReadFile(filepath.Join(dir, "guarded", "2-loose.bounded.trace"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "model guarded")

	// A row already judged is read back, not checked again: doctor one.
	cell := filepath.Join(dir, "guarded", "1-strict.json")
	raw, err = os.ReadFile(cell)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cell, bytes.Replace(raw, []byte(`"distinct_states": 4`), []byte(`"distinct_states": 999`), 1), 0o644))
	out, _, code = runMatrix(t, "--out", dir, "--no-times", "guarded")
	require.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "| 1 | strict | ok | ok | ok | 999 |")

	// One not judged, or of other parameters, is checked again.
	require.NoError(t, os.WriteFile(cell, bytes.Replace(raw, []byte(`"result": "ok"`), []byte(`"result": "incomplete"`), 1), 0o644))
	out, _, _ = runMatrix(t, "--out", dir, "--no-times", "guarded")
	assert.Contains(t, out, "| 1 | strict | ok | ok | ok | 4 |")

	// A renamed directory resumes, its links renamed.
	moved := filepath.Join(filepath.Dir(dir), "moved")
	require.NoError(t, os.Rename(dir, moved))
	require.NoError(t, os.WriteFile(filepath.Join(moved, "guarded", "2-strict.json"), []byte(`{"params": ["max=3", "step=2", "guard=strict"], "result": "ok", "distinct_states": 777,
		"cells": [{"property": "bounded", "status": "ok"}, {"property": "reaches-max", "status": "ok"}, {"property": "deadlock", "status": "ok"}]}`), 0o644))
	out, _, _ = runMatrix(t, "--out", moved, "--no-times", "guarded")
	assert.Contains(t, out, "| 2 | loose | [✗ 2](moved/guarded/2-loose.bounded.trace) | ✗ never | ok |")
	assert.Contains(t, out, "| 2 | strict | ok | ok | ok | 777 |")
}

func TestMatrixHTML(t *testing.T) {
	out, errOut, code := runMatrix(t, "--format", "html", "--out", t.TempDir())
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "<!DOCTYPE html>"))
	assert.Contains(t, out, `<td class="violated"><a href="`)
}

func TestMatrixRejects(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"counter"}, "model counter declares no design space"},
		{[]string{"nosuch"}, `unknown model "nosuch"`},
		{[]string{"--format", "pdf"}, `--format "pdf": want markdown, json or html`},
		{[]string{"--workers", "-1"}, "--workers -1"},
		{[]string{"--budget", "-1s"}, "--budget -1s"},
	} {
		_, errOut, code := runMatrix(t, c.args...)
		assert.Equal(t, cli.ExitUsage, code, c.args)
		assert.Contains(t, errOut, c.want, c.args)
	}
}

// -p and --axis reshape one model's space from the command line: a new
// knob, a knob with other values, parameters over the fixed ones.
func TestMatrixReshape(t *testing.T) {
	out, errOut, code := runMatrix(t, "guarded", "--json", "-p", "max=4", "--axis", "step=2", "--axis", "max=4,5")
	require.Equal(t, cli.ExitOK, code, errOut)
	var configs []string
	for _, r := range decodeMatrix(t, out).Models[0].Rows {
		configs = append(configs, r.Config)
	}
	assert.Equal(t, []string{"step=2 guard=strict max=4", "step=2 guard=strict max=5",
		"step=2 guard=loose max=4", "step=2 guard=loose max=5"}, configs)

	_, errOut, code = runMatrix(t, "-p", "max=4")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errOut, "name the model")
	_, errOut, code = runMatrix(t, "guarded", "--axis", "step")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errOut, `--axis "step": want NAME=V1,V2,...`)
}

// A configuration whose check the budget stops is not judged: its cells
// read ?, the command exits 3, and --out does not keep it as judged.
func TestMatrixBudget(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runMatrix(t, "guarded", "--budget", "1ns", "--no-times", "--out", dir)
	require.Equal(t, cli.ExitIncomplete, code, errOut)
	assert.Contains(t, out, "| 1 | strict | ? | ? | ? |")
	out, _, code = runMatrix(t, "guarded", "--no-times", "--out", dir)
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "| 1 | strict | ok | ok | ok | 4 |")
}
