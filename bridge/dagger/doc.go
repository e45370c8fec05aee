// Package dagger dispatches over the bridges of Dagger's models by model
// name, for the command line and the tests that span models: Replay a
// trace file on the implementation (ring, nic, system and handshake traces),
// Validate a recorded run (ring and system), ConvertTLA a TLC or ITF
// behaviour of tla/Coherence.tla or tla/Ring.tla into a trace file, and
// TLAParams, which maps a TLC config's constants to the Go model they
// belong to, its parameters and its bug.
//
// Program is the daggercheck command line: a cli.Program with the
// models of package model and the commands that reach beyond the models
// — replay, validate, convert (TLA+ traces besides the ITF traces of
// --itf-out) and history — which cmd/daggercheck runs.
//
// It is the one package that knows which models have which bridge, as
// package model (model/registry.go) knows which models there are: it
// imports bridge, every bridge/<model>, the model registry, the models
// with a TLA+ spec, history and cli. Read Program first.
package dagger
