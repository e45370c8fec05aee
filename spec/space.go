package spec

import (
	"strings"
)

// Space is a model's design space: the knobs a designer turns (Axes),
// each with the values the matrix command checks, and the parameters
// every configuration shares (Fixed), chosen so that every configuration
// is small enough to check in a second or so. A configuration is one
// value of each axis; the model may reject some of them (an error
// wrapping ErrParam), which the matrix lists as excluded.
type Space struct {
	Fixed []string // key=value assignments every configuration has
	Axes  []Axis
}

// Axis is one knob and the values the matrix tries.
type Axis struct {
	Name   string // the knob, as the summary names it: "interface"
	Values []Setting
}

// Setting is one value of an axis and the parameter assignments it
// stands for; they override Fixed (an MMIO interface that needs one slot
// sets slots=1 over a fixed slots=2).
type Setting struct {
	Value  string   // "mmio"
	Params []string // key=value; nil means Name=Value
}

// Knob is an axis whose values are the values of the parameter of its
// name.
func Knob(name string, values ...string) Axis {
	a := Axis{Name: name}
	for _, v := range values {
		a.Values = append(a.Values, Setting{Value: v})
	}
	return a
}

// Config is one point of a design space.
type Config struct {
	// Settings are axis=value, one per axis, in the axes' order.
	Settings []string
	// Params are the assignments the configuration stands for: Fixed,
	// overridden by each setting's in the axes' order, in the order each
	// key first appears.
	Params []string
}

// String is the configuration's settings, separated by spaces.
func (c Config) String() string { return strings.Join(c.Settings, " ") }

// Configs are every configuration of the space, the last axis varying
// fastest: a fixed order that the matrix's rows follow.
func (s Space) Configs() []Config {
	out := []Config{{}}
	for _, a := range s.Axes {
		var next []Config
		for _, c := range out {
			for _, v := range a.Values {
				params := v.Params
				if params == nil {
					params = []string{a.Name + "=" + v.Value}
				}
				next = append(next, Config{
					Settings: append(append([]string(nil), c.Settings...), a.Name+"="+v.Value),
					Params:   append(append([]string(nil), c.Params...), params...),
				})
			}
		}
		out = next
	}
	for i := range out {
		out[i].Params = Override(append(append([]string(nil), s.Fixed...), out[i].Params...))
	}
	return out
}

// Override keeps, of key=value assignments, the last for each key, at
// the place where the key first appears.
func Override(assignments []string) []string {
	last := map[string]string{}
	var keys []string
	for _, a := range assignments {
		k, _, _ := strings.Cut(a, "=")
		k = strings.TrimSpace(k)
		if _, ok := last[k]; !ok {
			keys = append(keys, k)
		}
		last[k] = a
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = last[k]
	}
	return out
}
