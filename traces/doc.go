// Package traces will hold daggercheck's trace and history formats
// (issue 6): the text trace file that `check --trace-out` writes and
// `replay` reads, ITF JSON export, replay of model traces on impl in step
// mode, validation of recorded impl runs against the models, and the RPC
// history checker behind `daggercheck history`.
//
// It may import spec, model, impl and checker: it is where the models and
// the implementation meet.
package traces
