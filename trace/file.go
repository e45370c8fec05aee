package trace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/internal/textline"
)

// Version is the trace file format this package writes and reads.
const Version = 1

// ErrSyntax is wrapped by every parse error, which names the file, the
// line and what is wrong there.
var ErrSyntax = errors.New("malformed trace")

// File is a trace file: which model, parameters and bug it belongs to,
// the behaviour step by step, and what it shows.
//
// The text form, one item a line, split like a POSIX shell:
//
//	daggercheck-trace 1
//	model ring
//	param dir=tx
//	param protocol=dagger
//	bug header-first                      (absent when none)
//	step init
//	state f0.slot0=empty f0.cpu.sent=0 …  (the whole initial state)
//	step write-header flow=0
//	state f0.slot0='valid=0 flag=1 hdr=rpc0 args=-' f0.cpu.sent=1
//	…                                     (each state line: the fields the step changed)
//	outcome violation no-duplicate        (or: outcome deadlock, outcome ok)
//	loop 21                               (a lasso: the step the behaviour returns to)
//	stutter 24                            (or: the last state repeats forever)
//
// Lines whose first non-blank character is # are comments; blank lines
// are ignored. A field is written name=value with its value
// single-quoted unless it is a plain word without "=", so that a value
// with spaces or "=" in it cannot be read as the next field, and every
// value round-trips exactly.
type File struct {
	Model   string
	Params  []string // key=value, in the model's order
	Bug     string
	Steps   []Step
	Outcome Outcome
}

// Step is one line of behaviour: the action with its arguments (the
// initial step is "init" with none) and the state fields it changed.
type Step struct {
	Action string
	Args   []checker.Arg
	State  []checker.Field
	Line   int // the line it was read from; 0 for a built file
}

// Outcome is what the trace shows.
type Outcome struct {
	Result    string // "violation", "deadlock" or "ok"
	Property  string // the property violated
	LoopStart int    // a lasso's loop start, or -1
	Stutter   bool   // the last state repeats forever
}

// FromResult builds the trace file of a run's counterexample.
func FromResult(model string, params []string, bug string, res *checker.Result) (*File, error) {
	if res.Trace == nil {
		return nil, fmt.Errorf("trace: the run (%s) has no counterexample to write", res.Verdict)
	}
	f := &File{Model: model, Params: params, Bug: bug,
		Outcome: Outcome{Result: res.Verdict.String(), Property: res.Property, LoopStart: res.Trace.LoopStart, Stutter: res.Trace.Stutter}}
	if res.Verdict == checker.Deadlock {
		f.Outcome.Property = "" // "outcome deadlock" says it all
	}
	for i, st := range res.Trace.Steps {
		var prev *checker.Step
		if i > 0 {
			prev = &res.Trace.Steps[i-1]
		}
		f.Steps = append(f.Steps, Step{Action: st.Name, Args: st.Args, State: st.Changed(prev)})
	}
	return f, nil
}

// Trace turns the file's behaviour into a checker trace (with the
// recorded fields only), for Checker.Recheck.
func (f *File) Trace() *checker.Trace {
	t := &checker.Trace{LoopStart: f.Outcome.LoopStart, Stutter: f.Outcome.Stutter}
	for _, st := range f.Steps {
		t.Steps = append(t.Steps, checker.Step{Name: st.Action, Args: st.Args, State: st.State})
	}
	return t
}

// Format writes the file in its text form. A field or argument name
// that is empty or holds "=" cannot be written: it would not read back
// as the same name.
func (f *File) Format(w io.Writer) error {
	if err := f.checkNames(); err != nil {
		return err
	}
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "daggercheck-trace %d\n", Version)
	fmt.Fprintf(b, "model %s\n", textline.Quote(f.Model))
	for _, p := range f.Params {
		fmt.Fprintf(b, "param %s\n", textline.Quote(p))
	}
	if f.Bug != "" {
		fmt.Fprintf(b, "bug %s\n", textline.Quote(f.Bug))
	}
	for _, st := range f.Steps {
		b.WriteString("step " + textline.Quote(st.Action))
		for _, a := range st.Args {
			b.WriteString(" " + textline.Quote(a.Name) + "=" + strconv.Itoa(a.Value))
		}
		b.WriteByte('\n')
		if st.State != nil {
			b.WriteString("state")
			for _, fl := range st.State {
				b.WriteString(" " + textline.Quote(fl.Name) + "=" + textline.QuoteValue(fl.Value))
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString("outcome " + textline.Quote(f.Outcome.Result))
	if f.Outcome.Property != "" {
		b.WriteString(" " + textline.Quote(f.Outcome.Property))
	}
	b.WriteByte('\n')
	switch {
	case f.Outcome.Stutter:
		fmt.Fprintf(b, "stutter %d\n", f.Outcome.LoopStart)
	case f.Outcome.LoopStart >= 0:
		fmt.Fprintf(b, "loop %d\n", f.Outcome.LoopStart)
	}
	return b.Flush()
}

// checkNames checks that every field and argument name reads back as
// itself before the "=" of its key=value word.
func (f *File) checkNames() error {
	bad := func(name string) bool { return name == "" || strings.Contains(name, "=") }
	for i, st := range f.Steps {
		for _, a := range st.Args {
			if bad(a.Name) {
				return fmt.Errorf("trace: step %d (%s): argument name %q cannot be written in a trace file", i, st.Action, a.Name)
			}
		}
		for _, fl := range st.State {
			if bad(fl.Name) {
				return fmt.Errorf("trace: step %d (%s): field name %q cannot be written in a trace file", i, st.Action, fl.Name)
			}
		}
	}
	return nil
}

// String is the text form.
func (f *File) String() string {
	var b strings.Builder
	f.Format(&b)
	return b.String()
}
