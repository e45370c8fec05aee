package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Fail prints err on stderr, after the program's name, and returns
// ExitUsage: bad input, with a message that names the culprit.
func (e *Env) Fail(err error) int {
	fmt.Fprintf(e.Stderr, "%s: %v\n", e.name(), err)
	return ExitUsage
}

// Warn prints a note on stderr, after the program's name.
func (e *Env) Warn(format string, args ...any) {
	fmt.Fprintf(e.Stderr, "%s: %s\n", e.name(), fmt.Sprintf(format, args...))
}

func (e *Env) name() string {
	if e.Program == nil {
		return "daggercheck"
	}
	return e.Program.name()
}

// WriteJSON writes v to stdout indented, with <, > and & as they are (the
// output is not for HTML). A failure to write is exit 2.
func (e *Env) WriteJSON(v any) int {
	if err := writeJSON(e.Stdout, v); err != nil {
		return e.Fail(fmt.Errorf("writing the report: %w", err))
	}
	return ExitOK
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Flags is a flag set for the command name whose -h prints
// "usage: PROGRAM NAME SYNOPSIS" and the flags, on stderr.
func (e *Env) Flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "usage: %s %s %s\n", e.name(), name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// ParseFlags parses flags that may come before, between or after the
// positional arguments (the model, a file), and returns those. Flag
// errors are reported on stderr by the flag package; FlagExit turns them
// into the exit code.
func ParseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
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

// FlagExit is the exit code for a ParseFlags error: 0 after -h, 2
// otherwise.
func FlagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitUsage
}

// MultiFlag collects a repeated flag such as -p key=value.
type MultiFlag []string

func (m *MultiFlag) String() string     { return strings.Join(*m, " ") }
func (m *MultiFlag) Set(v string) error { *m = append(*m, v); return nil }
