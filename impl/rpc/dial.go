package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/impl/handshake"
	"github.com/daggercheck/daggercheck/spec"
)

// DialConfig configures Dial.
type DialConfig struct {
	// Node is the client node's configuration (one flow by default).
	Node Config
	// LocalAddr, when set, is the address the client's socket binds
	// ("127.0.0.1:0" by default for a loopback server, else ":0"). A
	// client that restarts on the same address replaces its previous
	// connection at the server.
	LocalAddr string
	Net       NetConfig
	// Drain bounds how long Close waits for the calls in flight before it
	// fails them with ErrClosed (default 5s).
	Drain time.Duration
}

// dialed is what a Client made by Dial owns besides its calls: its node,
// its socket's driver and the handshake's client core.
type dialed struct {
	node  *Node
	d     *netDriver
	hs    *handshake.Client
	link  *netLink
	drain time.Duration

	mu     sync.Mutex
	opened chan struct{} // closed at the first FxOpened or FxFailed
	once   sync.Once
	err    error         // FxFailed's
	closed chan struct{} // closed when the handshake has closed
	cOnce  sync.Once
	// closeOnce runs the Client's close once, even after the server
	// closed the connection (the node and the socket still close).
	closeOnce sync.Once
}

// Dial connects to a server that Listens at addr: it builds a client
// node, binds a UDP socket, and handshakes (HELLO until WELCOME, REFUSED,
// MaxTries or ctx's end). The Client it returns makes calls as any
// Client; Close drains them and closes the connection, the node and the
// socket.
//
// If the server restarts, the calls in flight fail with ErrPeerRestarted
// (never silently, never resent: they may have run) and the client
// handshakes again; later calls go to the new server.
func Dial(ctx context.Context, addr string, cfg DialConfig) (*Client, error) {
	if err := cfg.Net.defaults(); err != nil {
		return nil, err
	}
	if cfg.Drain == 0 {
		cfg.Drain = 5 * time.Second
	}
	if cfg.Node.Name == "" {
		cfg.Node.Name = "client"
	}
	ra, conn, err := bindFor(addr, cfg.LocalAddr)
	if err != nil {
		return nil, err
	}
	c, dl, err := newDialed(conn, ra, cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	d := dl.d
	d.start()
	d.mu.Lock()
	d.step(handshake.Event{Kind: handshake.EvOpen})
	d.ps.Flush()
	d.mu.Unlock()
	select {
	case <-dl.opened:
	case <-ctx.Done():
		dl.shutdown()
		return nil, fmt.Errorf("rpc: dial %s: %w", addr, ctx.Err())
	}
	if dl.err != nil {
		dl.shutdown()
		return nil, fmt.Errorf("rpc: dial %s: %w", addr, dl.err)
	}
	return c, nil
}

// bindFor resolves the server's address and binds the client's socket:
// local, or a free port on 127.0.0.1 for a loopback server (any address
// otherwise).
func bindFor(addr, local string) (*net.UDPAddr, *net.UDPConn, error) {
	ra, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: dial %q: %w", ErrConfig, addr, err)
	}
	if local == "" {
		local = ":0"
		if ra.IP.IsLoopback() {
			local = "127.0.0.1:0"
		}
	}
	la, err := net.ResolveUDPAddr("udp", local)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: local address %q: %w", ErrConfig, local, err)
	}
	conn, err := net.ListenUDP("udp", la)
	if err != nil {
		return nil, nil, fmt.Errorf("rpc: dial %s: bind %s: %w", addr, local, err)
	}
	return ra, conn, nil
}

