// Package nic is the soft NIC of the Dagger RPC stack: the TX-ring
// sweeper, the RPC unit with its connection table, the request buffer with
// its free list, the load balancer, the per-flow FIFOs of buffer indices
// and the round-robin TX scheduler that writes bursts into the host
// flows' RX rings (impl/ring), with a counter for every drop and error, as
// Dagger's packet monitor has.
//
// Read NIC first. It is a plain step machine at the granularity of the
// NIC model (model/nic, docs/nic.md), with no goroutines of its own, that
// calls nothing back: a step returns what it wants done, and Driver, the
// thin driver, carries it out.
//
//   - Arrive (an RPC as the transport decoded it) and Ingress (a raw
//     packet's bytes, decoded once) are the RPC unit taking one RPC from
//     the network: a packet
//     that is not a valid slot (malformed, truncated, oversized) is
//     ErrMalformed, a connection id past the table ErrUnknownConn, a
//     closed connection ErrConnClosed, and no free buffer slot
//     ErrBufferFull — each a counted drop. Otherwise the RPC takes the
//     lowest free slot and waits for the balancer.
//   - Balance pushes the oldest pending slot's index into a flow FIFO:
//     responses to their connection's flow, requests by Config.LB.
//     A full FIFO is ErrFIFOFull: the credit profile returns the slot to
//     the free list, the dagger profile leaks it (both counted).
//   - Schedule is the TX scheduler's step at its pointer: a burst of
//     Batch entries into that flow's RX ring, or (credit) a partial batch
//     it has passed over once before (the model's aged bit); otherwise it
//     passes. The credit profile drops the queued RPCs of a connection
//     closed meanwhile. A full RX ring is back-pressure (ErrRXFull): the
//     entries stay in the FIFO, and it is counted. The flows written are
//     Ready's (Delivered), until the driver has woken their hosts and
//     acknowledges with Advance, raft-style.
//   - Open, OpenOn and Close are the control plane on the connection
//     table, reporting Dagger's codes (spec.ConnOK, spec.ConnAlreadyOpen,
//     spec.ConnIsClosed, spec.ConnIDWrong; an id past the table is IdWrong).
//   - PollTX polls one flow's TX ring (the flows in turn, round-robin),
//     up to PollBatch lines, into the flow's outbox: the RPCs for the
//     wire. How depends on Config.Interface, the host interface every TX
//     ring is built with: a coherent ring's lines are polled and judged
//     by their header; behind a doorbell only the lines the host
//     announced are read, and the ring is never polled; an MMIO window
//     is taken at each write that arrived. Outgoing hands the outbox to the driver (dropping, counted,
//     the RPCs of unknown or closed connections); Offered takes its
//     account back: what went out, what a link refused for good, and
//     whether one was refused for now (transport queue full). Those stay
//     held and are offered again first; the flow's TX ring is not polled
//     meanwhile, so the host sees back-pressure (ring.ErrRingFull), never
//     a silent loss.
//
// Abstract returns the state in the model's vocabulary (free bitmask,
// buffer slots, pending queue, FIFOs, round-robin counter, scheduler
// pointer, aged bits, open bitmask, arrived and delivered counts), a
// comparable struct, for a conformance test against model/nic's State.
//
// # Load balancers
//
// LBStatic (the connection's flow: the flow registered with OpenOn, else
// conn mod flows, the model's home flow), LBRoundRobin (a counter that
// wraps at flows-1, the model's lb_flow_cnt), LBRandom (the flow is
// Config.Choose's: a caller's chooser in step mode, a PCG seeded with
// Config.Seed otherwise), LBKeyHash (hash of the RPC's key mod flows; the
// key is Config.Key(rpc), by default the first argument byte (0 with no
// arguments); keys 0 and 1 hash through the model's fixed table {0x9e,
// 0x37}, other keys through a multiplicative hash) and LBFunc (Config.Pick,
// the user's function). Responses always go to their connection's flow.
//
// # Profiles and faults
//
// ProfileCredit is ours (partial batches flushed after one round, FIFO
// overflow frees its slot, closed connections dropped at the scheduler);
// ProfileDagger is Dagger as published (Faults DaggerFaults). Faults also
// inject every bug of model/nic's catalogue, by the model's name through
// BugFaults(name): response-balanced, leak-on-overflow, no-flush,
// status-swap, deliver-after-close, rr-wrap-late, rr-wrap-early,
// rehash-on-full — so a model counterexample replays here with its bug.
//
// # Driver
//
// Driver is the NIC's thin driver: it holds one Link per connection id (a
// transport.Endpoint in step mode, a transport.Socket over real UDP, or a
// LoopbackLink) and runs the steps in rounds (Round): a TX sweep of every
// flow (SweepTX: the flow's held RPCs offered first, then its ring polled
// and the outbox offered to the links), then at most Room arrivals pulled
// from the links and given to the NIC (Receive: Arrive — so that a slow host
// stops the network instead of the NIC dropping what it accepted), the RX
// pipeline until quiet (Pump: Balance, then Schedule until two rounds of
// flows write nothing), and the host bells of the flows written rung (Ready,
// impl/wake's Bells.Delivered, Advance). A round on the caller's goroutine
// is step mode (impl/rpc's Node.Step); Run is the free-running goroutine,
// parked on the node's NIC bell when idle, which the host rings after
// writing a TX ring and a link when a packet arrives (impl/wake). The TX and
// RX steps share only the connection table (atomic) and the counters
// (atomic); the control plane may run on any goroutine.
//
// NewLoopback wires two NICs in process with a pair of bounded queues of
// RPC values (LoopbackLink); sending on one end rings the NIC bell of the
// driver its peer is attached to. A packet travels decoded
// (transport.Packet is slot.RPC): nothing between the transport's frame
// decoder and the NIC's RX ring decodes it again.
//
// The package imports impl/slot, impl/ring, impl/transport, impl/wake
// and the standard library; never model/.
package nic
