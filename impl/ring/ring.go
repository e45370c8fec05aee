package ring

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// Errors of the rings. Expected conditions are sentinel errors that
// callers test with errors.Is; the codec's are slot.ErrTooLarge and
// slot.ErrMalformed.
var (
	// ErrRingFull: the producer is a ring ahead of the consumer's
	// published credit; the RPC was not written. Try again later.
	ErrRingFull = errors.New("ring: full (no credit)")
	// ErrEmpty: the line at the consumer's position holds nothing fresh.
	ErrEmpty = errors.New("ring: empty (nothing fresh)")
	// ErrStepOrder: a step method was called when it is not the next step
	// of its side (a store out of the producer's program order, a load
	// out of the host's order). It is a caller's mistake, reported as an
	// error so that a replay can say "diverged" instead of crashing.
	ErrStepOrder = errors.New("ring: step out of order")
)

// Ring is one ring of `slots` 64-byte slots in shared memory, with the
// consumer's credit line, and the one producer and one consumer that share
// it. A TX ring is produced by the CPU and consumed by the NIC's poller;
// an RX ring is produced by the NIC and consumed by the host. Both run the
// same protocol (docs/protocol.md, "Ours: the credit protocol"):
//
//   - RPC k (counting from 0) goes to slot k mod slots, on lap k div slots,
//     whose phase is (k div slots + 1) mod 2 — 1 on the first lap, then
//     alternating — carried in the update_flag bit of the header word.
//   - The producer admits RPC k only while k < credit + slots, credit being
//     the value it last loaded from the credit line; it stores words 1..7
//     (the arguments, with fn_id's high byte, argl and c_id), then the
//     header word (control byte with phase and valid = 1, rpc_id, ...)
//     with one atomic store.
//   - The consumer keeps next, the RPCs it has consumed; the slot at
//     next mod slots is fresh iff valid and its phase is phase(next). It
//     loads the header word, the arguments, and the header word again,
//     discarding the copy if the header changed; then it advances next
//     and stores next on the credit line.
//
// Every access to the slots and the credit line is a sync/atomic 64-bit
// load or store; Go's atomics are sequentially consistent, which gives the
// release (header store) and acquire (header load) ordering the protocol
// needs.
type Ring struct {
	slots  int
	lines  []uint64 // slots × 8 words, line-aligned
	credit []uint64 // the consumer's credit line; word 0 is the count
	faults Faults
	iface  Interface
	batch  int      // doorbell: RPCs the producer writes before it rings
	reg    []uint64 // doorbell and MMIO: the NIC's register line (see Interface)
	prod   *Producer
	cons   *Consumer
	rec    *Recorder // nil: not recording (see Record)
	flow   int       // the flow index events carry
}

// NewRing allocates a ring with its own arena.
func NewRing(slots int, f Faults) (*Ring, error) {
	if slots < 1 {
		return nil, fmt.Errorf("ring: %d slots; need at least 1", slots)
	}
	return NewRingIn(NewArena(slots+1), slots, f)
}

// NewRingIn carves a coherent ring of `slots` slots and its credit line
// (slots+1 lines) out of the arena a.
func NewRingIn(a *Arena, slots int, f Faults) (*Ring, error) {
	return NewRingOpts(a, slots, Options{Faults: f})
}

// Options configure a ring beyond its size: its faults and how its
// producer hands RPCs to its consumer.
type Options struct {
	Faults    Faults
	Interface Interface
	// Batch is the doorbell producer's batch: it rings after writing
	// that many RPCs (Flush rings for fewer); 0 means 1, more than the
	// ring's slots means the slots. Other interfaces ignore it.
	Batch int
}

// Lines is how many arena lines a ring of `slots` slots with these
// options takes: the slots, the credit line and, for a doorbell or an
// MMIO window, the NIC's register line.
func (o Options) Lines(slots int) int {
	if o.Interface == Coherent {
		return slots + 1
	}
	return slots + 2
}

// NewRingOpts carves a ring of `slots` slots with options o out of the
// arena a (o.Lines(slots) lines).
func NewRingOpts(a *Arena, slots int, o Options) (*Ring, error) {
	if slots < 1 {
		return nil, fmt.Errorf("ring: %d slots; need at least 1", slots)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	mem, err := a.Alloc(o.Lines(slots))
	if err != nil {
		return nil, err
	}
	n := slots * slot.Words
	r := &Ring{slots: slots, lines: mem[:n], credit: mem[n : n+slot.Words], faults: o.Faults, iface: o.Interface, batch: min(max(o.Batch, 1), slots)}
	if o.Interface != Coherent {
		r.reg = mem[n+slot.Words:]
	}
	r.prod = newProducer(r)
	r.cons = newConsumer(r)
	return r, nil
}

// Slots is the ring's size.
func (r *Ring) Slots() int { return r.slots }

// Faults returns the faults the ring was built with.
func (r *Ring) Faults() Faults { return r.faults }

// Interface is how the ring's producer hands RPCs to its consumer.
func (r *Ring) Interface() Interface { return r.iface }

// Producer is the ring's one producer (the CPU on TX, the NIC on RX).
func (r *Ring) Producer() *Producer { return r.prod }

// Consumer is the ring's one consumer (the NIC's poller on TX, the host
// on RX).
func (r *Ring) Consumer() *Consumer { return r.cons }

// phase is the update_flag value of RPC k's lap.
func (r *Ring) phase(k uint64) uint8 { return uint8((k/uint64(r.slots) + 1) % 2) }

// line returns the eight words of a slot.
func (r *Ring) line(idx int) []uint64 {
	return r.lines[idx*slot.Words : (idx+1)*slot.Words : (idx+1)*slot.Words]
}

// Line loads a slot's words, each atomically (not the line as a whole);
// for tests and the abstraction.
func (r *Ring) Line(idx int) slot.Line {
	var l slot.Line
	w := r.line(idx)
	for i := range l {
		l[i] = atomic.LoadUint64(&w[i])
	}
	return l
}

// Credit loads the credit line: how many RPCs the consumer has published
// as consumed.
func (r *Ring) Credit() uint64 { return atomic.LoadUint64(&r.credit[0]) }

// Flow is one client object's or server thread's pair of rings, in one
// arena: TX (CPU to NIC) and RX (NIC to CPU).
type Flow struct {
	TX, RX *Ring
}

// NewFlow allocates a flow of coherent rings with `slots` slots each.
func NewFlow(slots int, tx, rx Faults) (*Flow, error) {
	return NewFlowOpts(slots, Options{Faults: tx}, Options{Faults: rx})
}

// NewFlowOpts allocates a flow whose rings have `slots` slots each and
// the given options. The RX ring is the NIC's to write, so its interface
// must be Coherent.
func NewFlowOpts(slots int, tx, rx Options) (*Flow, error) {
	if slots < 1 {
		return nil, fmt.Errorf("ring: %d slots; need at least 1", slots)
	}
	if rx.Interface != Coherent {
		return nil, fmt.Errorf("ring: an RX ring with interface %s: the interface is how the CPU hands RPCs to the NIC (TX only)", rx.Interface)
	}
	a := NewArena(tx.Lines(slots) + rx.Lines(slots))
	t, err := NewRingOpts(a, slots, tx)
	if err != nil {
		return nil, err
	}
	x, err := NewRingOpts(a, slots, rx)
	if err != nil {
		return nil, err
	}
	return &Flow{TX: t, RX: x}, nil
}
