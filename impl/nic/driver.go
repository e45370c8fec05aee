package nic

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/daggercheck/daggercheck/impl/wake"
)

// ErrNoLink: an RPC for a connection with no link attached; dropped,
// counted as a link error.
var ErrNoLink = errors.New("nic: no link for the connection")

// Driver is the NIC's thin driver: it holds the NIC's links (one per
// connection id) and carries out what the NIC's steps return. Round is
// one round of it on the caller's goroutine (step mode drives it so);
// Run is the free-running mode, one goroutine running rounds until its
// context ends.
//
// A round sweeps every flow's TX ring (SweepTX: the NIC polls a ring into
// the flow's outbox, the driver offers the outbox to the links and
// reports back with Offered), takes at most Room arrivals from the links
// and gives them to the NIC (Receive: Arrive), runs the RX pipeline
// (NIC.Pump) and rings the host bells of the flows whose RX rings were
// written (NIC.Ready, wake.Bells.Delivered, NIC.Advance). The NIC calls
// nothing back: the driver pulls from the links and pushes into them.
//
// One goroutine, not one per direction: on a machine with few cores every
// polling goroutine is a goroutine the scheduler must hand the processor
// to, and a hand-off costs more than a sweep that finds nothing. An RPC
// that goes from a TX ring out and back in through a loopback link then
// crosses no goroutine boundary inside the NIC.
type Driver struct {
	nic   *NIC
	bells *wake.Bells

	mu    sync.Mutex // serialises Attach and Detach
	links [MaxConns]atomic.Pointer[attached]
	list  atomic.Pointer[[]*attached] // the attached links, for Receive
	next  int                         // Receive's round-robin start
	in    slot.RPC                    // Receive's scratch: a bounded link's next RPC
}

type attached struct {
	conn  uint8
	link  Link
	fast  boundedLink
	stash []transport.Packet // delivered by the link, not yet given to the NIC
}

// NewDriver returns n's driver with no links attached. It parks on the
// NIC bell of bells and rings their host bells; nil bells are its own.
func NewDriver(n *NIC, bells *wake.Bells) *Driver {
	if bells == nil {
		bells = wake.NewBells(n.Flows())
	}
	d := &Driver{nic: n, bells: bells}
	d.list.Store(&[]*attached{})
	return d
}

// NIC is the NIC the driver drives.
func (d *Driver) NIC() *NIC { return d.nic }

// Bells are the bells the driver parks on and rings.
func (d *Driver) Bells() *wake.Bells { return d.bells }

// Attach makes l connection conn's link, replacing any other. A
// LoopbackLink rings this driver's NIC bell when its peer sends.
func (d *Driver) Attach(conn uint8, l Link) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := &attached{conn: conn, link: l}
	a.fast, _ = l.(boundedLink)
	if ll, ok := l.(*LoopbackLink); ok {
		ll.arrival.Store(d.bells.NIC())
	}
	d.links[conn].Store(a)
	d.rebuild()
}

// Detach removes connection conn's link.
func (d *Driver) Detach(conn uint8) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.links[conn].Store(nil)
	d.rebuild()
}

func (d *Driver) rebuild() {
	var l []*attached
	for i := range d.links {
		if a := d.links[i].Load(); a != nil {
			l = append(l, a)
		}
	}
	d.list.Store(&l)
}

// Run starts the free-running goroutine, which runs rounds under the
// polling discipline (wake.Idle) until ctx ends, parked on the NIC bell
// when idle, never while RPCs are held for a full link; the WaitGroup is
// done when it has returned.
func (d *Driver) Run(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() { d.run(ctx) })
	return &wg
}

func (d *Driver) run(ctx context.Context) {
	var idle wake.Idle
	bell := d.bells.NIC()
	for ctx.Err() == nil {
		if !idle.Next(d.Round()) {
			continue
		}
		if d.nic.Holding() {
			idle.Hold() // the room comes with no bell
			continue
		}
		w := bell.Arm()
		if d.Round() > 0 {
			w.Disarm()
			idle.Reset()
			continue
		}
		w.Park(ctx, wake.MaxPark)
	}
}

