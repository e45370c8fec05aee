// Command rpcbench measures 64-byte echo RPCs — throughput, p50 and p99
// latency — on the Dagger stack of impl/ over its in-process loopback and
// over UDP on 127.0.0.1, on gRPC-go and on net/rpc over TCP on
// 127.0.0.1, at client concurrency 1, 8 and 64, all in one run:
//
//	cd bench && go run ./cmd/rpcbench [--json] [--duration 2s] [--warmup 300ms]
//	    [--concurrency 1,8,64] [--systems dagger,grpc-go,net/rpc] [--payload 52]
//	    [--rounds N] [--port N] [--progress] [--cpuprofile FILE]
//
// It prints a table with each row's throughput and median latency as a
// ratio to gRPC-go's at the same concurrency; --json prints a JSON array
// of {system, transport, concurrency, rps, p50_us, p99_us}. --systems
// takes system names (every transport) or system/transport names; the
// rows comparing the host–NIC interfaces (dagger-doorbell,
// dagger-doorbell-batch, dagger-mmio, beside dagger/loopback's coherent
// polling) run only when named there.
//
// Exit status: 0 when every row ran, 1 when a row failed (a server that
// did not start, a port in use, a wrong echo, a stall; the message names
// the row), 2 for bad flags. The measuring is package bench/rpcbench.
package main
