package trace

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/internal/textline"
)

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

// ReadFile reads the trace file at path.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return Parse(path, fh)
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
