package checker

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// This file compares states by value, as reflect.DeepEqual does, for the
// contract check: it finds the fields of a state type that hold shared
// memory, builds a key that two states share exactly when they are equal,
// and names the fields in which two states differ. Field paths read as
// the trace does: "F[1].Ring[0].Hdr"; in a type, where no index is
// known, "F[].Ring".

// referenceFields lists the paths of the fields of t that hold memory a
// copy of the state shares (slices, maps, pointers, interfaces, channels,
// functions), each with its kind. Strings are immutable and may be
// shared. It does not look inside a reference: the first is enough.
func referenceFields(t reflect.Type, path string, out *[]Field) {
	switch t.Kind() {
	case reflect.Array:
		referenceFields(t.Elem(), path+"[]", out)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.Name != "_" {
				referenceFields(f.Type, joinPath(path, f.Name), out)
			}
		}
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.UnsafePointer, reflect.Interface,
		reflect.Chan, reflect.Func:
		*out = append(*out, Field{Name: rootName(path), Value: t.Kind().String()})
	}
}

// joinPath names field name of the value at path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// rootName is path, or "the state" for the state itself.
func rootName(path string) string {
	if path == "" {
		return "the state"
	}
	return path
}

// valueKey appends to buf a key of v that two values share exactly when
// reflect.DeepEqual holds of them (but for NaNs, equal to themselves
// here, and cycles through pointers, cut after a few turns).
func valueKey(buf []byte, v reflect.Value) []byte {
	return appendValue(buf, v, 0)
}

// maxDeref bounds how many pointers one key follows in a row, so that a
// cycle of pointers ends.
const maxDeref = 64

func appendValue(buf []byte, v reflect.Value, deref int) []byte {
	le := binary.LittleEndian
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return append(buf, 1)
		}
		return append(buf, 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return le.AppendUint64(buf, uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return le.AppendUint64(buf, v.Uint())
	case reflect.Float32, reflect.Float64:
		return le.AppendUint64(buf, floatBits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		buf = le.AppendUint64(buf, floatBits(real(v.Complex())))
		return le.AppendUint64(buf, floatBits(imag(v.Complex())))
	case reflect.String:
		buf = le.AppendUint64(buf, uint64(v.Len()))
		return append(buf, v.String()...)
	case reflect.Array:
		for i := range v.Len() {
			buf = appendValue(buf, v.Index(i), deref)
		}
		return buf
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if t.Field(i).Name != "_" {
				buf = appendValue(buf, v.Field(i), deref)
			}
		}
		return buf
	case reflect.Slice:
		if v.IsNil() { // DeepEqual tells a nil slice from an empty one
			return append(buf, 0)
		}
		buf = le.AppendUint64(append(buf, 1), uint64(v.Len()))
		for i := range v.Len() {
			buf = appendValue(buf, v.Index(i), deref)
		}
		return buf
	case reflect.Map:
		return appendMap(buf, v, deref)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(buf, 0)
		}
		buf = append(buf, 1)
		if v.Kind() == reflect.Interface {
			buf = append(buf, v.Elem().Type().String()...)
		}
		if deref >= maxDeref {
			return buf
		}
		return appendValue(buf, v.Elem(), deref+1)
	}
	// Channels, functions and unsafe pointers are equal when identical.
	return le.AppendUint64(buf, uint64(v.Pointer()))
}

// appendMap keys a map by its entries, in the order of their keys' keys.
func appendMap(buf []byte, v reflect.Value, deref int) []byte {
	if v.IsNil() {
		return append(buf, 0)
	}
	type entry struct{ k, e []byte }
	var es []entry
	for it := v.MapRange(); it.Next(); {
		es = append(es, entry{appendValue(nil, it.Key(), deref), appendValue(nil, it.Value(), deref)})
	}
	slices.SortFunc(es, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
	buf = binary.LittleEndian.AppendUint64(append(buf, 1), uint64(len(es)))
	for _, e := range es {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(e.k)))
		buf = append(append(buf, e.k...), e.e...)
	}
	return buf
}

// floatBits is f's bits with the two zeros made one, as == sees them.
func floatBits(f float64) uint64 {
	if f == 0 {
		return 0
	}
	return math.Float64bits(f)
}

// diffFields appends to out the paths of the fields, array elements
// included, in which a and b (of one type) differ. It descends into
// structs, arrays and pointers; a slice, map or interface that differs is
// named whole.
func diffFields(a, b reflect.Value, path string, out *[]string) {
	switch a.Kind() {
	case reflect.Struct:
		t := a.Type()
		for i := range a.NumField() {
			if f := t.Field(i); f.Name != "_" {
				diffFields(a.Field(i), b.Field(i), joinPath(path, f.Name), out)
			}
		}
		return
	case reflect.Array:
		for i := range a.Len() {
			diffFields(a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]", out)
		}
		return
	case reflect.Pointer:
		if !a.IsNil() && !b.IsNil() && a.Pointer() != b.Pointer() {
			diffFields(a.Elem(), b.Elem(), path, out)
			return
		}
	}
	if !bytes.Equal(valueKey(nil, a), valueKey(nil, b)) {
		*out = append(*out, rootName(path))
	}
}

// firstDifference is the index of the first byte where a and b differ,
// or the shorter length.
func firstDifference(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// leafKeys lists the value key of every field of v, by path, descending
// as diffFields does: a snapshot to compare with one taken later.
func leafKeys(v reflect.Value, path string, out *[]Field) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if f := t.Field(i); f.Name != "_" {
				leafKeys(v.Field(i), joinPath(path, f.Name), out)
			}
		}
		return
	case reflect.Array:
		for i := range v.Len() {
			leafKeys(v.Index(i), path+"["+strconv.Itoa(i)+"]", out)
		}
		return
	}
	*out = append(*out, Field{Name: rootName(path), Value: string(valueKey(nil, v))})
}

// changedLeaves names the fields whose keys differ between two
// snapshots of one value.
func changedLeaves(before, after []Field) []string {
	var out []string
	for i := range min(len(before), len(after)) {
		if before[i] != after[i] {
			out = append(out, before[i].Name)
		}
	}
	return out
}
