package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/dagger"
	"github.com/daggercheck/daggercheck/bridge/system"
	"github.com/daggercheck/daggercheck/history"
	"github.com/daggercheck/daggercheck/runlog"
)

// validate runs `daggercheck validate LOG|- [--history -p k=v...]
// [--max-states N] [--json]`: it searches for a behaviour of the log's
// model that explains a recorded run of the implementation, and names the
// first event none explains.
func (e env) validate(args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fromHistory := fs.Bool("history", false, "LOG is an RPC history (daggercheck history's format), explained by the system model with the -p parameters")
	var params multiFlag
	fs.Var(&params, "p", "with --history: a system model parameter key=value (repeatable)")
	maxStates := fs.Int("max-states", 1_000_000, "the most model states kept while following the log (exit 3 beyond)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: daggercheck validate LOG|- [--history [-p key=value]...] [--max-states N] [--json]")
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return e.usageError(fmt.Errorf("validate takes one run log (or - for stdin), got %d", len(pos)))
	}
	if len(params) > 0 && !*fromHistory {
		return e.usageError(errors.New("-p goes with --history: a run log names its model and parameters itself"))
	}
	if *maxStates < 1 {
		return e.usageError(fmt.Errorf("--max-states %d: want at least 1", *maxStates))
	}
	name := pos[0]
	var r io.Reader = os.Stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return e.usageError(err)
		}
		defer fh.Close()
		r = fh
	} else {
		name = "stdin"
	}
	var l *runlog.RunLog
	if *fromHistory {
		h, err := history.ParseHistory(name, r)
		if err != nil {
			return e.usageError(err)
		}
		if l, err = system.SystemRunLog(params, h); err != nil {
			return e.usageError(fmt.Errorf("%s: %w", name, err))
		}
	} else if l, err = runlog.ParseRunLog(name, r); err != nil {
		return e.usageError(err)
	}
	res, err := dagger.Validate(l, bridge.ValidateOptions{MaxStates: *maxStates})
	if errors.Is(err, bridge.ErrStateLimit) {
		fmt.Fprintf(e.stderr, "daggercheck: %s: %v\n", name, err)
		if *asJSON {
			res.Outcome = "incomplete"
			_ = writeJSON(e.stdout, res)
		} else {
			fmt.Fprintf(e.stdout, "result: incomplete: %d of %d events explained before the state limit\n", res.Explained, res.Events)
		}
		return exitIncomplete
	}
	if err != nil {
		return e.usageError(fmt.Errorf("%s: %w", name, err))
	}
	if *asJSON {
		if err := writeJSON(e.stdout, res); err != nil {
			return e.usageError(err)
		}
	} else {
		fmt.Fprintf(e.stdout, "validate %s  (model %s", name, l.Model)
		for _, p := range l.Params {
			fmt.Fprintf(e.stdout, " %s", p)
		}
		fmt.Fprintf(e.stdout, ")\n%s", res)
	}
	if res.Outcome == bridge.Invalid {
		return exitViolation
	}
	return exitOK
}
