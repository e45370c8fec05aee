package grid

import "github.com/daggercheck/daggercheck/spec"

// Space is the example's design space for the matrix command: one or two
// counters up to 3. Nothing breaks; it shows the command on a model
// whose every property holds.
var Space = spec.Space{
	Fixed: []string{"size=3"},
	Axes:  []spec.Axis{spec.Knob("dims", "1", "2")},
}
