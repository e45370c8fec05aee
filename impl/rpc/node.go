package rpc

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
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
	// NIC is the soft NIC's configuration: everything but Flows, Port and
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

// flowHost is one host flow and who uses its rings: producers to TX take
// tx, the consumer of RX takes rx; clients on the flow by connection.
type flowHost struct {
	index   int
	flow    *ring.Flow
	tx      sync.Mutex
	rx      sync.Mutex
	clients [nic.MaxConns]atomic.Pointer[Client]
	// Server side: a response the TX ring had no room for (step mode),
	// written before anything else.
	stalled    slot.RPC
	hasStalled bool
	scratch    scratch // for handlers run inline (under rx)
	// bell parks the flow's dispatch thread and blocked callers; the NIC
	// rings it after writing into the RX ring.
	bell nic.Bell
}

// scratch is a handler run's memory, reused so that a call allocates
// nothing: the handler is called through a func value, so what it is
// given escapes.
type scratch struct {
	buf, ret [slot.ArgsSize]byte
	req      Request
}

type handler struct {
	name string
	fn   RequestHandler
}

// Node is one machine of the stack: a soft NIC (impl/nic), its host flows
// and, on a server, the handlers. Drive it free-running (Start) or in step
// mode (Step), not both.
type Node struct {
	cfg      Config
	nic      *nic.NIC
	port     *nic.LinkPort
	flows    []*flowHost
	handlers atomic.Pointer[map[uint16]handler]
	hmu      sync.Mutex

	mu      sync.Mutex // guards started, closed, cancel, closers
	started bool
	closed  bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closers []func() error
	work    chan work
	done    chan struct{} // closed by Close

	late atomic.Uint64 // responses for no outstanding call
}

type work struct {
	f   *flowHost
	rpc slot.RPC
}

