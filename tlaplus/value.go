package tlaplus

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

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
