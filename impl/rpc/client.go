package rpc

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/wake"
	"github.com/daggercheck/daggercheck/spec"
)

// Completion is one finished non-blocking call, from the completion
// queue.
type Completion struct {
	ID  uint32 // the rpc_id Go returned
	Fn  uint16
	Tag uint64 // the caller's tag given to Go
	Err error  // nil, ErrRemote, ErrUnknownFn or ErrTooLarge
	n   uint8
	ret [slot.ArgsSize]byte
}

// Ret is the call's result (a view into the Completion).
func (c *Completion) Ret() []byte { return c.ret[:c.n] }

// call is one outstanding call in the client's table, at id mod size.
type call struct {
	id    uint32
	fn    uint16
	busy  bool // outstanding
	async bool
	done  bool // blocking: the response is in
	tag   uint64
	err   error
	n     uint8
	ret   [slot.ArgsSize]byte
}

// Client is one connection's caller: it sends requests on its flow's TX
// ring and matches responses from the flow's RX ring by rpc_id. It is
// safe for concurrent use.
type Client struct {
	node *Node
	conn uint8
	f    *flowHost

	mu     sync.Mutex // guards everything below
	nextID uint32
	calls  []call // len a power of two, at least max
	max    int
	out    int
	cq     []Completion
	closed bool

	dial *dialed // Dial's connection, nil for Connect's
}

// Conn is the client's connection id.
func (c *Client) Conn() uint8 { return c.conn }

// Flow is the client node's flow the client uses.
func (c *Client) Flow() int { return c.f.index }

// Outstanding is how many calls are in flight.
func (c *Client) Outstanding() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out
}

// Link is a connection's transport end, as the NIC sees it (nic.Link).
type Link = nic.Link

// Connect opens connection conn from client node cn's flow to server node
// sn, over the link pair (cl at the client, sl at the server), and
// returns the client. The connection id must be closed on both NICs, and
// the flow exist.
func Connect(cn, sn *Node, conn uint8, flow int, cl, sl Link) (*Client, error) {
	if flow < 0 || flow >= len(cn.flows) {
		return nil, fmt.Errorf("%w: %s has no flow %d", ErrConfig, cn.cfg.Name, flow)
	}
	if int(conn) >= cn.nic.Config().Conns || int(conn) >= sn.nic.Config().Conns {
		return nil, fmt.Errorf("%w: conn %d past a connection table (%s: %d, %s: %d)", ErrConfig, conn,
			cn.cfg.Name, cn.nic.Config().Conns, sn.cfg.Name, sn.nic.Config().Conns)
	}
	c, err := newClient(cn, conn, flow)
	if err != nil {
		return nil, err
	}
	f := c.f
	if st := cn.nic.OpenOn(int(conn), flow); st != spec.ConnOK {
		f.clients[conn].Store(nil)
		return nil, fmt.Errorf("%w: %s: open conn %d: %s", ErrConfig, cn.cfg.Name, conn, st)
	}
	if cn != sn {
		if st := sn.nic.Open(int(conn)); st != spec.ConnOK {
			cn.nic.Close(int(conn))
			f.clients[conn].Store(nil)
			return nil, fmt.Errorf("%w: %s: open conn %d: %s", ErrConfig, sn.cfg.Name, conn, st)
		}
	}
	cn.drv.Attach(conn, cl)
	sn.drv.Attach(conn, sl)
	return c, nil
}

// newClient registers a client for connection conn on node n's flow.
func newClient(n *Node, conn uint8, flow int) (*Client, error) {
	f := n.flows[flow]
	c := &Client{node: n, conn: conn, f: f, calls: make([]call, 1<<bits.Len(uint(n.cfg.MaxInFlight-1))), max: n.cfg.MaxInFlight}
	if !f.clients[conn].CompareAndSwap(nil, c) {
		return nil, fmt.Errorf("%w: %s: conn %d already has a client", ErrConfig, n.cfg.Name, conn)
	}
	return c, nil
}

// ConnectLoopback connects over an in-process wire (nic.NewLoopback)
// whose rings have the client node's RingSlots slots each way.
func ConnectLoopback(cn, sn *Node, conn uint8, flow int) (*Client, error) {
	a, b, err := nic.NewLoopback(cn.cfg.RingSlots)
	if err != nil {
		return nil, err
	}
	return Connect(cn, sn, conn, flow, a, b)
}

// request builds the request RPC for a call.
func (c *Client) request(fn uint16, args []byte) (slot.RPC, error) {
	if len(args) > slot.ArgsSize {
		return slot.RPC{}, fmt.Errorf("%w: %d bytes of arguments for fn %d", ErrTooLarge, len(args), fn)
	}
	r := slot.RPC{ConnID: c.conn, FnID: fn}
	r.Argl = uint16(copy(r.Args[:], args)) // past argl, zero
	return r, nil
}

