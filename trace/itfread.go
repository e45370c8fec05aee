package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// itfSource begins the "source" that WriteITF puts in the trace's #meta.
const itfSource = "daggercheck model "

// IsITF reports whether raw is an ITF trace that WriteITF wrote: JSON
// whose #meta names daggercheck as its source.
func IsITF(raw []byte) bool {
	var doc struct {
		Meta struct {
			Source string `json:"source"`
		} `json:"#meta"`
	}
	return json.Unmarshal(raw, &doc) == nil && strings.HasPrefix(doc.Meta.Source, itfSource)
}

// ParseITF reads back an ITF trace that WriteITF wrote (`--itf-out`) as
// the trace file `--trace-out` writes for the same counterexample: the
// model, parameters, bug and outcome from the trace's description, each
// state's action and arguments from its #meta, and the fields each step
// changed. name is used in error messages.
func ParseITF(name string, r io.Reader) (*File, error) {
	var doc struct {
		Meta struct {
			Source      string `json:"source"`
			Description string `json:"description"`
		} `json:"#meta"`
		Vars   []string          `json:"vars"`
		States []json.RawMessage `json:"states"`
		Loop   *int              `json:"loop"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %s: not an ITF trace: %v", ErrSyntax, name, err)
	}
	if !strings.HasPrefix(doc.Meta.Source, itfSource) {
		return nil, fmt.Errorf("%w: %s: #meta source %q: not an ITF trace that daggercheck wrote", ErrSyntax, name, doc.Meta.Source)
	}
	f, err := parseITFDescription(doc.Meta.Description)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: #meta description: %v", ErrSyntax, name, err)
	}
	if len(doc.States) == 0 {
		return nil, fmt.Errorf("%w: %s: no states", ErrSyntax, name)
	}
	steps := make([]checker.Step, len(doc.States))
	for i, raw := range doc.States {
		if steps[i], err = parseITFState(raw, doc.Vars); err != nil {
			return nil, fmt.Errorf("%w: %s: state %d: %v", ErrSyntax, name, i, err)
		}
	}
	for i := range steps {
		var prev *checker.Step
		if i > 0 {
			prev = &steps[i-1]
		}
		f.Steps = append(f.Steps, Step{Action: steps[i].Name, Args: steps[i].Args, State: steps[i].Changed(prev)})
	}
	if l := doc.Loop; l != nil {
		if *l < 0 || *l >= len(steps) {
			return nil, fmt.Errorf("%w: %s: loop %d: want a state index below %d", ErrSyntax, name, *l, len(steps))
		}
		// A loop back to the last state itself is a stutter.
		f.Outcome.LoopStart, f.Outcome.Stutter = *l, *l == len(steps)-1
	}
	return f, nil
}

// parseITFDescription reads WriteITF's description,
// "daggercheck MODEL PARAM... [--bug BUG]: RESULT of PROPERTY".
func parseITFDescription(desc string) (*File, error) {
	head, tail, ok := strings.Cut(desc, ": ")
	words := strings.Fields(head)
	if !ok || len(words) < 2 || words[0] != "daggercheck" {
		return nil, fmt.Errorf("%q: want \"daggercheck MODEL PARAM... [--bug BUG]: RESULT of PROPERTY\"", desc)
	}
	f := &File{Model: words[1], Outcome: Outcome{LoopStart: -1}}
	for i := 2; i < len(words); i++ {
		if words[i] == "--bug" && i == len(words)-2 {
			f.Bug = words[i+1]
			break
		}
		f.Params = append(f.Params, words[i])
	}
	result, property, _ := strings.Cut(tail, " of ")
	switch result {
	case "violation":
		f.Outcome.Result, f.Outcome.Property = result, property
	case "deadlock":
		f.Outcome.Result = result // "outcome deadlock" says it all
	default:
		return nil, fmt.Errorf("%q: result %q: want violation or deadlock", desc, result)
	}
	return f, nil
}

// parseITFState reads one state: its #meta (action and arguments, in
// order) and the value of every var.
func parseITFState(raw json.RawMessage, vars []string) (checker.Step, error) {
	var st map[string]json.RawMessage
	if err := json.Unmarshal(raw, &st); err != nil {
		return checker.Step{}, err
	}
	var meta struct {
		Action string          `json:"action"`
		Params json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(st["#meta"], &meta); err != nil || meta.Action == "" {
		return checker.Step{}, fmt.Errorf("#meta: want an object with an action")
	}
	step := checker.Step{Name: meta.Action}
	if len(meta.Params) > 0 {
		args, err := orderedKeys(meta.Params)
		if err != nil {
			return checker.Step{}, fmt.Errorf("#meta params: %v", err)
		}
		for _, k := range args {
			v, err := itfValue(k.value)
			n, nerr := strconv.Atoi(v)
			if err != nil || nerr != nil {
				return checker.Step{}, fmt.Errorf("#meta params: %s: want an integer", k.key)
			}
			step.Args = append(step.Args, checker.Arg{Name: k.key, Value: n})
		}
	}
	for _, name := range vars {
		raw, ok := st[name]
		if !ok {
			return checker.Step{}, fmt.Errorf("no value for var %q", name)
		}
		v, err := itfValue(raw)
		if err != nil {
			return checker.Step{}, fmt.Errorf("var %q: %v", name, err)
		}
		step.State = append(step.State, checker.Field{Name: name, Value: v})
	}
	return step, nil
}

// itfValue is a field's formatted value: what WriteITF typed as a
// {"#bigint": "n"}, a boolean or a string.
func itfValue(raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b), nil
	}
	var n struct {
		Big *string `json:"#bigint"`
	}
	if json.Unmarshal(raw, &n) == nil && n.Big != nil {
		if _, err := strconv.ParseInt(*n.Big, 10, 64); err == nil {
			return *n.Big, nil
		}
	}
	return "", fmt.Errorf("%s: want a string, a boolean or {\"#bigint\": \"n\"}", raw)
}

type keyValue struct {
	key   string
	value json.RawMessage
}

// orderedKeys reads a JSON object's members in the order they come.
func orderedKeys(raw json.RawMessage) ([]keyValue, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("want an object")
	}
	var out []keyValue
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, keyValue{t.(string), v})
	}
	return out, nil
}