// Round is one round of the driver: a TX sweep of every flow, the
// arrivals the NIC has room for, the RX pipeline until quiet, and the
// hosts of the flows written woken. It returns how many RPCs moved.
func (d *Driver) Round() int {
	n := d.nic
	moved := 0
	for range n.Flows() {
		_, k, _ := d.SweepTX() // drops and back-pressure are counted
		moved += k
	}
	if room := n.Room(); room > 0 {
		moved += d.Receive(room)
	}
	moved += n.Pump()
	if rd := n.Ready(); rd.Delivered != 0 {
		d.bells.Delivered(rd.Delivered)
		n.Advance(rd)
	}
	return moved
}

// SweepTX is one sweep of the TX side at the NIC's pointer (PollTX): the
// RPCs held for that flow are offered first, and only when none is left
// held is its ring polled and what it polled offered, each RPC to its
// connection's link. It returns the flow, how many RPCs went to the
// network, and ErrBackPressure when some are held; ErrIdle when there was
// nothing.
func (d *Driver) SweepTX() (flow, sent int, err error) {
	n := d.nic
	flow, _, err = n.PollTX()
	if errors.Is(err, ErrBackPressure) {
		if sent, err = d.offer(flow); err != nil {
			return flow, sent, err
		}
		_, err = n.PollFlow(flow)
	}
	switch {
	case errors.Is(err, ErrIdle) && sent > 0:
		return flow, sent, nil
	case err != nil:
		return flow, sent, err
	}
	k, err := d.offer(flow)
	return flow, sent + k, err
}

// offer hands flow f's outgoing RPCs to their links in order, stopping at
// the first refused for now, and reports to the NIC; it returns how many
// went out, and ErrBackPressure when one was refused.
func (d *Driver) offer(f int) (int, error) {
	out := d.nic.Outgoing(f)
	if len(out) == 0 {
		return 0, nil
	}
	o := Offer{Flow: f}
	var err error
	for i := 0; i < len(out) && err == nil; i++ {
		switch serr := d.send(&out[i]); {
		case serr == nil:
			o.Sent++
		case errors.Is(serr, ErrBackPressure):
			o.Held, err = true, fmt.Errorf("flow %d: %w", f, serr)
		default:
			o.Failed++
		}
	}
	d.nic.Offered(o)
	return o.Sent, err
}

// send sends rpc on its connection's link, as the packet it is (a
// transport encodes it once, onto the wire); a full link is
// ErrBackPressure.
func (d *Driver) send(rpc *slot.RPC) error {
	a := d.links[rpc.ConnID].Load()
	if a == nil {
		return fmt.Errorf("%w: c_id %d", ErrNoLink, rpc.ConnID)
	}
	err := a.link.Send(*rpc)
	if errors.Is(err, transport.ErrFull) || errors.Is(err, ring.ErrRingFull) {
		return fmt.Errorf("%w: c_id %d: %w", ErrBackPressure, rpc.ConnID, err)
	}
	return err
}

// Receive takes at most max RPCs that arrived on the links and gives them
// to the NIC (Arrive; a drop is counted there), starting at a different
// link each time so that none starves; it returns how many it took. A
// transport's deliveries are taken whole into the link's stash, freeing
// the transport's room; a loopback's only as far as max, so that the rest
// pushes back on the sender.
func (d *Driver) Receive(max int) int {
	list := *d.list.Load()
	if len(list) == 0 || max <= 0 {
		return 0
	}
	n, got := d.nic, 0
	start := d.next % len(list)
	d.next++
	for j := 0; j < len(list) && got < max; j++ {
		a := list[(start+j)%len(list)]
		if a.fast != nil {
			r := &d.in // not a local: the interface call would move it to the heap
			for got < max && a.fast.TakeRPC(r) {
				_ = n.Arrive(r)
				got++
			}
			a.fast.Done()
			continue
		}
		if len(a.stash) == 0 {
			a.stash = a.link.TakeDeliveries(a.stash[:0])
		}
		k := min(len(a.stash), max-got)
		for i := range k {
			_ = n.Arrive(&a.stash[i])
		}
		a.stash = append(a.stash[:0], a.stash[k:]...)
		got += k
	}
	return got
}
