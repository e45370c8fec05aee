package nic

import (
	"fmt"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/daggercheck/daggercheck/impl/wake"
)

// Link is one connection's transport as the NIC's driver sees it: a
// transport.Endpoint (step mode: the caller moves its frames), a
// *transport.Socket (real UDP), or a LoopbackLink. Send refusing with
// transport.ErrFull or ring.ErrRingFull is back-pressure. The driver
// calls Send and TakeDeliveries from its goroutine while the link's
// other end (a socket's reader, the peer NIC's driver) runs on another,
// so the link must allow that (Socket and LoopbackLink do; a bare
// Endpoint does not and is for step mode).
//
// A packet travels as the decoded RPC (transport.Packet is slot.RPC): a
// transport decodes a frame's bytes once, where they come in, and the
// NIC takes the value as it is.
type Link interface {
	Send(p transport.Packet) error
	TakeDeliveries(dst []transport.Packet) []transport.Packet
}

// The links the package knows, checked at compile time.
var (
	_ Link        = (*LoopbackLink)(nil)
	_ boundedLink = (*LoopbackLink)(nil)
	_ Link        = (*transport.Socket)(nil)
	_ Link        = (*transport.Reliable)(nil)
	_ Link        = (*transport.UDP)(nil)
)

// boundedLink is a Link whose deliveries can be taken a few at a time
// (the loopback): what the NIC has no room for stays on the wire, which
// pushes back on the sender, instead of in the driver's stash.
type boundedLink interface {
	TakeRPC(dst *slot.RPC) bool
	Done()
}

// LoopbackLink is one end of an in-process wire between two NICs: a
// bounded single-producer, single-consumer queue of RPC values each way
// (wire), so an end's sender and its peer's receiver run on different
// goroutines without a lock. A full queue is back-pressure
// (ring.ErrRingFull).
//
// The wire is the network, not a host interface: it need not run the
// ring protocol of impl/ring, whose eight atomic stores per slot are the
// price of a line that a poller may read while it is being written. Here
// the value is copied into the queue with ordinary stores and published
// by one atomic store of the tail; the consumer loads the tail, copies
// the values before it, and hands the room back with one atomic store of
// the head. The atomics order the copies (Go's memory model), so the
// race detector sees no race.
//
// Sending rings the bell of the peer end's driver (the one it was
// attached to), which may be parked.
type LoopbackLink struct {
	out, in *wire
	peer    *LoopbackLink
	arrival atomic.Pointer[wake.Bell] // this end's driver's NIC bell
}

// wire is one direction of a loopback: at most size RPCs in a queue whose
// length is a power of two. tail (RPCs published) is stored only by the
// producer, head (RPCs consumed and handed back) only by the consumer;
// each side keeps its own counter and a copy of the other's last value
// on a line of its own, so that a side touches the other's line only
// when its copy says the queue is full (or empty).
type wire struct {
	q    []slot.RPC
	mask uint64
	size uint64
	_    [ring.LineSize]byte
	tail atomic.Uint64
	_    [ring.LineSize - 8]byte
	head atomic.Uint64
	_    [ring.LineSize - 8]byte
	// The producer's.
	sent, headSeen uint64
	_              [ring.LineSize - 16]byte
	// The consumer's.
	took, tailSeen, returned uint64
	_                        [ring.LineSize - 24]byte
}

func newWire(size int) *wire {
	n := 1
	for n < size {
		n <<= 1
	}
	return &wire{q: make([]slot.RPC, n), mask: uint64(n - 1), size: uint64(size)}
}

// send copies r into the queue and publishes it; ring.ErrRingFull when
// size RPCs are unconsumed.
func (w *wire) send(r *slot.RPC) error {
	if w.sent-w.headSeen >= w.size {
		if w.headSeen = w.head.Load(); w.sent-w.headSeen >= w.size {
			return ring.ErrRingFull
		}
	}
	w.q[w.sent&w.mask] = *r
	w.sent++
	w.tail.Store(w.sent)
	return nil
}

// take copies the oldest unconsumed RPC into dst; false when there is
// none. Its room goes back with release, or here once half the queue
// waits to be handed back.
func (w *wire) take(dst *slot.RPC) bool {
	if w.took == w.tailSeen {
		if w.tailSeen = w.tail.Load(); w.took == w.tailSeen {
			return false
		}
	}
	*dst = w.q[w.took&w.mask]
	w.took++
	if w.took-w.returned >= max(w.size/2, 1) {
		w.release()
	}
	return true
}

// release hands the room of the RPCs taken back to the producer.
func (w *wire) release() {
	if w.returned != w.took {
		w.returned = w.took
		w.head.Store(w.took)
	}
}

// NewLoopback returns the two ends of a wire that holds at most `slots`
// RPCs each way.
func NewLoopback(slots int) (a, b *LoopbackLink, err error) {
	if slots < 1 || slots > 1<<24 {
		return nil, nil, fmt.Errorf("%w: loopback of %d slots, want 1..2^24", ErrConfig, slots)
	}
	ab, ba := newWire(slots), newWire(slots)
	a, b = &LoopbackLink{out: ab, in: ba}, &LoopbackLink{out: ba, in: ab}
	a.peer, b.peer = b, a
	return a, b, nil
}

// Send sends the packet p on the wire; ErrMalformed when no slot can
// carry it.
func (l *LoopbackLink) Send(p transport.Packet) error {
	if p.Argl > slot.ArgsSize {
		return fmt.Errorf("%w: argl %d", ErrMalformed, p.Argl)
	}
	return l.SendRPC(&p)
}

// SendRPC sends r on the wire, and wakes the peer's receiver;
// ring.ErrRingFull when full.
func (l *LoopbackLink) SendRPC(r *slot.RPC) error {
	if r.Argl > slot.ArgsSize {
		return fmt.Errorf("%w: argl %d", slot.ErrTooLarge, r.Argl) // no such packet exists
	}
	if err := l.out.send(r); err != nil {
		return err
	}
	if b := l.peer.arrival.Load(); b != nil {
		b.Ring()
	}
	return nil
}

// TakeRPC takes the next RPC from the incoming wire, if any.
func (l *LoopbackLink) TakeRPC(dst *slot.RPC) bool { return l.in.take(dst) }

// Done hands the incoming wire's room back after a batch of TakeRPC.
func (l *LoopbackLink) Done() { l.in.release() }

// TakeDeliveries appends every RPC on the incoming wire to dst.
func (l *LoopbackLink) TakeDeliveries(dst []transport.Packet) []transport.Packet {
	var r slot.RPC
	for l.TakeRPC(&r) {
		dst = append(dst, r)
	}
	l.Done()
	return dst
}
