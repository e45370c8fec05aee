package handshake

import "github.com/daggercheck/daggercheck/spec"

// Configs are the shipped configurations; every property holds on each.
var Configs = []spec.Shipped{
	{Name: "default", Params: nil},
	{Name: "no-faults", Params: []string{"losses=0", "dups=0", "reorders=0"}},
	{Name: "window-2", Params: []string{"window=2", "client-restarts=0"}},
	{Name: "3-calls", Params: []string{"calls=3", "server-restarts=0", "reorders=0"}},
	{Name: "expiry", Params: []string{"expiries=1"}},
}

// ImplHello are the parameters of the rule impl/handshake's core follows:
// a duplicate HELLO and the client's WELCOME are told by incarnation
// alone. It loses calls (IncarnationAloneBreaks): a late HELLO of the
// client's first handshake reaches a restarted server before the second
// one and opens the connection at the old seq start; the client takes
// its WELCOME and sends calls the server's window never admits.
var ImplHello = []string{"hello=incarnation"}

// IncarnationAloneBreaks is the property ImplHello breaks.
const IncarnationAloneBreaks = "calls-complete"

// ForgetClosed are the parameters of a server that forgets a connection
// its client closed (as impl/handshake's core first did): a late
// duplicate HELLO of the closed connection opens it again with a fresh
// recv-next, and a late duplicate of a call that ran in it runs again. It
// takes two duplicates and two reorders (ForgetClosedBreaks).
var ForgetClosed = []string{"closed=forget", "dups=2", "reorders=2"}

// ForgetClosedBreaks is the property ForgetClosed breaks.
const ForgetClosedBreaks = "at-most-once"
