package dagger

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/history"
)

// historyReport is the outcome of history, as printed with --json. Its
// field names are the CLI contract (docs/history.md); add, never rename.
type historyReport struct {
	File        string          `json:"file"`
	Semantics   string          `json:"semantics"`
	FIFO        bool            `json:"fifo"`
	Complete    bool            `json:"complete"`
	Result      string          `json:"result"` // "ok" or "violation"
	Rule        string          `json:"rule"`
	Line        int             `json:"line"`
	Message     string          `json:"message"`
	Calls       int             `json:"calls"`
	Execs       int             `json:"execs"`
	Completions completionsJSON `json:"completions"`
}

type completionsJSON struct {
	OK      int `json:"ok"`
	Timeout int `json:"timeout"`
	Error   int `json:"error"`
}

// historyCommand runs `history FILE|-`: it checks an RPC history against
// the rules of package history (history.HistoryRules; docs/history.md).
func historyCommand(e *cli.Env, args []string) int {
	fs := e.Flags("history", "FILE|- [flags]")
	semantics := fs.String("semantics", "at-most-once", "delivery guarantee to check: at-most-once or exactly-once")
	fifo := fs.Bool("fifo", false, "on each connection, calls must execute in the order they were made")
	complete := fs.Bool("complete", false, "the history has ended (exactly-once then wants every call executed and completed ok)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	pos, err := cli.ParseFlags(fs, args)
	if err != nil {
		return cli.FlagExit(err)
	}
	switch {
	case len(pos) == 0:
		return e.Fail(errors.New("history: want a FILE to check (or - for stdin)"))
	case len(pos) > 1:
		return e.Fail(fmt.Errorf("history takes one FILE (or - for stdin), got %q", pos))
	}
	sem, err := history.ParseSemantics(*semantics)
	if err != nil {
		return e.Fail(fmt.Errorf("--semantics %q: want at-most-once or exactly-once", *semantics))
	}
	opts := history.HistoryOptions{Semantics: sem, FIFO: *fifo, Complete: *complete}

	file, name := pos[0], pos[0]
	var h *history.History
	if file == "-" {
		name = "stdin"
		h, err = history.ParseHistory(name, e.Stdin)
	} else {
		var f *os.File
		if f, err = os.Open(file); err != nil {
			return e.Fail(err)
		}
		h, err = history.ParseHistory(name, f)
		f.Close()
	}
	if err != nil {
		return e.Fail(err)
	}

	res := h.Check(opts)
	rep := historyReport{File: file, Semantics: sem.String(), FIFO: *fifo, Complete: *complete, Result: "ok",
		Calls: res.Stats.Calls, Execs: res.Stats.Execs,
		Completions: completionsJSON{OK: res.Stats.Completions.OK, Timeout: res.Stats.Completions.Timeout, Error: res.Stats.Completions.Error}}
	if v := res.Violation; v != nil {
		rep.Result, rep.Rule, rep.Line, rep.Message = "violation", v.Rule, v.Line, v.Message
	}
	if *asJSON {
		if code := e.WriteJSON(rep); code != cli.ExitOK {
			return code
		}
	} else {
		printHistory(e.Stdout, name, opts, res)
	}
	if res.OK() {
		return cli.ExitOK
	}
	return cli.ExitViolation
}

// printHistory writes the verdict for people: the options, the verdict
// (the rules kept, or the one broken with its line and event), and the
// counts.
func printHistory(w io.Writer, name string, opts history.HistoryOptions, res *history.HistoryResult) {
	flags := []string{opts.Semantics.String()}
	if opts.FIFO {
		flags = append(flags, "fifo")
	}
	if opts.Complete {
		flags = append(flags, "complete")
	}
	fmt.Fprintf(w, "history %s  (%s)\n", name, strings.Join(flags, ", "))
	if v := res.Violation; v != nil {
		fmt.Fprintf(w, "result: violation of %s on line %d: %s\n", v.Rule, v.Line, v.Message)
		fmt.Fprintf(w, "  line %d: %s\n", v.Line, v.Event)
	} else {
		fmt.Fprintf(w, "result: ok: %s\n", strings.Join(opts.Rules(), ", "))
	}
	s := res.Stats
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "  calls\t%d\n", s.Calls)
	fmt.Fprintf(tw, "  execs\t%d\n", s.Execs)
	fmt.Fprintf(tw, "  completions\t%d ok, %d timeout, %d error\n", s.Completions.OK, s.Completions.Timeout, s.Completions.Error)
	tw.Flush()
	if opts.Semantics == history.ExactlyOnce && !opts.Complete {
		fmt.Fprintln(w, "  note: without --complete, a call may still be in flight, so exactly-once checks what at-most-once checks")
	}
}
