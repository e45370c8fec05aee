package dagger

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/system"
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/history"
	"github.com/daggercheck/daggercheck/runlog"
)

// validateCommand runs `daggercheck validate LOG|- [--history [-p k=v]...]
// [--complete] [--max-states N] [--json]`: it searches for a behaviour of
// the log's model that explains a recorded run of the implementation, and
// names the first event none explains.
func validateCommand(e *cli.Env, args []string) int {
	fs := e.Flags("validate", "LOG|- [--history [-p key=value]...] [--complete] [--max-states N] [--json]")
	fromHistory := fs.Bool("history", false, "LOG is an RPC history (daggercheck history's format), explained by the system model with the -p parameters")
	var params cli.MultiFlag
	fs.Var(&params, "p", "with --history: a system model parameter key=value (repeatable)")
	complete := fs.Bool("complete", false, "the log records a whole run: after its last event the model must be able to stop without logging more")
	maxStates := fs.Int("max-states", 1_000_000, "the most model states kept while following the log (exit 3 beyond)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	pos, err := cli.ParseFlags(fs, args)
	if err != nil {
		return cli.FlagExit(err)
	}
	switch {
	case len(pos) != 1:
		return e.Fail(fmt.Errorf("validate takes one run log (or - for stdin), got %d", len(pos)))
	case len(params) > 0 && !*fromHistory:
		return e.Fail(errors.New("-p goes with --history: a run log names its model and parameters itself"))
	case *maxStates < 1:
		return e.Fail(fmt.Errorf("--max-states %d: want at least 1", *maxStates))
	}
	name, l, err := readRunLog(e, pos[0], *fromHistory, params)
	if err != nil {
		return e.Fail(err)
	}
	res, err := Validate(l, bridge.ValidateOptions{MaxStates: *maxStates, Complete: *complete})
	if errors.Is(err, bridge.ErrStateLimit) {
		e.Warn("%s: %v", name, err)
		if *asJSON {
			res.Outcome = "incomplete"
			e.WriteJSON(res)
		} else {
			fmt.Fprintf(e.Stdout, "result: incomplete: %d of %d events explained before the state limit\n", res.Explained, res.Events)
		}
		return cli.ExitIncomplete
	}
	if err != nil {
		kind := "run log"
		if *fromHistory {
			kind = "history"
		}
		return e.Fail(fmt.Errorf("%s %s: %w", kind, name, err))
	}
	if *asJSON {
		if code := e.WriteJSON(res); code != cli.ExitOK {
			return code
		}
	} else {
		fmt.Fprintf(e.Stdout, "validate %s  (model %s", name, l.Model)
		for _, p := range l.Params {
			fmt.Fprintf(e.Stdout, " %s", p)
		}
		fmt.Fprintf(e.Stdout, ")\n%s", res)
	}
	if res.Outcome == bridge.Invalid {
		return cli.ExitViolation
	}
	return cli.ExitOK
}

// readRunLog reads the run log at path ("-": stdin), or with fromHistory
// the RPC history there, made a run log of the system model with params.
// It returns the name errors give the log.
func readRunLog(e *cli.Env, path string, fromHistory bool, params []string) (string, *runlog.RunLog, error) {
	name, r := path, io.Reader(e.Stdin)
	if path == "-" {
		name = "stdin"
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return name, nil, err
		}
		defer fh.Close()
		r = fh
	}
	if !fromHistory {
		l, err := runlog.ParseRunLog(name, r)
		return name, l, err
	}
	h, err := history.ParseHistory(name, r)
	if err != nil {
		return name, nil, err
	}
	l, err := system.SystemRunLog(params, h)
	if err != nil {
		return name, nil, fmt.Errorf("%s: %w", name, err)
	}
	return name, l, nil
}
