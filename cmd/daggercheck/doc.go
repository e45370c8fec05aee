// daggercheck explores the Dagger models and reports what it finds. It is
// the command line of package cli over the Dagger models (package model),
// with the commands of bridge/dagger.Program that reach the implementation,
// TLA+ and RPC histories:
//
//	daggercheck models [NAME] [--json]
//	daggercheck check [MODEL] [-p key=value]... [--bug NAME] [--continue]
//	                  [--workers N] [--strategy bfs|dfs] [--max-depth D]
//	                  [--allow-deadlock] [--mem-limit SIZE] [--checkpoint DIR]
//	                  [--checkpoint-every D] [--recover DIR] [--shard i/N]
//	                  [--trace-out FILE] [--itf-out FILE] [--trace-format line|fields]
//	                  [--contract-states N] [--json] [--progress]
//	daggercheck simulate [MODEL] [-p key=value]... [--bug NAME] [--runs R]
//	                  [--steps S] [--seed N] [--contract-states N] [--json] [--progress]
//	daggercheck recheck TRACE [--bug NAME] [--json]
//	daggercheck replay TRACE [--bug NAME] [--json]
//	daggercheck history FILE|- [--semantics at-most-once|exactly-once]
//	                  [--fifo] [--complete] [--json]
//	daggercheck validate LOG|- [--history [-p key=value]...] [--complete]
//	                  [--max-states N] [--json]
//	daggercheck convert FILE [--cfg CFG | -p key=value ... --bug NAME]
//	                  [--property NAME] [--out TRACE] [--json]
//	daggercheck merge REPORT... [--json]
//	daggercheck version
//
// convert reads a behaviour of tla/Coherence.tla or tla/Ring.tla — a TLC
// counterexample written with `-dumpTrace json FILE`, or an ITF trace —
// and writes the trace file of the same behaviour of the Go model (to
// --out, or standard output), naming each step by the Go model's action
// that leads there; `check`'s model re-checks it and `replay` runs it on
// impl. The constants come from the TLC config (--cfg) or as the Go
// model's -p and --bug; the outcome is --property's, or the first
// property the behaviour breaks. An ITF trace that --itf-out wrote needs
// none of these: it becomes the trace file --trace-out wrote. It exits 0
// once the trace is written, whatever the trace shows, and 2 when a state
// is not the Go model's successor of the one before (naming both).
//
// validate explains a recorded run of the implementation — a run log that
// impl/ring's Recorder wrote, or with --history an RPC history of an
// end-to-end run, explained by the system model with the -p parameters —
// with a behaviour of its model, the steps the log leaves out supplied by
// the search, and names the first event no behaviour explains (exit 1; 3
// past --max-states). With --complete the log must record a whole run:
// one cut short, or with no events, is invalid. See docs/validate.md.
//
// With no MODEL, check and simulate use the default model. Human output
// goes to stdout; progress goes to stderr, and only when stderr is a
// terminal or --progress is given. An interrupt (Ctrl-C) or SIGTERM stops
// the run cleanly with the statistics so far (with --checkpoint, after the
// level under way, whose checkpoint --recover resumes). --shard i/N runs
// one of N diversified depth-first searches (swarm verification), and
// merge unites their --json reports: violations with their shortest
// traces, coverage, totals (docs/scale.md).
//
// Exit codes: 0 all good; 1 a property is violated (or a deadlock);
// 2 bad input or usage, with a message naming the culprit; 3 stopped at a
// limit (depth bound, interrupt) without finding a violation.
package main
