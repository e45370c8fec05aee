package ring

import (
	"fmt"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// Store is one of the producer's stores to a slot, named as the ring
// model's actions are.
type Store uint8

// The producer's stores.
const (
	StoreNone   Store = iota // no RPC being written
	StoreHeader              // write-header: the header word (credit: with phase and valid)
	StoreArgs                // write-args: words 1..7
	StoreFence               // fence
	StoreValid               // write-valid: Dagger sets valid last
)

// String is the model's action name.
func (s Store) String() string {
	switch s {
	case StoreHeader:
		return "write-header"
	case StoreArgs:
		return "write-args"
	case StoreFence:
		return "fence"
	case StoreValid:
		return "write-valid"
	case StoreWindow:
		return "mmio-write"
	case StoreLo:
		return "mmio-write-lo"
	case StoreHi:
		return "mmio-write-hi"
	}
	return "-"
}

// Program orders of the producer's stores, as in model/ring.
var (
	creditOrder      = []Store{StoreArgs, StoreFence, StoreHeader}
	daggerOrder      = []Store{StoreHeader, StoreArgs, StoreFence, StoreValid}
	headerFirstOrder = []Store{StoreHeader, StoreFence, StoreArgs}
)

// validBit is the header word's valid bit.
const validBit = uint64(slot.CtlValid)

// lowHalf selects the header bytes of word 1 (fn_id's high byte, argl,
// c_id); the high half is args[0:4].
const lowHalf = 0xffff_ffff

// Producer writes RPCs into the ring, one store at a time. It has no
// goroutine of its own: Begin admits an RPC, then each store is a step
// (WriteArgs, Fence, WriteHeader, WriteValid in the ring's program order,
// or Step for whichever is next); Send does all of it.
//
// Only the producer writes the slots, so its read-modify-writes (Dagger's
// header and valid stores, which leave the other bits as they are) are a
// load and a store, not a compare-and-swap.
type Producer struct {
	r      *Ring
	order  []Store
	sent   uint64    // RPCs admitted: RPC number sent is the next one
	credit uint64    // the credit line as last loaded (it only grows)
	rung   uint64    // doorbell: RPCs announced by the last doorbell
	step   int       // index in order of the next store
	busy   bool      // an RPC is being written
	cur    slot.Line // its words, with its phase and valid = 1
	_      [LineSize]byte
}

func newProducer(r *Ring) *Producer {
	p := &Producer{r: r, order: creditOrder}
	switch {
	case r.iface == MMIO && r.faults.SplitStore:
		p.order = splitOrder
	case r.iface == MMIO:
		p.order = windowOrder
	case r.faults.DaggerStores:
		p.order = daggerOrder
	case r.faults.HeaderFirst:
		p.order = headerFirstOrder
	}
	return p
}

// Sent is the number of RPCs admitted so far.
func (p *Producer) Sent() uint64 { return p.sent }

// NextStore is the next store of the RPC being written, StoreNone when
// the producer is idle.
func (p *Producer) NextStore() Store {
	if !p.busy {
		return StoreNone
	}
	return p.order[p.step]
}

// Begin admits rpc as the next RPC, k = Sent(): with the credit protocol
// only while k < credit + slots, loading the credit line again when the
// credit last loaded does not admit it. It stores nothing in the slot; the
// stores follow as steps. A replay performs Begin and the first store
// together, as the model's first store.
//
// Errors: ErrRingFull (no credit; nothing changed), ErrTooLarge (argl over
// 52), ErrStepOrder (the previous RPC's stores are not finished, or a
// doorbell producer has a whole batch to announce first).
func (p *Producer) Begin(rpc slot.RPC) error {
	if p.busy {
		return fmt.Errorf("%w: begin while %s of RPC %d is pending", ErrStepOrder, p.order[p.step], p.sent-1)
	}
	if p.r.iface == Doorbell && p.sent-p.rung >= uint64(p.r.batch) {
		return fmt.Errorf("%w: begin with a batch of %d RPCs to announce (ring the doorbell first)", ErrStepOrder, p.r.batch)
	}
	if !p.admits() {
		return ErrRingFull
	}
	if rpc.Argl > slot.ArgsSize {
		return fmt.Errorf("%w: argl %d", slot.ErrTooLarge, rpc.Argl)
	}
	p.cur = rpc.Line(p.r.phase(p.sent), true)
	p.sent++
	p.step, p.busy = 0, true
	return nil
}

// admits is the admission rule; a stale credit only makes it refuse.
func (p *Producer) admits() bool {
	f := p.r.faults
	if f.NoCredit {
		return true
	}
	ahead := uint64(p.r.slots)
	if f.CreditOverrun {
		ahead++
	}
	// k < credit+ahead, written so that neither side can wrap: the sum
	// near 2^64, the difference when a faulty consumer's credit runs
	// ahead of what was sent (bugs phase-stuck, early-credit).
	admit := func() bool { return p.credit >= p.sent || p.sent-p.credit < ahead }
	if admit() {
		return true
	}
	p.credit = atomic.LoadUint64(&p.r.credit[0])
	return admit()
}

// WriteArgs stores words 1..7 of the RPC being written.
func (p *Producer) WriteArgs() error { return p.store(StoreArgs) }

// Fence orders the stores before it before the stores after it. Go's
// atomic stores are already sequentially consistent, so it stores
// nothing; the step is there so that a replay meets the model's fence.
func (p *Producer) Fence() error { return p.store(StoreFence) }

// WriteHeader stores the header word: with the credit protocol (and
// HeaderFirst) the whole word, valid = 1 included; with DaggerStores the
// header fields and update_flag, leaving valid as it is, and the header
// bytes of word 1.
func (p *Producer) WriteHeader() error { return p.store(StoreHeader) }

// WriteValid sets the valid bit (DaggerStores only).
func (p *Producer) WriteValid() error { return p.store(StoreValid) }

// Step performs whichever store is next and says which.
func (p *Producer) Step() (Store, error) {
	s := p.NextStore()
	if s == StoreNone {
		return s, fmt.Errorf("%w: no RPC being written", ErrStepOrder)
	}
	return s, p.store(s)
}

// Send admits rpc and performs all its stores. A doorbell producer rings
// after every batch, and not for a batch that is not full: the caller
// calls Flush when it has nothing more to send for now. (A full ring
// needs no doorbell: a batch is at most the ring, so when the ring is
// full every RPC but those of a whole batch, rung, has been announced.)
func (p *Producer) Send(rpc slot.RPC) error {
	if err := p.Begin(rpc); err != nil {
		return err
	}
	for p.busy {
		if _, err := p.Step(); err != nil {
			panic("ring: producer's own store order refused: " + err.Error())
		}
	}
	if p.r.iface == Doorbell && p.sent-p.rung >= uint64(p.r.batch) {
		p.Flush()
	}
	return nil
}

func (p *Producer) store(s Store) error {
	if next := p.NextStore(); next != s {
		return fmt.Errorf("%w: %s, but the producer's next store is %s", ErrStepOrder, s, next)
	}
	w := p.r.line(int((p.sent - 1) % uint64(p.r.slots)))
	dagger := p.r.faults.DaggerStores
	if rec := p.r.rec; rec != nil && p.step == len(p.order)-1 {
		// The store that makes the RPC visible, in one critical section
		// with its event: see Recorder.
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.events = append(rec.events, Event{Kind: EventSend, Flow: p.r.flow, Lines: []slot.Line{p.cur}})
	}
	switch s {
	case StoreWindow, StoreLo, StoreHi:
		p.storeWindow(s, w)
	case StoreArgs:
		for i := 1; i < slot.Words; i++ {
			atomic.StoreUint64(&w[i], p.cur[i])
		}
	case StoreHeader:
		if dagger {
			// The header bytes only: the valid bit keeps its value (1
			// from the last lap, after the first), and word 1 keeps the
			// old args[0:4].
			old := atomic.LoadUint64(&w[0])
			atomic.StoreUint64(&w[0], p.cur[0]&^validBit|old&validBit)
			old = atomic.LoadUint64(&w[1])
			atomic.StoreUint64(&w[1], old&^lowHalf|p.cur[1]&lowHalf)
		} else {
			atomic.StoreUint64(&w[0], p.cur[0])
		}
	case StoreValid:
		atomic.StoreUint64(&w[0], p.cur[0])
	}
	if p.step++; p.step == len(p.order) {
		p.step, p.busy = 0, false
	}
	return nil
}
