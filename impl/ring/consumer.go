package ring

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// Load is the host's next load of the line at its position.
type Load uint8

// The host's loads, named as in model/ring's trace output (host.load).
const (
	LoadHeader  Load = iota // next: the header word (idle)
	LoadArgs                // next: the arguments
	LoadRecheck             // next: the header word again
)

// String: "header", "args", "recheck".
func (l Load) String() string {
	switch l {
	case LoadArgs:
		return "args"
	case LoadRecheck:
		return "recheck"
	}
	return "header"
}

// polled is one line the poller read, and where from.
type polled struct {
	slot int
	line slot.Line
}

// Consumer takes RPCs out of the ring. It has no goroutine of its own and
// offers two ways to read, each as explicit steps:
//
//   - the NIC poller's (TX): PollLine(slot) snapshots a line — header word,
//     arguments, header word again, repeated until the header holds still —
//     into the poll buffer, and Process judges the buffered lines, takes
//     the fresh ones in ring order and advances next; Poll does a batch;
//   - the host's (RX): LoadHeader, LoadArgs, Recheck on the line at next;
//     Receive runs them (and Take, which leaves the credit to the caller).
//
// ReturnCredit publishes next on the credit line; Receive and Poll do it
// after copying. The consumer's invariant (which the EarlyCredit and
// RxEarlyCredit faults break on purpose): next only counts RPCs whose
// words it holds, copied out, so the credit it returns never frees a slot
// it still has to read.
type Consumer struct {
	r        *Ring
	next     uint64 // RPCs consumed
	returned uint64 // the credit line's value: only the consumer stores it
	read     []polled
	// SeenBits: Dagger's per-slot seen bits; with LateSeen the writes of
	// the last Process not yet landed (-1: none).
	seen     []uint8
	pendSeen []int8
	// LateSeen with the credit protocol: consumed count not yet landed.
	pendNext int64
	// RxIDFreshness: the last rpc_id consumed in each slot.
	lastID []uint32
	haveID []bool
	// The host's loads of the line at next.
	load Load
	got  slot.Line
	// Doorbell and MMIO: the register line as last loaded.
	ann uint64
	// Lines consumed whose bytes were not a valid RPC (counted, dropped).
	malformed uint64
	_         [LineSize]byte
}

func newConsumer(r *Ring) *Consumer {
	c := &Consumer{r: r}
	if r.faults.SeenBits {
		c.seen = make([]uint8, r.slots)
		c.pendSeen = make([]int8, r.slots)
		for i := range c.pendSeen {
			c.pendSeen[i] = -1
		}
	}
	if r.faults.RxIDFreshness {
		c.lastID = make([]uint32, r.slots)
		c.haveID = make([]bool, r.slots)
	}
	return c
}

// Next is the number of RPCs consumed.
func (c *Consumer) Next() uint64 { return c.next }

// Malformed counts the lines consumed and dropped because their bytes were
// not a valid RPC.
func (c *Consumer) Malformed() uint64 { return c.malformed }

// fresh is the consumer's freshness test for header word h in slot idx, when
// the line is the one expected at position pos.
func (c *Consumer) fresh(idx int, h slot.HeaderWord, pos uint64) bool {
	if !h.Valid() {
		return false
	}
	f := c.r.faults
	switch {
	case f.SeenBits:
		return h.Flag() != c.seen[idx]
	case f.RxIDFreshness:
		return !c.haveID[idx] || c.lastID[idx] != h.RPCID()
	case f.IgnorePhase:
		return true
	}
	return h.Flag() == c.r.phase(pos)
}

// took does the per-slot bookkeeping of taking the line with header h
// (next is the caller's).
func (c *Consumer) took(idx int, h slot.HeaderWord) {
	if c.r.faults.RxIDFreshness {
		c.lastID[idx], c.haveID[idx] = h.RPCID(), true
	}
	if c.r.faults.SeenBits && !c.r.faults.LateSeen {
		c.seen[idx] = h.Flag()
	}
}

