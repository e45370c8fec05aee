// Package nic is model/nic's bridge to impl/nic. Replay drives impl/nic
// in step mode along a trace of the NIC model, one implementation step
// per model action (the mapping is Replay's comment), and compares
// impl/nic's Abstract with the model's state after every step (harness).
// Its tests hold impl/nic to the model: the rapid conformance walk, the
// mutation check, and the replays of docs/traces and of kept failures.
//
// It imports bridge, model/nic, impl/nic and impl/ring (the flows' RX
// rings). Read Replay first.
package nic
