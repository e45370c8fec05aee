// daggercheck explores the Dagger models and reports what it finds.
//
//	daggercheck models [--json]
//	daggercheck check [MODEL] [-p key=value]... [--bug NAME] [--workers N]
//	                  [--strategy bfs|dfs] [--max-depth D] [--allow-deadlock]
//	                  [--mem-limit SIZE] [--checkpoint DIR] [--checkpoint-every D]
//	                  [--recover DIR] [--shard i/N] [--json] [--progress]
//	daggercheck simulate [MODEL] [-p key=value]... [--bug NAME] [--runs R]
//	                  [--steps S] [--seed N] [--json] [--progress]
//	daggercheck replay TRACE [--bug NAME] [--json]
//	daggercheck history FILE|- [--semantics at-most-once|exactly-once]
//	                  [--fifo] [--complete] [--json]
//	daggercheck merge REPORT... [--json]
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
