// Package traces holds daggercheck's trace formats. Here now: the text
// trace file (File, Parse, FromResult) that `daggercheck check
// --trace-out` writes, one `step ACTION key=value ...` line per step, split
// like a POSIX shell, with the fields each step changed and the outcome;
// and the committed counterexamples of docs/traces, which the tests keep
// current and re-check on the models (Checker.Recheck) without a search.
//
// WriteITF exports a counterexample as ITF JSON (`--itf-out`).
//
// To come (issue 6): replay of traces on impl in step mode, validation of recorded impl runs against the models, and the RPC
// history checker behind `daggercheck history`.
//
// It may import spec, model, impl and checker: it is where the models and
// the implementation meet. Read File first.
package traces
