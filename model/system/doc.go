// Package system models Dagger end to end: client threads on one host
// (each a flow with one-slot TX and RX rings, and one connection to the
// server), the client NIC with its transport, a network that delivers
// packets and, within a fault budget, loses, duplicates and reorders them,
// the server NIC with its transport, the server's threads (flows, each
// with one-slot rings, shared by connections c mod server-flows) and their
// handler, and back. The rings and the NICs' pipelines are abstracted to
// what the end-to-end contract needs; model/ring and model/nic check them
// in detail.
//
// Two transports, as components of the NICs:
//
//   - udp: best effort; the client's RPC layer resends a call on timeout
//     (retries times) and then gives up with a timeout;
//   - reliable: per connection and direction, sequence numbers, one packet
//     outstanding (stop-and-wait), acknowledgements, retransmission when
//     the timer fires (abstract time: the packet and its acknowledgement
//     are both gone), and receiver de-duplication (an old sequence number
//     is acknowledged again and dropped; a packet without room in the
//     ring is dropped unacknowledged, for the sender to resend).
//
// Properties (names and descriptions from spec's catalogue):
// response-matching, at-most-once, exactly-once, eventual-completion,
// all-completed-ok and no deadlock; the liveness ones assume weak fairness
// of every action but the network's faults. udp keeps response matching
// and completion, and gives up at-most-once and exactly-once.
//
// Clients are interchangeable: Canonical renames them (with their
// connections, results and, with a flow per connection, server flows).
//
// Read State first, then Next (next.go). The package imports checker and
// spec only.
package system
