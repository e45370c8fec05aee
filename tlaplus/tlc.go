package tlaplus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// TLATrace is a behaviour of a TLA+ spec: the value of every variable in
// each state, and, for a lasso, where it loops.
type TLATrace struct {
	Format  string // "tlc-json" or "itf"
	Vars    []string
	States  []map[string]TLAValue
	Actions []string // Actions[i] leads into States[i+1], as the file names it ("" unknown)
	// LoopStart is the state (0-based) the behaviour returns to after its
	// last state, or -1; Stutter: the last state repeats forever.
	LoopStart int
	Stutter   bool
}

// ParseTLATrace reads TLC's `-dumpTrace json` output or an ITF trace,
// whichever the input is; name is used in error messages.
func ParseTLATrace(name string, r io.Reader) (*TLATrace, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTLA, name, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%w: %s: not a JSON object: %v", ErrTLA, name, err)
	}
	switch {
	case top["counterexample"] != nil:
		return ParseTLC(name, bytes.NewReader(data))
	case top["states"] != nil:
		return ParseITF(name, bytes.NewReader(data))
	}
	return nil, fmt.Errorf("%w: %s: neither TLC's JSON trace (\"counterexample\") nor ITF (\"states\")", ErrTLA, name)
}

// ParseTLC reads the JSON file `tlc2.TLC -dumpTrace json FILE` writes:
// {"vars": [...], "counterexample": {"state": [[i, {var: value}], ...],
// "action": [[[i, state], {"name": ...}, [j, state]], ...]}}, states
// numbered from 1. A last action whose target j is not after its source
// closes a lasso: back to state j, or, with j equal to the source,
// stuttering there. TLC writes records and functions as JSON objects
// (function keys in TLA+ syntax), and sets and sequences both as arrays.
func ParseTLC(name string, r io.Reader) (*TLATrace, error) {
	var raw struct {
		Vars           []string `json:"vars"`
		Counterexample *struct {
			State  [][]json.RawMessage `json:"state"`
			Action [][]json.RawMessage `json:"action"`
		} `json:"counterexample"`
	}
	fail := failer(name)
	if err := decodeJSON(r, &raw); err != nil {
		return fail("%v", err)
	}
	ce := raw.Counterexample
	if ce == nil || len(ce.State) == 0 {
		return fail("no counterexample states")
	}
	t := &TLATrace{Format: "tlc-json", Vars: raw.Vars, LoopStart: -1}
	for i, st := range ce.State {
		if len(st) != 2 {
			return fail("state %d: want [number, {variables}]", i+1)
		}
		var n int
		if err := json.Unmarshal(st[0], &n); err != nil || n != i+1 {
			return fail("state %d: numbered %s, want %d", i+1, st[0], i+1)
		}
		vars, err := tlcState(st[1])
		if err != nil {
			return fail("state %d: %v", i+1, err)
		}
		t.States = append(t.States, vars)
	}
	if len(ce.Action) > 0 && len(ce.Action) != len(ce.State)-1 && len(ce.Action) != len(ce.State) {
		return fail("%d actions for %d states", len(ce.Action), len(ce.State))
	}
	for i, a := range ce.Action {
		if len(a) != 3 {
			return fail("action %d: want [[from, state], {action}, [to, state]]", i+1)
		}
		var from, to []json.RawMessage
		var info struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(a[0], &from) != nil || json.Unmarshal(a[2], &to) != nil || len(from) != 2 || len(to) != 2 {
			return fail("action %d: want [[from, state], {action}, [to, state]]", i+1)
		}
		var src, dst int
		if json.Unmarshal(from[0], &src) != nil || json.Unmarshal(to[0], &dst) != nil {
			return fail("action %d: state numbers are not integers", i+1)
		}
		if err := json.Unmarshal(a[1], &info); err != nil {
			return fail("action %d: %v", i+1, err)
		}
		switch {
		case i < len(ce.State)-1:
			if src != i+1 || dst != i+2 {
				return fail("action %d goes from state %d to %d, want %d to %d", i+1, src, dst, i+1, i+2)
			}
			t.Actions = append(t.Actions, info.Name)
		default: // the lasso's closing edge
			if src != len(ce.State) || dst < 1 || dst > src {
				return fail("the closing action %d goes from state %d to %d: want from %d back to a state at most %d", i+1, src, dst, len(ce.State), len(ce.State))
			}
			t.LoopStart, t.Stutter = dst-1, dst == src
		}
	}
	return t, nil
}

// tlcState decodes one state's variables.
func tlcState(raw json.RawMessage) (map[string]TLAValue, error) {
	var m map[string]any
	if err := decodeJSON(bytes.NewReader(raw), &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("want an object of variables")
	}
	out := make(map[string]TLAValue, len(m))
	for k, x := range m {
		v, err := fromTLCJSON(x, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func fromTLCJSON(x any, depth int) (TLAValue, error) {
	if depth > maxDepth {
		return TLAValue{}, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	switch x := x.(type) {
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return TLAValue{}, fmt.Errorf("%s is not an integer", x)
		}
		return TLAValue{Kind: TLAInt, Int: n}, nil
	case string:
		return TLAValue{Kind: TLAString, Str: x}, nil
	case bool:
		return TLAValue{Kind: TLABool, Bool: x}, nil
	case []any:
		v := TLAValue{Kind: TLAList}
		for _, e := range x {
			ev, err := fromTLCJSON(e, depth+1)
			if err != nil {
				return TLAValue{}, err
			}
			v.Elems = append(v.Elems, ev)
		}
		return v, nil
	case map[string]any:
		v := TLAValue{Kind: TLAFunc}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // map order is random; the value is not
		for _, k := range keys {
			// A key is a field name, or a TLA+ value (a function's argument).
			key := TLAValue{Kind: TLAString, Str: k}
			if !isIdent(k) {
				if kv, err := ParseTLAValue(k); err == nil {
					key = kv
				}
			}
			ev, err := fromTLCJSON(x[k], depth+1)
			if err != nil {
				return TLAValue{}, fmt.Errorf("%s: %v", k, err)
			}
			v.Keys = append(v.Keys, key)
			v.Vals = append(v.Vals, ev)
		}
		return v, nil
	}
	return TLAValue{}, fmt.Errorf("unexpected JSON %v", x)
}

// failer makes the errors of a reader of file name: ErrTLA, naming it.
func failer(name string) func(format string, args ...any) (*TLATrace, error) {
	return func(format string, args ...any) (*TLATrace, error) {
		return nil, fmt.Errorf("%w: %s: %s", ErrTLA, name, fmt.Sprintf(format, args...))
	}
}

// decodeJSON reads one JSON value from r into v, numbers as json.Number.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec.Decode(v)
}
