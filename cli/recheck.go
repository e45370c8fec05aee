package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/trace"
)

// Recheck outcomes.
const (
	Reproduced    = "reproduced"     // the model takes every step and shows the trace's outcome
	NotReproduced = "not-reproduced" // it does not: the reason names the step
)

// recheckReport is what recheck prints with --json. Its field names are
// the CLI contract; add, never rename.
type recheckReport struct {
	File        string   `json:"file"`
	Model       string   `json:"model"`
	Params      []string `json:"params"`
	Bug         string   `json:"bug"`
	Result      string   `json:"result"`
	Outcome     string   `json:"outcome"` // the trace's: violation, deadlock or ok
	Property    string   `json:"property,omitempty"`
	TraceLength int      `json:"trace_length"`
	Reason      string   `json:"reason,omitempty"`
}

// recheck runs `recheck TRACE [--bug NAME] [--json]`: it replays a trace
// file (or an ITF trace that --itf-out wrote) on its model, without any
// search, and confirms that the model takes every step and breaks the
// property the trace names. Exit 0 when it does, 1 when it does not.
func (e *Env) recheck(args []string) int {
	fs := e.Flags("recheck", "TRACE [--bug NAME] [--json] [--svg-out FILE]")
	bug := fs.String("bug", "", "re-check on the model with this bug instead of the trace's (none: no bug)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	svgOut := fs.String("svg-out", "", "write the trace as an SVG sequence diagram to this `file`")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if len(pos) != 1 {
		return e.Fail(fmt.Errorf("recheck takes one trace file, got %d", len(pos)))
	}
	f, err := readTrace(pos[0])
	if err != nil {
		return e.Fail(err)
	}
	switch *bug {
	case "":
	case "none":
		f.Bug = ""
	default:
		f.Bug = *bug
	}
	rep, err := e.recheckFile(pos[0], f)
	if err != nil {
		return e.Fail(fmt.Errorf("%s: %w", pos[0], err))
	}
	if *svgOut != "" && rep.Result == Reproduced {
		if err := e.writeTraceSVG(*svgOut, f); err != nil {
			return e.Fail(fmt.Errorf("--svg-out %s: %w", *svgOut, err))
		}
	}
	if *asJSON {
		if code := e.WriteJSON(rep); code != ExitOK {
			return code
		}
	} else {
		rep.print(e)
	}
	if rep.Result != Reproduced {
		return ExitViolation
	}
	return ExitOK
}

// readTrace reads a trace file, or an ITF trace that --itf-out wrote.
func readTrace(path string) (*trace.File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if trace.IsITF(raw) {
		return trace.ParseITF(path, strings.NewReader(string(raw)))
	}
	return trace.Parse(path, strings.NewReader(string(raw)))
}

// recheckFile replays f on its model; an error is bad input (an unknown
// model, bug or parameter), a trace the model does not take a verdict.
func (e *Env) recheckFile(path string, f *trace.File) (*recheckReport, error) {
	m, err := Lookup(e.Program.Models, f.Model)
	if err != nil {
		return nil, err
	}
	v, _, err := m.Configure(f.Params, f.Bug)
	if err != nil {
		return nil, err
	}
	r, err := m.New(v, f.Bug, checker.Options{})
	if err != nil {
		return nil, err
	}
	property := f.Outcome.Property
	if f.Outcome.Result == "deadlock" {
		property = checker.DeadlockProperty
	}
	rep := &recheckReport{File: path, Model: f.Model, Params: v.Assignments(), Bug: f.Bug, Result: Reproduced,
		Outcome: f.Outcome.Result, Property: f.Outcome.Property, TraceLength: len(f.Steps) - 1}
	if _, err := r.Recheck(f.Trace(), property); errors.Is(err, checker.ErrNotACounterexample) {
		rep.Result, rep.Reason = NotReproduced, err.Error()
	} else if err != nil {
		return nil, err
	}
	return rep, nil
}

func (r *recheckReport) print(e *Env) {
	bug := ""
	if r.Bug != "" {
		bug = "  --bug " + r.Bug
	}
	fmt.Fprintf(e.Stdout, "recheck %s  (model %s%s)\n", r.File, strings.Join(append([]string{r.Model}, r.Params...), " "), bug)
	if r.Result != Reproduced {
		fmt.Fprintf(e.Stdout, "result: not reproduced: %s\n", r.Reason)
		return
	}
	shows := ""
	switch r.Outcome {
	case "violation":
		shows = " and breaks " + r.Property
	case "deadlock":
		shows = " and deadlocks"
	}
	fmt.Fprintf(e.Stdout, "result: reproduced: the model takes %s%s\n", allSteps(r.TraceLength), shows)
}

// allSteps is "all N steps", or "the one step".
func allSteps(n int) string {
	if n == 1 {
		return "the one step"
	}
	return fmt.Sprintf("all %d steps", n)
}