// newDialed builds a dial's node, handshake core, driver and client over
// conn and starts the node; the driver is not started.
func newDialed(conn *net.UDPConn, ra *net.UDPAddr, cfg DialConfig) (*Client, *dialed, error) {
	n, err := NewNode(cfg.Node)
	if err != nil {
		return nil, nil, err
	}
	hs, err := handshake.NewClient(handshake.ClientConfig{Server: addrPort(ra), Inc: handshake.NewIncarnation(),
		MaxTries: cfg.Net.MaxTries, Faults: cfg.Net.Handshake})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	d, err := newNetDriver(conn, cfg.Net, n.bells.NIC())
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	dl := &dialed{node: n, d: d, hs: hs, drain: cfg.Drain, opened: make(chan struct{}), closed: make(chan struct{})}
	dl.link = &netLink{d: d, local: 0, inc: hs.Inc(), to: ra}
	c, err := newClient(n, 0, 0)
	if err != nil {
		return nil, nil, err
	}
	c.dial = dl
	// The incarnation's calls are numbered from a point of their own, so
	// that a response to an earlier incarnation's call that is still on
	// its way matches none of this one's.
	c.nextID = uint32(handshake.SeqStart(hs.Inc(), 0))
	if st := n.nic.OpenOn(0, 0); st != spec.ConnOK {
		return nil, nil, fmt.Errorf("%w: %s: open conn 0: %s", ErrConfig, n.cfg.Name, st)
	}
	n.drv.Attach(0, dl.link)
	d.core, d.onEffect = hs, func(e handshake.Effect) { dl.effect(c, e) }
	d.keepalive = hs.Keepalive
	d.nicFlushes, n.flush, d.roundNow = true, d.flush, n.roundNow
	if err := n.Start(context.Background()); err != nil {
		return nil, nil, err
	}
	return c, dl, nil
}

// effect carries out a client core's effect other than a packet (d.mu
// held).
func (dl *dialed) effect(c *Client, e handshake.Effect) {
	d, l := dl.d, dl.link
	switch e.Kind {
	case handshake.FxOpened:
		ep, err := d.endpoint(e.Conn.ID, e.Conn.ClientSeq+1, e.Conn.ServerSeq+1)
		if err != nil {
			return // checked at Dial
		}
		for id := range d.links {
			delete(d.links, id)
		}
		l.wire, l.peerInc, l.ep, l.ackSeen, l.spoke = e.Conn.ID, e.Conn.ServerInc, ep, false, d.ticks
		d.links[e.Conn.ID] = l
		dl.once.Do(func() { close(dl.opened) })
	case handshake.FxClosed:
		delete(d.links, l.wire)
		l.ep = nil // re-handshaking: the NIC holds what the host sends meanwhile
		if dl.hs.State() == handshake.ClientClosed {
			// For good (a local close, or the server's): later calls are
			// ErrClosed, and what the NIC holds is dropped, not held.
			l.dead = true
			c.markClosed()
			dl.cOnce.Do(func() { close(dl.closed) })
		}
	case handshake.FxFailed:
		dl.err = e.Err
		l.dead = true
		c.markClosed()
		dl.once.Do(func() { close(dl.opened) })
		dl.cOnce.Do(func() { close(dl.closed) })
	case handshake.FxFailCalls:
		if st := dl.hs.State(); st == handshake.ClientClosed || st == handshake.ClientFailed {
			// Closed for good (the server's CLOSE): no call may start
			// after the calls in flight are failed, or nothing would fail
			// it.
			l.dead = true
			c.markClosed()
		}
		err := e.Err
		if errors.Is(err, handshake.ErrClosed) {
			err = fmt.Errorf("%w: %w", ErrClosed, err)
		}
		c.failAll(err, false)
	case handshake.FxDiscardCalls:
		c.failAll(nil, true)
	}
}

// close closes the connection: the calls still in flight are failed
// (the core says how) and CLOSE goes to the server until it answers or
// the tries run out, or ctx ends; then the node and the socket close.
func (dl *dialed) close(ctx context.Context, inFlight int) error {
	d := dl.d
	d.mu.Lock()
	d.step(handshake.Event{Kind: handshake.EvClose, InFlight: inFlight})
	d.ps.Flush()
	d.mu.Unlock()
	select {
	case <-dl.closed:
	case <-ctx.Done():
	}
	return dl.shutdown()
}

func (dl *dialed) shutdown() error {
	return errors.Join(dl.node.Close(), dl.d.stop())
}

// Counters returns the handshake's and the socket's counters of a
// Client made by Dial (zero values for another).
func (c *Client) Counters() (handshake.ClientCounters, NetCounters) {
	if c.dial == nil {
		return handshake.ClientCounters{}, NetCounters{}
	}
	c.dial.d.mu.Lock()
	hc := c.dial.hs.Counters()
	c.dial.d.mu.Unlock()
	return hc, c.dial.d.counters()
}

// Node is the node the client's calls go through.
func (c *Client) Node() *Node { return c.node }
