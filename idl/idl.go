package idl

import (
	"fmt"
	"strconv"
)

// MaxSize is the most bytes a message may take: one slot's payload
// (impl/slot's ArgsSize), since an RPC's arguments and its result each
// travel in one slot.
const MaxSize = 52

// Pos is a position in a file: line and column from 1, the column
// counting bytes.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) }

// File is a parsed, checked and laid out IDL file.
type File struct {
	Name     string // as given to Parse; positions are in it
	Messages []*Message
	Services []*Service
}

// Message is a message and its layout.
type Message struct {
	Pos    Pos
	Name   string
	Fields []*Field
	Size   int // bytes, at most MaxSize
}

// Field is one field of a message and its place in the layout.
type Field struct {
	Pos    Pos // of the field's type, where its declaration starts
	Name   string
	Type   Type
	Offset int // bytes from the message's start
}

// Kind is what a field's elements are.
type Kind uint8

// The kinds, in the order the grammar lists them.
const (
	Int8 Kind = iota + 1
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
	Bool
	String // string[N]: UTF-8, padded with zero bytes
	Bytes  // bytes[N]
)

var kindNames = [...]string{
	Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
	Uint8: "uint8", Uint16: "uint16", Uint32: "uint32", Uint64: "uint64",
	Float32: "float32", Float64: "float64", Bool: "bool", String: "string", Bytes: "bytes",
}

var kindSizes = [...]int{
	Int8: 1, Int16: 2, Int32: 4, Int64: 8, Uint8: 1, Uint16: 2, Uint32: 4, Uint64: 8,
	Float32: 4, Float64: 8, Bool: 1, String: 1, Bytes: 1,
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ElemSize is the bytes one element of the kind takes (1 for String and
// Bytes, whose length counts bytes).
func (k Kind) ElemSize() int { return kindSizes[k] }

// Signed reports whether the kind is a signed integer.
func (k Kind) Signed() bool { return k >= Int8 && k <= Int64 }

// Unsigned reports whether the kind is an unsigned integer.
func (k Kind) Unsigned() bool { return k >= Uint8 && k <= Uint64 }

// Float reports whether the kind is float32 or float64.
func (k Kind) Float() bool { return k == Float32 || k == Float64 }

// lookupKind is the kind a type name names, or 0.
func lookupKind(name string) Kind {
	for k, n := range kindNames {
		if n == name && n != "" {
			return Kind(k)
		}
	}
	return 0
}

// Type is a field's type: a scalar (Len 0), an array of Len scalars, or
// string[Len] or bytes[Len].
type Type struct {
	Kind Kind
	Len  int
}

// Size is the bytes the type takes in a message.
func (t Type) Size() int { return t.Kind.ElemSize() * max(t.Len, 1) }

// IsArray reports whether the type is an array of scalars (uint32[4]),
// not a scalar, a string or bytes.
func (t Type) IsArray() bool { return t.Len > 0 && t.Kind != String && t.Kind != Bytes }

func (t Type) String() string {
	if t.Len == 0 {
		return t.Kind.String()
	}
	return fmt.Sprintf("%s[%d]", t.Kind, t.Len)
}

// Service is a service: its RPCs in declaration order.
type Service struct {
	Pos  Pos
	Name string
	RPCs []*RPC
}

// RPC is one RPC of a service: its messages and its function number.
type RPC struct {
	Pos      Pos
	Name     string
	Arg, Ret *Message
	Fn       uint16
	Explicit bool // the number was given with "= N"
}
