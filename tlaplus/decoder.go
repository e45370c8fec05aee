package tlaplus

import (
	"fmt"
	"slices"
	"strings"
)

// Decoder reads the TLA+ values of one state of a trace into a Go
// model's state, keeping the first error, which names the state and the
// path of the value (cache[0][1].st). A model's decoder (bridge/ring,
// bridge/coherence) calls Root for each variable, At to go down into
// functions and records, and Int, Str, Bits, Flags or Elems at the
// leaves; after a failure every call returns a zero value, so a decoder
// reads on and checks Err once at the end.
type Decoder struct {
	state int
	err   error
}

// NewDecoder decodes state number state (0-based) of a trace.
func NewDecoder(state int) *Decoder { return &Decoder{state: state} }

// Err is the first failure, an ErrTLA naming the state and the value.
func (d *Decoder) Err() error { return d.err }

// Node is a value with the path that reached it; OK is false when the
// path led nowhere (a failure already recorded).
type Node struct {
	Value TLAValue
	Path  string
	OK    bool
}

// Fail records a failure at n, unless one is recorded already.
func (d *Decoder) Fail(n Node, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: state %d: %s: %s", ErrTLA, d.state, n.Path, fmt.Sprintf(format, args...))
	}
}

// Root is the state's variable name.
func (d *Decoder) Root(vars map[string]TLAValue, name string) Node {
	v, ok := vars[name]
	n := Node{Value: v, Path: name, OK: ok}
	if !ok {
		d.Fail(n, "the variable is missing")
	}
	return n
}

// At applies a function or record to a key: an int (a function's
// argument) or a string (a record's field).
func (d *Decoder) At(n Node, key any) Node {
	if !n.OK {
		return n
	}
	var k TLAValue
	var path string
	switch key := key.(type) {
	case int:
		k, path = TLAValue{Kind: TLAInt, Int: int64(key)}, fmt.Sprintf("%s[%d]", n.Path, key)
	case string:
		k, path = TLAValue{Kind: TLAString, Str: key}, n.Path+"."+key
	}
	out := Node{Path: path}
	// A TLA+ function with domain 1..n is a sequence: TLC writes it as an
	// array.
	if (n.Value.Kind == TLASeq || n.Value.Kind == TLAList) && k.Kind == TLAInt {
		if k.Int >= 1 && int(k.Int) <= len(n.Value.Elems) {
			out.Value, out.OK = n.Value.Elems[k.Int-1], true
			return out
		}
	}
	if n.Value.Kind != TLAFunc {
		d.Fail(n, "want a function or record, got %s", n.Value)
		return out
	}
	out.Value, out.OK = n.Value.Apply(k)
	if !out.OK {
		d.Fail(out, "not in the domain of %s", n.Path)
	}
	return out
}

// Int reads an integer in [lo, hi].
func (d *Decoder) Int(n Node, lo, hi int) int {
	if !n.OK {
		return 0
	}
	if n.Value.Kind != TLAInt {
		d.Fail(n, "want an integer, got %s", n.Value)
		return 0
	}
	if n.Value.Int < int64(lo) || n.Value.Int > int64(hi) {
		d.Fail(n, "%d is out of range [%d, %d]", n.Value.Int, lo, hi)
		return 0
	}
	return int(n.Value.Int)
}

// U8 is Int for a field of type uint8.
func (d *Decoder) U8(n Node, lo, hi int) uint8 { return uint8(d.Int(n, lo, hi)) }

// Str reads a string that must be one of choices; it returns its index.
func (d *Decoder) Str(n Node, choices []string) int {
	if !n.OK {
		return 0
	}
	if n.Value.Kind != TLAString {
		d.Fail(n, "want a string, got %s", n.Value)
		return 0
	}
	i := slices.Index(choices, n.Value.Str)
	if i < 0 {
		d.Fail(n, "%q: want one of %s", n.Value.Str, strings.Join(choices, ", "))
		return 0
	}
	return i
}

// Elems reads a set or sequence (kind TLASet or TLASeq; TLC writes both
// as an array).
func (d *Decoder) Elems(n Node, kind TLAKind) []Node {
	if !n.OK {
		return nil
	}
	if n.Value.Kind != kind && n.Value.Kind != TLAList && !(kind == TLASeq && n.Value.Kind == TLAFunc && len(n.Value.Keys) == 0) {
		d.Fail(n, "want a %s, got %s", map[TLAKind]string{TLASet: "set", TLASeq: "sequence"}[kind], n.Value)
		return nil
	}
	out := make([]Node, len(n.Value.Elems))
	for i, e := range n.Value.Elems {
		out[i] = Node{Value: e, Path: fmt.Sprintf("%s{%d}", n.Path, i), OK: true}
	}
	return out
}

// Bits reads a set of integers in [0, hi] as a bit mask.
func (d *Decoder) Bits(n Node, hi int) uint8 {
	var m uint8
	for _, e := range d.Elems(n, TLASet) {
		m |= 1 << d.Int(e, 0, hi)
	}
	return m
}

// Flags reads a set of strings as a bit mask: names[i] is bit i.
func (d *Decoder) Flags(n Node, names []string) uint8 {
	var m uint8
	for _, e := range d.Elems(n, TLASet) {
		m |= 1 << d.Str(e, names)
	}
	return m
}
