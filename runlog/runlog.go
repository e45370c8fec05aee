package runlog

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/internal/textline"
)

// RunLogVersion is the run log format this package writes and reads.
const RunLogVersion = 1

// ErrSyntax is wrapped by every parse error, which names the file, the
// line and what is wrong there; a bridge's validation wraps it too for an
// event its observer cannot read.
var ErrSyntax = errors.New("malformed run log")

// RunLog is what a free-running implementation recorded: which model
// explains it (with parameters), then the observations in log order.
//
//	daggercheck-run 1
//	model ring
//	param flows=2
//	param slots=2
//	event send flow=0 rpc=0
//	event take flow=0 hdr=0 args=0
//	event credit flow=0 credit=1
//
// Lines whose first non-blank character is # are comments; blank lines
// are ignored; lines split like a POSIX shell, as trace files do. Which
// events a model understands, and their fields, is the model's observer's
// business (its bridge's validation); the format only insists on
// key=value fields with unique keys.
type RunLog struct {
	Model  string
	Params []string
	Events []Observation
}

// Observation is one recorded event: a name and its fields.
type Observation struct {
	Name   string
	Fields []ObservedField
	Line   int // the line it was read from; 0 for a built one
}

// ObservedField is one key=value of an observation.
type ObservedField struct{ Key, Value string }

// Get returns the value of the field key and whether it is there.
func (o *Observation) Get(key string) (string, bool) {
	for _, f := range o.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// Int returns the field key as a non-negative integer; the error names
// the field.
func (o *Observation) Int(key string) (int, error) {
	v, ok := o.Get(key)
	if !ok {
		return 0, fmt.Errorf("%s: no field %s", o.Name, key)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: field %s=%q is not a non-negative integer", o.Name, key, v)
	}
	return n, nil
}

// String is the observation as its log line says it.
func (o Observation) String() string {
	var b strings.Builder
	b.WriteString(textline.Quote(o.Name))
	for _, f := range o.Fields {
		// The whole word is quoted: a key may hold spaces or quotes too.
		b.WriteString(" " + textline.Quote(f.Key+"="+f.Value))
	}
	return b.String()
}

// Observe builds an observation from name and key, value pairs.
func Observe(name string, kv ...string) Observation {
	o := Observation{Name: name}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Fields = append(o.Fields, ObservedField{kv[i], kv[i+1]})
	}
	return o
}

// Format writes the log in its text form.
func (l *RunLog) Format(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "daggercheck-run %d\nmodel %s\n", RunLogVersion, textline.Quote(l.Model))
	for _, p := range l.Params {
		fmt.Fprintf(&b, "param %s\n", textline.Quote(p))
	}
	for _, o := range l.Events {
		fmt.Fprintf(&b, "event %s\n", o)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
