package ring

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// Interface is how the CPU hands a TX ring's RPCs to the NIC: the three
// host–NIC interfaces of Dagger (model/ring's `interface` parameter).
//
//   - Coherent: the NIC polls the ring's lines over the coherent
//     interconnect and judges each by its header word (PollLine, Process).
//   - Doorbell: the host writes a batch of slots as it would for a
//     coherent ring, then one doorbell store — the number of RPCs written
//     so far — into the NIC's register line; the NIC waits on that
//     register and never polls the lines: it reads (DMARead) only the
//     lines a doorbell announced, and takes them whatever their header
//     says.
//   - MMIO: the ring is a window of lines the NIC owns; the host writes
//     each RPC's whole line into the window, then counts the write on the
//     register line (a write arriving at the NIC). Every write that
//     arrives makes the NIC take the window's line (TakeWindow). With
//     SplitStore, Dagger's split 64-byte store, the line is written in
//     two 32-byte halves that arrive separately, so the NIC can take a
//     window whose halves belong to two RPCs.
//
// Credits (the credit line) work the same on all three; with Doorbell
// and MMIO they are the only thing that keeps the host from rewriting a
// line the NIC has not taken.
type Interface uint8

const (
	Coherent Interface = iota
	Doorbell
	MMIO
)

var interfaceNames = []string{"coherent", "doorbell", "mmio"}

// String is model/ring's name: "coherent", "doorbell", "mmio".
func (i Interface) String() string {
	if int(i) < len(interfaceNames) {
		return interfaceNames[i]
	}
	return fmt.Sprintf("interface(%d)", uint8(i))
}

// ParseInterface reads an interface by model/ring's name.
func ParseInterface(s string) (Interface, error) {
	for i, n := range interfaceNames {
		if n == s {
			return Interface(i), nil
		}
	}
	return 0, fmt.Errorf("ring: unknown interface %q (want coherent, doorbell or mmio)", s)
}

// check rejects options whose faults the interface has no place for.
func (o Options) check() error {
	f := o.Faults
	if err := f.check(); err != nil {
		return err
	}
	if o.Interface > MMIO {
		return fmt.Errorf("ring: %s", o.Interface)
	}
	if o.Batch < 0 {
		return fmt.Errorf("ring: doorbell batch %d", o.Batch)
	}
	if f.SplitStore && o.Interface != MMIO {
		return fmt.Errorf("ring: fault split-store splits the MMIO store; interface %s", o.Interface)
	}
	if o.Interface == Coherent {
		return nil
	}
	// Behind a doorbell or in an MMIO window the NIC judges no line, so
	// the poller's and the RX host's faults have nothing to mutate.
	poller := Faults{SeenBits: f.SeenBits, LateSeen: f.LateSeen, EarlyCredit: f.EarlyCredit, IgnorePhase: f.IgnorePhase,
		RxIDFreshness: f.RxIDFreshness, SkipRecheck: f.SkipRecheck, RxEarlyCredit: f.RxEarlyCredit}
	if o.Interface == MMIO {
		poller.DaggerStores, poller.HeaderFirst = f.DaggerStores, f.HeaderFirst
	}
	if poller != (Faults{}) {
		return fmt.Errorf("ring: faults %s mutate the coherent ring, not interface %s", poller, o.Interface)
	}
	return nil
}

// Stores of the MMIO producer.
const (
	StoreWindow Store = iota + StoreValid + 1 // mmio-write: the whole line, then its arrival
	StoreLo                                   // mmio-write-lo: words 0..3 (SplitStore), then its arrival
	StoreHi                                   // mmio-write-hi: words 4..7 (SplitStore), then its arrival
)

// Program orders of the MMIO producer.
var (
	windowOrder = []Store{StoreWindow}
	splitOrder  = []Store{StoreLo, StoreHi}
)

// halfWords is the words of a 32-byte half line.
const halfWords = slot.Words / 2

// storeWindow performs an MMIO store s of p.cur into window line w and
// counts its arrival on the register line.
func (p *Producer) storeWindow(s Store, w []uint64) {
	switch s {
	case StoreWindow:
		// One 64-byte store on hardware. The NIC reads the window only
		// after the arrival below, and (with credits) the host rewrites a
		// window line only after the NIC took it, so word-by-word stores
		// are never seen half done.
		for i := 1; i < slot.Words; i++ {
			atomic.StoreUint64(&w[i], p.cur[i])
		}
		atomic.StoreUint64(&w[0], p.cur[0])
	case StoreLo:
		for i := range halfWords {
			atomic.StoreUint64(&w[i], p.cur[i])
		}
	case StoreHi:
		for i := halfWords; i < slot.Words; i++ {
			atomic.StoreUint64(&w[i], p.cur[i])
		}
	}
	// Only the producer writes the register line.
	atomic.StoreUint64(&p.r.reg[0], atomic.LoadUint64(&p.r.reg[0])+1)
}

