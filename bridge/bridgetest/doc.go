// Package bridgetest is the harness the bridges' tests share, as
// model/modeltest is the models'. The conformance tests are rapid
// state-machine tests: a Walk draws the model's enabled moves, runs each
// on the implementation too, and compares their abstract states after
// every step (Conform runs one under rapid, Bench times it). A failing
// walk is written as a trace file next to rapid's own failure file under
// testdata/rapid/<Test>/ (Sink), where ReplayKept replays it on every
// run. FindMutants is the mutation check: every fault the implementation
// can inject must be found by a conformance walk. ReplayCounterexamples
// replays the committed counterexamples of docs/traces, pinning in
// testdata/divergences.txt at which step and why the correct
// implementation parts ways with each (PinDivergences, CheckSteps);
// WriteDocRun and CheckDocRuns keep the recorded runs of docs/runs
// (-rewrite).
//
// It imports bridge, the checker, spec, trace, runlog, rapid and testing,
// and is imported by tests only. Read Walk first.
package bridgetest
