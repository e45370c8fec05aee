package rpc

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/wake"
)

// flowHost is one host flow and who uses its rings: producers to TX take
// tx, the consumer of RX takes rx; clients on the flow by connection.
type flowHost struct {
	index    int
	tx       sync.Mutex
	txp      *ring.Producer // the TX ring's producer, under tx
	doorbell bool           // the TX ring is behind a doorbell (see ringDoorbell)
	rx       sync.Mutex
	rxc      *ring.Consumer // the RX ring's consumer, under rx
	rxSlots  int
	clients  [nic.MaxConns]atomic.Pointer[Client]

	// Under rx: the RPC being taken, a response the TX ring had no room
	// for (written before anything else), a request the workers had no
	// room for (handed over before anything else), and the memory of
	// handlers run inline.
	in         slot.RPC
	stalled    slot.RPC
	hasStalled bool
	pending    slot.RPC
	hasPending bool
	scratch    scratch

	// bell parks the flow's dispatch thread and blocked callers: the
	// node's host bell for the flow, which the NIC's driver rings after
	// writing the RX ring.
	bell *wake.Bell
}

func newFlowHost(i int, f *ring.Flow, bell *wake.Bell) *flowHost {
	return &flowHost{index: i, txp: f.TX.Producer(), doorbell: f.TX.Interface() == ring.Doorbell, rxc: f.RX.Consumer(), rxSlots: f.RX.Slots(), bell: bell}
}

// ringDoorbell rings the doorbell of flow f's TX ring for the RPCs written since
// the last one, and the NIC's bell if it did: a host calls it whenever it
// is about to wait, so that a batch that is not full does not wait for
// RPCs that will not come. A no-op on the other interfaces.
func (n *Node) ringDoorbell(f *flowHost) {
	if !f.doorbell {
		return
	}
	f.tx.Lock()
	rang := f.txp.Flush()
	f.tx.Unlock()
	if rang {
		n.bells.TXWritten()
	}
}

// blocked reports whether the flow's dispatch holds a response or a
// request it could not pass on: work that no bell announces (the room
// comes when the NIC sweeps the TX ring, or a worker takes from the
// queue), so its thread keeps polling instead of parking.
func (f *flowHost) blocked() bool {
	f.rx.Lock()
	defer f.rx.Unlock()
	return f.hasStalled || f.hasPending
}

// scratch is a handler run's memory, reused so that a call allocates
// nothing: the handler is called through a func value, so what it is
// given escapes.
type scratch struct {
	buf, ret [slot.ArgsSize]byte
	req      Request
}

type work struct {
	f   *flowHost
	rpc slot.RPC
}

// serve is flow f's dispatch thread (DispatchThread, WorkerPool): its
// dispatch step in a loop, under the polling discipline, parked on the
// flow's bell when idle, never while the step holds a response or a
// request it could not pass on.
func (n *Node) serve(ctx context.Context, f *flowHost, pool bool) {
	step := n.dispatch
	if pool {
		step = n.dispatchToPool
	}
	var idle wake.Idle
	for ctx.Err() == nil {
		if !idle.Next(step(f)) {
			continue
		}
		if f.blocked() {
			idle.Hold() // the room comes with no bell
			continue
		}
		w := f.bell.Arm()
		if step(f) > 0 {
			w.Disarm()
			idle.Reset()
			continue
		}
		w.Park(ctx, wake.MaxPark)
	}
}

// dispatch is flow f's dispatch step, on the caller's goroutine (Step, a
// blocked caller's drain, a DispatchThread's or the NIC thread's round):
// the response stalled last time first, then up to a ring's worth of RPCs
// from f's RX ring — responses filed with their clients, requests run
// inline and their responses written into f's TX ring. A response the TX
// ring has no room for is kept and written first next time, the requests
// behind it left in the RX ring: the step never waits. It returns how
// many RPCs it took; 0 when another goroutine is draining the ring.
func (n *Node) dispatch(f *flowHost) int { return n.takeRX(f, false) }

// dispatchToPool is a WorkerPool flow thread's step: dispatch, with each
// request handed to the workers instead of run inline; one the workers'
// queue has no room for is kept and handed over first next time.
func (n *Node) dispatchToPool(f *flowHost) int { return n.takeRX(f, true) }

