// Package bench is a separate module for comparative benchmarks, so that
// their heavy dependencies (gRPC-go and what it pulls in) stay out of the
// main module, which it imports through a replace directive.
//
//   - bench/rpcbench: 64-byte echo RPCs on the Dagger stack of impl/
//     (in-process loopback, UDP on 127.0.0.1) against gRPC-go and net/rpc
//     over TCP on 127.0.0.1, at the same client concurrency in one run;
//     cmd/rpcbench is its command line (`cd bench && go run ./cmd/rpcbench`).
//   - bench/hist: the log-linear latency histogram it records every call in.
//
// The checker's own benchmarks live beside it, in checker/bench_test.go.
package bench