// storeCredit publishes n on the credit line.
func (c *Consumer) storeCredit(n uint64) {
	if rec := c.r.rec; rec != nil {
		// The store that publishes it, in one critical section with its
		// event: see Recorder.
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.events = append(rec.events, Event{Kind: EventCredit, Flow: c.r.flow, Credit: n})
	}
	c.returned = n
	atomic.StoreUint64(&c.r.credit[0], n)
}

// ReturnCredit publishes next on the credit line if it is ahead of what
// was published, and reports whether it stored.
func (c *Consumer) ReturnCredit() bool {
	if c.returned >= c.next {
		return false
	}
	c.storeCredit(c.next)
	return true
}

// snapshot reads a slot: the header word, words 1..7, and (unless
// SkipRecheck) the header word again, starting over while it changes.
// Starting over is lock-free: the header changes only when the producer
// completes a store, and under credits it can store into a slot the
// consumer has not consumed at most once.
func (c *Consumer) snapshot(idx int) slot.Line {
	w := c.r.line(idx)
	var l slot.Line
	for {
		l[0] = atomic.LoadUint64(&w[0])
		for i := 1; i < slot.Words; i++ {
			l[i] = atomic.LoadUint64(&w[i])
		}
		if c.r.faults.SkipRecheck || atomic.LoadUint64(&w[0]) == l[0] {
			return l
		}
	}
}

// PollLine reads the line of slot idx into the poll buffer (the model's poll-line)
// and returns the snapshot. With EarlyCredit a fresh line at the credit
// position has its credit returned at once.
func (c *Consumer) PollLine(idx int) (slot.Line, error) {
	if idx < 0 || idx >= c.r.slots {
		return slot.Line{}, fmt.Errorf("ring: poll of slot %d; the ring has slots 0..%d", idx, c.r.slots-1)
	}
	if c.load != LoadHeader {
		return slot.Line{}, fmt.Errorf("%w: poll while the host's %s load is pending", ErrStepOrder, c.load)
	}
	if err := c.polls("poll-line"); err != nil {
		return slot.Line{}, err
	}
	l := c.snapshot(idx)
	if c.r.faults.EarlyCredit {
		cr := c.returned
		if h := l.Header(); idx == int(cr%uint64(c.r.slots)) && h.Valid() && h.Flag() == c.r.phase(cr) {
			c.storeCredit(cr + 1)
		}
	}
	c.read = append(c.read, polled{idx, l})
	return l, nil
}

// Process judges the lines polled since the last Process, in the order
// they were read, appends the RPCs it takes to dst and empties the poll
// buffer (the model's process). The credit protocol takes a line when it
// is the slot at the consumer's position, valid, with the position's
// phase, and moves the position on; SeenBits takes each line that is valid
// with a flag other than its slot's seen bit. LateSeen makes this Process's
// bookkeeping land only after the next Process's look-ups.
//
// A line taken whose bytes are not a valid RPC is counted (Malformed) and
// dropped; the error returned joins them. The RPCs taken are still in dst.
func (c *Consumer) Process(dst []slot.RPC) ([]slot.RPC, error) {
	if err := c.polls("process"); err != nil {
		return dst, err
	}
	var errs []error
	var taken []slot.Line // recorded lines, when recording
	take := func(p *polled) {
		if c.r.rec != nil {
			taken = append(taken, p.line)
		}
		dst = append(dst, slot.RPC{})
		if err := p.line.DecodeInto(&dst[len(dst)-1]); err != nil {
			c.malformed++
			dst = dst[:len(dst)-1]
			errs = append(errs, fmt.Errorf("slot %d: %w", p.slot, err))
		}
	}
	f := c.r.faults
	if f.SeenBits {
		var upd []int8
		if f.LateSeen {
			upd = make([]int8, c.r.slots)
			for i := range upd {
				upd[i] = -1
			}
		}
		for i := range c.read {
			p := &c.read[i]
			h := p.line.Header()
			if !c.fresh(p.slot, h, 0) {
				continue
			}
			take(p)
			c.next++
			c.took(p.slot, h)
			if upd != nil {
				upd[p.slot] = int8(h.Flag())
			}
		}
		if upd != nil {
			c.landSeen()
			c.pendSeen = upd
		}
	} else {
		cur := c.next
		for i := range c.read {
			p := &c.read[i]
			h := p.line.Header()
			if p.slot != int(cur%uint64(c.r.slots)) || !c.fresh(p.slot, h, cur) {
				continue
			}
			take(p)
			cur++
			c.took(p.slot, h)
		}
		if f.LateSeen {
			// As the model: land the last Process's count, then leave
			// this one's increment pending.
			c.next = uint64(int64(c.next) + c.pendNext)
			c.pendNext = int64(cur) - int64(c.next)
		} else {
			c.next = cur
		}
	}
	c.read = c.read[:0]
	if len(taken) > 0 {
		c.r.rec.add(Event{Kind: EventTake, Flow: c.r.flow, Lines: taken})
	}
	return dst, errors.Join(errs...)
}

