package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/daggercheck/daggercheck/bridge/dagger"
	"github.com/daggercheck/daggercheck/tlaplus"
)

// convert runs `daggercheck convert FILE [--cfg CFG | -p key=value ...
// --bug NAME] [--property NAME] [--out TRACE] [--json]`: it reads a
// behaviour of tla/Coherence.tla or tla/Ring.tla — TLC's `-dumpTrace json`
// counterexample or an ITF trace — and writes the trace file of the same
// behaviour of the Go model, which `check`'s model re-checks and `replay`
// runs on impl. The constants come from the TLC config the trace was
// checked with (--cfg), or as the Go model's parameters and bug.
func (e env) convert(args []string) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfgPath := fs.String("cfg", "", "the TLC config (.cfg) the trace was checked with: its constants give the model, parameters and bug")
	var params multiFlag
	fs.Var(&params, "p", "a parameter of the Go model, key=value (repeatable; instead of --cfg)")
	bug := fs.String("bug", "", "the Go model's bug (instead of --cfg)")
	property := fs.String("property", "", "the property the trace breaks, by its TLA+ or Go name (default: the first of the config's that it breaks, or of the model's)")
	out := fs.String("out", "", "write the trace file here (default: standard output)")
	asJSON := fs.Bool("json", false, "print one JSON object describing the conversion (with the trace when there is no --out)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: daggercheck convert FILE [--cfg CFG | -p key=value ... --bug NAME] [--property NAME] [--out TRACE] [--json]")
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return e.usageError(fmt.Errorf("convert takes one TLC JSON or ITF trace, got %d", len(pos)))
	}
	if *cfgPath != "" && (len(params) > 0 || *bug != "") {
		return e.usageError(errors.New("convert: give the constants either as --cfg or as -p and --bug, not both"))
	}
	fh, err := os.Open(pos[0])
	if err != nil {
		return e.usageError(err)
	}
	defer fh.Close()
	tr, err := tlaplus.ParseTLATrace(pos[0], fh)
	if err != nil {
		return e.usageError(err)
	}
	var modelName string
	var props []string
	if *cfgPath != "" {
		cfg, err := tlaplus.ReadTLCConfig(*cfgPath)
		if err != nil {
			return e.usageError(err)
		}
		if modelName, params, *bug, err = dagger.TLAParams(cfg); err != nil {
			return e.usageError(fmt.Errorf("%s: %w", *cfgPath, err))
		}
		props = append(cfg.Invariants, cfg.Properties...) // what TLC checked, in its order
	} else {
		// Without a config, the spec's variables say which model it is.
		switch vars := tr.States[0]; {
		case has(vars, "cache"):
			modelName = "coherence"
		case has(vars, "ring"):
			modelName = "ring"
		default:
			return e.usageError(fmt.Errorf("%s: the first state has neither cache (tla/Coherence.tla) nor ring (tla/Ring.tla)", pos[0]))
		}
	}
	if *property != "" {
		props = []string{*property}
	}
	f, err := dagger.ConvertTLA(tr, modelName, params, *bug, props)
	if err != nil {
		return e.usageError(fmt.Errorf("%s: %w", pos[0], err))
	}
	text := f.String()
	if *out != "" {
		if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
			return e.usageError(err)
		}
	}
	switch {
	case *asJSON:
		res := struct {
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
		}{pos[0], tr.Format, f.Model, f.Params, f.Bug, f.Outcome.Result, f.Outcome.Property, len(f.Steps) - 1, f.Outcome.LoopStart, *out, ""}
		if *out == "" {
			res.Trace = text
		}
		if err := writeJSON(e.stdout, res); err != nil {
			return e.usageError(err)
		}
	case *out != "":
		outcome := f.Outcome.Result
		if f.Outcome.Property != "" {
			outcome += " of " + f.Outcome.Property
		}
		what := f.Model + " " + strings.Join(f.Params, " ")
		if f.Bug != "" {
			what += " --bug " + f.Bug
		}
		fmt.Fprintf(e.stdout, "converted %s (%s, %d states) to %s: model %s, %d steps, %s\n",
			pos[0], tr.Format, len(tr.States), *out, what, len(f.Steps)-1, outcome)
	default:
		fmt.Fprint(e.stdout, text)
	}
	return exitOK
}

func has[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}
