package system

import "github.com/daggercheck/daggercheck/spec"

// Shipped is a named configuration the suite checks, pins and documents.
type Shipped = spec.Shipped

// Configs are the shipped configurations of the reliable transport; every
// property holds on each.
var Configs = []Shipped{
	{Name: "reliable", Params: nil},
	{Name: "reliable-1-client-2-calls", Params: []string{"clients=1", "calls=2"}},
	{Name: "reliable-no-faults", Params: []string{"losses=0", "dups=0", "reorders=0", "clients=3"}},
	{Name: "reliable-2-losses", Params: []string{"clients=1", "losses=2", "dups=1", "reorders=1"}},
	{Name: "reliable-2-calls", Params: []string{"calls=2"}},
}

// UDPGaps are what the udp transport does not guarantee, each shown as a
// counterexample by `check system -p transport=udp --property NAME`.
var UDPGaps = []string{"at-most-once", "exactly-once"}

// UDPKeeps are the properties udp keeps.
var UDPKeeps = []string{"response-matching", "eventual-completion"}
