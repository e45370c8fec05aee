// Package impl holds the real, concurrent implementation of the Dagger RPC
// stack (issue 5), in subpackages:
//
//   - impl/ring: TX and RX rings of 64-byte slots in Dagger's byte layout,
//     in a cache-line-aligned arena, running the credit protocol of
//     docs/protocol.md with atomic 64-bit loads and stores (the header word
//     stored last, loaded first and re-checked; credit on its own line);
//     step methods at the ring model's granularity plus a thin goroutine
//     driver; Dagger's published behaviours and the model's bug catalogue
//     as injectable faults;
//   - impl/nic: a soft NIC — RPC unit, connection table with Dagger's
//     status codes, load balancers (static, round-robin, random,
//     key-hash, a user's function), request buffer with free list, flow
//     FIFOs, the round-robin TX scheduler with batching and flush, a TX
//     ring sweeper; step methods at the NIC model's granularity with an
//     abstraction in its vocabulary, Dagger's profile and the model's bug
//     catalogue as faults, a counter for every drop, and a driver of two
//     polling goroutines;
//   - impl/transport: Dagger's 64-byte packet in a small frame; a reliable
//     per-connection endpoint (sequence numbers, cumulative acks,
//     go-back-N with a window, 1 being the model's stop-and-wait,
//     retransmission on timeout, receiver de-duplication, bounded
//     queues), best-effort UDP, an in-process loopback, a seeded faulty
//     in-memory network for tests, and a driver over real UDP sockets;
//   - impl/rpc: the client and server APIs — nodes (a NIC and its
//     flows) connected over the loopback or UDP on 127.0.0.1, blocking
//     calls with a context, non-blocking calls with a completion queue,
//     handlers by function id run on a dispatch thread or a worker pool;
//     arguments over 52 bytes rejected (ErrTooLarge).
//
// Every component is a step function over plain state, driven either one
// explicit step at a time (so model traces replay deterministically) or by
// a thin free-running goroutine driver.
//
// impl imports spec, never model: the implementation and the models are
// two independent encodings of one design, checked against each other.
package impl
