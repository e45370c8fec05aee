// Package nic models Dagger's NIC pipeline between the network and the
// host's RX rings: the request buffer with its free list, the load
// balancer, the per-flow FIFOs of buffer indices, the round-robin TX
// scheduler that writes batches into the flows' RX rings, and the
// connection table with its control plane.
//
// An RPC from the network (a request or a response on some connection,
// with a key for key-hash balancing) takes the lowest free buffer slot;
// the balancer later pushes the slot's index into a flow FIFO: responses
// to their connection's flow, requests by the policy (static, round-robin,
// random, key-hash). The scheduler looks at one flow at a time, round-robin,
// and writes a burst of `batch` entries into that flow's RX ring, which the
// model abstracts as delivery to host flow f (model/ring is where the ring
// itself is checked), freeing their slots. The control plane opens and
// closes connections at any time, and reports a status for each request,
// including ids past the table.
//
// Two protocols share the state: `dagger`, as published (the scheduler
// waits for a whole batch, a full FIFO drops the index and leaks its
// buffer slot, the scheduler never looks at the connection table), and
// `credit`, ours (a partial batch waits at most one scheduler round, a full
// FIFO returns the slot to the free list, queued RPCs of a closed
// connection are dropped at the scheduler). Every drop is counted: the
// count is derived from the state (arrived - delivered - queued).
//
// buffer-conservation is a predicate on the state; the other safety
// properties are judged on the step that breaks them, which sets a bit in
// State.Bad, against ghost history where they need it (where each key
// went, how many requests round-robin has placed). eventually-delivered
// assumes the network's and the NIC's steps weakly fair and nothing of
// the control plane. Property names and descriptions come from the spec
// catalogue.
//
// The model has no symmetry reduction. The round-robin balancer and
// scheduler fix an order on the flows, the home flow of connection c is
// c mod flows and the key hash is fixed, so at best rotations of flows
// (with conns = flows, lb not key-hash) are symmetries: a factor of at
// most 3, for the safety search only (the liveness check explores every
// state, as the reduction is not sound with per-action fairness).
//
// Read State first, then pipeline.go (arrive, balance, schedule) and
// conn.go (the status table). The package imports checker and spec only.
package nic
