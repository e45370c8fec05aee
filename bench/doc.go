// Package bench is a separate module for comparative benchmarks (against
// gRPC, eRPC-style loops, TLC runs), so that their heavy dependencies stay
// out of the main module. The checker's own benchmarks live beside it, in
// checker/bench_test.go; comparisons arrive with the implementation and the
// TLA+ specs.
package bench
