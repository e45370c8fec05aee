// Package ring models the host–NIC rings of Dagger: per flow, a TX ring
// (the CPU produces RPCs, the NIC polls and forwards them) and an RX ring
// (the NIC produces responses, the CPU polls and delivers them), each of
// `slots` 64-byte lines over a coherent interconnect.
//
// The granularity is the one at which the published protocol breaks: a
// producer's stores to a line are separate steps (Dagger: header with the
// lap's flag, arguments, fence, valid; credit: arguments, fence, header
// word last), and a NIC poll reads `batch` lines, each an atomic snapshot
// that may fall between any two stores. The host reads an RX line with
// separate loads (header word, arguments, and in the credit protocol the
// header word again). RPC contents are abstracted to the RPC's number, so
// a torn read is a line whose header and arguments name different RPCs.
//
// Two protocols share the state: `dagger`, as published (no credits,
// flag before arguments, a seen bit that lands one poll late, RX freshness
// by rpc_id change), and `credit`, ours (docs/protocol.md): the consumer
// publishes how far it has consumed on its own line and the producer stays
// within a ring of it; the header word with the lap's phase and the valid
// bit is stored last; the consumer takes lines in order, by phase.
//
// The safety properties are judged on the step that breaks them, which
// sets a bit in State.Bad; the liveness ones (eventually-consumed,
// no-stall) assume every action weakly fair. Property names and
// descriptions come from the spec catalogue.
//
// Read State first, then nextTX and nextRX. The package imports checker
// and spec only.
package ring
