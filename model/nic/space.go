package nic

import "github.com/daggercheck/daggercheck/spec"

// Space is the NIC pipeline's design space for the matrix command: the
// published and the corrected pipeline, each load balancer, and batching
// off or by two, on the default two flows, two connections, three buffer
// slots, FIFOs of two and three RPCs.
var Space = spec.Space{
	Fixed: []string{"flows=2", "conns=2", "buffer=3", "fifo=2", "rpcs=3"},
	Axes: []spec.Axis{
		spec.Knob("protocol", "credit", "dagger"),
		spec.Knob("lb", "static", "round-robin", "random", "key-hash"),
		spec.Knob("batch", "1", "2"),
	},
}
