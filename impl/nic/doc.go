// Package nic is the soft NIC of the Dagger RPC stack: the TX-ring
// sweeper, the RPC unit with its connection table, the request buffer with
// its free list, the load balancer, the per-flow FIFOs of buffer indices
// and the round-robin TX scheduler that writes bursts into the host
// flows' RX rings (impl/ring), with a counter for every drop and error, as
// Dagger's packet monitor has.
//
// Read NIC first. It is a plain step machine at the granularity of the
// NIC model (model/nic, docs/nic.md), with no goroutines of its own:
//
//   - Arrive (a decoded RPC) and Ingress (a packet's raw bytes, decoded
//     first) are the RPC unit taking one RPC from the network: a packet
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
//     entries stay in the FIFO, and it is counted.
//   - Open, OpenOn and Close are the control plane on the connection
//     table, reporting Dagger's codes (StatusOK, StatusAlreadyOpen,
//     StatusIsClosed, StatusIDWrong; an id past the table is IdWrong).
//   - PollTX sweeps one flow's TX ring (the flows in turn, round-robin),
//     up to PollBatch lines, and hands each RPC to the Port, the NIC's
//     side of the network. An RPC the Port refuses (transport queue full)
//     is held and offered again first; the flow's TX ring is not polled
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
// # Free-running mode
//
// Driver runs the same steps on one goroutine until its context ends:
// each round a TX sweep (PollTX over every flow), then the RX pipeline
// (Pump: at most Room arrivals from the Port, so that a slow host stops
// the network instead of the NIC dropping what it accepted; then Balance
// and Schedule until quiet). The TX and RX steps share only the
// connection table (atomic) and the counters (atomic), so they may also
// run on two goroutines; the control plane may run on any goroutine. The
// polling discipline: an idle goroutine yields for a while, then parks
// on a Bell that producers ring (WakeTX after writing a TX ring, WakeRX
// on an arrival, Config.OnDeliver for the host's side of an RX ring) —
// with more runnable goroutines than cores, pure spinning starves the
// others, and every goroutine more is a hand-off more. RunGroup polls
// several NICs (in process, each end of a loopback) on one goroutine, and
// Driver.Host runs host work (a server's dispatch) on it after each
// round.
//
// NewLoopback wires two NICs in process with a pair of bounded queues of
// RPC values (LoopbackLink); LinkPort is the Port over one Link per connection:
// a LoopbackLink, a transport.Endpoint in step mode (the caller moves its
// frames, as traces/e2e_test.go does over a FaultyNetwork), or a
// transport.Socket over real UDP.
//
// The package imports impl/slot, impl/ring, impl/transport and the
// standard library; never model/.
package nic
