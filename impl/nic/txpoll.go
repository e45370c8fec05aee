package nic

import (
	"errors"
	"fmt"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
)

// PollTX sweeps the next flow's TX ring, the flows in turn
// (round-robin): PollFlow at the sweeper's pointer, which then moves on.
// It returns the flow swept and what PollFlow returns.
func (n *NIC) PollTX() (flow, sent int, err error) {
	flow = n.txPtr
	n.txPtr = (flow + 1) % len(n.flows)
	sent, err = n.PollFlow(flow)
	return flow, sent, err
}

// PollFlow is one sweep of flow f's TX ring: first the RPCs the Port
// refused last time, oldest first; then, if none is left held, up to
// PollBatch lines of the ring (one poll, which returns their credit).
// Each RPC goes to the Port, unless its connection is past the table
// (counted, dropped) or closed (counted, dropped; Dagger's RPC unit
// looks the connection up on the way out too). An RPC the Port refuses
// with ErrBackPressure is held with every one after it, and the ring is
// not polled again until they have gone: the host's producer then finds
// the ring full. It returns how many RPCs went to the Port, and
// ErrBackPressure when some are held; ErrIdle when there was nothing.
func (n *NIC) PollFlow(f int) (int, error) {
	if f < 0 || f >= len(n.flows) {
		return 0, fmt.Errorf("%w: flow %d of %d", ErrConfig, f, len(n.flows))
	}
	if n.cfg.Port == nil {
		return 0, fmt.Errorf("%w: PollTX needs Config.Port", ErrConfig)
	}
	sent := 0
	if len(n.held[f]) > 0 {
		k, s, err := n.send(f, n.held[f])
		sent += s
		n.held[f] = append(n.held[f][:0], n.held[f][k:]...)
		if err != nil {
			return sent, err
		}
	}
	polled, err := n.flows[f].TX.Consumer().Poll(n.cfg.PollBatch, n.polled[:0])
	n.polled = polled[:0]
	n.c.polled.Add(uint64(len(polled)))
	switch {
	case errors.Is(err, slot.ErrMalformed):
		n.c.txMalformed.Add(1)
	case errors.Is(err, ring.ErrEmpty):
		if sent == 0 {
			return 0, ErrIdle
		}
		return sent, nil
	case err != nil:
		return sent, err
	}
	k, s, serr := n.send(f, polled)
	sent += s
	if serr != nil {
		n.held[f] = append(n.held[f], polled[k:]...)
	}
	return sent, serr
}

// send hands rpcs to the Port in order and returns how many it is done
// with (sent or dropped) and how many it sent; it stops at the first one
// refused for now.
func (n *NIC) send(f int, rpcs []slot.RPC) (done, sent int, err error) {
	for i := range rpcs {
		r := &rpcs[i]
		c := int(r.ConnID)
		switch {
		case c >= len(n.conns):
			n.c.txUnknownConn.Add(1)
			continue
		case n.conns[c].Load()&connOpen == 0:
			n.c.txClosedConn.Add(1)
			continue
		}
		err := n.cfg.Port.Send(r)
		switch {
		case err == nil:
			n.c.sent.Add(1)
			sent++
		case errors.Is(err, ErrBackPressure):
			n.c.txHeld.Add(1)
			return i, sent, fmt.Errorf("flow %d: %w", f, err)
		default:
			n.c.txLinkErrors.Add(1)
		}
	}
	return len(rpcs), sent, nil
}

// Held is how many TX RPCs wait for the Port on flow f.
func (n *NIC) Held(f int) int { return len(n.held[f]) }

// holding reports whether any flow has RPCs held for the Port.
func (n *NIC) holding() bool {
	for f := range n.held {
		if len(n.held[f]) > 0 {
			return true
		}
	}
	return false
}
