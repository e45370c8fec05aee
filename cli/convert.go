package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/daggercheck/daggercheck/trace"
)

// Conversion is a behaviour read from another format as a trace file,
// for Converted to write.
type Conversion struct {
	Source string // the file it was read from
	Format string // that file's format: "itf", "tlc-json"
	States int    // the states the file holds
	File   *trace.File
	Out    string // the trace file to write; "" for standard output
}

// convertReport is what convert prints with --json. Its field names are
// the CLI contract; add, never rename.
type convertReport struct {
	Source   string   `json:"source"`
	Format   string   `json:"format"`
	Model    string   `json:"model"`
	Params   []string `json:"params"`
	Bug      string   `json:"bug"`
	Result   string   `json:"result"`
	Property string   `json:"property"`
	Steps    int      `json:"trace_length"`
	Loop     int      `json:"loop_start"`
	Out      string   `json:"out,omitempty"`
	Trace    string   `json:"trace,omitempty"`
}

// Converted writes a conversion's trace file to c.Out (saying so in a
// line) or to stdout; with asJSON it prints a JSON object describing the
// conversion instead, with the trace file in it when there is no c.Out.
func (e *Env) Converted(c Conversion, asJSON bool) int {
	f := c.File
	text := f.String()
	if c.Out != "" {
		if err := os.WriteFile(c.Out, []byte(text), 0o644); err != nil {
			return e.Fail(err)
		}
	}
	switch {
	case asJSON:
		res := convertReport{c.Source, c.Format, f.Model, f.Params, f.Bug, f.Outcome.Result, f.Outcome.Property,
			len(f.Steps) - 1, f.Outcome.LoopStart, c.Out, ""}
		if c.Out == "" {
			res.Trace = text
		}
		return e.WriteJSON(res)
	case c.Out != "":
		outcome := f.Outcome.Result
		if f.Outcome.Property != "" {
			outcome += " of " + f.Outcome.Property
		}
		what := f.Model + " " + strings.Join(f.Params, " ")
		if f.Bug != "" {
			what += " --bug " + f.Bug
		}
		fmt.Fprintf(e.Stdout, "converted %s (%s, %d states) to %s: model %s, %d steps, %s\n",
			c.Source, c.Format, c.States, c.Out, what, len(f.Steps)-1, outcome)
	default:
		fmt.Fprint(e.Stdout, text)
	}
	return ExitOK
}

// convert runs `convert FILE [--out TRACE] [--json]`: it turns an ITF
// trace that --itf-out wrote back into the trace file that --trace-out
// writes for the same counterexample.
func (e *Env) convert(args []string) int {
	fs := e.Flags("convert", "FILE [--out TRACE] [--json]")
	out := fs.String("out", "", "write the trace file here (default: standard output)")
	asJSON := fs.Bool("json", false, "print one JSON object describing the conversion (with the trace when there is no --out)")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if len(pos) != 1 {
		return e.Fail(fmt.Errorf("convert takes one ITF trace, got %d", len(pos)))
	}
	if *out != "" {
		if err := checkWritableFile(*out); err != nil {
			return e.Fail(fmt.Errorf("--out %s: %w", *out, err))
		}
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return e.Fail(err)
	}
	f, err := trace.ParseITF(pos[0], strings.NewReader(string(raw)))
	if err != nil {
		return e.Fail(err)
	}
	return e.Converted(Conversion{Source: pos[0], Format: "itf", States: len(f.Steps), File: f, Out: *out}, *asJSON)
}
