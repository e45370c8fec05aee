// Package bridge is the shape every bridge between a model and the
// implementation shares; the bridges themselves, one per model, are its
// subpackages (bridge/ring, bridge/nic, bridge/system, bridge/coherence),
// and bridge/dagger dispatches over them by model name for the command
// line.
//
// A bridge does three things, and this package holds the model-free half
// of each:
//
//   - Replay: drive the implementation in step mode along a model's trace
//     file, comparing abstract states after every step. Prepare builds the
//     trace's model and reads what the replay checks; ReplaySteps is the
//     driver; a ReplayResult says whether the implementation Reproduced
//     the trace's violation, was Conformant or Diverged, and where.
//   - Validate: explain a recorded free-running run (a runlog.RunLog) by a
//     behaviour of the model. A model's Observer says which of its steps
//     the implementation logs, and how; Follow searches over the states
//     consistent with the events so far, with every unlogged step between
//     them, and names the first event none explains.
//   - ConvertTLA: turn a behaviour of a TLA+ spec (a tlaplus.TLATrace) into
//     a trace file of the Go model, given the model's Decode of a state.
//
// It imports the checker, spec, trace, runlog and tlaplus, and nothing of
// the models or the implementation: those meet only in the subpackages.
// The conformance tests' shared harness (rapid walks, failure files, the
// mutation check) is bridge/bridgetest. Read ReplayResult and ReplaySteps
// first.
package bridge
