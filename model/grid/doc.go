// Package grid is daggercheck's example model: dims counters, each from 0
// to size, that count up one at a time until all reach size. It is small
// enough to reason about by hand — it has (size+1)^dims reachable states,
// 1 + dims·size·(size+1)^(dims-1) generated ones and depth dims·size+1 —
// so the checker's tests can pin exact numbers against a formula, and
// large enough (dims=4 size=31 has 1,048,576 states) to benchmark the
// checker. Its bug catalogue shows each kind of verdict: an invariant
// violation (overflow), a deadlock (stuck) and a liveness violation
// (undo).
//
// Read Model first. The package imports checker and spec only.
package grid
