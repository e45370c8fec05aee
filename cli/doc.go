// Package cli is daggercheck's command line as a library: a few lines of
// main give any set of models the whole of it.
//
//	var program = cli.Program{Name: "peterson", Models: []cli.Model{
//		cli.Register[lock.State]("peterson", "Peterson's mutual exclusion for two processes",
//			lock.Params, lock.Bugs, lock.New),
//	}}
//
//	func main() { cli.Main(program) }
//
// Register makes a Model of a model's name, a line about it, its
// parameters ([]spec.Param: defaults, ranges, choices), its bug catalogue
// ([]spec.Bug, each with the property that catches it and the parameters
// it needs) and its constructor, func(spec.Values, bug string) (M, error).
// The properties come from the model itself. Every Program has these
// commands:
//
//   - models [NAME] [--json]: the models, their parameters, properties
//     and bugs (with the parameters each bug needs);
//   - check [MODEL]: breadth- or depth-first search, with --json,
//     --progress, --trace-out and --itf-out (checked before the search
//     starts), --trace-format, --continue (every violated property, each
//     with its shortest counterexample), --mem-limit, --checkpoint and
//     --recover, --shard; --bug NAME without the parameters the bug needs
//     adds them and says so on stderr;
//   - simulate [MODEL]: seeded random walks;
//   - recheck TRACE: a trace file, or an ITF trace of --itf-out, replayed
//     on its model without a search;
//   - matrix [MODEL...]: every configuration of the design space a model
//     declares (Model.WithSpace, a spec.Space of knobs and their values),
//     each checked with every violated property and its shortest
//     counterexample: a row per configuration, a column per property,
//     states, seconds, the cost per RPC, and what each knob breaks; with
//     --out, rows and traces written there and a rerun resuming;
//   - explore [MODEL]: a page on 127.0.0.1 for walking the model's states
//     in a browser (package explore), with --trace to open at a trace
//     file and --addr; a Program's Implementation, if set, shows the
//     implementation's state beside the model's;
//   - convert FILE: an ITF trace of --itf-out back into the trace file
//     --trace-out writes for the same counterexample;
//   - merge REPORT...: the union of check --json reports (swarm shards);
//   - version (and --version): the version from the build information.
//
// Before check and simulate run, the model's contract is checked on its
// first states (checker.CheckContract; --contract-states, 0 to skip): a
// model that breaks it is bad input, exit 2, with the findings on stderr.
//
// A Program may add commands of its own (Command), given an Env with the
// context, the standard streams and helpers for flags, errors and JSON; a
// command of a built-in's name replaces it. cmd/daggercheck is such a
// program, bridge/dagger.Program, which adds replay, validate, history
// and a convert that reads TLA+ traces too.
//
// Exit codes are the same for every command: ExitOK, ExitViolation,
// ExitUsage (bad input, with a message naming the culprit) and
// ExitIncomplete (stopped at a limit).
//
// check also writes --svg-out (the counterexample as a sequence diagram)
// and --dot (a small model's state graph), and recheck --svg-out.
//
// cli imports the checker, spec, trace, explore and internal/textline, never the
// models, the bridges or the implementation. Read Program first, then
// Register.
package cli
