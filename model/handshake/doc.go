// Package handshake models the connection handshake of the RPC stack
// across processes: one client process and one server process that set
// up, use and close a connection over a network that, within a fault
// budget, loses, duplicates and reorders packets, while either process
// may crash and restart with a new, larger incarnation number.
//
// The protocol (docs/handshake.md): the client opens with HELLO{its
// incarnation, a seq start}; the server answers WELCOME, echoing the
// start, and keeps one connection-table entry per client address, telling
// a duplicate HELLO (same incarnation and start: WELCOME again) from a
// new connection (newer incarnation, or larger start) and from a late
// HELLO of an older one (dropped). Calls are CALL{incarnations, seq}
// answered by RESULT and resent on timeout; the server runs a seq once
// and answers a resend from the result it kept. A CALL to a restarted
// server gets RESET, on which the client fails its calls in flight
// visibly and opens again. Close fails the calls still in flight visibly
// and resends CLOSE until CLOSED answers it; a restarted client fails its
// calls and opens at once with its new incarnation. With expiries, the
// server may close its open connection at any moment, remembering it as
// expired and telling nobody (a silent client's idle timeout); the client
// learns it from the RESET its next CALL gets, and a duplicate of the
// expired connection's HELLO gets its WELCOME again, opening nothing, so
// that a client whose WELCOME was lost is not kept out. With hello=incarnation
// HELLOs and WELCOMEs are told apart by incarnation alone, a rule that
// loses calls after a server restart.
//
// Properties (names and descriptions from spec's catalogue):
// right-incarnation, at-most-once and no-silent-loss (invariants),
// setup-completes and calls-complete (liveness, under weak fairness of
// every action but the network's faults, the restarts, the expiries and
// the application's close), and the witnesses restart-recovers,
// client-restart-recovers and clean-close. The bug catalogue
// (spec.HandshakeBugs) is shared with impl/handshake, which injects each
// bug as a fault.
//
// Read State first, then Next (next.go). The package imports checker and
// spec only.
package handshake
