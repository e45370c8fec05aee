// Package traces holds daggercheck's trace formats. Here now: the text
// trace file (File, Parse, FromResult) that `daggercheck check
// --trace-out` writes, one `step ACTION key=value ...` line per step, split
// like a POSIX shell, with the fields each step changed and the outcome;
// and the committed counterexamples of docs/traces, which the tests keep
// current and re-check on the models (Checker.Recheck) without a search.
//
// WriteITF exports a counterexample as ITF JSON (`--itf-out`).
//
// Replay drives impl in step mode along a model trace, comparing abstract
// states after every step. Validate explains a
// recorded free-running run (RunLog: impl/ring's Recorder events, or an
// RPC history of an end-to-end run) with a model behaviour, the unlogged
// internal steps found by a search, and names the first event none
// explains. ParseHistory and History.Check are the RPC history checker
// behind `daggercheck history`. The tests hold impl to the models: rapid
// state-machine tests step for step (conformance), the mutation check,
// and the end-to-end fault test.
//
// It may import spec, model, impl and checker: it is where the models and
// the implementation meet. Read File first.
package traces
