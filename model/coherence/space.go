package coherence

import "github.com/daggercheck/daggercheck/spec"

// Space is the coherence handshake's design space for the matrix
// command: MESI and MSI over unordered and ordered channels, on one line,
// two values and two stores per cache.
var Space = spec.Space{
	Fixed: []string{"lines=1", "values=2", "writes=2"},
	Axes: []spec.Axis{
		spec.Knob("protocol", "mesi", "msi"),
		spec.Knob("channels", "unordered", "ordered"),
	},
}
