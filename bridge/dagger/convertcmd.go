package dagger

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/tlaplus"
	"github.com/daggercheck/daggercheck/trace"
)

// convertCommand runs `daggercheck convert FILE [--cfg CFG | -p
// key=value ... --bug NAME] [--property NAME] [--out TRACE] [--json]`: it
// reads a behaviour of tla/Coherence.tla or tla/Ring.tla — TLC's
// `-dumpTrace json` counterexample or an ITF trace — and writes the trace
// file of the same behaviour of the Go model, which `check`'s model
// re-checks and `replay` runs on impl. The constants come from the TLC
// config the trace was checked with (--cfg), or as the Go model's
// parameters and bug. An ITF trace that --itf-out wrote names its model,
// parameters and bug itself, and becomes the trace file --trace-out
// writes for the same counterexample.
func convertCommand(e *cli.Env, args []string) int {
	fs := e.Flags("convert", "FILE [--cfg CFG | -p key=value ... --bug NAME] [--property NAME] [--out TRACE] [--json]")
	cfgPath := fs.String("cfg", "", "the TLC config (.cfg) the trace was checked with: its constants give the model, parameters and bug")
	var params cli.MultiFlag
	fs.Var(&params, "p", "a parameter of the Go model, key=value (repeatable; instead of --cfg)")
	bug := fs.String("bug", "", "the Go model's bug (instead of --cfg)")
	property := fs.String("property", "", "the property the trace breaks, by its TLA+ or Go name (default: the first of the config's that it breaks, or of the model's)")
	out := fs.String("out", "", "write the trace file here (default: standard output)")
	asJSON := fs.Bool("json", false, "print one JSON object describing the conversion (with the trace when there is no --out)")
	pos, err := cli.ParseFlags(fs, args)
	if err != nil {
		return cli.FlagExit(err)
	}
	if len(pos) != 1 {
		return e.Fail(fmt.Errorf("convert takes one TLC JSON or ITF trace, got %d", len(pos)))
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return e.Fail(err)
	}
	if trace.IsITF(raw) {
		if *cfgPath != "" || len(params) > 0 || *bug != "" || *property != "" {
			return e.Fail(fmt.Errorf("%s: an ITF trace of --itf-out names its model, parameters, bug and property itself: drop --cfg, -p, --bug and --property", pos[0]))
		}
		f, err := trace.ParseITF(pos[0], strings.NewReader(string(raw)))
		if err != nil {
			return e.Fail(err)
		}
		return e.Converted(cli.Conversion{Source: pos[0], Format: "itf", States: len(f.Steps), File: f, Out: *out}, *asJSON)
	}
	if *cfgPath != "" && (len(params) > 0 || *bug != "") {
		return e.Fail(errors.New("convert: give the constants either as --cfg or as -p and --bug, not both"))
	}
	tr, err := tlaplus.ParseTLATrace(pos[0], strings.NewReader(string(raw)))
	if err != nil {
		return e.Fail(err)
	}
	f, err := convertTLA(pos[0], tr, *cfgPath, params, *bug, *property)
	if err != nil {
		return e.Fail(err)
	}
	return e.Converted(cli.Conversion{Source: pos[0], Format: tr.Format, States: len(tr.States), File: f, Out: *out}, *asJSON)
}

// convertTLA converts tr, read from path, with the constants of the TLC
// config at cfgPath or else params and bug.
func convertTLA(path string, tr *tlaplus.TLATrace, cfgPath string, params []string, bug, property string) (*trace.File, error) {
	var modelName string
	var props []string
	if cfgPath != "" {
		cfg, err := tlaplus.ReadTLCConfig(cfgPath)
		if err != nil {
			return nil, err
		}
		if modelName, params, bug, err = TLAParams(cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", cfgPath, err)
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
			return nil, fmt.Errorf("%s: the first state has neither cache (tla/Coherence.tla) nor ring (tla/Ring.tla)", path)
		}
	}
	if property != "" {
		props = []string{property}
	}
	f, err := ConvertTLA(tr, modelName, params, bug, props)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func has[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}
