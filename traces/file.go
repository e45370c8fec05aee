package traces

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// Version is the trace file format this package writes and reads.
const Version = 1

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
// are ignored. Values that are not plain words are single-quoted, so
// every value round-trips exactly.
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
		return nil, fmt.Errorf("traces: the run (%s) has no counterexample to write", res.Verdict)
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

// Format writes the file in its text form.
func (f *File) Format(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "daggercheck-trace %d\n", Version)
	fmt.Fprintf(b, "model %s\n", Quote(f.Model))
	for _, p := range f.Params {
		fmt.Fprintf(b, "param %s\n", Quote(p))
	}
	if f.Bug != "" {
		fmt.Fprintf(b, "bug %s\n", Quote(f.Bug))
	}
	for _, st := range f.Steps {
		b.WriteString("step " + Quote(st.Action))
		for _, a := range st.Args {
			b.WriteString(" " + Quote(a.Name+"="+strconv.Itoa(a.Value)))
		}
		b.WriteByte('\n')
		if st.State != nil {
			b.WriteString("state")
			for _, fl := range st.State {
				b.WriteString(" " + Quote(fl.Name+"="+fl.Value))
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString("outcome " + Quote(f.Outcome.Result))
	if f.Outcome.Property != "" {
		b.WriteString(" " + Quote(f.Outcome.Property))
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

// String is the text form.
func (f *File) String() string {
	var b strings.Builder
	f.Format(&b)
	return b.String()
}

// Quote returns s as one shell word that shlex.Split reads back as s:
// plain words as they are, anything else in single quotes.
func Quote(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-[]", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// ErrSyntax is wrapped by every parse error, which names the file, the
// line and what is wrong there.
var ErrSyntax = errors.New("malformed trace")

// Parse reads a trace file; name is used in error messages.
func Parse(name string, r io.Reader) (*File, error) {
	f := &File{Outcome: Outcome{LoopStart: -1}}
	ls := newLineScanner(r)
	n := 0
	fail := func(format string, args ...any) (*File, error) {
		return nil, fmt.Errorf("%w: %s:%d: %s", ErrSyntax, name, n, fmt.Sprintf(format, args...))
	}
	sawVersion, sawOutcome, sawLoop := false, false, false
	for {
		words, ok, err := ls.next()
		n = ls.line
		if !ok {
			break
		}
		if err != nil {
			return fail("%v", err)
		}
		key, rest := words[0], words[1:]
		if !sawVersion && key != "daggercheck-trace" {
			return fail("want \"daggercheck-trace %d\" first, got %q", Version, key)
		}
		if sawLoop || (sawOutcome && key != "loop" && key != "stutter") {
			return fail("%q after the outcome", key)
		}
		switch key {
		case "daggercheck-trace":
			if sawVersion {
				return fail("a second version line")
			}
			if len(rest) != 1 || rest[0] != strconv.Itoa(Version) {
				return fail("format version %q, this daggercheck reads version %d", strings.Join(rest, " "), Version)
			}
			sawVersion = true
		case "model", "bug":
			if len(f.Steps) > 0 {
				return fail("%s after the first step", key)
			}
			if len(rest) != 1 || rest[0] == "" {
				return fail("want %s NAME", key)
			}
			if (key == "model" && f.Model != "") || (key == "bug" && f.Bug != "") {
				return fail("a second %s line", key)
			}
			if key == "model" {
				f.Model = rest[0]
			} else {
				f.Bug = rest[0]
			}
		case "param":
			if len(f.Steps) > 0 {
				return fail("param after the first step")
			}
			if !isParam(rest) {
				return fail("want param key=value")
			}
			f.Params = append(f.Params, rest[0])
		case "step":
			if f.Model == "" {
				return fail("a step before the model line")
			}
			if len(rest) == 0 {
				return fail("want step ACTION key=value ...")
			}
			st := Step{Action: rest[0], Line: n}
			if (len(f.Steps) == 0) != (st.Action == "init") {
				return fail("the first step, and only it, is init; got %q", st.Action)
			}
			if st.Action == "init" && len(rest) > 1 {
				return fail("the init step takes no arguments")
			}
			for _, w := range rest[1:] {
				k, v, ok := strings.Cut(w, "=")
				if !ok || k == "" {
					return fail("argument %q: want key=value", w)
				}
				if slices.ContainsFunc(st.Args, func(a checker.Arg) bool { return a.Name == k }) {
					return fail("argument %s given twice", k)
				}
				i, err := strconv.Atoi(v)
				if err != nil {
					return fail("argument %s: %q is not an integer", k, v)
				}
				st.Args = append(st.Args, checker.Arg{Name: k, Value: i})
			}
			f.Steps = append(f.Steps, st)
		case "state":
			if len(f.Steps) == 0 {
				return fail("a state line before the first step")
			}
			st := &f.Steps[len(f.Steps)-1]
			if st.State != nil {
				return fail("a second state line for step %d", len(f.Steps)-1)
			}
			st.State = []checker.Field{}
			for _, w := range rest {
				k, v, ok := strings.Cut(w, "=")
				if !ok || k == "" {
					return fail("field %q: want name=value", w)
				}
				st.State = append(st.State, checker.Field{Name: k, Value: v})
			}
		case "outcome":
			if len(f.Steps) == 0 {
				return fail("an outcome without steps")
			}
			if len(rest) == 0 || len(rest) > 2 {
				return fail("want outcome violation|deadlock|ok [PROPERTY]")
			}
			switch res := rest[0]; {
			case res == "violation" && len(rest) == 2, (res == "deadlock" || res == "ok") && len(rest) == 1:
				f.Outcome.Result = res
			default:
				return fail("outcome %q: want \"violation PROPERTY\", \"deadlock\" or \"ok\"", strings.Join(rest, " "))
			}
			if len(rest) == 2 {
				f.Outcome.Property = rest[1]
			}
			sawOutcome = true
		case "loop", "stutter":
			if !sawOutcome {
				return fail("%s before the outcome", key)
			}
			if len(rest) != 1 {
				return fail("want %s STEP", key)
			}
			i, err := strconv.Atoi(rest[0])
			if err != nil || i < 0 || i >= len(f.Steps) {
				return fail("%s %q: want a step number from 0 to %d", key, rest[0], len(f.Steps)-1)
			}
			if key == "stutter" && i != len(f.Steps)-1 {
				return fail("stutter %d: only the last step (%d) can stutter", i, len(f.Steps)-1)
			}
			f.Outcome.LoopStart, f.Outcome.Stutter = i, key == "stutter"
			sawLoop = true
		default:
			return fail("unknown line %q", key)
		}
	}
	if err := ls.err(); err != nil {
		return nil, fmt.Errorf("%w: %s:%d: %v", ErrSyntax, name, n+1, err)
	}
	switch {
	case !sawVersion:
		return nil, fmt.Errorf("%w: %s: empty (no \"daggercheck-trace %d\" line)", ErrSyntax, name, Version)
	case !sawOutcome:
		return nil, fmt.Errorf("%w: %s:%d: no outcome line", ErrSyntax, name, n)
	}
	return f, nil
}
