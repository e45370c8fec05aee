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

// counter is the smallest model a program can offer: a counter that
// counts up by step as long as it stays within max. Its bug, loose-guard,
// counts on while the counter is below max, which overshoots only when
// step does not divide max: it needs step=2 to show under the default
// max=3.
type counter struct {
	max, step int
	loose     bool
}

type count struct{ N uint8 }

var counterParams = []spec.Param{
	{Name: "max", Default: "3", Description: "where counting stops", Min: 1, Max: 9},
	{Name: "step", Default: "1", Description: "how much a step adds", Min: 1, Max: 3},
}

var counterBugs = []spec.Bug{{Name: "loose-guard", Params: []string{"step=2"}, Breaks: "bounded",
	Description: "counting goes on while the counter is below max, not while the next value is within it"}}

func newCounter(v spec.Values, bug string) (*counter, error) {
	return &counter{max: v.Int("max"), step: v.Int("step"), loose: bug == "loose-guard"}, nil
}

func (c *counter) Init() []count                   { return []count{{}} }
func (c *counter) Actions() []checker.ActionKind   { return []checker.ActionKind{{Name: "add"}} }
func (c *counter) Encode(b []byte, s count) []byte { return append(b, s.N) }
func (c *counter) Terminal(s count) bool           { return true }
func (c *counter) Next(s count, emit func(checker.Action, count)) {
	if int(s.N)+c.step <= c.max || c.loose && int(s.N) < c.max {
		emit(checker.Act(0), count{s.N + uint8(c.step)})
	}
}
func (c *counter) Properties() []checker.Property[count] {
	return []checker.Property[count]{checker.Invariant("bounded", "the counter stays within 0..max",
		func(s count) bool { return int(s.N) <= c.max })}
}