// takeRX is dispatch's loop; pool hands requests to the workers.
func (n *Node) takeRX(f *flowHost, pool bool) int {
	if !f.rx.TryLock() {
		return 0 // a client on this flow is draining it
	}
	defer f.rx.Unlock()
	if !n.unblock(f) {
		return 0
	}
	took := 0
	r := &f.in
	for took < f.rxSlots {
		if err := f.rxc.TakeInto(r); err != nil {
			if errors.Is(err, ring.ErrEmpty) {
				break
			}
			took++ // a malformed line, counted by the ring
			continue
		}
		took++
		if r.Response {
			n.complete(f, r)
			continue
		}
		if pool {
			if !n.handOff(f, r) {
				f.pending, f.hasPending = *r, true
				break
			}
			continue
		}
		n.execute(f, r, &f.scratch, &f.stalled)
		if !n.respond(f, &f.stalled) {
			f.hasStalled = true // the TX ring is full: written first next time
			break
		}
	}
	f.rxc.ReturnCredit()
	n.ringDoorbell(f) // the responses written
	return took
}

// unblock passes on what the last step kept (f.rx held); false while it
// still cannot.
func (n *Node) unblock(f *flowHost) bool {
	if f.hasStalled {
		if !n.respond(f, &f.stalled) {
			return false
		}
		f.hasStalled = false
	}
	if f.hasPending {
		if !n.handOff(f, &f.pending) {
			return false
		}
		f.hasPending = false
	}
	return true
}

// handOff gives request r to the workers, if their queue has room.
func (n *Node) handOff(f *flowHost, r *slot.RPC) bool {
	select {
	case n.work <- work{f: f, rpc: *r}:
		return true
	default:
		return false
	}
}

// complete routes a response to the client of its connection on flow f.
func (n *Node) complete(f *flowHost, r *slot.RPC) {
	if cl := f.clients[r.ConnID].Load(); cl != nil && cl.complete(r) {
		return
	}
	n.late.Add(1)
}

// execute runs the handler for request r and builds its response in
// *resp, with sc as the handler's memory.
func (n *Node) execute(f *flowHost, r *slot.RPC, sc *scratch, resp *slot.RPC) {
	*resp = slot.RPC{Response: true, RPCID: r.RPCID, FnID: r.FnID, ConnID: r.ConnID}
	h, ok := (*n.handlers.Load())[r.FnID]
	if !ok {
		resp.NFrames = statusNoFn
		return
	}
	copy(sc.buf[:], r.Args[:])
	sc.req = Request{Conn: r.ConnID, ID: r.RPCID, Fn: r.FnID, Flow: f.index, Args: sc.buf[:min(int(r.Argl), slot.ArgsSize)]}
	ret, err := h.fn(&sc.req, sc.ret[:0])
	switch {
	case err != nil:
		resp.NFrames = statusFailed
		resp.Argl = uint16(copy(resp.Args[:], err.Error())) // cut at 52 bytes
	case len(ret) > slot.ArgsSize:
		resp.NFrames = statusTooLarge
	default:
		resp.Argl = uint16(copy(resp.Args[:], ret))
	}
}

// respond writes a response into flow f's TX ring and rings the NIC's
// bell; false, with nothing written, when the ring is full.
func (n *Node) respond(f *flowHost, resp *slot.RPC) bool {
	f.tx.Lock()
	err := f.txp.Send(*resp)
	f.tx.Unlock()
	if err != nil {
		return false
	}
	n.bells.TXWritten()
	return true
}

// worker is a WorkerPool goroutine: it runs requests from the flows'
// threads and writes their responses, waiting for room in a full TX ring
// (which the NIC's sweeper empties) until ctx ends.
func (n *Node) worker(ctx context.Context) {
	var sc scratch
	var resp slot.RPC
	for {
		select {
		case <-ctx.Done():
			return
		case w := <-n.work:
			n.execute(w.f, &w.rpc, &sc, &resp)
			for i := 0; !n.respond(w.f, &resp) && ctx.Err() == nil; i++ {
				wake.Backoff(i)
			}
			// Announce it: a response queued behind may be another
			// flow's, whose worker would not ring this one.
			n.ringDoorbell(w.f)
		}
	}
}
