package ring

import "github.com/daggercheck/daggercheck/spec"

// Shipped is a named configuration the suite checks, pins and documents.
type Shipped = spec.Shipped

// Configs are the shipped configurations of the credit protocol; every
// property holds on each of them.
var Configs = []Shipped{
	{Name: "tx", Params: nil},
	{Name: "rx", Params: []string{"dir=rx"}},
	{Name: "tx-one-slot", Params: []string{"slots=1", "batch=1", "rpcs=3"}},
	{Name: "tx-4-slots-batch-4", Params: []string{"slots=4", "batch=4", "rpcs=6"}},
	{Name: "tx-2-flows", Params: []string{"flows=2", "slots=4", "rpcs=6", "batch=2"}},
	{Name: "rx-2-flows", Params: []string{"dir=rx", "flows=2", "slots=4", "rpcs=6"}},
	{Name: "rx-3-flows", Params: []string{"dir=rx", "flows=3", "slots=2", "rpcs=4"}},
	{Name: "tx-doorbell", Params: []string{"interface=doorbell", "flows=2", "slots=4", "rpcs=6", "batch=2"}},
	{Name: "tx-mmio", Params: []string{"interface=mmio", "flows=2", "slots=1", "batch=1", "rpcs=4"}},
}

// WeakPoint is one of the published protocol's weak points.
type WeakPoint = spec.WeakPoint

// WeakPoints are the published design's weak points that live at the
// ring level, each found by `daggercheck check ring` with these parameters and
// `--property` set to the property.
var WeakPoints = []WeakPoint{
	{Name: "overwrite without credits", Params: []string{"protocol=dagger"}, Property: "no-overwrite"},
	{Name: "loss by overwrite", Params: []string{"protocol=dagger"}, Property: "no-loss"},
	{Name: "torn read on a later lap", Params: []string{"protocol=dagger"}, Property: "no-torn-read"},
	{Name: "duplicate from the late seen bit", Params: []string{"protocol=dagger"}, Property: "no-duplicate"},
	{Name: "out-of-order forwarding", Params: []string{"protocol=dagger"}, Property: "fifo-order"},
	{Name: "a sent RPC never forwarded", Params: []string{"protocol=dagger"}, Property: "eventually-consumed"},
	{Name: "rx overwrite without credits", Params: []string{"dir=rx", "protocol=dagger"}, Property: "no-overwrite"},
	{Name: "rx torn read", Params: []string{"dir=rx", "protocol=dagger"}, Property: "no-torn-read"},
	{Name: "rx stall on a repeated rpc_id", Params: []string{"dir=rx", "protocol=dagger", "ids=2"}, Property: "no-stall"},
	{Name: "rx loss on a repeated rpc_id", Params: []string{"dir=rx", "protocol=dagger", "ids=2"}, Property: "eventually-consumed"},
	{Name: "doorbell overwrite without credits", Params: []string{"protocol=dagger", "interface=doorbell"}, Property: "no-overwrite"},
	{Name: "doorbell torn read", Params: []string{"protocol=dagger", "interface=doorbell"}, Property: "no-torn-read"},
	{Name: "split mmio store torn read", Params: []string{"protocol=dagger", "interface=mmio", "slots=1", "batch=1"}, Property: "no-torn-read"},
	{Name: "split mmio store duplicate", Params: []string{"protocol=dagger", "interface=mmio", "slots=1", "batch=1"}, Property: "no-duplicate"},
}
