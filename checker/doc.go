// Package checker is a generic explicit-state model checker. It knows
// nothing about Dagger: it explores any Model, a finite state machine
// given by its initial states, its enabled actions with their successors,
// a canonical binary encoding of states and a list of properties.
//
// Read Model first, then Property. A run is configuration, then one verb:
//
//	c := checker.New(m, checker.Options{Workers: 2})
//	res, err := c.BFS(ctx)   // or c.DFS(ctx), c.Simulate(ctx)
//	if res.Verdict != checker.OK { fmt.Println(res.Property, res.Trace.Steps) }
//
// What it provides:
//
//   - Breadth-first search, level by level on any number of workers, with
//     shortest counterexamples and a verdict, distinct-state count and
//     generated-state count that do not depend on the number of workers;
//     depth-first search; a depth bound; seeded random simulation.
//   - A visited set of 64-bit fingerprints of the states' canonical
//     encodings (about 10 to 15.7 bytes per state), with TLC's estimate of
//     the chance that a collision hid a state. Counterexamples are rebuilt
//     from a disk log of parent fingerprints by replaying the model.
//   - Properties as data: invariants (Always), reachability witnesses
//     (Sometimes; a model that never witnesses one fails it), deadlock
//     detection (a state with no enabled action that the model does not
//     mark terminal), and liveness (Eventually, LeadsTo) under weak
//     fairness of named action kinds, with lasso counterexamples.
//   - Optional interfaces: Symmetric (a canonical representative),
//     Formatter (state fields for traces), Terminator (legal final states),
//     and two that only make runs faster: PlainStates (fingerprint a state
//     by its bytes, not its encoding) and Screened (one call that clears
//     all invariants of a state).
//   - Statistics: distinct and generated states, depth, states per second,
//     per-action coverage, peak memory.
//   - Long runs: a memory cap (Options.MemLimit) beyond which the frontier
//     goes to disk and the run stops Incomplete rather than run out of
//     memory; checkpoints at level boundaries (Options.CheckpointDir) and
//     recovery from them (Options.Recover) with the results of an
//     uninterrupted run; depth-first search in a seeded successor order
//     (Options.Shuffle) for swarm verification.
//
// Checker outcomes are Result values, never errors; an error means the
// model broke its contract or the trace log could not be written.
//
// The package imports the standard library only.
package checker
