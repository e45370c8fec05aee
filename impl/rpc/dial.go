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
	ra, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: dial %q: %w", ErrConfig, addr, err)
	}
	local := cfg.LocalAddr
	if local == "" {
		local = ":0"
		if ra.IP.IsLoopback() {
			local = "127.0.0.1:0"
		}
	}
	la, err := net.ResolveUDPAddr("udp", local)
	if err != nil {
		return nil, fmt.Errorf("%w: local address %q: %w", ErrConfig, local, err)
	}
	n, err := NewNode(cfg.Node)
	if err != nil {
		return nil, err
	}
	conn, err := net.ListenUDP("udp", la)
	if err != nil {
		return nil, fmt.Errorf("rpc: dial %s: bind %s: %w", addr, local, err)
	}
	hs, err := handshake.NewClient(handshake.ClientConfig{Server: addrPort(ra), Inc: handshake.NewIncarnation(),
		MaxTries: cfg.Net.MaxTries, Faults: cfg.Net.Handshake})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	d, err := newNetDriver(conn, cfg.Net, n.bells.NIC())
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	dl := &dialed{node: n, d: d, hs: hs, drain: cfg.Drain, opened: make(chan struct{}), closed: make(chan struct{})}
	dl.link = &netLink{d: d, local: 0, inc: hs.Inc(), to: ra}
	c, err := newClient(n, 0, 0)
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.dial = dl
	if st := n.nic.OpenOn(0, 0); st != spec.ConnOK {
		conn.Close()
		return nil, fmt.Errorf("%w: %s: open conn 0: %s", ErrConfig, n.cfg.Name, st)
	}
	n.drv.Attach(0, dl.link)
	d.core, d.onEffect = hs, func(e handshake.Effect) { dl.effect(c, e) }
	d.nicFlushes, n.flush = true, d.flush
	if err := n.Start(context.Background()); err != nil {
		conn.Close()
		return nil, err
	}
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
		l.wire, l.peerInc, l.ep, l.ackSeen = e.Conn.ID, e.Conn.ServerInc, ep, false
		d.links[e.Conn.ID] = l
		dl.once.Do(func() { close(dl.opened) })
	case handshake.FxClosed:
		delete(d.links, l.wire)
		l.ep = nil // re-handshaking: the NIC holds what the host sends meanwhile
		if dl.hs.State() == handshake.ClientClosed {
			dl.cOnce.Do(func() { close(dl.closed) })
		}
	case handshake.FxFailed:
		dl.err = e.Err
		dl.once.Do(func() { close(dl.opened) })
		dl.cOnce.Do(func() { close(dl.closed) })
	case handshake.FxFailCalls:
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
