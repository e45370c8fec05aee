package runlog

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/internal/textline"
)

// ParseRunLog reads a run log; name is used in error messages, which wrap
// ErrSyntax and name the file, the line and what is wrong there.
func ParseRunLog(name string, r io.Reader) (*RunLog, error) {
	l := &RunLog{}
	lr := textline.NewReader(name, r, ErrSyntax)
	h := textline.Header{Magic: "daggercheck-run", Version: RunLogVersion, Body: "event"}
	for words := range lr.Lines() {
		if err := h.First(lr, words[0]); err != nil {
			return nil, err
		}
		if ok, err := h.Line(lr, words, len(l.Events) > 0); ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		if err := l.line(lr, words); err != nil {
			return nil, err
		}
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	if !h.Seen() {
		return nil, fmt.Errorf("%w: %s: empty: want \"daggercheck-run %d\" first", ErrSyntax, name, RunLogVersion)
	}
	if l.Model == "" {
		return nil, fmt.Errorf("%w: %s: no model line", ErrSyntax, name)
	}
	l.Params = h.Params
	return l, nil
}

// line reads a line after the version line that is no parameter: the
// model line, or an event.
func (l *RunLog) line(lr *textline.Reader, words []string) error {
	switch key, rest := words[0], words[1:]; key {
	case "model":
		if l.Model != "" {
			return lr.Errorf("a second model line")
		}
		if len(l.Events) > 0 {
			return lr.Errorf("model after the first event")
		}
		if len(rest) != 1 || rest[0] == "" {
			return lr.Errorf("want model NAME")
		}
		l.Model = rest[0]
	case "event":
		if l.Model == "" {
			return lr.Errorf("an event before the model line")
		}
		if len(rest) == 0 || strings.Contains(rest[0], "=") {
			return lr.Errorf("want event NAME key=value ...")
		}
		o := Observation{Name: rest[0], Line: lr.Line()}
		for _, w := range rest[1:] {
			k, v, ok := strings.Cut(w, "=")
			if !ok || k == "" {
				return lr.Errorf("field %q: want key=value", w)
			}
			if slices.ContainsFunc(o.Fields, func(f ObservedField) bool { return f.Key == k }) {
				return lr.Errorf("field %s given twice", k)
			}
			o.Fields = append(o.Fields, ObservedField{k, v})
		}
		l.Events = append(l.Events, o)
	default:
		return lr.Errorf("unknown line %q (want model, param or event)", key)
	}
	return nil
}
