package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/daggercheck/daggercheck/explore"
)

// Exit codes, the same for every command, so that scripts can trust them.
const (
	ExitOK         = 0 // all good
	ExitViolation  = 1 // a property is violated (or a deadlock)
	ExitUsage      = 2 // bad input or usage; the message names the culprit
	ExitIncomplete = 3 // stopped at a limit without finding a violation
)

// Program is a command line over a set of models: its name (in usage
// lines and messages), the models, and any commands of its own.
type Program struct {
	Name   string
	Models []Model
	// Default is the model check and simulate explore when none is named;
	// "" means the first of Models.
	Default string
	// Commands come after the built-in ones in the usage; a command with
	// a built-in's name replaces it.
	Commands []Command
	// Implementation, if set, replays model behaviours on a real
	// implementation: the explore command shows its abstract state beside
	// the model's (bridge/dagger's Program sets it for Dagger's models).
	Implementation explore.Implementation
}

// Command is one verb of the command line. Run parses args (the words
// after the verb) itself and returns the exit code.
type Command struct {
	Name     string
	Synopsis string // the arguments, as "TRACE [--bug NAME] [--json]"
	Summary  string // what it does, in a line
	Run      func(e *Env, args []string) int
}

// Env is what a command needs from the outside world.
type Env struct {
	Ctx      context.Context
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
	Terminal bool     // stderr is a terminal, so progress shows without --progress
	Program  *Program // the program running the command
}

// Main runs the program on the process's arguments and exits with the
// command's exit code. Ctrl-C and SIGTERM cancel the context, which stops
// a run cleanly with what it has counted.
func Main(p Program) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &Env{Ctx: ctx, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Terminal: isTerminal(os.Stderr)}
	code := p.Run(e, os.Args[1:])
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device (a terminal), the
// condition under which progress is shown without --progress.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Run runs the command args[0] with the rest of args. Fields of e left
// nil read as nothing: a background context, an empty stdin, output
// discarded.
func (p *Program) Run(e *Env, args []string) int {
	e.Program = p
	if e.Ctx == nil {
		e.Ctx = context.Background()
	}
	if e.Stdin == nil {
		e.Stdin = strings.NewReader("")
	}
	if e.Stdout == nil {
		e.Stdout = io.Discard
	}
	if e.Stderr == nil {
		e.Stderr = io.Discard
	}
	if len(args) == 0 {
		fmt.Fprint(e.Stderr, p.usage())
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.Stdout, p.usage())
		return ExitOK
	case "-version", "--version":
		return e.version(args[1:])
	}
	for _, c := range p.commands() {
		if c.Name == args[0] {
			return c.Run(e, args[1:])
		}
	}
	fmt.Fprintf(e.Stderr, "%s: unknown command %q\n", p.name(), args[0])
	fmt.Fprint(e.Stderr, p.usage())
	return ExitUsage
}

func (p *Program) name() string {
	if p.Name == "" {
		return "daggercheck"
	}
	return p.Name
}

// commands are the built-in commands and the program's, in usage order:
// models, check, simulate, recheck, matrix, the program's, then convert, merge
// and version; a program's command replaces a built-in of its name.
func (p *Program) commands() []Command {
	lead := []Command{
		{"models", "[NAME] [--json]", "list the models, their parameters, properties and bugs", (*Env).models},
		{"check", "[MODEL] [flags]", fmt.Sprintf("explore every reachable state of MODEL (default %s)", p.defaultModel()),
			func(e *Env, args []string) int { return e.check(args, false) }},
		{"simulate", "[MODEL] [flags]", "run seeded random walks through MODEL",
			func(e *Env, args []string) int { return e.check(args, true) }},
		{"recheck", "TRACE [--bug NAME] [--json]", "replay a trace file (or an ITF trace of --itf-out) on its model", (*Env).recheck},
		{"matrix", "[MODEL...] [flags]", "check every configuration of the models' design spaces: which keep which properties, at what cost", (*Env).matrix},
		{"explore", "[MODEL] [flags]", "walk the model's states in the browser: actions, diffs, searches, sequence diagrams", (*Env).explore},
	}
	trail := []Command{
		{"convert", "FILE [--out TRACE] [--json]", "turn an ITF trace that --itf-out wrote back into a trace file", (*Env).convert},
		{"merge", "REPORT... [--json]", "merge check --json reports (swarm shards): violations, coverage", (*Env).merge},
		{"version", "", "print the version this program was built from", (*Env).version},
	}
	taken := map[string]bool{}
	for _, c := range p.Commands {
		taken[c.Name] = true
	}
	var out []Command
	for _, c := range lead {
		if !taken[c.Name] {
			out = append(out, c)
		}
	}
	out = append(out, p.Commands...)
	for _, c := range trail {
		if !taken[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

func (p *Program) usage() string {
	cmds := p.commands()
	nameW, synW := 0, 0
	for _, c := range cmds {
		nameW, synW = max(nameW, len(c.Name)), max(synW, len(c.Synopsis))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s COMMAND [ARGS]\n\ncommands:\n", p.name())
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %-*s %-*s  %s\n", nameW, c.Name, synW+1, c.Synopsis, c.Summary)
	}
	fmt.Fprintf(&b, "\nRun '%s COMMAND -h' for a command's flags.\n", p.name())
	b.WriteString("Exit codes: 0 all good, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit.\n")
	return b.String()
}
