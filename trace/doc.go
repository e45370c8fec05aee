// Package trace is daggercheck's trace file: one behaviour of a model
// (its parameters and bug, every step with the state fields it changed)
// and what it shows, an invariant's violation, a deadlock or a lasso
// that breaks a liveness property. `daggercheck check --trace-out`
// writes one (FromResult, Format), `replay`, `convert` and the tests
// read it (Parse), and the checker re-checks it on its model without a
// search (File.Trace, then Checker.Recheck). The text form is one
// `step ACTION key=value ...` line per step, split like a POSIX shell,
// so that every value round-trips. WriteITF exports a counterexample as
// ITF JSON (`--itf-out`) for Apalache, Quint and the other tools that
// read it.
//
// The counterexamples the docs show are trace files committed under
// docs/traces; the tests of package model keep them what the checker
// finds today (`go test ./model -rewrite` regenerates them) and re-check
// each on its model.
//
// It imports the checker and internal/textline, and nothing of the
// models or the implementation. Read File first.
package trace
