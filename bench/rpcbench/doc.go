// Package rpcbench measures 64-byte echo RPCs — throughput and the
// latency distribution — on several RPC stacks in one run, so that the
// Dagger stack of impl/ is compared with gRPC-go and the standard
// library's net/rpc on the same machine, at the same moment, at the same
// client concurrency. cmd/rpcbench is its command line.
//
// Read Run first. A Target is one stack over one transport (dagger over
// loopback or udp, grpc-go and net/rpc over tcp on 127.0.0.1); it starts
// an echo server and a client and drives Concurrency RPCs in flight
// through Lanes. Each lane records every completed call's duration in its
// own hist.Histogram; the rows of a Report are merged from them.
//
// # What a row measures
//
// A row runs Warmup with nothing recorded, then Duration: every call that
// completes inside that window is counted and its duration (from issue to
// completion, as the client sees it) recorded. rps is those calls over
// the window's length; p50 and p99 come from the merged histogram (within
// hist.RelativeError). Every response is checked against its request, so
// a stack that answers wrongly fails the row instead of looking fast.
// With Config.Rounds above 1 the whole matrix runs that many times,
// interleaved, and each row pools its rounds (all calls over all
// windows), so that on a shared machine every stack meets the same drift
// in background load.
//
// The payload is Dagger's 64-byte RPC: one cache-line slot, a 12-byte
// header and 52 bytes of arguments. Every stack echoes the same 52 bytes
// of arguments (Config.Payload), so each carries what Dagger carries in
// one slot, plus its own framing.
//
// Concurrency is the number of RPCs in flight. For grpc-go and net/rpc it
// is that many goroutines making blocking calls over one shared client
// connection (HTTP/2 streams, net/rpc's sequence numbers): both stacks'
// documented way to use one connection from many goroutines. For dagger
// it is that many non-blocking calls kept in flight by one client
// goroutine reaping the completion queue, as Dagger's own clients drive a
// flow (Dagger); dagger-blocking rows give our stack the baselines' shape
// instead, that many goroutines making blocking calls on one client
// (DaggerBlocking). Both run over the in-process loopback and over UDP on
// 127.0.0.1 with the reliable transport (impl/rpc picks the UDP ports, so
// Config.Port applies to the TCP servers only).
//
// # Across processes
//
// CrossTargets (rpcbench --cross-process) run each stack's echo server in
// a child process — the rpcbench executable again, which ServeIfChild
// turns into the server — and the client in this one: our stack over
// UDP with rpc.Listen and rpc.Dial (the handshake, one socket per side),
// reliable and best effort, gRPC-go and net/rpc over TCP. Their rows
// carry Row.CrossProcess (cross_process in --json, "/cross-process"
// after the transport in the table) and are compared with the
// cross-process gRPC-go row.
//
// # Imports
//
// bench/hist, the main module's impl/ packages, google.golang.org/grpc
// and the standard library. It lives in the bench module so that gRPC
// stays out of the main module's dependencies.
package rpcbench
