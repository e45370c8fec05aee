package traces

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// This file is the counterexample exchange with TLC (tla/): it reads a
// behaviour of tla/Coherence.tla or tla/Ring.tla — TLC's `-dumpTrace json`
// output or an ITF trace — and turns it into a trace file of the same
// behaviour of the Go model (ConvertTLA), which Recheck and Replay take
// like any other. It also reads TLC's .cfg files and tla/results.tsv, the
// recorded TLC numbers the models' parity tests assert.

// ErrTLA is wrapped by every error about a TLA+ trace, config or results
// file that cannot be read or does not fit the Go model; the message names
// the file and, where there is one, the state and the variable.
var ErrTLA = errors.New("bad TLA+ input")

// TLAKind is the kind of a TLAValue.
type TLAKind uint8

const (
	TLAInt    TLAKind = iota + 1
	TLAString         // also a model value
	TLABool
	TLASet
	TLASeq  // a sequence or tuple
	TLAList // a JSON array from TLC, which writes sets and sequences alike
	TLAFunc // a function or a record (a record's keys are strings)
)

// TLAValue is a TLA+ value as TLC's JSON dump, an ITF trace or a TLC
// config writes it.
type TLAValue struct {
	Kind  TLAKind
	Int   int64
	Str   string
	Bool  bool
	Elems []TLAValue // TLASet, TLASeq, TLAList
	Keys  []TLAValue // TLAFunc: the domain, in the order read
	Vals  []TLAValue // TLAFunc: Vals[i] is the value at Keys[i]
}

