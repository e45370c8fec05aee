// Package system is model/system's bridge to the implementation of two
// hosts end to end: impl/transport's endpoints, the client host's
// impl/nic and the hosts' RX rings.
//
//   - Replay drives the transports in step mode along a trace of the
//     system model over a wire of encoded frames, and compares the
//     implementation's abstract state (sequence numbers, frames in
//     flight named as the model names its packets, RX rings) with the
//     model's after every step (xport; the mapping is Replay's comment).
//   - Validate explains an RPC history of an end-to-end run, made a run
//     log by SystemRunLog, by a behaviour of the model, the search
//     supplying every frame, loss and retransmission between the logged
//     calls, executions and completions (observer).
//
// Its tests hold the implementation to the model: the rapid conformance
// walks (over a scripted wire and over impl/transport's FaultyNetwork),
// the mutation check, the replays of docs/traces and of kept failures,
// and the end-to-end fault test, whose histories are checked exactly-once
// and validated.
//
// It imports bridge, model/system, impl/transport, impl/nic, impl/ring,
// history and runlog. Read Replay first.
package system
