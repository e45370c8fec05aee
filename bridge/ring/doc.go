// Package ring is model/ring's bridge to impl/ring: where the ring model
// and the implementation's rings meet.
//
//   - Replay drives impl/ring in step mode along a trace of the ring
//     model, on any of its host–NIC interfaces (coherent, doorbell,
//     mmio: impl/ring's Options.Interface), one implementation step per
//     model action, with the faults that make it the trace's protocol
//     and bug, and compares the implementation's
//     abstract state with the model's fields after every step (harness).
//   - Validate explains a run log of free-running rings, which RingRunLog
//     makes from impl/ring's Recorder events (RingRPC numbers the RPCs as
//     the model does), by a behaviour of the model (observer).
//   - DecodeTLA reads a state of tla/Ring.tla as the model's state, for
//     bridge.ConvertTLA.
//
// Its tests hold impl/ring to the model: the rapid conformance walk, the
// mutation check, the replays of docs/traces and of kept failures, and
// validation of free-running runs.
//
// It imports bridge, model/ring, impl/ring, and the formats it reads and
// writes (trace, runlog, tlaplus). Read Replay and harness first.
package ring
