package spec

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Param declares one configuration parameter of a model: an integer
// within [Min, Max], or, when Choices is set, one of those words.
type Param struct {
	Name        string
	Default     string
	Description string
	Min, Max    int
	Choices     []string
	// OmitDefault: Assignments leaves the parameter out while it has its
	// default value. For a parameter added to a model after traces and
	// reports of it were committed: at its default the model is what it
	// was, and they read (and are written) as before.
	OmitDefault bool
}

// ErrParam is wrapped by every parameter error, so callers can tell bad
// input (exit 2) from other failures with errors.Is.
var ErrParam = errors.New("bad parameter")

// Values are a model's parameters after parsing: every declared parameter
// has a valid value, given or default.
type Values struct {
	defs []Param
	vals map[string]string
}

// ParseParams checks assignments of the form key=value against defs and
// fills in defaults. An unknown key, a repeated key, a missing '=' or a
// value out of range is an error naming the culprit.
func ParseParams(defs []Param, assignments []string) (Values, error) {
	v := Values{defs: defs, vals: make(map[string]string, len(defs))}
	given := map[string]bool{}
	for _, a := range assignments {
		key, val, ok := strings.Cut(a, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return Values{}, fmt.Errorf("%w %q: want key=value", ErrParam, a)
		}
		i := slices.IndexFunc(defs, func(p Param) bool { return p.Name == key })
		if i < 0 {
			return Values{}, fmt.Errorf("%w %q: unknown parameter (known: %s)", ErrParam, key, names(defs))
		}
		if given[key] {
			return Values{}, fmt.Errorf("%w %q: given twice", ErrParam, key)
		}
		given[key] = true
		norm, err := defs[i].check(val)
		if err != nil {
			return Values{}, err
		}
		v.vals[key] = norm
	}
	for _, p := range defs {
		if !given[p.Name] {
			norm, err := p.check(p.Default)
			if err != nil {
				panic(fmt.Sprintf("spec: default of parameter %q is invalid: %v", p.Name, err))
			}
			v.vals[p.Name] = norm
		}
	}
	return v, nil
}

// check validates a value and returns it in canonical form. Space around
// the value is ignored, as it is around the key.
func (p Param) check(val string) (string, error) {
	val = strings.TrimSpace(val)
	if p.Choices != nil {
		if !slices.Contains(p.Choices, val) {
			return "", fmt.Errorf("%w %s=%q: want one of %s", ErrParam, p.Name, val, strings.Join(p.Choices, ", "))
		}
		return val, nil
	}
	n, err := strconv.Atoi(val)
	if errors.Is(err, strconv.ErrRange) {
		// An integer too large for int is out of range, not malformed.
		return "", fmt.Errorf("%w %s=%s: want %d..%d", ErrParam, p.Name, val, p.Min, p.Max)
	}
	if err != nil {
		return "", fmt.Errorf("%w %s=%q: not an integer", ErrParam, p.Name, val)
	}
	if n < p.Min || n > p.Max {
		return "", fmt.Errorf("%w %s=%d: want %d..%d", ErrParam, p.Name, n, p.Min, p.Max)
	}
	return strconv.Itoa(n), nil
}

// Range describes the values a parameter accepts, for help text.
func (p Param) Range() string {
	if p.Choices != nil {
		return strings.Join(p.Choices, "|")
	}
	return fmt.Sprintf("%d..%d", p.Min, p.Max)
}

func names(defs []Param) string {
	if len(defs) == 0 {
		return "none"
	}
	out := make([]string, len(defs))
	for i, p := range defs {
		out[i] = p.Name
	}
	return strings.Join(out, ", ")
}

// Int returns an integer parameter. Asking for an undeclared or
// non-integer parameter is a bug in the model, so it panics.
func (v Values) Int(name string) int {
	s, ok := v.vals[name]
	if !ok {
		panic(fmt.Sprintf("spec: no parameter %q", name))
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Sprintf("spec: parameter %q is not an integer", name))
	}
	return n
}

// String returns a parameter's value as text.
func (v Values) String(name string) string {
	s, ok := v.vals[name]
	if !ok {
		panic(fmt.Sprintf("spec: no parameter %q", name))
	}
	return s
}

// Assignments returns the values as key=value strings in declaration
// order, less those of OmitDefault parameters at their default;
// ParseParams accepts them back unchanged.
func (v Values) Assignments() []string {
	out := make([]string, 0, len(v.defs))
	for _, p := range v.defs {
		if p.OmitDefault && v.vals[p.Name] == p.Default {
			continue
		}
		out = append(out, p.Name+"="+v.vals[p.Name])
	}
	return out
}

// Map returns the values keyed by name.
func (v Values) Map() map[string]string {
	m := make(map[string]string, len(v.vals))
	for k, x := range v.vals {
		m[k] = x
	}
	return m
}

// Shipped is a named configuration of a model that the suite checks, pins
// and documents: its parameter assignments, the rest being defaults.
type Shipped struct {
	Name   string
	Params []string // -p assignments; the rest are defaults
}
