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
	"github.com/daggercheck/daggercheck/internal/textline"
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
			b.WriteString(" " + textline.Quote(a.Name+"="+strconv.Itoa(a.Value)))
		}
		b.WriteByte('\n')
		if st.State != nil {
			b.WriteString("state")
			for _, fl := range st.State {
				b.WriteString(" " + textline.Quote(fl.Name+"="+fl.Value))
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

// String is the text form.
func (f *File) String() string {
	var b strings.Builder
	f.Format(&b)
	return b.String()
}

// ErrSyntax is wrapped by every parse error, which names the file, the
// line and what is wrong there.
var ErrSyntax = errors.New("malformed trace")

// Parse reads a trace file; name is used in error messages.
func Parse(name string, r io.Reader) (*File, error) {
	p := &parser{f: &File{Outcome: Outcome{LoopStart: -1}}, lr: textline.NewReader(name, r, ErrSyntax),
		h: textline.Header{Magic: "daggercheck-trace", Version: Version, Body: "step"}}
	for words := range p.lr.Lines() {
		if err := p.line(words); err != nil {
			return nil, err
		}
	}
	if err := p.lr.Err(); err != nil {
		return nil, err
	}
	switch {
	case !p.h.Seen():
		return nil, fmt.Errorf("%w: %s: empty (no \"daggercheck-trace %d\" line)", ErrSyntax, name, Version)
	case !p.sawOutcome:
		return nil, fmt.Errorf("%w: %s:%d: no outcome line", ErrSyntax, name, p.lr.Line())
	}
	p.f.Params = p.h.Params
	return p.f, nil
}

// parser is Parse's state: the file so far, and where in it the line is.
type parser struct {
	f                   *File
	lr                  *textline.Reader
	h                   textline.Header
	sawOutcome, sawLoop bool
}

// line reads one line: the header (version, model, params, bug), then
// the steps with their states, then the outcome and its loop.
func (p *parser) line(words []string) error {
	key, rest := words[0], words[1:]
	if err := p.h.First(p.lr, key); err != nil {
		return err
	}
	if p.sawLoop || (p.sawOutcome && key != "loop" && key != "stutter") {
		return p.lr.Errorf("%q after the outcome", key)
	}
	if ok, err := p.h.Line(p.lr, words, len(p.f.Steps) > 0); ok {
		return err
	}
	switch key {
	case "model", "bug":
		return p.name(key, rest)
	case "step":
		return p.step(rest)
	case "state":
		return p.state(rest)
	case "outcome":
		return p.outcome(rest)
	case "loop", "stutter":
		return p.loop(key, rest)
	}
	return p.lr.Errorf("unknown line %q", key)
}

// name reads the model or bug line.
func (p *parser) name(key string, rest []string) error {
	f := p.f
	if len(f.Steps) > 0 {
		return p.lr.Errorf("%s after the first step", key)
	}
	if len(rest) != 1 || rest[0] == "" {
		return p.lr.Errorf("want %s NAME", key)
	}
	if (key == "model" && f.Model != "") || (key == "bug" && f.Bug != "") {
		return p.lr.Errorf("a second %s line", key)
	}
	if key == "model" {
		f.Model = rest[0]
	} else {
		f.Bug = rest[0]
	}
	return nil
}

// step reads "step ACTION key=value ...": init first, and only there.
func (p *parser) step(rest []string) error {
	if p.f.Model == "" {
		return p.lr.Errorf("a step before the model line")
	}
	if len(rest) == 0 {
		return p.lr.Errorf("want step ACTION key=value ...")
	}
	st := Step{Action: rest[0], Line: p.lr.Line()}
	if (len(p.f.Steps) == 0) != (st.Action == "init") {
		return p.lr.Errorf("the first step, and only it, is init; got %q", st.Action)
	}
	if st.Action == "init" && len(rest) > 1 {
		return p.lr.Errorf("the init step takes no arguments")
	}
	for _, w := range rest[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return p.lr.Errorf("argument %q: want key=value", w)
		}
		if slices.ContainsFunc(st.Args, func(a checker.Arg) bool { return a.Name == k }) {
			return p.lr.Errorf("argument %s given twice", k)
		}
		i, err := strconv.Atoi(v)
		if err != nil {
			return p.lr.Errorf("argument %s: %q is not an integer", k, v)
		}
		st.Args = append(st.Args, checker.Arg{Name: k, Value: i})
	}
	p.f.Steps = append(p.f.Steps, st)
	return nil
}

// state reads the state line of the last step: the fields it changed.
func (p *parser) state(rest []string) error {
	if len(p.f.Steps) == 0 {
		return p.lr.Errorf("a state line before the first step")
	}
	st := &p.f.Steps[len(p.f.Steps)-1]
	if st.State != nil {
		return p.lr.Errorf("a second state line for step %d", len(p.f.Steps)-1)
	}
	st.State = []checker.Field{}
	for _, w := range rest {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return p.lr.Errorf("field %q: want name=value", w)
		}
		st.State = append(st.State, checker.Field{Name: k, Value: v})
	}
	return nil
}

// outcome reads "outcome violation PROPERTY", "outcome deadlock" or
// "outcome ok".
func (p *parser) outcome(rest []string) error {
	if len(p.f.Steps) == 0 {
		return p.lr.Errorf("an outcome without steps")
	}
	if len(rest) == 0 || len(rest) > 2 {
		return p.lr.Errorf("want outcome violation|deadlock|ok [PROPERTY]")
	}
	switch res := rest[0]; {
	case res == "violation" && len(rest) == 2, (res == "deadlock" || res == "ok") && len(rest) == 1:
		p.f.Outcome.Result = res
	default:
		return p.lr.Errorf("outcome %q: want \"violation PROPERTY\", \"deadlock\" or \"ok\"", strings.Join(rest, " "))
	}
	if len(rest) == 2 {
		p.f.Outcome.Property = rest[1]
	}
	p.sawOutcome = true
	return nil
}

// loop reads "loop STEP" or "stutter STEP" after the outcome.
func (p *parser) loop(key string, rest []string) error {
	if !p.sawOutcome {
		return p.lr.Errorf("%s before the outcome", key)
	}
	if len(rest) != 1 {
		return p.lr.Errorf("want %s STEP", key)
	}
	last := len(p.f.Steps) - 1
	i, err := strconv.Atoi(rest[0])
	if err != nil || i < 0 || i > last {
		return p.lr.Errorf("%s %q: want a step number from 0 to %d", key, rest[0], last)
	}
	if key == "stutter" && i != last {
		return p.lr.Errorf("stutter %d: only the last step (%d) can stutter", i, last)
	}
	p.f.Outcome.LoopStart, p.f.Outcome.Stutter = i, key == "stutter"
	p.sawLoop = true
	return nil
}
