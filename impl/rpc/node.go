package rpc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/wake"
)

// Errors of the RPC layer. Expected conditions are sentinel errors that
// callers test with errors.Is.
var (
	// ErrTooLarge: arguments (or a handler's result) over one slot's 52
	// bytes; nothing was sent. It also matches slot.ErrTooLarge.
	ErrTooLarge = fmt.Errorf("rpc: %w (fragmentation is not supported)", slot.ErrTooLarge)
	// ErrBusy: no room now — the flow's TX ring is full, or the client has
	// MaxInFlight calls outstanding. Retry after some completions.
	ErrBusy = errors.New("rpc: busy (TX ring full or too many calls in flight)")
	// ErrRemote: the handler returned an error; its message follows.
	ErrRemote = errors.New("rpc: handler failed")
	// ErrUnknownFn: the server has no handler for the function id.
	ErrUnknownFn = errors.New("rpc: no handler for the function")
	// ErrClosed: the node or the client was closed.
	ErrClosed = errors.New("rpc: closed")
	// ErrConfig: a configuration or a connection request is out of range.
	ErrConfig = errors.New("rpc: bad configuration")
)

// Response statuses, carried in a response's n_of_frames byte (unused by
// Dagger, and free here as RPCs are never fragmented).
const (
	statusOK       = 0
	statusFailed   = 1 // the arguments hold the handler's error message
	statusNoFn     = 2
	statusTooLarge = 3
)

// Handler runs one call: args are the call's arguments (valid during the
// call only); it appends its result to ret (an empty buffer of 52 bytes'
// capacity) and returns it. An error completes the call with ErrRemote
// and the error's message.
type Handler func(args, ret []byte) ([]byte, error)

// Request is what a RequestHandler sees of a call.
type Request struct {
	Conn uint8  // the connection (c_id)
	ID   uint32 // the call's rpc_id on that connection
	Fn   uint16
	Flow int    // the server flow it arrived on
	Args []byte // valid during the call only
}

// RequestHandler is a Handler that also sees the call's connection, id
// and flow (for a history of executions, say).
type RequestHandler func(req *Request, ret []byte) ([]byte, error)

// Threading is a server's threading model.
type Threading uint8

const (
	// DispatchThread runs handlers inline on each flow's polling thread.
	DispatchThread Threading = iota
	// WorkerPool hands requests to Config.Workers goroutines.
	WorkerPool
	// NICThread runs the dispatch of every flow, handlers inline, on the
	// NIC's own polling goroutine, after each of its rounds (run to
	// completion): a request goes from the wire to its handler and its
	// response back to the wire with no hand-off between goroutines. A
	// slow handler holds up the NIC meanwhile; use it for short handlers
	// on machines with few cores.
	NICThread
)

func (t Threading) String() string {
	switch t {
	case WorkerPool:
		return "worker-pool"
	case NICThread:
		return "nic-thread"
	}
	return "dispatch-thread"
}

// Config configures a Node. Zero fields take the defaults named.
type Config struct {
	// Flows is the host flows (default 1), each a TX and an RX ring of
	// RingSlots slots (default 256).
	Flows     int
	RingSlots int
	// NIC is the soft NIC's configuration: everything but Flows and
	// OpenAll, which the node sets (Conns, Buffer, FIFODepth, Batch,
	// PollBatch, LB, Profile, Faults...).
	NIC nic.Config
	// Threading and Workers (default 4) are the server's.
	Threading Threading
	Workers   int
	// MaxInFlight bounds each client's outstanding calls (default 1024).
	MaxInFlight int
	// Name names the node in errors (default "node").
	Name string
}

type handler struct {
	name string
	fn   RequestHandler
}