// Equal compares values as TLA+ does: sets and functions regardless of
// order; a TLAList equals a set or sequence with the same elements.
func (v TLAValue) Equal(w TLAValue) bool {
	if v.Kind == TLAList && (w.Kind == TLASet || w.Kind == TLASeq) {
		v.Kind = w.Kind
	}
	if w.Kind == TLAList && (v.Kind == TLASet || v.Kind == TLASeq) {
		w.Kind = v.Kind
	}
	if v.Kind != w.Kind {
		return false
	}
	switch v.Kind {
	case TLAInt:
		return v.Int == w.Int
	case TLAString:
		return v.Str == w.Str
	case TLABool:
		return v.Bool == w.Bool
	case TLASeq, TLAList:
		return slices.EqualFunc(v.Elems, w.Elems, TLAValue.Equal)
	case TLASet:
		return subset(v.Elems, w.Elems) && subset(w.Elems, v.Elems)
	case TLAFunc:
		if len(v.Keys) != len(w.Keys) {
			return false
		}
		for i, k := range v.Keys {
			x, ok := w.Apply(k)
			if !ok || !x.Equal(v.Vals[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func subset(a, b []TLAValue) bool {
	for _, x := range a {
		if !slices.ContainsFunc(b, x.Equal) {
			return false
		}
	}
	return true
}

// Apply is the function's value at key k.
func (v TLAValue) Apply(k TLAValue) (TLAValue, bool) {
	for i, key := range v.Keys {
		if key.Equal(k) {
			return v.Vals[i], true
		}
	}
	return TLAValue{}, false
}

// String is the value in TLA+ syntax.
func (v TLAValue) String() string {
	var b strings.Builder
	v.write(&b)
	return b.String()
}

func (v TLAValue) write(b *strings.Builder) {
	list := func(open, close string, xs []TLAValue) {
		b.WriteString(open)
		for i, x := range xs {
			if i > 0 {
				b.WriteString(", ")
			}
			x.write(b)
		}
		b.WriteString(close)
	}
	switch v.Kind {
	case TLAInt:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case TLAString:
		b.WriteString(strconv.Quote(v.Str))
	case TLABool:
		b.WriteString(map[bool]string{true: "TRUE", false: "FALSE"}[v.Bool])
	case TLASet:
		list("{", "}", v.Elems)
	case TLASeq, TLAList:
		list("<<", ">>", v.Elems)
	case TLAFunc:
		record := len(v.Keys) > 0
		for _, k := range v.Keys {
			record = record && k.Kind == TLAString && isIdent(k.Str)
		}
		if record {
			b.WriteString("[")
			for i, k := range v.Keys {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(k.Str + " |-> ")
				v.Vals[i].write(b)
			}
			b.WriteString("]")
			return
		}
		if len(v.Keys) == 0 {
			b.WriteString("<<>>") // the empty function is the empty sequence
			return
		}
		b.WriteString("(")
		for i, k := range v.Keys {
			if i > 0 {
				b.WriteString(" @@ ")
			}
			k.write(b)
			b.WriteString(" :> ")
			v.Vals[i].write(b)
		}
		b.WriteString(")")
	default:
		b.WriteString("?")
	}
}

func isIdent(s string) bool {
	if s == "" || s == "TRUE" || s == "FALSE" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// ParseTLAValue reads a TLA+ value written as TLC writes constants and
// function keys: integers, "strings", TRUE and FALSE, records
// [a |-> v, ...], tuples <<...>>, sets {...}, and bare identifiers (model
// values, read as strings).
func ParseTLAValue(s string) (TLAValue, error) {
	p := &exprParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return TLAValue{}, fmt.Errorf("%w: value %q: %v", ErrTLA, s, err)
	}
	p.space()
	if p.i != len(p.s) {
		return TLAValue{}, fmt.Errorf("%w: value %q: unexpected %q at offset %d", ErrTLA, s, p.s[p.i:], p.i)
	}
	return v, nil
}

type exprParser struct {
	s string
	i int
}

func (p *exprParser) space() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *exprParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

// maxDepth bounds nesting, so that hostile input cannot exhaust the stack.
const maxDepth = 64

func (p *exprParser) value(depth int) (TLAValue, error) {
	if depth > maxDepth {
		return TLAValue{}, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	p.space()
	if p.i == len(p.s) {
		return TLAValue{}, fmt.Errorf("a value is missing at the end")
	}
	switch c := p.s[p.i]; {
	case p.eat("<<"):
		xs, err := p.list(">>", depth)
		return TLAValue{Kind: TLASeq, Elems: xs}, err
	case p.eat("{"):
		xs, err := p.list("}", depth)
		return TLAValue{Kind: TLASet, Elems: xs}, err
	case p.eat("["):
		f := TLAValue{Kind: TLAFunc}
		if p.eat("]") {
			return f, nil
		}
		for {
			p.space()
			start := p.i
			for p.i < len(p.s) && (p.s[p.i] == '_' || unicode.IsLetter(rune(p.s[p.i])) || unicode.IsDigit(rune(p.s[p.i]))) {
				p.i++
			}
			name := p.s[start:p.i]
			if !isIdent(name) {
				return TLAValue{}, fmt.Errorf("want a field name at offset %d", start)
			}
			if !p.eat("|->") {
				return TLAValue{}, fmt.Errorf("want |-> after field %s", name)
			}
			x, err := p.value(depth + 1)
			if err != nil {
				return TLAValue{}, err
			}
			f.Keys = append(f.Keys, TLAValue{Kind: TLAString, Str: name})
			f.Vals = append(f.Vals, x)
			if p.eat("]") {
				return f, nil
			}
			if !p.eat(",") {
				return TLAValue{}, fmt.Errorf("want , or ] at offset %d", p.i)
			}
		}
	case c == '"':
		end := p.i + 1
		for end < len(p.s) && p.s[end] != '"' {
			if p.s[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(p.s) {
			return TLAValue{}, fmt.Errorf("unterminated string at offset %d", p.i)
		}
		str, err := strconv.Unquote(p.s[p.i : end+1])
		if err != nil {
			return TLAValue{}, fmt.Errorf("string at offset %d: %v", p.i, err)
		}
		p.i = end + 1
		return TLAValue{Kind: TLAString, Str: str}, nil
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil {
			return TLAValue{}, fmt.Errorf("integer at offset %d: %v", start, err)
		}
		return TLAValue{Kind: TLAInt, Int: n}, nil
	default:
		start := p.i
		for p.i < len(p.s) && (p.s[p.i] == '_' || unicode.IsLetter(rune(p.s[p.i])) || unicode.IsDigit(rune(p.s[p.i]))) {
			p.i++
		}
		switch w := p.s[start:p.i]; {
		case w == "TRUE" || w == "FALSE":
			return TLAValue{Kind: TLABool, Bool: w == "TRUE"}, nil
		case isIdent(w):
			return TLAValue{Kind: TLAString, Str: w}, nil
		}
		return TLAValue{}, fmt.Errorf("unexpected %q at offset %d", string(c), start)
	}
}

func (p *exprParser) list(close string, depth int) ([]TLAValue, error) {
	var xs []TLAValue
	if p.eat(close) {
		return xs, nil
	}
	for {
		x, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
		if p.eat(close) {
			return xs, nil
		}
		if !p.eat(",") {
			return nil, fmt.Errorf("want , or %s at offset %d", close, p.i)
		}
	}
}

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
	fail := func(format string, args ...any) (*TLATrace, error) {
		return nil, fmt.Errorf("%w: %s: %s", ErrTLA, name, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw struct {
		Vars           []string `json:"vars"`
		Counterexample *struct {
			State  [][]json.RawMessage `json:"state"`
			Action [][]json.RawMessage `json:"action"`
		} `json:"counterexample"`
	}
	if err := dec.Decode(&raw); err != nil {
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
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
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

// ParseITF reads an ITF trace (Apalache ADR-015): {"vars": [...],
// "states": [{"#meta": ..., var: value, ...}], "loop": k}, values typed
// with {"#bigint": "n"}, {"#set": [...]}, {"#tup": [...]}, {"#map":
// [[k, v], ...]}; arrays are sequences, other objects records. "loop" is
// the state the last state returns to; if the last state already equals
// it, the trace itself closes the loop.
func ParseITF(name string, r io.Reader) (*TLATrace, error) {
	fail := func(format string, args ...any) (*TLATrace, error) {
		return nil, fmt.Errorf("%w: %s: %s", ErrTLA, name, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw struct {
		Vars   []string         `json:"vars"`
		States []map[string]any `json:"states"`
		Loop   *int             `json:"loop"`
	}
	if err := dec.Decode(&raw); err != nil {
		return fail("%v", err)
	}
	if len(raw.States) == 0 {
		return fail("no states")
	}
	t := &TLATrace{Format: "itf", Vars: raw.Vars, LoopStart: -1}
	for i, st := range raw.States {
		vars := map[string]TLAValue{}
		action := ""
		for k, x := range st {
			if k == "#meta" {
				if meta, ok := x.(map[string]any); ok {
					action, _ = meta["action"].(string)
				}
				continue
			}
			v, err := fromITF(x, 0)
			if err != nil {
				return fail("state %d: %s: %v", i, k, err)
			}
			vars[k] = v
		}
		if i > 0 {
			t.Actions = append(t.Actions, action)
		}
		t.States = append(t.States, vars)
	}
	if raw.Loop != nil {
		if *raw.Loop < 0 || *raw.Loop >= len(t.States) {
			return fail("loop %d: want a state index from 0 to %d", *raw.Loop, len(t.States)-1)
		}
		t.LoopStart, t.Stutter = *raw.Loop, *raw.Loop == len(t.States)-1
	}
	return t, nil
}

func fromITF(x any, depth int) (TLAValue, error) {
	if depth > maxDepth {
		return TLAValue{}, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	elems := func(xs any) ([]TLAValue, error) {
		arr, ok := xs.([]any)
		if !ok {
			return nil, fmt.Errorf("want an array, got %v", xs)
		}
		out := []TLAValue{}
		for _, e := range arr {
			v, err := fromITF(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	switch x := x.(type) {
	case json.Number, string, bool:
		return fromTLCJSON(x, depth)
	case []any:
		xs, err := elems(x)
		return TLAValue{Kind: TLASeq, Elems: xs}, err
	case map[string]any:
		if len(x) == 1 {
			for tag, body := range x {
				switch tag {
				case "#bigint":
					s, ok := body.(string)
					n, err := strconv.ParseInt(s, 10, 64)
					if !ok || err != nil {
						return TLAValue{}, fmt.Errorf("#bigint %v is not an integer", body)
					}
					return TLAValue{Kind: TLAInt, Int: n}, nil
				case "#set", "#tup":
					xs, err := elems(body)
					kind := map[string]TLAKind{"#set": TLASet, "#tup": TLASeq}[tag]
					return TLAValue{Kind: kind, Elems: xs}, err
				case "#map":
					pairs, err := elems(body)
					if err != nil {
						return TLAValue{}, err
					}
					v := TLAValue{Kind: TLAFunc}
					for _, p := range pairs {
						if p.Kind != TLASeq || len(p.Elems) != 2 {
							return TLAValue{}, fmt.Errorf("#map: want [key, value] pairs")
						}
						v.Keys = append(v.Keys, p.Elems[0])
						v.Vals = append(v.Vals, p.Elems[1])
					}
					return v, nil
				case "#unserializable":
					return TLAValue{}, fmt.Errorf("an unserializable value %v", body)
				}
			}
		}
		v := TLAValue{Kind: TLAFunc}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ev, err := fromITF(x[k], depth+1)
			if err != nil {
				return TLAValue{}, fmt.Errorf("%s: %v", k, err)
			}
			v.Keys = append(v.Keys, TLAValue{Kind: TLAString, Str: k})
			v.Vals = append(v.Vals, ev)
		}
		return v, nil
	}
	return TLAValue{}, fmt.Errorf("unexpected JSON %v", x)
}

// TLCConfig is what daggercheck reads of a TLC model config (.cfg): the
// constants, and the invariants and temporal properties it checks.
type TLCConfig struct {
	Constants  []TLCConstant
	Invariants []string
	Properties []string
}

// TLCConstant is one "Name = value" of a CONSTANTS section.
type TLCConstant struct {
	Name  string
	Value TLAValue
}

// ParseTLCConfig reads a TLC config: CONSTANT(S) Name = value ...,
// INVARIANT(S) and PROPERTY(IES) name lists; \* comments; other sections
// (INIT, NEXT, SPECIFICATION, ...) are skipped with their argument.
func ParseTLCConfig(name string, r io.Reader) (*TLCConfig, error) {
	cfg := &TLCConfig{}
	sc := bufio.NewScanner(r)
	section, n := "", 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.Index(line, `\*`); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		for len(words) > 0 {
			switch w := words[0]; w {
			case "CONSTANT", "CONSTANTS", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES":
				section = map[string]string{"CONSTANT": "CONSTANT", "CONSTANTS": "CONSTANT", "INVARIANT": "INVARIANT",
					"INVARIANTS": "INVARIANT", "PROPERTY": "PROPERTY", "PROPERTIES": "PROPERTY"}[w]
				words = words[1:]
				continue
			case "INIT", "NEXT", "SPECIFICATION", "SYMMETRY", "VIEW", "CONSTRAINT", "CONSTRAINTS",
				"ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS":
				section, words = "skip", words[1:]
				if len(words) > 0 {
					words = words[1:]
				}
				continue
			}
			switch section {
			case "CONSTANT":
				rest := strings.Join(words, " ")
				k, v, ok := strings.Cut(rest, "=")
				k = strings.TrimSpace(k)
				if !ok || !isIdent(k) {
					return nil, fmt.Errorf("%w: %s:%d: want Name = value, got %q", ErrTLA, name, n, rest)
				}
				val, err := ParseTLAValue(strings.TrimSpace(v))
				if err != nil {
					return nil, fmt.Errorf("%w: %s:%d: constant %s: %v", ErrTLA, name, n, k, errors.Unwrap(err))
				}
				cfg.Constants = append(cfg.Constants, TLCConstant{Name: k, Value: val})
				words = nil
			case "INVARIANT":
				cfg.Invariants = append(cfg.Invariants, words[0])
				words = words[1:]
			case "PROPERTY":
				cfg.Properties = append(cfg.Properties, words[0])
				words = words[1:]
			case "skip":
				words = words[1:]
			default:
				return nil, fmt.Errorf("%w: %s:%d: %q outside any section", ErrTLA, name, n, words[0])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTLA, name, err)
	}
	return cfg, nil
}

// Constant returns the constant's value.
func (c *TLCConfig) Constant(name string) (TLAValue, bool) {
	for _, k := range c.Constants {
		if k.Name == name {
			return k.Value, true
		}
	}
	return TLAValue{}, false
}

// tlaParam maps one constant of tla/'s specs to the Go model's parameter:
// its name and how its value reads.
type tlaParam struct {
	constant, param string
	words           [2]string // for a boolean constant: the values for FALSE and TRUE
	str             bool      // a string constant, taken as it is
}

var tlaParams = map[string][]tlaParam{
	"coherence": {{"Lines", "lines", [2]string{}, false}, {"Values", "values", [2]string{}, false}, {"Writes", "writes", [2]string{}, false},
		{"MSI", "protocol", [2]string{"mesi", "msi"}, false}, {"Ordered", "channels", [2]string{"unordered", "ordered"}, false}},
	"ring": {{"RX", "dir", [2]string{"tx", "rx"}, false}, {"Dagger", "protocol", [2]string{"credit", "dagger"}, false},
		{"Flows", "flows", [2]string{}, false}, {"Slots", "slots", [2]string{}, false}, {"RPCs", "rpcs", [2]string{}, false},
		{"Batch", "batch", [2]string{}, false}, {"IDs", "ids", [2]string{}, false}, {"Interface", "interface", [2]string{}, true}},
}

// TLAParams maps the constants of a config of tla/Coherence.tla or
// tla/Ring.tla to the Go model, its parameters and its bug ("" for
// "none"). The model is the one whose constants the config sets.
func TLAParams(cfg *TLCConfig) (modelName string, params []string, bug string, err error) {
	for _, name := range []string{"coherence", "ring"} {
		if _, ok := cfg.Constant(tlaParams[name][0].constant); ok {
			modelName = name
		}
	}
	if modelName == "" {
		return "", nil, "", fmt.Errorf("%w: the config sets neither Lines (Coherence.tla) nor RX (Ring.tla)", ErrTLA)
	}
	for _, p := range tlaParams[modelName] {
		v, ok := cfg.Constant(p.constant)
		switch {
		case !ok:
			return "", nil, "", fmt.Errorf("%w: constant %s is not set", ErrTLA, p.constant)
		case p.str && v.Kind == TLAString:
			params = append(params, p.param+"="+v.Str)
		case p.words[0] != "" && v.Kind == TLABool:
			params = append(params, p.param+"="+p.words[map[bool]int{false: 0, true: 1}[v.Bool]])
		case !p.str && p.words[0] == "" && v.Kind == TLAInt:
			params = append(params, p.param+"="+strconv.FormatInt(v.Int, 10))
		default:
			want := map[bool]string{true: "TRUE or FALSE", false: "an integer"}[p.words[0] != ""]
			if p.str {
				want = "a string"
			}
			return "", nil, "", fmt.Errorf("%w: constant %s = %s: want %s", ErrTLA, p.constant, v, want)
		}
	}
	b, ok := cfg.Constant("Bug")
	if !ok || b.Kind != TLAString {
		return "", nil, "", fmt.Errorf("%w: constant Bug: want a string (\"none\" or a bug's name)", ErrTLA)
	}
	if b.Str != "none" {
		bug = b.Str
	}
	return modelName, params, bug, nil
}

// GoPropertyName is the Go model's name of a property of tla/'s specs:
// SWMR is swmr, NoTornRead no-torn-read; DeadlockFree, Ring.tla's
// deadlock check for the interfaces where runs may end, is deadlock; a
// name already in that form is returned as it is.
func GoPropertyName(tla string) string {
	if tla == "DeadlockFree" {
		return checker.DeadlockProperty
	}
	var b strings.Builder
	rs := []rune(tla)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// TLCResult is one row of tla/results.tsv: what TLC reported for a
// config.
type TLCResult struct {
	Spec, Config string
	Result       string // ok, violation or deadlock
	Property     string // the TLA+ name of the property violated, or "-"
	Distinct     uint64
	Generated    uint64
	Depth        int
	TraceStates  string // states in TLC's counterexample ("-" for ok), "+stutter" or "+loopK" for a lasso
	Seconds      string
	PeakRSSMiB   string
	Line         int
}

// ParseTLCResults reads tla/results.tsv: # comment lines, a header line,
// then one tab-separated row per config.
func ParseTLCResults(name string, r io.Reader) ([]TLCResult, error) {
	sc := bufio.NewScanner(r)
	var out []TLCResult
	n, header := 0, false
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if !header {
			if len(f) != 10 || f[0] != "spec" {
				return nil, fmt.Errorf("%w: %s:%d: want the header line \"spec\\tconfig\\t...\"", ErrTLA, name, n)
			}
			header = true
			continue
		}
		if len(f) != 10 {
			return nil, fmt.Errorf("%w: %s:%d: %d fields, want 10", ErrTLA, name, n, len(f))
		}
		row := TLCResult{Spec: f[0], Config: f[1], Result: f[2], Property: f[3], TraceStates: f[7], Seconds: f[8], PeakRSSMiB: f[9], Line: n}
		var err error
		if row.Distinct, err = strconv.ParseUint(f[4], 10, 64); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: distinct %q: %v", ErrTLA, name, n, f[4], err)
		}
		if row.Generated, err = strconv.ParseUint(f[5], 10, 64); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: generated %q: %v", ErrTLA, name, n, f[5], err)
		}
		if row.Depth, err = strconv.Atoi(f[6]); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: depth %q: %v", ErrTLA, name, n, f[6], err)
		}
		if !slices.Contains([]string{"ok", "violation", "deadlock"}, row.Result) {
			return nil, fmt.Errorf("%w: %s:%d: result %q: want ok, violation or deadlock", ErrTLA, name, n, row.Result)
		}
		out = append(out, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTLA, name, err)
	}
	if !header {
		return nil, fmt.Errorf("%w: %s: no header line", ErrTLA, name)
	}
	return out, nil
}

// TraceStatesCount is the number of states in TLC's counterexample, without
// the lasso suffix; 0 for "-".
func (r TLCResult) TraceStatesCount() int {
	s, _, _ := strings.Cut(r.TraceStates, "+")
	n, _ := strconv.Atoi(s)
	return n
}

// ConvertTLA turns a behaviour of tla/Coherence.tla or tla/Ring.tla into a
// trace file of the same behaviour of the Go model built from modelName,
// params and bug (TLAParams gives them for a TLC config). Every state must
// be the Go model's state that its predecessor leads to by one of the
// model's actions, which names the step. The outcome is the first of
// properties (TLA+ or Go names, in order: a TLC config's invariants and
// properties, say), or a deadlock, which TLC checks unless told not to,
// that the behaviour breaks, an error if it breaks none of them; with no
// properties, the first of the model's — an invariant
// failing in the last state, a deadlock, or, for a lasso, a liveness
// property — and "ok" if it breaks none.
func ConvertTLA(t *TLATrace, modelName string, params []string, bug string, properties []string) (*File, error) {
	en, err := model.Lookup(modelName)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTLA, err)
	}
	v, err := spec.ParseParams(en.Params, params)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTLA, err)
	}
	var props []string
	for _, p := range properties {
		if p != "TypeOK" {
			props = append(props, GoPropertyName(p))
		}
	}
	switch modelName {
	case "coherence":
		m, err := coherence.New(v, bug)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrTLA, err)
		}
		return convert(t, modelName, m, v, bug, props, decodeCoherence(m))
	case "ring":
		m, err := ring.New(v, bug)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrTLA, err)
		}
		return convert(t, modelName, m, v, bug, props, decodeRing(m))
	}
	return nil, fmt.Errorf("%w: no TLA+ spec of model %s (tla/ has coherence and ring)", ErrTLA, modelName)
}

func convert[S any](t *TLATrace, modelName string, m checker.Model[S], v spec.Values, bug string, props []string,
	decode func(d *decoder, vars map[string]TLAValue) S) (*File, error) {
	if len(t.States) == 0 {
		return nil, fmt.Errorf("%w: the trace has no states", ErrTLA)
	}
	ck := checker.New(m, checker.Options{})
	kinds := m.Actions()
	enc := func(s S) string { return string(m.Encode(nil, s)) }
	decoded := make([]S, len(t.States))
	for i, vars := range t.States {
		d := &decoder{state: i}
		decoded[i] = decode(d, vars)
		if d.err != nil {
			return nil, d.err
		}
	}
	// Walk the Go model along the decoded states, keeping the model's own
	// successors (never calling Next on a state only decoded).
	var states []S
	for _, s := range m.Init() {
		if enc(s) == enc(decoded[0]) {
			states = append(states, s)
			break
		}
	}
	if len(states) == 0 {
		return nil, fmt.Errorf("%w: state 0 is not an initial state of the Go model (%s)", ErrTLA, strings.Join(v.Assignments(), " "))
	}
	tr := &checker.Trace{LoopStart: -1, Steps: []checker.Step{{Name: "init", State: ck.FieldsOf(states[0])}}}
	targets := decoded[1:]
	if t.LoopStart >= 0 && !t.Stutter && enc(decoded[len(decoded)-1]) != enc(decoded[t.LoopStart]) {
		targets = append(targets, decoded[t.LoopStart]) // the closing step back into the loop
	}
	for i, want := range targets {
		var next S
		var act checker.Action
		found := false
		m.Next(states[len(states)-1], func(a checker.Action, s S) {
			if !found && enc(s) == enc(want) {
				next, act, found = s, a, true
			}
		})
		if !found {
			what := ""
			if i < len(t.Actions) && t.Actions[i] != "" {
				what = fmt.Sprintf(" (TLA+ action %s)", t.Actions[i])
			}
			return nil, fmt.Errorf("%w: state %d%s is not a successor of state %d in the Go model: the spec and the model differ there, or the constants do", ErrTLA, i+1, what, i)
		}
		st := checker.Step{Name: kinds[act.Kind].Name, State: ck.FieldsOf(next)}
		for j, p := range kinds[act.Kind].Params {
			st.Args = append(st.Args, checker.Arg{Name: p, Value: act.Args[j]})
		}
		tr.Steps = append(tr.Steps, st)
		states = append(states, next)
	}
	if t.LoopStart >= 0 {
		tr.LoopStart, tr.Stutter = t.LoopStart, t.Stutter
	}
	if t.Stutter {
		// TLA+ fairness is about steps that change the state (<<A>>_vars):
		// an action whose only step there leaves the state as it is does
		// not count as enabled, so TLC may end a lasso stuttering where
		// such an action is enabled. The Go checker's fairness counts it,
		// so the loop takes each of them once instead: the same states.
		last := states[len(states)-1]
		m.Next(last, func(a checker.Action, s S) {
			if enc(s) != enc(last) {
				return
			}
			st := checker.Step{Name: kinds[a.Kind].Name, State: ck.FieldsOf(s)}
			for j, p := range kinds[a.Kind].Params {
				st.Args = append(st.Args, checker.Arg{Name: p, Value: a.Args[j]})
			}
			tr.Steps = append(tr.Steps, st)
			tr.Stutter = false
		})
	}

	// The outcome: the property given, or the first one the behaviour breaks.
	candidates := slices.Clone(props)
	if len(props) > 0 && tr.LoopStart < 0 && !slices.Contains(props, checker.DeadlockProperty) {
		candidates = append(candidates, checker.DeadlockProperty) // TLC checks deadlock unless told not to
	}
	if len(props) == 0 {
		for _, p := range m.Properties() {
			if p.Kind.Liveness() == (tr.LoopStart >= 0) && p.Kind != checker.Sometimes {
				candidates = append(candidates, p.Name)
			}
		}
		if tr.LoopStart < 0 {
			candidates = append(candidates, checker.DeadlockProperty)
		}
	}
	res := &checker.Result{Verdict: checker.OK, Trace: tr}
	var firstErr error
	for _, p := range candidates {
		full, err := ck.Recheck(tr, p)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		res.Trace, res.Property, res.Verdict = full, p, checker.Violation
		if p == checker.DeadlockProperty {
			res.Verdict = checker.Deadlock
		}
		break
	}
	if res.Verdict == checker.OK {
		if len(props) > 0 {
			return nil, fmt.Errorf("%w: the behaviour breaks none of %s: %v", ErrTLA, strings.Join(candidates, ", "), firstErr)
		}
		full, err := ck.Recheck(tr, "")
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrTLA, err)
		}
		res.Trace = full
		res.Trace.LoopStart, res.Trace.Stutter = -1, false // an "ok" behaviour is not a lasso
	}
	return FromResult(modelName, v.Assignments(), bug, res)
}

// decoder reads TLA+ values into a Go state, keeping the first error,
// which names the state and the path of the value (cache[0][1].st).
type decoder struct {
	state int
	err   error
}

// node is a value with the path that reached it.
type node struct {
	v    TLAValue
	path string
	ok   bool
}

func (d *decoder) fail(n node, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: state %d: %s: %s", ErrTLA, d.state, n.path, fmt.Sprintf(format, args...))
	}
}

// root is variable name of the state.
func (d *decoder) root(vars map[string]TLAValue, name string) node {
	v, ok := vars[name]
	n := node{v: v, path: name, ok: ok}
	if !ok {
		d.fail(n, "the variable is missing")
	}
	return n
}

// at applies a function or record to a key: an int (a function's
// argument) or a string (a record's field).
func (d *decoder) at(n node, key any) node {
	if !n.ok {
		return n
	}
	var k TLAValue
	var path string
	switch key := key.(type) {
	case int:
		k, path = TLAValue{Kind: TLAInt, Int: int64(key)}, fmt.Sprintf("%s[%d]", n.path, key)
	case string:
		k, path = TLAValue{Kind: TLAString, Str: key}, n.path+"."+key
	}
	out := node{path: path}
	// A TLA+ function with domain 1..n is a sequence: TLC writes it as an
	// array.
	if (n.v.Kind == TLASeq || n.v.Kind == TLAList) && k.Kind == TLAInt {
		if k.Int >= 1 && int(k.Int) <= len(n.v.Elems) {
			out.v, out.ok = n.v.Elems[k.Int-1], true
			return out
		}
	}
	if n.v.Kind != TLAFunc {
		d.fail(n, "want a function or record, got %s", n.v)
		return out
	}
	out.v, out.ok = n.v.Apply(k)
	if !out.ok {
		d.fail(out, "not in the domain of %s", n.path)
	}
	return out
}

// int reads an integer in [lo, hi].
func (d *decoder) int(n node, lo, hi int) int {
	if !n.ok {
		return 0
	}
	if n.v.Kind != TLAInt {
		d.fail(n, "want an integer, got %s", n.v)
		return 0
	}
	if n.v.Int < int64(lo) || n.v.Int > int64(hi) {
		d.fail(n, "%d is out of range [%d, %d]", n.v.Int, lo, hi)
		return 0
	}
	return int(n.v.Int)
}

func (d *decoder) u8(n node, lo, hi int) uint8 { return uint8(d.int(n, lo, hi)) }

// str reads a string that must be one of choices; it returns its index.
func (d *decoder) str(n node, choices []string) int {
	if !n.ok {
		return 0
	}
	if n.v.Kind != TLAString {
		d.fail(n, "want a string, got %s", n.v)
		return 0
	}
	i := slices.Index(choices, n.v.Str)
	if i < 0 {
		d.fail(n, "%q: want one of %s", n.v.Str, strings.Join(choices, ", "))
		return 0
	}
	return i
}

// elems reads a set or sequence (TLC writes both as an array).
func (d *decoder) elems(n node, kind TLAKind) []node {
	if !n.ok {
		return nil
	}
	if n.v.Kind != kind && n.v.Kind != TLAList && !(kind == TLASeq && n.v.Kind == TLAFunc && len(n.v.Keys) == 0) {
		d.fail(n, "want a %s, got %s", map[TLAKind]string{TLASet: "set", TLASeq: "sequence"}[kind], n.v)
		return nil
	}
	out := make([]node, len(n.v.Elems))
	for i, e := range n.v.Elems {
		out[i] = node{v: e, path: fmt.Sprintf("%s{%d}", n.path, i), ok: true}
	}
	return out
}

// bits reads a set of integers in [0, hi] as a bit mask.
func (d *decoder) bits(n node, hi int) uint8 {
	var m uint8
	for _, e := range d.elems(n, TLASet) {
		m |= 1 << d.int(e, 0, hi)
	}
	return m
}

// flags reads a set of strings as a bit mask: names[i] is bit i.
func (d *decoder) flags(n node, names []string) uint8 {
	var m uint8
	for _, e := range d.elems(n, TLASet) {
		m |= 1 << d.str(e, names)
	}
	return m
}

// The names tla/Coherence.tla gives the model's enumerations, in the Go
// constants' order.
var (
	tlaLineStates = []string{"I", "S", "E", "M", "IS_D", "IM_D", "SM_A", "MI_A", "EI_A", "SI_A", "II_A"}
	tlaDirStates  = []string{"I", "S", "EM"}
	tlaBusy       = []string{"Idle", "WaitFwdS", "WaitFwdM", "WaitInvGetM", "WaitInvUpg"}
	tlaMsgTypes   = []string{"?", "GetS", "GetM", "Upg", "PutS", "PutE", "PutM", "InvAck", "SnoopResp", "SnoopAck",
		"DataS", "DataE", "DataM", "UpgAck", "Inv", "FwdGetS", "FwdGetM", "PutAck"}
	// bad's elements are State.Bad's bits: stale 1, unexpected 2.
	tlaCoherenceBad = []string{"stale", "unexpected"}
	// bad's elements are ring's State.Bad bits, in order from bit 0.
	tlaRingBad = []string{"duplicate", "torn", "overwrite", "loss", "order"}
)

// decodeCoherence reads a state of tla/Coherence.tla (its variables:
// cache, dir, net, writes, last, writer, seen, bad).
func decodeCoherence(m *coherence.Model) func(d *decoder, vars map[string]TLAValue) coherence.State {
	return func(d *decoder, vars map[string]TLAValue) coherence.State {
		var s coherence.State
		cache, dir := d.root(vars, "cache"), d.root(vars, "dir")
		last, writer := d.root(vars, "last"), d.root(vars, "writer")
		for l := 0; l < m.Lines; l++ {
			for c := 0; c < 2; c++ {
				cl := d.at(d.at(cache, c), l)
				s.Cache[c][l] = coherence.CacheLine{
					St:  coherence.LineState(d.str(d.at(cl, "st"), tlaLineStates)),
					Val: d.u8(d.at(cl, "val"), 0, coherence.MaxValues),
				}
			}
			dl := d.at(dir, l)
			s.Dir[l] = coherence.DirLine{
				St:      coherence.DirState(d.str(d.at(dl, "st"), tlaDirStates)),
				Holders: d.bits(d.at(dl, "holders"), 1),
				Mem:     d.u8(d.at(dl, "mem"), 0, coherence.MaxValues),
				Busy:    coherence.Busy(d.str(d.at(dl, "busy"), tlaBusy)),
				Req:     d.u8(d.at(dl, "req"), 0, 1),
			}
			s.Last[l] = d.u8(d.at(last, l), 0, coherence.MaxValues)
			s.Writer[l] = d.u8(d.at(writer, l), 0, 2)
		}
		writes := d.root(vars, "writes")
		for c := 0; c < 2; c++ {
			s.Writes[c] = d.u8(d.at(writes, c), 0, coherence.MaxWrites)
		}
		s.Seen = d.bits(d.root(vars, "seen"), 1)
		s.Bad = d.flags(d.root(vars, "bad"), tlaCoherenceBad)

		msg := func(n node) coherence.Msg {
			return coherence.Msg{
				From: d.u8(d.at(n, "from"), 0, 2), To: d.u8(d.at(n, "to"), 0, 2),
				Type: coherence.MsgType(d.str(d.at(n, "type"), tlaMsgTypes)),
				Line: d.u8(d.at(n, "line"), 0, m.Lines-1), Val: d.u8(d.at(n, "val"), 0, coherence.MaxValues),
			}
		}
		var msgs []coherence.Msg
		net := d.root(vars, "net")
		add := func(n node, x coherence.Msg) {
			if len(msgs) == coherence.MaxMsgs {
				d.fail(n, "more than %d messages in flight", coherence.MaxMsgs)
				return
			}
			msgs = append(msgs, x)
		}
		if m.Ordered {
			// A FIFO per channel; the Go network groups the channels in
			// ascending order, each oldest first.
			for ch := 0; ch < 24 && d.err == nil; ch++ {
				for _, e := range d.elems(d.at(net, ch), TLASeq) {
					add(e, msg(e))
				}
			}
		} else if net.ok && (net.v.Kind == TLAFunc || (net.v.Kind == TLAList || net.v.Kind == TLASeq) && len(net.v.Elems) == 0) {
			// (TLC writes the empty function as an empty array.)
			// A multiset: message -> multiplicity; Go keeps it sorted.
			for i, k := range net.v.Keys {
				n := node{v: k, path: fmt.Sprintf("net[%s]", k), ok: true}
				x := msg(n)
				count := d.int(node{v: net.v.Vals[i], path: n.path, ok: true}, 1, coherence.MaxMsgs)
				for j := 0; j < count && d.err == nil; j++ {
					add(n, x)
				}
			}
			slices.SortFunc(msgs, func(a, b coherence.Msg) int {
				return cmpMsg(a, b)
			})
		} else if net.ok {
			d.fail(net, "want a function (message -> multiplicity), got %s", net.v)
		}
		copy(s.Net[:], msgs)
		s.N = uint8(len(msgs))
		return s
	}
}

// cmpMsg orders messages as the Go model's unordered network does: by
// source, destination, type, line, value.
func cmpMsg(a, b coherence.Msg) int {
	for _, p := range [][2]uint8{{a.From, b.From}, {a.To, b.To}, {uint8(a.Type), uint8(b.Type)}, {a.Line, b.Line}, {a.Val, b.Val}} {
		if p[0] != p[1] {
			return int(p[0]) - int(p[1])
		}
	}
	return 0
}

// decodeRing reads a state of tla/Ring.tla (its variables: ring, sent,
// store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend,
// bad, rung, arrived).
func decodeRing(m *ring.Model) func(d *decoder, vars map[string]TLAValue) ring.State {
	return func(d *decoder, vars map[string]TLAValue) ring.State {
		var s ring.State
		line := func(n node) ring.Line {
			return ring.Line{Valid: d.u8(d.at(n, "valid"), 0, 1), Flag: d.u8(d.at(n, "flag"), 0, 1),
				Hdr: d.u8(d.at(n, "hdr"), 0, m.RPCs), Args: d.u8(d.at(n, "args"), 0, m.RPCs)}
		}
		rg, seen := d.root(vars, "ring"), d.root(vars, "seenb")
		for f := 0; f < m.Flows; f++ {
			fl := &s.F[f]
			for i := 0; i < m.Slots; i++ {
				fl.Ring[i] = line(d.at(d.at(rg, f), i))
				fl.Seen[i] = d.u8(d.at(d.at(seen, f), i), 0, 255)
			}
			fl.Sent = d.u8(d.at(d.root(vars, "sent"), f), 0, m.RPCs)
			fl.Store = d.u8(d.at(d.root(vars, "store"), f), 0, 3)
			fl.Next = d.u8(d.at(d.root(vars, "next"), f), 0, 255)
			fl.Credit = d.u8(d.at(d.root(vars, "credit"), f), 0, 255)
			fl.Load = d.u8(d.at(d.root(vars, "load"), f), 0, 2)
			fl.Got = line(d.at(d.root(vars, "got"), f))
			fl.Taken = d.bits(d.at(d.root(vars, "taken"), f), m.RPCs-1)
			fl.Last = d.u8(d.at(d.root(vars, "lastc"), f), 0, m.RPCs)
			fl.Rung = d.u8(d.at(d.root(vars, "rung"), f), 0, m.RPCs)
			fl.Arrived = d.u8(d.at(d.root(vars, "arrived"), f), 0, 2*m.RPCs)
		}
		poll := d.root(vars, "poll")
		s.PollFlow = d.u8(d.at(poll, "flow"), 0, m.Flows-1)
		s.PollSlot = d.u8(d.at(poll, "slot"), 0, m.Slots-1)
		s.PollRead = d.u8(d.at(poll, "read"), 0, m.Batch)
		buf := d.root(vars, "buf")
		for j := 0; j < m.Batch; j++ {
			s.Buf[j] = line(d.at(buf, j))
		}
		pend := d.root(vars, "pend")
		s.PendFlow = d.u8(d.at(pend, "flow"), 0, m.Flows-1)
		if m.Dagger {
			s.PendMask = d.bits(d.at(pend, "mask"), m.Slots-1)
			s.PendVal = d.bits(d.at(pend, "val"), m.Slots-1)
		} else {
			// Go's PendMask holds late-seen's count in the credit protocol.
			s.PendMask = d.u8(d.at(pend, "count"), 0, 255)
		}
		s.Bad = d.flags(d.root(vars, "bad"), tlaRingBad)
		return s
	}
}

// TLCCase is one config of tla/ with what TLC recorded for it and the Go
// model run that must find the same: the model, parameters and bug its
// constants give, and the properties it checks under their Go names.
type TLCCase struct {
	TLCResult
	Model  string
	Params []string
	Bug    string
	// Only are the Go names of the config's invariants and properties
	// (TypeOK, which the Go types enforce, left out); deadlock alone when
	// none is left, since TLC checks deadlock unless told not to.
	Only []string
}

// TLCCases reads tlaDir/results.tsv and, for each row of spec
// ("Coherence" or "Ring"), the config tlaDir/<spec in lower case>/<config>.cfg.
func TLCCases(tlaDir, specName string) ([]TLCCase, error) {
	path := filepath.Join(tlaDir, "results.tsv")
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTLA, err)
	}
	defer fh.Close()
	rows, err := ParseTLCResults(path, fh)
	if err != nil {
		return nil, err
	}
	var out []TLCCase
	for _, r := range rows {
		if r.Spec != specName {
			continue
		}
		cfgPath := filepath.Join(tlaDir, strings.ToLower(specName), r.Config+".cfg")
		cfg, err := ReadTLCConfig(cfgPath)
		if err != nil {
			return nil, err
		}
		c := TLCCase{TLCResult: r}
		if c.Model, c.Params, c.Bug, err = TLAParams(cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", cfgPath, err)
		}
		for _, p := range slices.Concat(cfg.Invariants, cfg.Properties) {
			if p != "TypeOK" {
				c.Only = append(c.Only, GoPropertyName(p))
			}
		}
		if len(c.Only) == 0 {
			c.Only = []string{checker.DeadlockProperty}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s has no rows for spec %s", ErrTLA, path, specName)
	}
	return out, nil
}

// ReadTLCConfig reads a TLC config file.
func ReadTLCConfig(path string) (*TLCConfig, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTLA, err)
	}
	defer fh.Close()
	return ParseTLCConfig(path, fh)
}
