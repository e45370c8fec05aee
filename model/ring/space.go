package ring

import "github.com/daggercheck/daggercheck/spec"

// Space is the ring's design space for the matrix command: the published
// and the credit protocol, both rings, and the three ways the CPU hands
// RPCs to the NIC (tx only: the model rejects the others with rx), on one
// flow of two slots and three RPCs, where every weak point already shows.
// MMIO needs one slot polled alone.
var Space = spec.Space{
	Fixed: []string{"flows=1", "slots=2", "batch=2", "rpcs=3"},
	Axes: []spec.Axis{
		spec.Knob("protocol", "credit", "dagger"),
		spec.Knob("dir", "tx", "rx"),
		{Name: "interface", Values: []spec.Setting{{Value: "coherent"}, {Value: "doorbell"},
			{Value: "mmio", Params: []string{"interface=mmio", "slots=1", "batch=1"}}}},
	},
}