// NewNode builds a node: its flows, its NIC and its port.
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
	n := &Node{cfg: cfg, port: nic.NewLinkPort()}
	nc := cfg.NIC
	nc.Port, nc.OpenAll, nc.Flows = n.port, false, nil
	user := nc.OnDeliver
	nc.OnDeliver = func(f int) {
		n.flows[f].bell.Ring()
		if user != nil {
			user(f)
		}
	}
	for i := range cfg.Flows {
		f, err := ring.NewFlow(cfg.RingSlots, ring.Faults{}, ring.Faults{})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, cfg.Name, err)
		}
		nc.Flows = append(nc.Flows, f)
		n.flows = append(n.flows, &flowHost{index: i, flow: f})
	}
	nn, err := nic.New(nc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	n.nic = nn
	n.port.OnArrival = nn.WakeRX
	n.done = make(chan struct{})
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

// Start runs the node free-running until ctx ends or Close: the NIC's
// polling goroutine and, when handlers are registered (register them
// before Start), a dispatch thread per flow (none with NICThread, whose
// dispatch runs on the NIC's goroutine) and with WorkerPool the workers.
func (n *Node) Start(ctx context.Context) error {
	d, ctx, err := n.start(ctx, nil)
	if err != nil {
		return err
	}
	dw := d.Run(ctx)
	n.wg.Go(dw.Wait)
	return nil
}

// StartShared runs nodes free-running as Start does, but with their
// NICs (and NICThread dispatch) polled in turn by one goroutine
// (nic.RunGroup), until ctx ends or any of them is closed: close them
// together. In process (ConnectLoopback between them) an RPC then goes
// from the client's TX ring to the handler and back to the client's RX
// ring with no hand-off between goroutines. On error the nodes started
// so far are closed.
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
	// The group's cancel goes to every node's Close, which calls it.
	g := &shared{}
	g.ctx, g.stop = context.WithCancel(ctx)
	group, stop := g.ctx, g.stop
	var ds []*nic.Driver
	for i, n := range nodes {
		d, _, err := n.start(group, stop)
		if err != nil {
			stop()
			for _, m := range nodes[:i] {
				_ = m.Close()
			}
			return err
		}
		ds = append(ds, d)
	}
	dw := nic.RunGroup(group, ds...)
	for _, n := range nodes {
		n.wg.Go(dw.Wait)
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
// NIC's (dispatch threads, workers); it returns the NIC's driver, not
// yet running, and the node's context. stop, if not nil, is also called
// by Close (StartShared's group).
func (n *Node) start(ctx context.Context, stop context.CancelFunc) (*nic.Driver, context.Context, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, nil, ErrClosed
	}
	if n.started {
		return nil, nil, fmt.Errorf("%w: %s started twice", ErrConfig, n.cfg.Name)
	}
	n.started = true
	ctx, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	if stop != nil {
		n.cancel = func() { cancel(); stop() }
	}
	d := &nic.Driver{NIC: n.nic}
	inline := n.cfg.Threading == NICThread && len(*n.handlers.Load()) > 0
	if inline {
		// Step mode's dispatch (a response the TX ring has no room for is
		// kept and written first next time): waiting for room here would
		// wait for the sweep of this very goroutine.
		d.Host = func() int {
			moved := 0
			for _, f := range n.flows {
				moved += n.dispatch(f, false, nil)
			}
			return moved
		}
	}
	if n.cfg.Threading == WorkerPool {
		n.work = make(chan work, 256)
		for range n.cfg.Workers {
			n.wg.Go(func() { n.worker(ctx) })
		}
	}
	if inline || len(*n.handlers.Load()) == 0 {
		// A client-only node needs no dispatch threads: its callers drain
		// their flows' RX rings themselves (Call, Completions), and one
		// goroutine fewer polls the cores.
		return d, ctx, nil
	}
	for _, f := range n.flows {
		n.wg.Go(func() {
			poll(ctx, &f.bell, func() int { return n.dispatch(f, n.cfg.Threading == WorkerPool, ctx) })
		})
	}
	return d, ctx, nil
}

// Step runs one round of every step on the caller's goroutine (step
// mode): each flow's TX ring swept once by the NIC, the RX pipeline
// pumped once (arrivals up to its room, balancing, scheduling), and every
// request in the server's RX rings dispatched inline. It returns how much
// moved; 0 means the node is quiet until something arrives.
func (n *Node) Step() int {
	moved := 0
	for range n.flows {
		_, k, _ := n.nic.PollTX() // drops and back-pressure are counted
		moved += k
	}
	moved += n.nic.Pump()
	for _, f := range n.flows {
		moved += n.dispatch(f, false, nil)
	}
	return moved
}

// Close stops the node's goroutines and closes its sockets.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	close(n.done)
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

// dispatch takes the requests in flow f's RX ring and runs them (inline,
// or on the workers) and routes responses to their clients. It returns
// how many RPCs it took.
func (n *Node) dispatch(f *flowHost, pool bool, ctx context.Context) int {
	if !f.rx.TryLock() {
		return 0 // a client on this flow is draining it
	}
	defer f.rx.Unlock()
	if f.hasStalled {
		if !n.respond(f, &f.stalled, ctx) {
			return 0
		}
		f.hasStalled = false
	}
	c := f.flow.RX.Consumer()
	took := 0
	var r slot.RPC
	for took < f.flow.RX.Slots() {
		if err := c.TakeInto(&r); err != nil {
			if errors.Is(err, ring.ErrEmpty) {
				break
			}
			took++ // a malformed line, counted by the ring
			continue
		}
		took++
		if r.Response {
			n.complete(f, &r)
			continue
		}
		if pool && ctx != nil {
			select {
			case n.work <- work{f: f, rpc: r}:
			case <-ctx.Done():
				return took
			}
			continue
		}
		n.execute(f, &r, &f.scratch, &f.stalled)
		if !n.respond(f, &f.stalled, ctx) {
			f.hasStalled = true // step mode: the TX ring is full; written first next time
			break
		}
	}
	c.ReturnCredit()
	return took
}

// complete routes a response to the client of its connection on flow f.
func (n *Node) complete(f *flowHost, r *slot.RPC) {
	if cl := f.clients[r.ConnID].Load(); cl != nil && cl.complete(r) {
		return
	}
	n.late.Add(1)
}

// execute runs the handler for request r and builds its response in
// *resp, with sc as the handler's memory.
func (n *Node) execute(f *flowHost, r *slot.RPC, sc *scratch, resp *slot.RPC) {
	*resp = slot.RPC{Response: true, RPCID: r.RPCID, FnID: r.FnID, ConnID: r.ConnID}
	h, ok := (*n.handlers.Load())[r.FnID]
	if !ok {
		resp.NFrames = statusNoFn
		return
	}
	copy(sc.buf[:], r.Args[:])
	sc.req = Request{Conn: r.ConnID, ID: r.RPCID, Fn: r.FnID, Flow: f.index, Args: sc.buf[:min(int(r.Argl), slot.ArgsSize)]}
	ret, err := h.fn(&sc.req, sc.ret[:0])
	switch {
	case err != nil:
		resp.NFrames = statusFailed
		msg := err.Error()
		_ = resp.SetArgs([]byte(msg[:min(len(msg), slot.ArgsSize)]))
	case len(ret) > slot.ArgsSize:
		resp.NFrames = statusTooLarge
	default:
		_ = resp.SetArgs(ret)
	}
}

// respond writes a response into flow f's TX ring. Free-running (ctx
// not nil) it retries a full ring, which the NIC's sweeper empties, until
// ctx ends; in step mode it reports false at once.
func (n *Node) respond(f *flowHost, resp *slot.RPC, ctx context.Context) bool {
	for i := 0; ; i++ {
		f.tx.Lock()
		err := f.flow.TX.Producer().Send(*resp)
		f.tx.Unlock()
		if err == nil {
			n.nic.WakeTX()
			return true
		}
		if ctx == nil || ctx.Err() != nil {
			return false
		}
		backoff(i)
	}
}

func (n *Node) worker(ctx context.Context) {
	var sc scratch
	var resp slot.RPC
	for {
		select {
		case <-ctx.Done():
			return
		case w := <-n.work:
			n.execute(w.f, &w.rpc, &sc, &resp)
			n.respond(w.f, &resp, ctx)
		}
	}
}

// poll is the polling discipline of every free-running thread: run round
// until ctx ends; after a round with nothing to do, yield, and after
// spinIdle idle rounds in a row park on bell (rung by the NIC when it
// writes the thread's RX ring) for at most maxPark.
func poll(ctx context.Context, bell *nic.Bell, round func() int) {
	idle := 0
	for ctx.Err() == nil {
		if round() > 0 {
			idle = 0
			continue
		}
		if idle++; idle < spinIdle {
			runtime.Gosched()
			continue
		}
		if bell.Wait(ctx, func() bool { return round() > 0 }, maxPark) {
			idle = 0
		}
	}
}

// Idle rounds before parking, and the longest park (for producers that
// ring no bell).
const (
	spinIdle = 64
	maxPark  = time.Millisecond
)

// backoff waits after the i-th fruitless try in a row: a yield for the
// first 256, then sleeps doubling from 1µs to 200µs.
func backoff(i int) {
	if i < 256 {
		runtime.Gosched()
		return
	}
	time.Sleep(min(time.Microsecond<<min(i-256, 8), 200*time.Microsecond))
}
