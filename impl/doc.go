// Package impl holds the real, concurrent implementation of the Dagger RPC
// stack (issue 5), in subpackages (built: ring and transport; to come: nic
// and rpc):
//
//   - impl/ring: TX and RX rings of 64-byte slots in Dagger's byte layout,
//     in a cache-line-aligned arena, running the credit protocol of
//     docs/protocol.md with atomic 64-bit loads and stores (the header word
//     stored last, loaded first and re-checked; credit on its own line);
//     step methods at the ring model's granularity plus a thin goroutine
//     driver; Dagger's published behaviours and the model's bug catalogue
//     as injectable faults;
//   - impl/nic: a soft NIC — polling goroutines, RPC unit, connection
//     table, load balancers, request buffer and flow FIFOs, TX scheduler;
//   - impl/transport: Dagger's 64-byte packet in a small frame; a reliable
//     per-connection endpoint (sequence numbers, cumulative acks,
//     go-back-N with a window, 1 being the model's stop-and-wait,
//     retransmission on timeout, receiver de-duplication, bounded
//     queues), best-effort UDP, an in-process loopback, a seeded faulty
//     in-memory network for tests, and a driver over real UDP sockets;
//   - impl/rpc: the client and server APIs.
//
// Every component is a step function over plain state, driven either one
// explicit step at a time (so model traces replay deterministically) or by
// a thin free-running goroutine driver.
//
// impl imports spec, never model: the implementation and the models are
// two independent encodings of one design, checked against each other.
package impl
