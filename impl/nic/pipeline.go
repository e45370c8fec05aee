package nic

import (
	"errors"
	"fmt"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
)

// Ingress is the RPC unit taking one packet's raw bytes from the
// network: a packet that is not exactly one valid 64-byte slot is
// ErrMalformed (counted); otherwise it is Arrive. It never panics,
// whatever the bytes (FuzzNICIngress).
func (n *NIC) Ingress(b []byte) error {
	if len(b) != slot.Size {
		n.c.malformed.Add(1)
		return fmt.Errorf("%w: %d bytes, want %d", ErrMalformed, len(b), slot.Size)
	}
	rpc, _, err := slot.Decode((*slot.Slot)(b))
	if err != nil {
		n.c.malformed.Add(1)
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return n.Arrive(&rpc)
}

// Arrive is the RPC unit taking one decoded RPC from the network (the
// model's arrive): a connection id past the table is ErrUnknownConn, a
// closed connection ErrConnClosed, no free buffer slot ErrBufferFull —
// each counted, the RPC dropped. Otherwise the RPC takes the lowest free
// buffer slot and joins the RPCs pending balance.
func (n *NIC) Arrive(rpc *slot.RPC) error {
	n.c.arrived.Add(1)
	if rpc.Argl > slot.ArgsSize {
		n.c.malformed.Add(1)
		return fmt.Errorf("%w: argl %d", ErrMalformed, rpc.Argl)
	}
	c := int(rpc.ConnID)
	switch {
	case c >= len(n.conns):
		n.c.unknownConn.Add(1)
		return fmt.Errorf("%w: c_id %d, table of %d", ErrUnknownConn, c, len(n.conns))
	case n.conns[c].Load()&connOpen == 0:
		n.c.closedConn.Add(1)
		return fmt.Errorf("%w: c_id %d", ErrConnClosed, c)
	}
	slot, ok := n.takeFree()
	if !ok {
		n.c.bufferFull.Add(1)
		return fmt.Errorf("%w: %d slots in use (rpc_id %d, c_id %d)", ErrBufferFull, len(n.buf), rpc.RPCID, c)
	}
	var key uint32
	if !rpc.Response { // a response goes to its connection's flow: its key never matters
		key = n.key(rpc)
	}
	n.buf[slot] = entry{rpc: *rpc, key: key}
	n.pending.push(uint16(slot))
	return nil
}

// key is a request's key for key-hash balancing.
func (n *NIC) key(rpc *slot.RPC) uint32 {
	if n.cfg.Key != nil {
		return n.cfg.Key(rpc)
	}
	if rpc.Argl == 0 {
		return 0
	}
	return uint32(rpc.Args[0])
}

// keyTable is the model's fixed hash of keys 0 and 1 (model/nic's
// keyHash), so that the two encodings place the same keys on the same
// flows.
var keyTable = [2]uint32{0x9e, 0x37}

// KeyHash is the key-hash balancer's hash before the modulo: the model's
// table for keys 0 and 1, a multiplicative (Fibonacci) hash otherwise.
func KeyHash(key uint32) uint32 {
	if key < uint32(len(keyTable)) {
		return keyTable[key]
	}
	return (key * 0x9e3779b1) >> 8
}

// Placement is what one Balance step did: the buffer slot it took from
// the pending queue and the flow it chose (the model's balance slot=
// flow=).
type Placement struct {
	Slot, Flow int
}

// Balance pushes the oldest pending RPC's buffer index into a flow FIFO
// (the model's balance): responses to their connection's flow, requests
// by the policy. ErrIdle when nothing is pending. A full FIFO is
// ErrFIFOFull: the credit profile returns the slot to the free list,
// LeakOnOverflow leaks it (both counted). A flow that does not exist is
// ErrBadFlow (slot freed, counted). The Placement is returned in every
// case but ErrIdle.
func (n *NIC) Balance() (Placement, error) {
	if n.pending.size == 0 {
		return Placement{}, ErrIdle
	}
	slot := int(n.pending.at(0))
	n.pending.pop(1)
	e := &n.buf[slot]
	r := &e.rpc
	balanced := !r.Response || n.faults.ResponseBalanced // goes through the policy
	var f int
	if !balanced {
		f = n.home(r.ConnID)
	} else {
		switch n.cfg.LB {
		case LBStatic:
			f = n.home(r.ConnID)
		case LBRoundRobin:
			f = n.rr
			n.advanceRR()
		case LBRandom:
			if n.cfg.Choose != nil {
				f = n.cfg.Choose(len(n.flows))
			} else {
				f = n.rng.IntN(len(n.flows))
			}
		case LBKeyHash:
			f = int(KeyHash(e.key) % uint32(len(n.flows)))
		case LBFunc:
			f = n.cfg.Pick(r, len(n.flows))
		}
	}
	p := Placement{Slot: slot, Flow: f}
	if f < 0 || f >= len(n.flows) {
		n.release(slot)
		n.c.badFlow.Add(1)
		return p, fmt.Errorf("%w: flow %d of %d (slot %d)", ErrBadFlow, f, len(n.flows), slot)
	}
	if n.faults.RehashOnFull && !r.Response && n.fifos[f].full() {
		if g := (f + 1) % len(n.flows); !n.fifos[g].full() {
			f, p.Flow = g, g
		}
	}
	if n.fifos[f].full() {
		n.c.fifoOverflow.Add(1)
		if n.faults.LeakOnOverflow {
			n.buf[slot] = entry{} // nothing refers to the slot again: it leaks
			n.c.leaked.Add(1)
		} else {
			n.release(slot)
		}
		return p, fmt.Errorf("%w: flow %d (slot %d)", ErrFIFOFull, f, slot)
	}
	n.fifos[f].push(uint16(slot))
	return p, nil
}

// advanceRR steps the round-robin counter: the hardware register holds
// flows-1 and the counter wraps on reaching it; the bugs use the wrong
// bound.
func (n *NIC) advanceRR() {
	last := len(n.flows) - 1
	switch {
	case n.faults.RRWrapLate:
		last = len(n.flows)
	case n.faults.RRWrapEarly:
		last = len(n.flows) - 2
	}
	if n.rr >= last {
		n.rr = 0
	} else {
		n.rr++
	}
}

// Burst is what one Schedule step did at flow Flow: Sent entries taken
// from its FIFO (written to the RX ring, or dropped for a closed
// connection) — the model's send flow= n= — or none (Skipped: the
// model's skip flow=).
type Burst struct {
	Flow, Sent int
	Skipped    bool
}

// Schedule is the TX scheduler's step at its pointer (the model's send
// or skip), then on to the next flow. It writes a burst of Batch entries
// into the flow's RX ring when the FIFO holds a whole batch, or, unless
// NoFlush, a partial batch it has passed over once (the aged bit);
// otherwise it passes over the flow, ageing a partial batch. ErrIdle,
// with nothing changed, while every FIFO is empty.
//
// The credit profile drops (and counts) an entry whose connection was
// closed while it waited; DeliverAfterClose writes it anyway. An RX ring
// with no room for the burst's first entry is ErrRXFull: back-pressure,
// nothing popped, the aged bit kept, counted; the pointer moves on so
// other flows are served. A ring that fills in mid-burst ends the burst
// there, the rest staying queued.
func (n *NIC) Schedule() (Burst, error) {
	if n.Queued() == 0 {
		return Burst{}, ErrIdle
	}
	p := n.ptr
	n.ptr = (p + 1) % len(n.flows)
	q := &n.fifos[p]
	flushes := !n.faults.NoFlush
	if !(q.size >= n.cfg.Batch || (q.size > 0 && flushes && n.aged[p])) {
		if q.size > 0 && flushes {
			n.aged[p] = true
		}
		return Burst{Flow: p, Skipped: true}, nil
	}
	k := min(q.size, n.cfg.Batch)
	prod := n.rxp[p]
	done := 0
	var err error
	for ; done < k; done++ {
		slot := int(q.at(done))
		e := &n.buf[slot]
		if !n.IsOpen(int(e.rpc.ConnID)) && !n.faults.DeliverAfterClose {
			n.c.closedAtSchedule.Add(1)
			n.release(slot)
			continue
		}
		if serr := prod.Send(e.rpc); serr != nil {
			if !errors.Is(serr, ring.ErrRingFull) {
				panic("nic: RX ring refused a buffered RPC: " + serr.Error()) // Arrive checked argl
			}
			err = fmt.Errorf("%w: flow %d", ErrRXFull, p)
			break
		}
		n.c.delivered.Add(1)
		n.release(slot)
	}
	if done == 0 && err != nil {
		n.c.rxFull.Add(1)
		return Burst{Flow: p}, err
	}
	q.pop(done)
	n.aged[p] = false
	if done > 0 {
		n.delivered |= 1 << p // Ready's: the host may be parked
	}
	return Burst{Flow: p, Sent: done}, nil
}

// Pump runs the RX pipeline once: it balances every pending RPC, and
// runs the scheduler until two whole rounds of flows write nothing. It
// returns how many RPCs it moved (balanced or written). The arrivals are
// the driver's to give first (Driver.Receive, or Arrive in step mode).
func (n *NIC) Pump() int {
	moved := 0
	for {
		if _, err := n.Balance(); errors.Is(err, ErrIdle) {
			break
		}
		moved++
	}
	// A skip may age a partial batch that the next visit flushes, so
	// the scheduler stops after two whole rounds with nothing written.
	for quiet := 0; quiet < 2*len(n.flows); {
		b, err := n.Schedule()
		if errors.Is(err, ErrIdle) {
			break
		}
		if b.Sent > 0 {
			moved += b.Sent
			quiet = 0
		} else {
			quiet++
		}
	}
	return moved
}