// polls refuses a poller's or host's step on a ring whose NIC does not
// poll its lines (doorbell, MMIO).
func (c *Consumer) polls(step string) error {
	if c.r.iface != Coherent {
		return fmt.Errorf("%w: %s on a ring with interface %s (the NIC does not poll it)", ErrStepOrder, step, c.r.iface)
	}
	return nil
}

// LandLate applies the bookkeeping a LateSeen Process left pending (its
// seen-bit writes, or its consumed count), as the ring's next Process
// would. A NIC that processes several rings in one pipeline — Dagger's,
// with one seen-bit table for every flow — calls it on the other rings'
// consumers when it processes one ring's batch: the late write lands one
// Process later, whichever ring that Process is for (model/ring's
// pending-seen is the NIC's, not a ring's).
func (c *Consumer) LandLate() {
	c.landSeen()
	if c.pendNext != 0 {
		c.next = uint64(int64(c.next) + c.pendNext)
		c.pendNext = 0
	}
}

// landSeen applies the seen-bit writes of the previous Process.
func (c *Consumer) landSeen() {
	for i, v := range c.pendSeen {
		if v >= 0 {
			c.seen[i] = uint8(v)
			c.pendSeen[i] = -1
		}
	}
}

// Poll reads up to batch lines from the consumer's position (wrapping round
// the ring; it stops after a line that is not fresh, unless the ring judges
// lines on their own with SeenBits), processes them, appends what it takes
// to dst and returns the credit: one NIC poll. ErrEmpty when it takes
// nothing. On a doorbell ring it reads up to batch announced lines
// (DMARead), on an MMIO ring it answers up to batch arrived writes
// (TakeWindow).
func (c *Consumer) Poll(batch int, dst []slot.RPC) ([]slot.RPC, error) {
	if len(c.read) != 0 || c.load != LoadHeader {
		return dst, fmt.Errorf("%w: poll with steps of another read pending", ErrStepOrder)
	}
	if c.r.iface != Coherent {
		return c.pollFetch(batch, dst)
	}
	batch = min(max(batch, 1), c.r.slots)
	start := int(c.next % uint64(c.r.slots))
	for j := range batch {
		idx := (start + j) % c.r.slots
		l, err := c.PollLine(idx)
		if err != nil {
			return dst, err
		}
		// Taking lines in ring order, Process takes nothing after the
		// first line that is not fresh at its position: reading further
		// would only pull lines away from a producer storing into them.
		if !c.r.faults.SeenBits && !c.fresh(idx, l.Header(), c.next+uint64(j)) {
			break
		}
	}
	n := len(dst)
	dst, err := c.Process(dst)
	c.ReturnCredit()
	if err == nil && len(dst) == n {
		err = ErrEmpty
	}
	return dst, err
}

// LoadHeader loads the header word of the slot at the consumer's position
// (acquire). ErrEmpty when the line is not fresh, which changes nothing
// (the host polls again). With RxEarlyCredit a fresh header has its credit
// returned at once.
func (c *Consumer) LoadHeader() error {
	if c.load != LoadHeader || len(c.read) != 0 {
		return fmt.Errorf("%w: load-header, but the host's next load is %s", ErrStepOrder, c.load)
	}
	if err := c.polls("load-header"); err != nil {
		return err
	}
	idx := int(c.next % uint64(c.r.slots))
	h := slot.HeaderWord(atomic.LoadUint64(&c.r.line(idx)[0]))
	if !c.fresh(idx, h, c.next) {
		return ErrEmpty
	}
	c.got = slot.Line{0: uint64(h)}
	c.load = LoadArgs
	if c.r.faults.RxEarlyCredit && c.returned <= c.next {
		c.storeCredit(c.next + 1)
	}
	return nil
}

