package tlaplus

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// ParseITF reads an ITF trace (Apalache ADR-015): {"vars": [...],
// "states": [{"#meta": ..., var: value, ...}], "loop": k}, values typed
// with {"#bigint": "n"}, {"#set": [...]}, {"#tup": [...]}, {"#map":
// [[k, v], ...]}; arrays are sequences, other objects records. "loop" is
// the state the last state returns to; if the last state already equals
// it, the trace itself closes the loop.
func ParseITF(name string, r io.Reader) (*TLATrace, error) {
	var raw struct {
		Vars   []string         `json:"vars"`
		States []map[string]any `json:"states"`
		Loop   *int             `json:"loop"`
	}
	fail := failer(name)
	if err := decodeJSON(r, &raw); err != nil {
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