// Node is one machine of the stack: a soft NIC (impl/nic) and its
// driver, its host flows, its bells (impl/wake) and, on a server, the
// handlers. Drive it free-running (Start) or in step mode (Step), not
// both.
type Node struct {
	cfg      Config
	nic      *nic.NIC
	drv      *nic.Driver
	bells    *wake.Bells
	flows    []*flowHost
	handlers atomic.Pointer[map[uint16]handler]
	hmu      sync.Mutex

	mu      sync.Mutex // guards started, closed, cancel, closers
	started bool
	closed  bool
	inline  bool // NICThread with handlers: dispatch on the NIC's goroutine (set by start)
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closers []func() error
	// flush writes what the node's network drivers (Listen, Dial) queued
	// during the NIC's rounds: set before Start, called on the NIC's
	// goroutine when a round moves nothing (or after flushEvery busy
	// ones) and at the end of Step, so that the RPCs and acks of a
	// round go out in one batch of datagrams, not a system call each.
	flush func()
	// roundMu admits one NIC round at a time: the NIC's goroutine's, or
	// (Listen, Dial) its network reader's, which runs the rounds for
	// the datagrams it has just read itself (roundNow) instead of handing
	// them to the NIC's goroutine. running is set once Start is done.
	roundMu sync.Mutex
	running atomic.Bool
	work    chan work

	late atomic.Uint64 // responses for no outstanding call
}

// NewNode builds a node: its flows, its NIC, its driver and its bells.
func NewNode(cfg Config) (*Node, error) {
	if cfg.Flows == 0 {
		cfg.Flows = 1
	}
	if cfg.RingSlots == 0 {
		cfg.RingSlots = 256
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 1024
	}
	if cfg.Name == "" {
		cfg.Name = "node"
	}
	switch {
	case cfg.Flows < 1 || cfg.Flows > nic.MaxFlows:
		return nil, fmt.Errorf("%w: %s: %d flows, want 1..%d", ErrConfig, cfg.Name, cfg.Flows, nic.MaxFlows)
	case cfg.RingSlots < 1:
		return nil, fmt.Errorf("%w: %s: %d ring slots", ErrConfig, cfg.Name, cfg.RingSlots)
	case cfg.MaxInFlight < 1 || cfg.MaxInFlight > 1<<20:
		return nil, fmt.Errorf("%w: %s: max in flight %d, want 1..2^20", ErrConfig, cfg.Name, cfg.MaxInFlight)
	case cfg.Workers < 1:
		return nil, fmt.Errorf("%w: %s: %d workers", ErrConfig, cfg.Name, cfg.Workers)
	case cfg.Threading > NICThread:
		return nil, fmt.Errorf("%w: %s: threading %d", ErrConfig, cfg.Name, cfg.Threading)
	}
	n := &Node{cfg: cfg, bells: wake.NewBells(cfg.Flows)}
	nc := cfg.NIC
	nc.OpenAll, nc.Flows = false, nil
	for i := range cfg.Flows {
		f, err := ring.NewFlow(cfg.RingSlots, ring.Faults{}, ring.Faults{})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, cfg.Name, err)
		}
		nc.Flows = append(nc.Flows, f)
		n.flows = append(n.flows, newFlowHost(i, f, n.bells.Host(i)))
	}
	nn, err := nic.New(nc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	n.nic, n.drv = nn, nic.NewDriver(nn, n.bells)
	empty := map[uint16]handler{}
	n.handlers.Store(&empty)
	return n, nil
}

// NIC is the node's soft NIC (its counters, its connection table).
func (n *Node) NIC() *nic.NIC { return n.nic }

// Name is the node's name.
func (n *Node) Name() string { return n.cfg.Name }

// Late counts responses that matched no outstanding call (the call was
// abandoned by its context, or a best-effort duplicate).
func (n *Node) Late() uint64 { return n.late.Load() }

// Handle registers h for function fn under name; registering a function
// twice is an error.
func (n *Node) Handle(fn uint16, name string, h Handler) error {
	return n.HandleRequest(fn, name, func(req *Request, ret []byte) ([]byte, error) { return h(req.Args, ret) })
}

