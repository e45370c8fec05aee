package checker

import (
	"fmt"
	"reflect"
	"strconv"
)

// step formats one transition of the model.
func (c *Checker[S]) step(a Action, s S, initial bool) Step {
	st := Step{Action: a, State: c.fields(s)}
	if initial {
		st.Name = "init"
		return st
	}
	k := c.kinds[a.Kind]
	st.Name = k.Name
	for i, p := range k.Params {
		st.Args = append(st.Args, Arg{Name: p, Value: a.Args[i]})
	}
	if c.label != nil {
		st.Text = c.label(a)
	}
	return st
}

// replay rebuilds the behaviour whose states have the fingerprints fps by
// re-running Init and Next, and returns it with its states.
// pick, if not nil, says which actions may lead into step i, for paths
// where the action matters (fairness witnesses).
// Symmetry makes the replayed states members of the fingerprinted classes
// rather than the representatives themselves, which is still a behaviour
// of the model and reads more naturally.
func (c *Checker[S]) replay(fps []uint64, pick func(step int, a Action) bool) (*Trace, []S, error) {
	return c.replayAs(fps, pick, c.canonical)
}

// replayAs is replay with the fingerprints taken of rep(s): the canonical
// representative for the searches, s itself for the liveness graph.
func (c *Checker[S]) replayAs(fps []uint64, pick func(step int, a Action) bool, rep func(S) S) (*Trace, []S, error) {
	if len(fps) == 0 {
		return nil, nil, fmt.Errorf("%w: empty counterexample", ErrModel)
	}
	var buf []byte
	var cur S
	found := false
	for _, s := range c.m.Init() {
		if c.fingerprint(rep(s), &buf) == fps[0] {
			cur, found = s, true
			break
		}
	}
	if !found {
		return nil, nil, fmt.Errorf("%w: no initial state matches the counterexample; Init is not deterministic", ErrModel)
	}
	t := &Trace{LoopStart: -1, Steps: []Step{c.step(Action{}, cur, true)}}
	states := []S{cur}
	for i, want := range fps[1:] {
		var next S
		var act Action
		found = false
		c.m.Next(cur, func(a Action, s S) {
			if !found && (pick == nil || pick(i+1, a)) && c.fingerprint(rep(s), &buf) == want {
				next, act, found = s, a, true
			}
		})
		if !found {
			return nil, nil, fmt.Errorf("%w: step %d of the counterexample cannot be replayed; Next is not deterministic", ErrModel, i+1)
		}
		c.checkKind(act)
		t.Steps = append(t.Steps, c.step(act, next, false))
		states = append(states, next)
		cur = next
	}
	return t, states, nil
}

// reflectFields flattens a state into named fields: struct fields by name,
// array elements as name[i], nested structs as name.field. Values that
// implement fmt.Stringer use it.
func reflectFields(s any) []Field {
	var out []Field
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Struct {
		return []Field{{Name: "state", Value: fmt.Sprint(s)}}
	}
	flatten(&out, "", v)
	return out
}

func flatten(out *[]Field, name string, v reflect.Value) {
	if v.CanInterface() {
		if st, ok := v.Interface().(fmt.Stringer); ok && name != "" {
			*out = append(*out, Field{Name: name, Value: st.String()})
			return
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			if f.Name == "_" {
				continue
			}
			n := f.Name
			if name != "" {
				n = name + "." + n
			}
			flatten(out, n, v.Field(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			flatten(out, name+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	default:
		*out = append(*out, Field{Name: name, Value: fmt.Sprint(v)})
	}
}

// FieldsOf describes s field by field, with the model's Formatter or, if
// it has none, by reflection: the form traces and diffs use.
func (c *Checker[S]) FieldsOf(s S) []Field { return c.fields(s) }