// LoadArgs copies words 1..7 of the line. With SkipRecheck it takes the
// line now (took reports true and rpc is the RPC); otherwise the Recheck
// follows.
func (c *Consumer) LoadArgs() (rpc slot.RPC, took bool, err error) {
	took, err = c.loadArgs(&rpc)
	return rpc, took, err
}

func (c *Consumer) loadArgs(dst *slot.RPC) (bool, error) {
	if c.load != LoadArgs {
		return false, fmt.Errorf("%w: load-args, but the host's next load is %s", ErrStepOrder, c.load)
	}
	w := c.r.line(int(c.next % uint64(c.r.slots)))
	for i := 1; i < slot.Words; i++ {
		c.got[i] = atomic.LoadUint64(&w[i])
	}
	if c.r.faults.SkipRecheck {
		return c.take(dst)
	}
	c.load = LoadRecheck
	return false, nil
}

// Recheck loads the header word again: unchanged, the copy is the RPC and
// the line is taken; changed, the copy is discarded (took is false) and
// the host starts over with LoadHeader.
func (c *Consumer) Recheck() (rpc slot.RPC, took bool, err error) {
	took, err = c.recheck(&rpc)
	return rpc, took, err
}

func (c *Consumer) recheck(dst *slot.RPC) (bool, error) {
	if c.load != LoadRecheck {
		return false, fmt.Errorf("%w: recheck, but the host's next load is %s", ErrStepOrder, c.load)
	}
	h := atomic.LoadUint64(&c.r.line(int(c.next % uint64(c.r.slots)))[0])
	if h != c.got[0] {
		c.load, c.got = LoadHeader, slot.Line{}
		return false, nil
	}
	return c.take(dst)
}

// take consumes the copied line at the consumer's position into dst.
func (c *Consumer) take(dst *slot.RPC) (bool, error) {
	idx := int(c.next % uint64(c.r.slots))
	c.took(idx, c.got.Header())
	c.next++
	if c.r.rec != nil {
		c.r.rec.add(Event{Kind: EventTake, Flow: c.r.flow, Lines: []slot.Line{c.got}})
	}
	err := c.got.DecodeInto(dst)
	c.load = LoadHeader
	if err != nil {
		c.malformed++
		*dst = slot.RPC{}
		return false, fmt.Errorf("slot %d: %w", idx, err)
	}
	return true, nil
}

// Receive takes the RPC at the consumer's position — LoadHeader, LoadArgs,
// Recheck, starting over if the line changed — and returns the credit.
// ErrEmpty when nothing fresh is there.
func (c *Consumer) Receive() (rpc slot.RPC, err error) {
	err = c.TakeInto(&rpc)
	c.ReturnCredit()
	return rpc, err
}

// Take is Receive without returning the credit: the caller returns it
// with ReturnCredit when it likes (after a batch, or when the ring is
// empty), which saves the credit line a trip between the caches per RPC.
// Credit returned late only makes the producer wait.
func (c *Consumer) Take() (rpc slot.RPC, err error) {
	err = c.TakeInto(&rpc)
	return rpc, err
}

// TakeInto is Take writing the RPC into *dst (untouched on ErrEmpty).
// On a doorbell or MMIO ring it is DMARead or TakeWindow.
func (c *Consumer) TakeInto(dst *slot.RPC) error {
	if c.r.iface != Coherent {
		return c.fetch(dst)
	}
	for {
		if err := c.LoadHeader(); err != nil {
			return err
		}
		took, err := c.loadArgs(dst)
		if !took && err == nil && c.load == LoadRecheck {
			took, err = c.recheck(dst)
		}
		if err != nil || took {
			return err
		}
	}
}

// Unreturned is how many consumed RPCs' credit has not been returned.
func (c *Consumer) Unreturned() uint64 { return c.next - min(c.returned, c.next) }