// Unrung is how many RPCs the doorbell producer has written and not yet
// announced; 0 on other interfaces.
func (p *Producer) Unrung() uint64 {
	if p.r.iface != Doorbell {
		return 0
	}
	return p.sent - p.rung
}

// RingDoorbell is the doorbell step (model/ring's doorbell): one store of
// the number of RPCs written into the NIC's register line, announcing
// those written since the last. ErrStepOrder on another interface, while
// an RPC's stores are pending, or with nothing to announce.
func (p *Producer) RingDoorbell() error {
	switch {
	case p.r.iface != Doorbell:
		return fmt.Errorf("%w: a doorbell on a ring with interface %s", ErrStepOrder, p.r.iface)
	case p.busy:
		return fmt.Errorf("%w: doorbell while %s of RPC %d is pending", ErrStepOrder, p.order[p.step], p.sent-1)
	case p.sent == p.rung:
		return fmt.Errorf("%w: doorbell with no RPC written since the last", ErrStepOrder)
	}
	p.rung = p.sent
	atomic.StoreUint64(&p.r.reg[0], p.rung)
	return nil
}

// Flush rings the doorbell if RPCs written wait for one and none is being
// written, and reports whether it rang; a no-op on other interfaces. A
// doorbell producer that batches calls it whenever it has nothing more to
// send for now, so that the last RPCs of a burst do not wait for a batch
// that never fills.
func (p *Producer) Flush() bool {
	if p.r.iface != Doorbell || p.busy || p.sent == p.rung {
		return false
	}
	p.rung = p.sent
	atomic.StoreUint64(&p.r.reg[0], p.rung)
	return true
}

// announced is how many RPCs (doorbell) or writes (MMIO) the register
// line says there are, loaded again only when the consumer has caught up
// with what it last loaded: the NIC waits on its register, not on the
// lines.
func (c *Consumer) announced() uint64 {
	if c.next >= c.ann {
		c.ann = atomic.LoadUint64(&c.r.reg[0])
	}
	return c.ann
}

// DMARead is the doorbell NIC's step (model/ring's dma-read): if a
// doorbell announced RPCs it has not read, it reads the line at its
// position — every word, no re-check, whatever the header says: the
// doorbell, not a flag, says the line is new — and takes it. ErrEmpty
// when nothing announced is unread; ErrStepOrder on another interface. A
// line whose bytes are not an RPC is taken, counted (Malformed) and
// reported.
func (c *Consumer) DMARead() (slot.RPC, error) {
	var rpc slot.RPC
	if c.r.iface != Doorbell {
		return rpc, fmt.Errorf("%w: dma-read on a ring with interface %s", ErrStepOrder, c.r.iface)
	}
	err := c.fetch(&rpc)
	return rpc, err
}

// TakeWindow is the MMIO NIC's step (model/ring's mmio-take): if a write
// arrived that it has not answered, it takes the window line as it is
// now. ErrEmpty when no write is waiting; ErrStepOrder on another
// interface.
func (c *Consumer) TakeWindow() (slot.RPC, error) {
	var rpc slot.RPC
	if c.r.iface != MMIO {
		return rpc, fmt.Errorf("%w: mmio-take on a ring with interface %s", ErrStepOrder, c.r.iface)
	}
	err := c.fetch(&rpc)
	return rpc, err
}

// fetch is DMARead and TakeWindow: the next announced line, taken.
func (c *Consumer) fetch(dst *slot.RPC) error {
	if c.next >= c.announced() {
		return ErrEmpty
	}
	idx := c.fetchSlot()
	w := c.r.line(idx)
	var l slot.Line
	for i := range l {
		l[i] = atomic.LoadUint64(&w[i])
	}
	c.next++
	if c.r.rec != nil {
		c.r.rec.add(Event{Kind: EventTake, Flow: c.r.flow, Lines: []slot.Line{l}})
	}
	if err := l.DecodeInto(dst); err != nil {
		c.malformed++
		*dst = slot.RPC{}
		return fmt.Errorf("slot %d: %w", idx, err)
	}
	return nil
}

// fetchSlot is the line of the consumer's next fetch: the RPC's slot, or
// with SplitStore, where every RPC arrives as two writes, the slot of the
// RPC the next write belongs to.
func (c *Consumer) fetchSlot() int {
	n := c.next
	if c.r.faults.SplitStore {
		n /= 2
	}
	return int(n % uint64(c.r.slots))
}

// pollFetch is Poll on a doorbell or MMIO ring: up to batch fetches.
func (c *Consumer) pollFetch(batch int, dst []slot.RPC) ([]slot.RPC, error) {
	var errs []error
	took := 0
	for range max(batch, 1) {
		dst = append(dst, slot.RPC{})
		err := c.fetch(&dst[len(dst)-1])
		if err != nil {
			dst = dst[:len(dst)-1]
			if err == ErrEmpty {
				break
			}
			errs = append(errs, err)
			continue
		}
		took++
	}
	c.ReturnCredit()
	if len(errs) > 0 {
		return dst, errors.Join(errs...)
	}
	if took == 0 {
		return dst, ErrEmpty
	}
	return dst, nil
}
