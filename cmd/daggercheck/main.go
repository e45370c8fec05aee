// Command daggercheck model-checks the Dagger RPC stack's protocols. See
// doc.go for the commands, their flags and exit codes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes, the same for every command, so scripts can trust them.
const (
	exitOK         = 0 // all good
	exitViolation  = 1 // a property is violated
	exitUsage      = 2 // bad input or usage
	exitIncomplete = 3 // stopped at a limit
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr)))
}

// isTerminal reports whether f is a character device (a terminal), the
// condition under which progress is shown without --progress.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

const usage = `usage: daggercheck COMMAND [ARGS]

commands:
  models   [--json]                      list the models, their parameters, properties and bugs
  check    [MODEL] [flags]               explore every reachable state of MODEL (default %s)
  simulate [MODEL] [flags]               run seeded random walks through MODEL
  replay   TRACE [--bug NAME] [--json]   drive the implementation along a trace file, step by step
  history  FILE|- [flags]                check an RPC history (calls, execs, completions)
  validate LOG|- [flags]                 explain a recorded run of the implementation with a model behaviour
  convert  FILE [--cfg CFG] [flags]      turn a TLC JSON or ITF trace of tla/'s specs into a trace file
  merge    REPORT... [--json]            merge check --json reports (swarm shards): violations, coverage

Run 'daggercheck COMMAND -h' for a command's flags.
Exit codes: 0 all good, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit.
`

// env is what a command needs from the outside world.
type env struct {
	ctx      context.Context
	stdout   io.Writer
	stderr   io.Writer
	terminal bool // stderr is a terminal
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, terminal bool) int {
	e := env{ctx: ctx, stdout: stdout, stderr: stderr, terminal: terminal}
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, defaultModel())
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "models":
		return e.models(rest)
	case "check":
		return e.check(rest, false)
	case "simulate":
		return e.check(rest, true)
	case "replay":
		return e.replay(rest)
	case "history":
		return e.history(rest)
	case "validate":
		return e.validate(rest)
	case "convert":
		return e.convert(rest)
	case "merge":
		return e.merge(rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, usage, defaultModel())
		return exitOK
	}
	fmt.Fprintf(stderr, "daggercheck: unknown command %q\n", cmd)
	fmt.Fprintf(stderr, usage, defaultModel())
	return exitUsage
}

// parse parses flags that may come before or after one optional
// positional argument (the model, a file). It returns the positional
// arguments; flag errors are reported on stderr by the flag package.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// multiFlag collects a repeated flag such as -p key=value.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// usageError prints a message naming the culprit and returns exit 2.
func (e env) usageError(err error) int {
	fmt.Fprintf(e.stderr, "daggercheck: %v\n", err)
	return exitUsage
}

var errHelp = flag.ErrHelp

func flagExit(err error) int {
	if errors.Is(err, errHelp) {
		return exitOK
	}
	return exitUsage
}

// writeJSON writes v indented, with <, > and & as they are (the output is
// not for HTML).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