var program = cli.Program{Name: "counting", Models: []cli.Model{
	cli.Register[count]("counter", "a counter", counterParams, counterBugs, newCounter),
}}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = program.Run(&cli.Env{Ctx: t.Context(), Stdin: &bytes.Buffer{}, Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

// A bug given without the parameters it needs gets them, and stderr says
// so; a parameter given keeps its value.
func TestBugAddsTheParametersItNeeds(t *testing.T) {
	code, stdout, stderr := run(t, "check", "--bug", "loose-guard")
	assert.Equal(t, cli.ExitViolation, code, stdout)
	assert.Equal(t, "counting: --bug loose-guard shows only with -p step=2, which this run adds\n", stderr)
	assert.Contains(t, stdout, "model counter  max=3 step=2  --bug loose-guard")

	code, stdout, stderr = run(t, "check", "--bug", "loose-guard", "-p", "step=1")
	assert.Equal(t, cli.ExitOK, code, "a step of 1 hits max exactly: %s", stdout)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "model counter  max=3 step=1  --bug loose-guard")

	m, err := cli.Lookup(program.Models, "counter")
	require.NoError(t, err)
	v, added, err := m.Configure([]string{" step = 3"}, "loose-guard")
	require.NoError(t, err)
	assert.Empty(t, added, "step is given, with spaces around it")
	assert.Equal(t, []string{"max=3", "step=3"}, v.Assignments())
}

// models --json lists each bug's parameters; models NAME shows one model,
// as a JSON object.
func TestModelsListsBugParameters(t *testing.T) {
	code, stdout, _ := run(t, "models", "--json")
	require.Equal(t, cli.ExitOK, code)
	var all []struct {
		Name string `json:"name"`
		Bugs []struct {
			Name   string   `json:"name"`
			Params []string `json:"params"`
		} `json:"bugs"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &all))
	require.Len(t, all, 1)
	assert.Equal(t, []string{"step=2"}, all[0].Bugs[0].Params)

	code, stdout, _ = run(t, "models", "counter", "--json")
	require.Equal(t, cli.ExitOK, code)
	var one struct{ Name string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &one))
	assert.Equal(t, "counter", one.Name)

	code, stdout, _ = run(t, "models", "counter")
	require.Equal(t, cli.ExitOK, code)
	assert.True(t, strings.HasPrefix(stdout, "counter (default) — a counter\n"), stdout)
}

// The usage lists the built-in commands under the program's name; a
// program's command of a built-in's name replaces it.
func TestUsageAndCommands(t *testing.T) {
	code, stdout, _ := run(t, "help")
	require.Equal(t, cli.ExitOK, code)
	for _, c := range []string{"models", "check", "simulate", "recheck", "convert", "merge", "version"} {
		assert.Regexp(t, "(?m)^  "+c+" ", stdout)
	}
	assert.Contains(t, stdout, "usage: counting COMMAND")
	assert.Contains(t, stdout, "(default counter)")

	p := program
	p.Commands = []cli.Command{{Name: "convert", Synopsis: "X", Summary: "mine", Run: func(e *cli.Env, args []string) int {
		fmt.Fprintln(e.Stdout, "my convert", args)
		return cli.ExitOK
	}}}
	var out bytes.Buffer
	code = p.Run(&cli.Env{Ctx: t.Context(), Stdout: &out, Stderr: &out}, []string{"convert", "a"})
	assert.Equal(t, cli.ExitOK, code)
	assert.Equal(t, "my convert [a]\n", out.String())
	out.Reset()
	p.Run(&cli.Env{Ctx: t.Context(), Stdout: &out, Stderr: &out}, []string{"help"})
	assert.Equal(t, 1, strings.Count(out.String(), "  convert "), out.String())

	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, _ = run(t, args...)
		assert.Equal(t, cli.ExitOK, code)
		assert.Regexp(t, `^counting \S+ \(.*go1\.[0-9]+`, stdout)
	}
	code, _, stderr := run(t, "frob")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, stderr, `counting: unknown command "frob"`)
}

// --trace-format fields shows a field a line, with a value that holds
// spaces or "=" quoted; recheck replays the trace file and the ITF trace
// of the same counterexample, and convert turns the ITF back into the
// trace file.
func TestTraceFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tr, itf := filepath.Join(dir, "c.trace"), filepath.Join(dir, "c.itf.json")
	code, stdout, _ := run(t, "check", "--bug", "loose-guard", "--trace-out", tr, "--itf-out", itf, "--trace-format", "fields")
	require.Equal(t, cli.ExitViolation, code)
	assert.Contains(t, stdout, "    0  init\n         N=0\n    1  add\n         N=2\n")

	for _, f := range []string{tr, itf} {
		code, stdout, _ = run(t, "recheck", f)
		assert.Equal(t, cli.ExitOK, code, stdout)
		assert.Contains(t, stdout, "result: reproduced: the model takes all 2 steps and breaks bounded")
		code, stdout, _ = run(t, "recheck", f, "--bug", "none")
		assert.Equal(t, cli.ExitViolation, code, stdout)
		assert.Contains(t, stdout, "result: not reproduced: ")
	}
	written, err := os.ReadFile(tr)
	require.NoError(t, err)
	code, stdout, _ = run(t, "convert", itf)
	assert.Equal(t, cli.ExitOK, code)
	assert.Equal(t, string(written), stdout)

	code, _, stderr := run(t, "check", "--trace-format", "wide")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, stderr, `--trace-format "wide": want line or fields`)
}

// lossy is a counter whose Encode leaves out the step it last took, so a
// search would take states that differ in it for one.
type lossy struct{ counter }

type counted struct {
	N    uint8
	Last uint8 // the step last taken: 1 or 2
}

func (l *lossy) Init() []counted                   { return []counted{{}} }
func (l *lossy) Encode(b []byte, s counted) []byte { return append(b, s.N) }
func (l *lossy) Terminal(counted) bool             { return true }
func (l *lossy) Next(s counted, emit func(checker.Action, counted)) {
	for step := uint8(1); step <= 2; step++ {
		if int(s.N+step) <= l.max {
			emit(checker.Act(0), counted{s.N + step, step})
		}
	}
}
func (l *lossy) Properties() []checker.Property[counted] {
	return []checker.Property[counted]{checker.Invariant("bounded", "the counter stays within 0..max",
		func(s counted) bool { return int(s.N) <= l.max })}
}

// Before a run, the command line checks the model's contract on its first
// states: an Encode that leaves a field out is exit 2, naming the field;
// --contract-states 0 runs the model anyway.
func TestContractCheckedBeforeTheRun(t *testing.T) {
	p := cli.Program{Name: "lossy", Models: []cli.Model{cli.Register[counted]("lossy", "a lossy counter", counterParams, nil,
		func(v spec.Values, _ string) (*lossy, error) { return &lossy{counter{max: v.Int("max")}}, nil })}}
	for _, cmd := range []string{"check", "simulate"} {
		var out, errOut bytes.Buffer
		code := p.Run(&cli.Env{Ctx: t.Context(), Stdout: &out, Stderr: &errOut}, []string{cmd})
		assert.Equal(t, cli.ExitUsage, code, cmd)
		assert.Empty(t, out.String(), "no run")
		assert.Contains(t, errOut.String(), "lossy: model lossy breaks the checker's contract")
		assert.Contains(t, errOut.String(), "encode-merges Last:")

		out.Reset()
		code = p.Run(&cli.Env{Ctx: t.Context(), Stdout: &out, Stderr: &errOut}, []string{cmd, "--contract-states", "0"})
		assert.Equal(t, cli.ExitOK, code, "%s: %s", cmd, out.String())
	}
}
