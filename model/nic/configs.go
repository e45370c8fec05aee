package nic

import "github.com/daggercheck/daggercheck/spec"

// Shipped is a named configuration the suite checks, pins and documents.
type Shipped = spec.Shipped

// Configs are the shipped configurations of the credit protocol; every
// property holds on each of them. Each runs in about a second or less
// (liveness included), so the tests check them all.
var Configs = []Shipped{
	{Name: "default", Params: nil},
	{Name: "static", Params: []string{"lb=static"}},
	{Name: "random", Params: []string{"lb=random"}},
	{Name: "key-hash", Params: []string{"lb=key-hash"}},
	{Name: "fifo-1", Params: []string{"fifo=1"}},
	{Name: "batch-2", Params: []string{"batch=2"}},
	{Name: "batch-4", Params: []string{"batch=4", "fifo=4", "buffer=4", "rpcs=4"}},
	{Name: "flows-3", Params: []string{"flows=3", "conns=3"}},
	{Name: "flows-3-key-hash", Params: []string{"flows=3", "conns=3", "lb=key-hash"}},
	{Name: "rpcs-5", Params: []string{"rpcs=5"}},
}

// WeakPoint is one of the published protocol's weak points.
type WeakPoint = spec.WeakPoint

// WeakPoints are the published design's weak points that live in the NIC
// pipeline (batch starvation, the request-buffer leak), and one more our
// reading of the published TX scheduler shows, each found by
// `daggercheck check nic` with these parameters and `--property` set to
// the property. In the credit protocol the same parameters keep the
// property.
var WeakPoints = []WeakPoint{
	{Name: "batch starvation", Params: []string{"protocol=dagger", "batch=2"}, Property: "eventually-delivered"},
	{Name: "request-buffer leak on FIFO overflow", Params: []string{"protocol=dagger", "fifo=1"}, Property: "buffer-conservation"},
	{Name: "delivery on a closed connection", Params: []string{"protocol=dagger"}, Property: "connection-safety"},
}
