package system

import "github.com/daggercheck/daggercheck/spec"

// Space is the end-to-end system's design space for the matrix command:
// each transport against each kind of network fault alone (a budget of
// one), on two clients of one call each, with one retry for udp.
var Space = spec.Space{
	Fixed: []string{"clients=2", "calls=1", "retries=1", "server-flows=1"},
	Axes: []spec.Axis{
		spec.Knob("transport", "reliable", "udp"),
		{Name: "faults", Values: []spec.Setting{
			{Value: "none", Params: []string{"losses=0", "dups=0", "reorders=0"}},
			{Value: "loss", Params: []string{"losses=1", "dups=0", "reorders=0"}},
			{Value: "dup", Params: []string{"losses=0", "dups=1", "reorders=0"}},
			{Value: "reorder", Params: []string{"losses=0", "dups=0", "reorders=1"}},
		}},
	},
}
