package nic

import (
	"errors"
	"fmt"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
)

// PollTX is the TX sweeper's step at its pointer, which then moves on to
// the next flow (round-robin): PollFlow of that flow. It returns the flow
// and what PollFlow returns.
func (n *NIC) PollTX() (flow, polled int, err error) {
	flow = n.txPtr
	n.txPtr = (flow + 1) % len(n.flows)
	polled, err = n.PollFlow(flow)
	return flow, polled, err
}

// PollFlow is one poll of flow f's TX ring into the flow's outbox, the
// RPCs for the wire: up to PollBatch lines (one poll, which returns their
// credit). It polls only an empty outbox: while RPCs the network refused
// are held there, the ring is not polled, so the host's producer finds it
// full (ring.ErrRingFull) — back-pressure, never a silent loss. It
// returns how many RPCs it polled; ErrBackPressure (nothing polled) while
// RPCs are held, ErrIdle when the ring had nothing. A line that is not a
// valid RPC is counted and dropped.
//
// The driver takes the outbox with Outgoing, offers it to the network and
// reports with Offered.
func (n *NIC) PollFlow(f int) (int, error) {
	if f < 0 || f >= len(n.flows) {
		return 0, fmt.Errorf("%w: flow %d of %d", ErrConfig, f, len(n.flows))
	}
	if len(n.out[f]) > 0 {
		return 0, ErrBackPressure // no message to format: a sweep meets it while a link is full
	}
	polled, err := n.txc[f].Poll(n.cfg.PollBatch, n.out[f])
	n.out[f] = polled
	n.c.polled.Add(uint64(len(polled)))
	switch {
	case errors.Is(err, slot.ErrMalformed):
		n.c.txMalformed.Add(1)
	case errors.Is(err, ring.ErrEmpty):
		return 0, ErrIdle
	case err != nil:
		return len(polled), err
	}
	return len(polled), nil
}

// Outgoing returns flow f's outbox, the RPCs for the wire, oldest first:
// what the TX steps want done (raft's Ready). It first drops, and counts,
// those whose connection is past the table or closed — Dagger's RPC unit
// looks the connection up on the way out too — and does so at every
// offer, so that an RPC held while its connection closed goes no further.
// The slice is the NIC's, valid until its next TX step: the driver hands
// the RPCs to the network in order and reports with Offered.
func (n *NIC) Outgoing(f int) []slot.RPC {
	out, k := n.out[f], 0
	for i := range out {
		c := int(out[i].ConnID)
		switch {
		case c >= len(n.conns):
			n.c.txUnknownConn.Add(1)
			continue
		case n.conns[c].Load()&connOpen == 0:
			n.c.txClosedConn.Add(1)
			continue
		}
		if k != i {
			out[k] = out[i]
		}
		k++
	}
	n.out[f] = out[:k]
	return n.out[f]
}

// Offer is the driver's account of one offer of a flow's Outgoing RPCs
// to the network, in order: the first Sent+Failed are gone — Sent went
// out, Failed were refused for good (a link error: dropped) — and with
// Held the one after them was refused for now (back-pressure).
type Offer struct {
	Flow, Sent, Failed int
	Held               bool
}

// String is a stable one-line description:
//
//	flow=1 sent=3 failed=0 held=true
func (o Offer) String() string {
	return fmt.Sprintf("flow=%d sent=%d failed=%d held=%t", o.Flow, o.Sent, o.Failed, o.Held)
}

// Offered acknowledges an offer (raft's Advance): the RPCs gone leave the
// outbox, and are counted; a held one stays with those after it, to be
// offered first next time, the flow's TX ring not polled meanwhile.
func (n *NIC) Offered(o Offer) {
	if o.Sent > 0 {
		n.c.sent.Add(uint64(o.Sent))
	}
	if o.Failed > 0 {
		n.c.txLinkErrors.Add(uint64(o.Failed))
	}
	if o.Held {
		n.c.txHeld.Add(1)
	}
	out := n.out[o.Flow]
	n.out[o.Flow] = append(out[:0], out[min(o.Sent+o.Failed, len(out)):]...)
}

// Held is how many TX RPCs wait for the network on flow f.
func (n *NIC) Held(f int) int { return len(n.out[f]) }

// Holding reports whether any flow has RPCs held for the network: work
// that no bell announces (the room comes when a link drains).
func (n *NIC) Holding() bool {
	for f := range n.out {
		if len(n.out[f]) > 0 {
			return true
		}
	}
	return false
}
