package nic

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
)

// Errors of the NIC. Every drop is a sentinel error and a counter.
var (
	// ErrConfig: the configuration is out of range.
	ErrConfig = errors.New("nic: bad configuration")
	// ErrMalformed: a packet that is not a valid 64-byte slot (wrong
	// length, reserved control bits, argl over 52); dropped, counted.
	ErrMalformed = errors.New("nic: malformed packet")
	// ErrUnknownConn: a connection id past the table; dropped, counted.
	ErrUnknownConn = errors.New("nic: unknown connection")
	// ErrConnClosed: a closed connection; dropped, counted.
	ErrConnClosed = errors.New("nic: connection closed")
	// ErrBufferFull: no free request buffer slot; dropped, counted.
	ErrBufferFull = errors.New("nic: request buffer full")
	// ErrFIFOFull: the chosen flow FIFO is full; dropped, counted (its
	// buffer slot freed, or leaked under LeakOnOverflow).
	ErrFIFOFull = errors.New("nic: flow FIFO full")
	// ErrBadFlow: the balancer chose a flow that does not exist (a user
	// function, a chooser, bug rr-wrap-late); dropped, slot freed,
	// counted.
	ErrBadFlow = errors.New("nic: balancer chose no such flow")
	// ErrRXFull: the scheduler's flow's RX ring has no room: back-pressure,
	// nothing popped, counted.
	ErrRXFull = errors.New("nic: RX ring full")
	// ErrBackPressure: the network cannot take an RPC now; the NIC holds
	// it and offers it again.
	ErrBackPressure = errors.New("nic: link busy (back-pressure)")
	// ErrIdle: the step has nothing to do (nothing pending, every FIFO
	// empty); nothing changed.
	ErrIdle = errors.New("nic: idle")
)

// Profile is the protocol the pipeline runs.
type Profile uint8

const (
	ProfileCredit Profile = iota // ours (docs/nic.md)
	ProfileDagger                // as published: DaggerFaults
)

func (p Profile) String() string {
	if p == ProfileDagger {
		return "dagger"
	}
	return "credit"
}

// LB is a load-balancing policy for requests.
type LB uint8

const (
	LBRoundRobin LB = iota // the default
	LBStatic
	LBRandom
	LBKeyHash
	LBFunc
)

var lbNames = []string{"round-robin", "static", "random", "key-hash", "func"}

func (lb LB) String() string {
	if int(lb) < len(lbNames) {
		return lbNames[lb]
	}
	return fmt.Sprintf("lb(%d)", uint8(lb))
}

