// Package checker is a generic explicit-state model checker. It knows
// nothing about Dagger: it explores any Model, a finite state machine
// given by its initial states, its enabled actions with their successors,
// a canonical binary encoding of states and a list of properties.
//
// Read Model first, then Property. A run is configuration, then one verb:
//
//	c := checker.New(m, checker.Options{Workers: 2})
//	res, err := c.BFS(ctx)   // or c.DFS(ctx), c.Simulate(ctx), c.CheckContract(ctx)
//	if res.Verdict != checker.OK { fmt.Println(res.Property, res.Trace.Steps) }
//
// In a go test, AssertHolds, AssertBreaks and AssertContract do that and
// fail the test with the counterexample; the examples show each of them
// on a Peterson model.
//
// What it provides:
//
//   - Breadth-first search, level by level on any number of workers, with
//     shortest counterexamples and a verdict, distinct-state count and
//     generated-state count that do not depend on the number of workers;
//     with Options.Continue, every violated property, each with its
//     shortest counterexample (Result.Violations); depth-first search; a
//     depth bound; seeded random simulation, whose counterexamples are
//     shrunk.
//   - A check of the Model contract (Checker.CheckContract) on a model's
//     first states: a lossy or unstable Encode, a nondeterministic or
//     state-changing Next, undeclared actions, a state type that shares
//     memory, a false PlainStates, a Canonical that is not idempotent;
//     each finding names the field and the states that show it.
//   - A visited set of 64-bit fingerprints of the states' canonical
//     encodings (about 10 to 15.4 bytes per state once a run is large),
//     with TLC's estimate of the chance that a collision hid a state.
//     Counterexamples are rebuilt from a disk log of parent fingerprints
//     by replaying the model.
//   - Properties as data: invariants (Always), reachability witnesses
//     (Sometimes; a model that never witnesses one fails it), deadlock
//     detection (a state with no enabled action that the model does not
//     mark terminal), and liveness (Eventually, LeadsTo) under weak
//     fairness of named action kinds, with lasso counterexamples.
//   - Statistics: distinct and generated states, depth, states per second,
//     per-action coverage, peak memory; each property's status (holds,
//     violated, not judged) and the phase the run ended in, which progress
//     reports name too (safety search, building the graph, fair
//     components).
//   - Long runs: a memory cap (Options.MemLimit) beyond which the frontier
//     and the liveness check's state graph go to disk and the run stops
//     Incomplete rather than run out of memory; several workers that
//     never wait for a particular one, so that a busy machine slows them
//     down no more than it does one worker; checkpoints at level boundaries (Options.CheckpointDir) and
//     recovery from them (Options.Recover) with the results of an
//     uninterrupted run; depth-first search in a seeded successor order
//     (Options.Shuffle) for swarm verification.
//
// Options holds the settings of every verb; its documentation says which
// verb reads which field.
//
// # Optional interfaces
//
// A model may implement any of these; the checker looks for them when
// New is called, and without one it does what the list says.
//
//   - Symmetric: Canonical maps a state to its class's representative, and
//     the checker stores representatives only. Without it every state is
//     its own class.
//   - Terminator: Terminal marks legal final states, where a state with no
//     enabled action is not a deadlock. Without it every such state is one.
//   - Formatter: Fields describes a state field by field in traces.
//     Without it the state struct is flattened by reflection.
//   - ActionFormatter: FormatAction describes an action in words. Without
//     it an action reads "name param=value ...".
//   - Meter: Measure counts what a witness behaviour costs
//     (Result.Witnesses). Without it witnesses carry no costs.
//   - PlainStates: the checker fingerprints a state by its bytes instead of
//     its encoding. It only makes runs faster (though which of several
//     equally short counterexamples is reported may change), and the
//     checker refuses a model that claims it for a state type that does
//     not allow it.
//   - Screened: InvariantsHold clears all invariants of a state in one
//     call. It only makes runs faster.
//   - Actors: Lanes and Role name the party that takes each action and
//     the one it reaches, for tools that draw behaviours as sequence
//     diagrams (daggercheck explore, check --svg-out). The checker never
//     calls it; without it those tools draw a lane per action-name
//     prefix, or one lane.
//
// Their methods, as the Model's, take states by value. A model declares
// each one it implements at compile time, beside its type, so that a
// slip in a method's signature, which would silently turn the capability
// off, fails the build instead:
//
//	var _ checker.Terminator[State] = (*Model)(nil)
//
// Checker outcomes are Result values, never errors; an error means the
// run itself failed: options the model does not fit (an unknown
// property, a checkpoint of another run), a model that broke its
// contract, or a file that could not be written or read.
//
// The package imports the standard library only.
package checker
