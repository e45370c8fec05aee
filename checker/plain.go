package checker

import (
	"fmt"
	"reflect"
	"unsafe"
)

// PlainStates is implemented by models whose states the checker may
// fingerprint by their memory instead of by Encode. A model returns true
// when, on every state it can reach, two states encode equally exactly
// when their bytes are equal: typically because the fields and array
// elements that a configuration does not use stay zero, so the bytes say
// no more than Encode does. The state type must be plain memory: no
// pointers, strings, slices, maps or interfaces, no floating point (two
// zeros, many NaNs) and no padding (its bytes are unspecified); the
// checker refuses a model that claims it for any other type.
//
// It saves, for every generated state, a copy of the state into Encode
// and the encoding itself; the hash then reads the state where it lies.
// Fingerprints change, so counts do not, but which of several equally
// short counterexamples is reported may.
type PlainStates interface {
	PlainStates() bool
}

// bytewise reports why values of t cannot be compared by their bytes, or
// "" when they can: it names the first field (by its path in t) that
// holds a pointer, a float or padding, and returns that path as field.
func bytewise(t reflect.Type, path string) (field, why string) {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "", ""
	case reflect.Array:
		return bytewise(t.Elem(), path+"[]")
	case reflect.Struct:
		var end uintptr // where the fields so far end
		for i := range t.NumField() {
			f := t.Field(i)
			name := joinPath(path, f.Name)
			if f.Offset != end {
				return name, fmt.Sprintf("padding before %s", name)
			}
			if field, why := bytewise(f.Type, name); why != "" {
				return field, why
			}
			end = f.Offset + f.Type.Size()
		}
		if end != t.Size() {
			return rootName(path), fmt.Sprintf("padding at the end of %s", rootName(path))
		}
		return "", ""
	}
	return rootName(path), fmt.Sprintf("%s is a %s", rootName(path), t.Kind())
}

// plainStates decides whether the checker fingerprints m's states by
// their bytes: "" and true when the model asks for it and S allows it,
// the reason when it asks for it and S does not.
func plainStates[S any](m Model[S]) (bool, string) {
	p, ok := m.(PlainStates)
	if !ok || !p.PlainStates() {
		return false, ""
	}
	t := reflect.TypeFor[S]()
	if _, why := bytewise(t, t.Name()); why != "" {
		return false, why
	}
	return true, ""
}

// stateBytes views a plain state's memory; s must not move or change
// while the view is used.
func stateBytes[S any](s *S) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(s)), unsafe.Sizeof(*s))
}
