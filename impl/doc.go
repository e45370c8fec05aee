// Package impl holds the real, concurrent implementation of the Dagger RPC
// stack, in subpackages, each a deterministic core of step functions over
// plain state with a thin driver at its edge:
//
//   - impl/slot: Dagger's 64-byte slot — the RPC as a value, its byte
//     layout and the eight 64-bit words a ring stores, the codec. A slot
//     is decoded once where it comes in and travels on as the value;
//   - impl/ring: TX and RX rings of 64-byte slots in a cache-line-aligned
//     arena, running the credit protocol of docs/protocol.md with atomic
//     64-bit loads and stores (the header word stored last, loaded first
//     and re-checked; credit on its own line); step methods at the ring
//     model's granularity plus a thin goroutine driver; Dagger's
//     published behaviours and the model's bug catalogue as injectable
//     faults;
//   - impl/nic: a soft NIC — RPC unit, connection table with Dagger's
//     status codes, load balancers (static, round-robin, random,
//     key-hash, a user's function), request buffer with free list, flow
//     FIFOs, the round-robin TX scheduler with batching and flush, a TX
//     ring sweeper; step methods at the NIC model's granularity that
//     return their effects (the RPCs for the wire, the flows delivered),
//     with an abstraction in its vocabulary, Dagger's profile and the
//     model's bug catalogue as faults, a counter for every drop, and
//     Driver, which carries the effects out over the links;
//   - impl/transport: Dagger's packet in a small frame; a reliable
//     per-connection endpoint (sequence numbers, cumulative acks,
//     go-back-N with a window, 1 being the model's stop-and-wait,
//     retransmission on timeout, receiver de-duplication, bounded
//     queues), best-effort UDP, an in-process loopback, a seeded faulty
//     in-memory network for tests, and a driver over real UDP sockets;
//   - impl/handshake: the connection handshake between processes —
//     incarnations, HELLO/WELCOME/REFUSED/RESET/CLOSE/CLOSED, the
//     admission of data frames — as client and server step cores whose
//     steps return their effects, with the handshake model's bug
//     catalogue as faults;
//   - impl/wake: parking and waking, in one place — a node's bells (the
//     NIC's, each host flow's) and the polling discipline every
//     free-running goroutine follows;
//   - impl/rpc: the client and server APIs — nodes (a NIC and its
//     flows) connected over the loopback or UDP on 127.0.0.1, or
//     between processes with Listen and Dial (the handshake's drivers), blocking
//     calls with a context, non-blocking calls with a completion queue,
//     handlers by function id run on a dispatch thread or a worker pool;
//     arguments over 52 bytes rejected (ErrTooLarge). Its package comment
//     maps an RPC's path through the packages.
//
// Every component is driven either one explicit step at a time (so model
// traces replay deterministically) or by a thin free-running goroutine
// that loops over the same steps. A step returns what it wants done and
// its driver carries it out; nothing calls back up the import graph:
// slot and wake at the bottom, then ring and transport, nic, rpc.
//
// impl never imports model: the implementation and the models are two
// independent encodings of one design, checked against each other.
package impl