// ErrBusy's two causes, made once: a busy client is retried in a loop.
var (
	errTooMany = fmt.Errorf("%w: MaxInFlight calls outstanding", ErrBusy)
	errTXFull  = fmt.Errorf("%w: %w", ErrBusy, ring.ErrRingFull)
)

// start sends a call: it takes an id and a table entry and writes the
// request into the TX ring, or returns ErrBusy with nothing changed.
func (c *Client) start(r *slot.RPC, async bool, tag uint64) (uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, ErrClosed
	}
	id := c.nextID
	e := &c.calls[id&uint32(len(c.calls)-1)]
	if e.busy || c.out >= c.max {
		return 0, errTooMany
	}
	r.RPCID = id
	c.f.tx.Lock()
	err := c.f.txp.Send(*r)
	c.f.tx.Unlock()
	if err != nil {
		if errors.Is(err, ring.ErrRingFull) {
			return 0, errTXFull
		}
		return 0, err
	}
	c.node.bells.TXWritten()
	c.nextID++
	c.out++
	*e = call{id: id, fn: r.FnID, busy: true, async: async, tag: tag}
	return id, nil
}

// complete files a response for its call; false when no outstanding call
// has its id (a late response to an abandoned call). Having filed it, it
// rings the flow's bell: a caller parked there may have found the RX ring
// locked by this drainer (drain's TryLock) just before the response came,
// and only this ring wakes it before its longest park.
func (c *Client) complete(r *slot.RPC) bool {
	if !c.file(r) {
		return false
	}
	c.f.bell.Ring()
	return true
}

// file records response r in its call's entry (a blocking call) or the
// completion queue (a non-blocking one).
func (c *Client) file(r *slot.RPC) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &c.calls[r.RPCID&uint32(len(c.calls)-1)]
	if !e.busy || e.id != r.RPCID || e.done {
		return false
	}
	var err error
	switch r.NFrames {
	case statusOK:
	case statusFailed:
		err = fmt.Errorf("%w: fn %d: %s", ErrRemote, e.fn, string(r.Arguments()))
	case statusNoFn:
		err = fmt.Errorf("%w: fn %d", ErrUnknownFn, e.fn)
	case statusTooLarge:
		err = fmt.Errorf("%w: fn %d's result", ErrTooLarge, e.fn)
	default:
		err = fmt.Errorf("%w: fn %d: response status %d", ErrRemote, e.fn, r.NFrames)
	}
	if e.async {
		cp := Completion{ID: e.id, Fn: e.fn, Tag: e.tag, Err: err, n: uint8(r.Argl)}
		cp.ret = r.Args
		c.cq = append(c.cq, cp)
		*e = call{}
		c.out--
		return true
	}
	e.done, e.err, e.n, e.ret = true, err, uint8(r.Argl), r.Args
	return true
}

// drain polls the flow's RX ring once, if no one else is, routing every
// response to its client (and running any request, when the flow also
// serves): the flow's dispatch step. It returns how many RPCs it took.
func (c *Client) drain() int {
	return c.node.dispatch(c.f)
}

// Go starts a non-blocking call of fn with args and returns its rpc_id;
// its Completion, with tag, comes from Completions. ErrBusy when the TX
// ring is full or MaxInFlight calls are outstanding (nothing was sent);
// ErrTooLarge for arguments over 52 bytes.
func (c *Client) Go(fn uint16, args []byte, tag uint64) (uint32, error) {
	r, err := c.request(fn, args)
	if err != nil {
		return 0, err
	}
	return c.start(&r, true, tag)
}

// Completions polls the RX ring and appends the finished non-blocking
// calls to dst (the completion queue, Dagger's); it never blocks.
func (c *Client) Completions(dst []Completion) []Completion {
	c.drain()
	c.mu.Lock()
	defer c.mu.Unlock()
	dst = append(dst, c.cq...)
	c.cq = c.cq[:0]
	return dst
}

// WaitCompletions is Completions for a caller that has nothing else to
// do: when no call has finished, it parks on the flow's host bell until
// the NIC writes the client's RX ring, ctx ends or max passes, and polls
// again.
func (c *Client) WaitCompletions(ctx context.Context, dst []Completion, max time.Duration) []Completion {
	k := len(dst)
	if dst = c.Completions(dst); len(dst) > k {
		return dst
	}
	w := c.f.bell.Arm()
	if dst = c.Completions(dst); len(dst) > k { // the re-check
		w.Disarm()
		return dst
	}
	w.Park(ctx, max)
	return c.Completions(dst)
}