// ParseLB reads a policy by the model's name.
func ParseLB(s string) (LB, error) {
	for i, n := range lbNames {
		if n == s {
			return LB(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown load balancer %q", ErrConfig, s)
}

// Defaults of Config, Dagger's.
const (
	DefaultConns     = 16
	DefaultBuffer    = 128
	DefaultFIFODepth = 8
	DefaultPollBatch = 4
	MaxFlows         = 64
	MaxConns         = 256 // c_id is one byte
)

// Config configures a NIC. Zero fields take the defaults named.
type Config struct {
	// Flows are the host flows, each a TX ring (host to NIC) and an RX
	// ring (NIC to host); 1..MaxFlows, each RX ring at least Batch slots.
	Flows []*ring.Flow
	// Conns is the connection table's size (DefaultConns, at most
	// MaxConns); connection c's home flow is c mod flows unless OpenOn
	// registered another.
	Conns int
	// OpenAll opens every connection at New (the model's initial state).
	OpenAll bool
	// Buffer is the request buffer's slots (DefaultBuffer).
	Buffer int
	// FIFODepth is each flow FIFO's depth (DefaultFIFODepth).
	FIFODepth int
	// Batch is the TX scheduler's burst: 1, 2 or 4 (default 1); at most
	// FIFODepth and Buffer.
	Batch int
	// PollBatch is the lines PollTX reads per sweep (DefaultPollBatch).
	PollBatch int
	// Interface is how the hosts hand RPCs to this NIC, impl/ring's
	// Interface: Coherent (the default; the sweeper polls the TX rings'
	// lines), Doorbell (it reads only the lines a doorbell announced,
	// up to PollBatch a sweep) or MMIO (it takes the window at each write
	// that arrived). Every flow's TX ring must be built with it.
	Interface ring.Interface
	// LB places requests (LBRoundRobin by default).
	LB LB
	// Pick is LBFunc's policy: the flow for a request (out of range:
	// ErrBadFlow).
	Pick func(rpc *slot.RPC, flows int) int
	// Key is LBKeyHash's key of a request; nil: the first argument byte
	// (0 with no arguments).
	Key func(rpc *slot.RPC) uint32
	// Choose is LBRandom's draw of a flow in 0..flows-1; nil: a PCG
	// seeded with Seed. Step mode passes its own to steer the choice.
	Choose func(flows int) int
	Seed   uint64
	// Profile is the protocol; ProfileDagger adds DaggerFaults to Faults.
	Profile Profile
	Faults  Faults
}

// Counters are the NIC's packet monitor: every drop and error, and what
// went through.
type Counters struct {
	Arrived          uint64 // RPCs decoded at ingress (drops included)
	Malformed        uint64 // packets that were not valid slots
	UnknownConn      uint64 // arrivals on a connection id past the table
	ClosedConn       uint64 // arrivals on a closed connection
	BufferFull       uint64 // arrivals with no free buffer slot
	FIFOOverflow     uint64 // balanced into a full FIFO (dropped)
	Leaked           uint64 // buffer slots leaked by those drops
	BadFlow          uint64 // balancer chose a flow that does not exist
	RXFull           uint64 // scheduler steps refused by a full RX ring
	ClosedAtSchedule uint64 // queued RPCs dropped, their connection closed
	Delivered        uint64 // RPCs written into RX rings
	Polled           uint64 // RPCs taken from TX rings
	Sent             uint64 // RPCs handed to the network
	TXMalformed      uint64 // TX ring lines that were not valid RPCs
	TXUnknownConn    uint64 // TX RPCs on a connection id past the table
	TXClosedConn     uint64 // TX RPCs on a closed connection
	TXHeld           uint64 // RPCs the network refused for now (held, resent)
	TXLinkErrors     uint64 // RPCs the network refused for good (dropped)
}

// String is a stable one-line description.
func (c Counters) String() string {
	return fmt.Sprintf("arrived=%d malformed=%d unknown-conn=%d closed-conn=%d buffer-full=%d fifo-overflow=%d leaked=%d bad-flow=%d rx-full=%d closed-at-schedule=%d delivered=%d polled=%d sent=%d tx-malformed=%d tx-unknown-conn=%d tx-closed-conn=%d tx-held=%d tx-link-errors=%d",
		c.Arrived, c.Malformed, c.UnknownConn, c.ClosedConn, c.BufferFull, c.FIFOOverflow, c.Leaked, c.BadFlow, c.RXFull,
		c.ClosedAtSchedule, c.Delivered, c.Polled, c.Sent, c.TXMalformed, c.TXUnknownConn, c.TXClosedConn, c.TXHeld, c.TXLinkErrors)
}

// Dropped is every RPC the NIC dropped (not the ones it holds).
func (c Counters) Dropped() uint64 {
	return c.Malformed + c.UnknownConn + c.ClosedConn + c.BufferFull + c.FIFOOverflow + c.BadFlow +
		c.ClosedAtSchedule + c.TXMalformed + c.TXUnknownConn + c.TXClosedConn + c.TXLinkErrors
}

// counters is Counters with atomic fields: the RX pipeline, the TX
// sweeper and readers on other goroutines share them.
type counters struct {
	arrived, malformed, unknownConn, closedConn, bufferFull, fifoOverflow, leaked, badFlow, rxFull,
	closedAtSchedule, delivered, polled, sent, txMalformed, txUnknownConn, txClosedConn, txHeld, txLinkErrors atomic.Uint64
}

// entry is one request buffer slot.
type entry struct {
	rpc slot.RPC
	key uint32
}

// fifo is a flow FIFO of buffer indices, a ring buffer.
type fifo struct {
	q          []uint16
	head, size int
}

func (f *fifo) at(i int) uint16 { return f.q[(f.head+i)%len(f.q)] }
func (f *fifo) full() bool      { return f.size == len(f.q) }
func (f *fifo) push(v uint16)   { f.q[(f.head+f.size)%len(f.q)] = v; f.size++ }
func (f *fifo) pop(k int)       { f.head = (f.head + k) % len(f.q); f.size -= k }

// NIC is the soft NIC as a step machine (see the package comment): it
// has no goroutine, calls nothing back, and returns what its steps want
// done (Outgoing, Ready). Its RX pipeline steps (Arrive, Ingress,
// Balance, Schedule, Pump, Ready, Advance, Room, Abstract) must be called
// from one goroutine at a time, and its TX steps (PollTX, PollFlow,
// Outgoing, Offered) from one goroutine at a time, possibly another; the
// control plane (Open, OpenOn, Close, IsOpen) and Counters may be called
// from any goroutine.
type NIC struct {
	cfg    Config
	faults Faults
	flows  []*ring.Flow
	txc    []*ring.Consumer // flow f's TX ring's consumer (the sweeper)
	rxp    []*ring.Producer // flow f's RX ring's producer (the scheduler)

	// The connection table: bit 0 open; bits 8..15 the registered flow
	// plus one (0: the home flow, conn mod flows). Loaded atomically by
	// the pipeline; ctl serialises the control plane's read-modify-write.
	ctl   sync.Mutex
	conns []atomic.Uint32

	// RX pipeline.
	buf     []entry
	free    []uint64 // bit i of word i/64: slot i is free
	nfree   int
	pending fifo // slots written and not yet balanced, oldest first
	fifos   []fifo
	rr      int
	ptr     int
	aged    []bool
	rng     *rand.Rand
	// Flows whose RX rings the scheduler wrote since the last Advance
	// (bit f): Ready's.
	delivered uint64

	// TX sweeper.
	txPtr int
	out   [][]slot.RPC // per flow, the outbox: RPCs for the wire, oldest first

	c counters
}

// New builds a NIC, or returns an error wrapping ErrConfig.
func New(cfg Config) (*NIC, error) {
	if cfg.Conns == 0 {
		cfg.Conns = DefaultConns
	}
	if cfg.Buffer == 0 {
		cfg.Buffer = DefaultBuffer
	}
	if cfg.FIFODepth == 0 {
		cfg.FIFODepth = DefaultFIFODepth
	}
	if cfg.Batch == 0 {
		cfg.Batch = 1
	}
	if cfg.PollBatch == 0 {
		cfg.PollBatch = DefaultPollBatch
	}
	nf := len(cfg.Flows)
	switch {
	case nf < 1 || nf > MaxFlows:
		return nil, fmt.Errorf("%w: %d flows, want 1..%d", ErrConfig, nf, MaxFlows)
	case cfg.Conns < 1 || cfg.Conns > MaxConns:
		return nil, fmt.Errorf("%w: conns=%d, want 1..%d", ErrConfig, cfg.Conns, MaxConns)
	case cfg.Buffer < 1 || cfg.Buffer > 1<<16:
		return nil, fmt.Errorf("%w: buffer=%d, want 1..65536", ErrConfig, cfg.Buffer)
	case cfg.FIFODepth < 1 || cfg.FIFODepth > 1<<16:
		return nil, fmt.Errorf("%w: fifo=%d, want 1..65536", ErrConfig, cfg.FIFODepth)
	case cfg.Batch != 1 && cfg.Batch != 2 && cfg.Batch != 4:
		return nil, fmt.Errorf("%w: batch=%d, want 1, 2 or 4", ErrConfig, cfg.Batch)
	case cfg.Batch > cfg.FIFODepth || cfg.Batch > cfg.Buffer:
		return nil, fmt.Errorf("%w: batch=%d must fit in a FIFO (fifo=%d) and the buffer (buffer=%d)", ErrConfig, cfg.Batch, cfg.FIFODepth, cfg.Buffer)
	case cfg.PollBatch < 1:
		return nil, fmt.Errorf("%w: poll batch %d, want at least 1", ErrConfig, cfg.PollBatch)
	case cfg.LB > LBFunc:
		return nil, fmt.Errorf("%w: load balancer %s", ErrConfig, cfg.LB)
	case cfg.LB == LBFunc && cfg.Pick == nil:
		return nil, fmt.Errorf("%w: lb=func needs Config.Pick", ErrConfig)
	}
	for i, f := range cfg.Flows {
		if f == nil || f.TX == nil || f.RX == nil {
			return nil, fmt.Errorf("%w: flow %d has no rings", ErrConfig, i)
		}
		if f.TX.Interface() != cfg.Interface {
			return nil, fmt.Errorf("%w: flow %d's TX ring has interface %s, the NIC's is %s", ErrConfig, i, f.TX.Interface(), cfg.Interface)
		}
		if f.RX.Slots() < cfg.Batch {
			return nil, fmt.Errorf("%w: flow %d's RX ring has %d slots, fewer than batch=%d", ErrConfig, i, f.RX.Slots(), cfg.Batch)
		}
	}
	n := &NIC{cfg: cfg, faults: cfg.Faults, flows: cfg.Flows}
	for _, f := range cfg.Flows {
		n.txc = append(n.txc, f.TX.Consumer())
		n.rxp = append(n.rxp, f.RX.Producer())
	}
	if cfg.Profile == ProfileDagger {
		n.faults = n.faults.or(DaggerFaults)
	}
	n.conns = make([]atomic.Uint32, cfg.Conns)
	if cfg.OpenAll {
		for i := range n.conns {
			n.conns[i].Store(1)
		}
	}
	n.buf = make([]entry, cfg.Buffer)
	n.free = make([]uint64, (cfg.Buffer+63)/64)
	for i := range cfg.Buffer {
		n.free[i/64] |= 1 << (i % 64)
	}
	n.nfree = cfg.Buffer
	n.pending = fifo{q: make([]uint16, cfg.Buffer)}
	n.fifos = make([]fifo, nf)
	for f := range n.fifos {
		n.fifos[f] = fifo{q: make([]uint16, cfg.FIFODepth)}
	}
	n.aged = make([]bool, nf)
	n.out = make([][]slot.RPC, nf)
	for f := range n.out {
		n.out[f] = make([]slot.RPC, 0, cfg.PollBatch)
	}
	if cfg.Choose == nil {
		n.rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	}
	return n, nil
}

// Config returns the configuration, defaults filled in.
func (n *NIC) Config() Config { return n.cfg }

// Faults returns the faults in force (the profile's included).
func (n *NIC) Faults() Faults { return n.faults }

// Flows is the number of host flows.
func (n *NIC) Flows() int { return len(n.flows) }

// Flow returns host flow f's rings.
func (n *NIC) Flow(f int) *ring.Flow { return n.flows[f] }

// Counters returns a snapshot of the packet monitor.
func (n *NIC) Counters() Counters {
	c := &n.c
	return Counters{
		Arrived: c.arrived.Load(), Malformed: c.malformed.Load(), UnknownConn: c.unknownConn.Load(),
		ClosedConn: c.closedConn.Load(), BufferFull: c.bufferFull.Load(), FIFOOverflow: c.fifoOverflow.Load(),
		Leaked: c.leaked.Load(), BadFlow: c.badFlow.Load(), RXFull: c.rxFull.Load(),
		ClosedAtSchedule: c.closedAtSchedule.Load(), Delivered: c.delivered.Load(), Polled: c.polled.Load(),
		Sent: c.sent.Load(), TXMalformed: c.txMalformed.Load(), TXUnknownConn: c.txUnknownConn.Load(),
		TXClosedConn: c.txClosedConn.Load(), TXHeld: c.txHeld.Load(), TXLinkErrors: c.txLinkErrors.Load(),
	}
}

// takeFree takes the lowest free buffer slot (the model's free list).
func (n *NIC) takeFree() (int, bool) {
	for w, word := range n.free {
		if word != 0 {
			b := bits.TrailingZeros64(word)
			n.free[w] &^= 1 << b
			n.nfree--
			return w*64 + b, true
		}
	}
	return 0, false
}

// release returns a buffer slot to the free list.
func (n *NIC) release(slot int) {
	n.buf[slot] = entry{}
	n.free[slot/64] |= 1 << (slot % 64)
	n.nfree++
}

// Room is how many arrivals the pipeline can take now with no drop
// whatever the balancer chooses: free buffer slots, and room in the
// fullest FIFO for every RPC pending balance. A driver takes no more
// than Room from the network, so that a slow host stops the network (the
// reliable transport resends; the loopback's ring fills) instead of the
// NIC dropping RPCs it has already accepted.
func (n *NIC) Room() int {
	room := n.nfree
	for f := range n.fifos {
		room = min(room, len(n.fifos[f].q)-n.fifos[f].size)
	}
	return max(room-n.pending.size, 0)
}

// Pending is how many arrived RPCs wait for the balancer.
func (n *NIC) Pending() int { return n.pending.size }

// Ready is what the NIC's RX steps have left for its driver to carry
// out (raft's Ready): the flows whose RX rings the scheduler wrote (bit
// f), whose host threads may be parked. The TX side's is each flow's
// outbox (Outgoing).
type Ready struct {
	Delivered uint64
}

// String is a stable one-line description: "delivered=0,2" (the flows),
// or "delivered=-".
func (rd Ready) String() string {
	var b strings.Builder
	b.WriteString("delivered=")
	if rd.Delivered == 0 {
		b.WriteString("-")
	}
	for d, first := rd.Delivered, true; d != 0; d &= d - 1 {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.Itoa(bits.TrailingZeros64(d)))
	}
	return b.String()
}

// Ready returns what the RX steps have left to carry out since the last
// Advance.
func (n *NIC) Ready() Ready { return Ready{Delivered: n.delivered} }

// Advance acknowledges rd: the driver has carried it out.
func (n *NIC) Advance(rd Ready) { n.delivered &^= rd.Delivered }

// Queued is how many RPCs wait in flow FIFOs.
func (n *NIC) Queued() int {
	q := 0
	for f := range n.fifos {
		q += n.fifos[f].size
	}
	return q
}
