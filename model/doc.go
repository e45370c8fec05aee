// Package model is the registry of executable reference models: the
// cli.Models (made by cli.Register) that the daggercheck command line
// offers, among which the tests and the bridges look a model up by name
// to parse its parameters and build a checker. Each model lives in its
// own subpackage as a small, deterministic, value-typed state machine
// that implements checker.Model:
//
//   - ring (the default): the host–NIC TX and RX rings of 64-byte slots,
//     in Dagger's published protocol and our credit protocol, over three
//     host–NIC interfaces;
//   - coherence: the coherence handshake between CPU cache, NIC cache and
//     home agent, also specified in TLA+ (tla/) with TLC's state counts
//     reproduced exactly;
//   - nic: request buffer, flow FIFOs, load balancers, TX scheduler and
//     connection table;
//   - system: two hosts end to end over a faulty network with the udp and
//     reliable transports;
//   - grid: the example model, whose exact counts are known by formula.
//
// Models import spec and checker only, never impl: the implementation is
// an independent encoding of the same design, checked against them. The
// registry here imports them and cli, whose Register it uses.
//
// The tests here span the models: they keep the counterexamples the docs
// show (docs/traces, trace files) what the checker finds today, re-check
// each on its model (`go test ./model -rewrite` regenerates them after a
// deliberate change), and check the ITF export of real counterexamples.
//
// Read registry.go first.
package model