// HandleRequest registers a RequestHandler for function fn under name.
func (n *Node) HandleRequest(fn uint16, name string, h RequestHandler) error {
	n.hmu.Lock()
	defer n.hmu.Unlock()
	old := *n.handlers.Load()
	if prev, ok := old[fn]; ok {
		return fmt.Errorf("%w: %s: fn %d registered twice (%q, %q)", ErrConfig, n.cfg.Name, fn, prev.name, name)
	}
	m := make(map[uint16]handler, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[fn] = handler{name: name, fn: h}
	n.handlers.Store(&m)
	return nil
}

// Step runs one round of every step on the caller's goroutine (step
// mode): the NIC driver's round (each flow's TX ring swept once, the
// arrivals the NIC has room for taken from the links, balancing and
// scheduling until quiet) and every flow's dispatch step (the requests
// in the server's RX rings run inline). It returns how much moved; 0
// means the node is quiet until something arrives.
func (n *Node) Step() int {
	n.roundMu.Lock()
	defer n.roundMu.Unlock()
	moved := n.drv.Round()
	for _, f := range n.flows {
		moved += n.dispatch(f)
	}
	if n.flush != nil {
		n.flush()
	}
	return moved
}

// roundNow runs the node's rounds — the NIC driver's and, with
// NICThread, every flow's dispatch — on the caller's goroutine until one
// moves nothing (at most flushEvery), then flushes its network writes,
// if the node is running and no other goroutine is in a round; it
// reports whether work may be left for the NIC's goroutine (it did not
// run, or stopped busy). A network reader calls it after a batch of
// datagrams: the RPCs they carried reach their RX rings, and with
// NICThread their handlers and responses run, with no hand-off to the
// NIC's goroutine.
func (n *Node) roundNow() (left bool) {
	if !n.running.Load() || !n.roundMu.TryLock() {
		return true
	}
	moved := 1
	for i := 0; i < flushEvery && moved > 0; i++ {
		moved = n.drv.Round()
		if n.inline {
			for _, f := range n.flows {
				moved += n.dispatch(f)
			}
		}
	}
	left = moved > 0 || n.nic.Holding() // held RPCs wait for the NIC goroutine's polling
	n.roundMu.Unlock()
	if n.flush != nil {
		n.flush()
	}
	return left
}

// flushEvery bounds how many busy rounds a node's network writes wait
// for an idle one.
const flushEvery = 8

// Start runs the node free-running until ctx ends or Close: the NIC's
// polling goroutine and, when handlers are registered (register them
// before Start), a dispatch thread per flow (none with NICThread, whose
// dispatch runs on the NIC's goroutine) and with WorkerPool the workers.
func (n *Node) Start(ctx context.Context) error {
	ctx, err := n.start(ctx, nil)
	if err != nil {
		return err
	}
	if n.inline || n.flush != nil {
		n.wg.Go(func() { runNICs(ctx, n.bells.NIC(), []*Node{n}) })
		n.running.Store(true)
		return nil
	}
	n.wg.Go(n.drv.Run(ctx).Wait)
	return nil
}

// runNICs is the goroutine of StartShared, and of Start with NICThread:
// each node's round in turn — its NIC driver's round and, with
// NICThread, every flow's dispatch step after it, run to completion (a
// response the TX ring has no room for waits for this very goroutine's
// next sweep, so it is kept, not waited for) — under the polling
// discipline, parked on bell when idle, never while a NIC holds RPCs for
// a full link.
func runNICs(ctx context.Context, bell *wake.Bell, nodes []*Node) {
	busy := 0
	round := func() int {
		moved := 0
		for _, n := range nodes {
			n.roundMu.Lock()
			moved += n.drv.Round()
			if n.inline {
				for _, f := range n.flows {
					moved += n.dispatch(f)
				}
			}
			n.roundMu.Unlock()
		}
		if busy++; moved == 0 || busy >= flushEvery {
			busy = 0
			for _, n := range nodes {
				if n.flush != nil {
					n.flush()
				}
			}
		}
		return moved
	}
	holding := func() bool {
		for _, n := range nodes {
			n.roundMu.Lock() // the TX steps' state: a reader's round may be in one
			h := n.nic.Holding()
			n.roundMu.Unlock()
			if h {
				return true
			}
		}
		return false
	}
	var idle wake.Idle
	for ctx.Err() == nil {
		if !idle.Next(round()) {
			continue
		}
		if holding() {
			idle.Hold()
			continue
		}
		w := bell.Arm()
		if round() > 0 {
			w.Disarm()
			idle.Reset()
			continue
		}
		w.Park(ctx, wake.MaxPark)
	}
}

// StartShared runs nodes free-running as Start does, but with their
// NICs (and NICThread dispatch) polled in turn by one goroutine, until
// ctx ends or any of them is closed: close them together. The nodes' NIC
// bells forward to the first's, which that goroutine parks on. In process
// (ConnectLoopback between them) an RPC then goes from the client's TX
// ring to the handler and back to the client's RX ring with no hand-off
// between goroutines. On error the nodes started so far are closed.
func StartShared(ctx context.Context, nodes ...*Node) error {
	for i, n := range nodes {
		if n == nil {
			return fmt.Errorf("%w: StartShared: node %d is nil", ErrConfig, i)
		}
		for _, m := range nodes[:i] {
			if m == n {
				return fmt.Errorf("%w: StartShared: %s given twice", ErrConfig, n.cfg.Name)
			}
		}
	}
	if len(nodes) == 0 {
		return nil
	}
	// The group's cancel goes to every node's Close, which calls it.
	g := &shared{}
	g.ctx, g.stop = context.WithCancel(ctx)
	group, stop := g.ctx, g.stop
	for i, n := range nodes {
		if _, err := n.start(group, stop); err != nil {
			stop()
			for _, m := range nodes[:i] {
				_ = m.Close()
			}
			return err
		}
	}
	bell := nodes[0].bells.NIC()
	for _, n := range nodes[1:] {
		n.bells.NIC().Forward(bell)
	}
	var wg sync.WaitGroup
	wg.Go(func() { runNICs(group, bell, nodes) })
	for _, n := range nodes {
		n.wg.Go(wg.Wait)
	}
	return nil
}

// shared is StartShared's group: its context, and the cancel that every
// node's Close calls.
type shared struct {
	ctx  context.Context
	stop context.CancelFunc
}

// start marks the node started and starts its goroutines other than the
// NIC's (dispatch threads, workers); it returns the node's context. stop,
// if not nil, is also called by Close (StartShared's group).
func (n *Node) start(ctx context.Context, stop context.CancelFunc) (context.Context, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, ErrClosed
	}
	if n.started {
		return nil, fmt.Errorf("%w: %s started twice", ErrConfig, n.cfg.Name)
	}
	n.started = true
	ctx, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	if stop != nil {
		n.cancel = func() { cancel(); stop() }
	}
	serves := len(*n.handlers.Load()) > 0
	n.inline = n.cfg.Threading == NICThread && serves
	if n.cfg.Threading == WorkerPool {
		n.work = make(chan work, 256)
		for range n.cfg.Workers {
			n.wg.Go(func() { n.worker(ctx) })
		}
	}
	if n.inline || !serves {
		// A client-only node needs no dispatch threads: its callers drain
		// their flows' RX rings themselves (Call, Completions), and one
		// goroutine fewer polls the cores.
		return ctx, nil
	}
	for _, f := range n.flows {
		n.wg.Go(func() { n.serve(ctx, f, n.cfg.Threading == WorkerPool) })
	}
	return ctx, nil
}

// Close stops the node's goroutines and closes its sockets.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	n.running.Store(false)
	if n.cancel != nil {
		n.cancel()
	}
	closers := n.closers
	n.mu.Unlock()
	n.wg.Wait()
	var errs []error
	for _, c := range closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

func (n *Node) addCloser(c func() error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closers = append(n.closers, c)
}
