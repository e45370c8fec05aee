package handshake

import "github.com/daggercheck/daggercheck/spec"

// Configs are the shipped configurations; every property holds on each.
var Configs = []spec.Shipped{
	{Name: "default", Params: nil},
	{Name: "no-faults", Params: []string{"losses=0", "dups=0", "reorders=0"}},
	{Name: "window-2", Params: []string{"window=2", "client-restarts=0"}},
	{Name: "3-calls-2-closes", Params: []string{"calls=3", "closes=2", "server-restarts=0", "reorders=0"}},
}
