// Package explore is the explorer behind `daggercheck explore`: a
// model's state graph, walked on demand, and the local web page and JSON
// API over it.
//
// The core is Session, one model configuration's graph. It stores no
// state: a state is named by its path from an initial state, the
// fingerprints of the states along it (ParsePath reads "/fp/fp/..."),
// and Walk finds it by replaying the model, returning each step's action
// and state (its fields, those the step changed, the properties it
// breaks or witnesses) and the actions enabled at the end, each with
// the fields it would change. Search looks breadth-first from a path's
// end for the nearest state that breaks an invariant (or deadlock
// freedom) or witnesses a sometimes property, within a bound and the
// caller's context. Follow turns a trace file into a path and TraceFile
// a path into a trace file; Check runs a whole breadth-first check.
// Diagram draws a path as a sequence diagram (SVG) on the lanes the
// model names with the optional checker.Actors, or a lane per
// action-name prefix; WriteDot writes a small model's whole graph in
// Graphviz DOT. All of it is deterministic.
//
// Server is the thin HTTP side: the page (static/, built in with
// go:embed: nothing is fetched from the network) and the JSON routes
// docs/explore.md lists, every bad request answered with a JSON error
// and its status. It keeps no state of a client's but the checks it
// runs: each request names its configuration (an Opener builds it) and
// its state by a path. An Implementation, if the program has one,
// drives a real implementation along a path, for the page to show its
// abstract state beside the model's.
//
// New is the package's one generic function: it hides the model's state
// type, so that the command line (package cli, whose Register calls it)
// holds sessions of any model side by side. The package imports checker
// and trace only.
package explore