// Call calls fn with args and waits for the result, until ctx ends: then
// it returns ctx's error (wrapped) and a response that comes later is
// dropped and counted (Node.Late). It waits for room when the client is
// busy. The caller drains the RX ring itself while it waits.
func (c *Client) Call(ctx context.Context, fn uint16, args []byte) ([]byte, error) {
	r, err := c.request(fn, args)
	if err != nil {
		return nil, err
	}
	var id uint32
	for i := 0; ; i++ {
		if id, err = c.start(&r, false, 0); err == nil {
			break
		}
		if !errors.Is(err, ErrBusy) {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("rpc: fn %d on conn %d not sent: %w", fn, c.conn, err)
		}
		c.drain()
		wake.Backoff(i)
	}
	for i := 0; ; i++ {
		if ret, err, ok := c.finished(id); ok {
			return ret, err
		}
		if c.drain() > 0 {
			i = 0
			continue
		}
		if i%16 == 15 {
			if err := ctx.Err(); err != nil {
				if ret, err, ok := c.finished(id); ok {
					return ret, err
				}
				c.abandon(id)
				return nil, fmt.Errorf("rpc: fn %d id %d on conn %d: %w", fn, id, c.conn, err)
			}
		}
		if i < wake.Spin {
			runtime.Gosched()
			continue
		}
		// Park until the NIC writes the flow's RX ring.
		w := c.f.bell.Arm()
		if c.drain() > 0 || c.done(id) { // the re-check
			w.Disarm()
			continue
		}
		w.Park(ctx, wake.MaxPark)
	}
}

// finished returns a blocking call's result once its response is in,
// freeing its entry.
func (c *Client) finished(id uint32) ([]byte, error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &c.calls[id&uint32(len(c.calls)-1)]
	if !e.done || e.id != id {
		return nil, nil, false
	}
	var ret []byte
	if e.err == nil {
		ret = append([]byte(nil), e.ret[:e.n]...)
	}
	err := e.err
	*e = call{}
	c.out--
	return ret, err, true
}

// done reports whether a blocking call's response is in.
func (c *Client) done(id uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &c.calls[id&uint32(len(c.calls)-1)]
	return e.done && e.id == id
}

// abandon frees a blocking call's entry; its response, if it comes, is
// late.
func (c *Client) abandon(id uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &c.calls[id&uint32(len(c.calls)-1)]
	if e.busy && e.id == id {
		*e = call{}
		c.out--
	}
}

// Close ends the client: later calls are ErrClosed. A client made by
// Dial drains its calls in flight for up to DialConfig.Drain (see
// CloseContext); one made by Connect leaves them to their contexts.
func (c *Client) Close() error {
	if c.dial != nil {
		ctx, cancel := context.WithTimeout(context.Background(), c.dial.drain)
		defer cancel()
		return c.CloseContext(ctx)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

// CloseContext closes a client made by Dial: later calls are ErrClosed;
// the calls in flight are waited for until ctx ends, and those still in
// flight then fail with ErrClosed — none is lost silently; the server is
// told (CLOSE until CLOSED, for at most a second more), and the node and
// the socket close. For a client made by Connect it is Close.
func (c *Client) CloseContext(ctx context.Context) error {
	c.markClosed()
	if c.dial == nil {
		return nil
	}
	var err error
	c.dial.closeOnce.Do(func() {
		for i := 0; c.Outstanding() > 0 && ctx.Err() == nil; i++ {
			if c.drain() == 0 {
				wake.Backoff(i)
			}
		}
		bye, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err = c.dial.close(bye, c.Outstanding())
	})
	return err
}

// markClosed makes later calls ErrClosed (the connection closed for
// good).
func (c *Client) markClosed() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

// failAll ends every call in flight: with err (a blocking call returns
// it, a non-blocking one completes with it), or with discard (the
// handshake's close-drops-inflight bug) forgotten without a word.
func (c *Client) failAll(err error, discard bool) {
	c.mu.Lock()
	for i := range c.calls {
		e := &c.calls[i]
		if !e.busy || e.done {
			continue
		}
		switch {
		case discard:
			*e = call{}
			c.out--
		case e.async:
			c.cq = append(c.cq, Completion{ID: e.id, Fn: e.fn, Tag: e.tag, Err: fmt.Errorf("fn %d id %d: %w", e.fn, e.id, err)})
			*e = call{}
			c.out--
		default:
			e.done, e.err, e.n = true, fmt.Errorf("fn %d id %d: %w", e.fn, e.id, err), 0
		}
	}
	c.mu.Unlock()
	c.f.bell.Ring()
}
