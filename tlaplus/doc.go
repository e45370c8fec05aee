// Package tlaplus reads what TLC and the TLA+ tools write: TLA+ values
// (TLAValue, ParseTLAValue), counterexample behaviours as TLC's
// `-dumpTrace json` output or as ITF traces (TLATrace; ParseTLC,
// ParseITF, ParseTLATrace, whichever the input is), TLC model configs
// (TLCConfig, ReadTLCConfig) and tla/results.tsv, the numbers TLC
// recorded for each config (TLCResult, TLCCases). A Decoder reads a
// state's values into a Go model's state, naming the state and the path
// of the first value that does not fit.
//
// It knows no model: a model lists how its spec's constants give its
// parameters (spec.TLAConstant, applied by Params), and its decoder of
// states lives with its bridge (bridge/ring, bridge/coherence), where a
// TLA+ behaviour becomes a trace file of the Go model. It imports only
// spec and the standard library, so the models' parity tests
// (model/modeltest) can read the recorded results. Every error wraps
// ErrTLA. Read TLAValue first, then TLATrace.
package tlaplus
