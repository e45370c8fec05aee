package spec

import (
	"slices"
	"testing"
)

// A space's configurations are the product of its axes, the last varying
// fastest, each setting's parameters over the fixed ones.
func TestSpaceConfigs(t *testing.T) {
	s := Space{Fixed: []string{"slots=2", "rpcs=3"}, Axes: []Axis{
		Knob("protocol", "credit", "dagger"),
		{Name: "interface", Values: []Setting{{Value: "coherent"}, {Value: "mmio", Params: []string{"interface=mmio", "slots=1"}}}},
	}}
	var got [][]string
	for _, c := range s.Configs() {
		got = append(got, append([]string{c.String()}, c.Params...))
	}
	want := [][]string{
		{"protocol=credit interface=coherent", "slots=2", "rpcs=3", "protocol=credit", "interface=coherent"},
		{"protocol=credit interface=mmio", "slots=1", "rpcs=3", "protocol=credit", "interface=mmio"},
		{"protocol=dagger interface=coherent", "slots=2", "rpcs=3", "protocol=dagger", "interface=coherent"},
		{"protocol=dagger interface=mmio", "slots=1", "rpcs=3", "protocol=dagger", "interface=mmio"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Configs:\n got %q\nwant %q", got, want)
	}
	if n := len(Space{}.Configs()); n != 1 {
		t.Errorf("a space without axes has %d configurations, want 1 (its fixed parameters)", n)
	}
}
