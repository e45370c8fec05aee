package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/daggercheck/daggercheck/impl/handshake"
	"github.com/daggercheck/daggercheck/spec"
)

// ServerConfig configures Listen.
type ServerConfig struct {
	// Node is the server node's configuration; its NIC's connection
	// table (Node.NIC.Conns) defaults to 256 here.
	Node Config
	// MaxConns bounds the clients connected at once (default: the NIC's
	// table); a HELLO beyond it is REFUSED.
	MaxConns int
	Net      NetConfig
}

// Server serves RPCs to clients in other processes over one UDP socket:
// a node (Listen builds it), the handshake's server core and a
// connection per client incarnation. Register handlers, then Start.
type Server struct {
	node *Node
	d    *netDriver
	hs   *handshake.Server
}

// Listen binds a UDP socket at addr ("127.0.0.1:7000"; port 0 picks
// one) and accepts connections from clients that Dial it; calls are
// served once Start runs the node.
func Listen(addr string, cfg ServerConfig) (*Server, error) {
	if err := cfg.Net.defaults(); err != nil {
		return nil, err
	}
	if cfg.Node.NIC.Conns == 0 {
		cfg.Node.NIC.Conns = 256
	}
	if cfg.Node.Name == "" {
		cfg.Node.Name = "server"
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = cfg.Node.NIC.Conns
	}
	if cfg.MaxConns < 1 || cfg.MaxConns > cfg.Node.NIC.Conns {
		return nil, fmt.Errorf("%w: max conns %d, want 1..%d (the NIC's table)", ErrConfig, cfg.MaxConns, cfg.Node.NIC.Conns)
	}
	n, err := NewNode(cfg.Node)
	if err != nil {
		return nil, err
	}
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: listen %q: %w", ErrConfig, addr, err)
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, fmt.Errorf("rpc: listen %s: %w", addr, err)
	}
	hs, err := handshake.NewServer(handshake.ServerConfig{Inc: handshake.NewIncarnation(), MaxConns: cfg.MaxConns,
		Flows: n.cfg.Flows, MaxTries: cfg.Net.MaxTries, Faults: cfg.Net.Handshake})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	d, err := newNetDriver(conn, cfg.Net, n.bells.NIC())
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	s := &Server{node: n, d: d, hs: hs}
	d.expires = true
	d.core, d.onEffect = hs, s.effect
	d.nicFlushes, n.flush, d.roundNow = true, d.flush, n.roundNow
	d.start()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.d.ps.LocalAddr().String() }

// Node is the server's node (its NIC's counters, say).
func (s *Server) Node() *Node { return s.node }

// Incarnation is the server's incarnation.
func (s *Server) Incarnation() uint64 { return s.hs.Inc() }

// Handle registers h for function fn (see Node.Handle); before Start.
func (s *Server) Handle(fn uint16, name string, h Handler) error { return s.node.Handle(fn, name, h) }

// HandleRequest registers a RequestHandler (see Node.HandleRequest).
func (s *Server) HandleRequest(fn uint16, name string, h RequestHandler) error {
	return s.node.HandleRequest(fn, name, h)
}

// Start runs the node free-running until ctx ends or Close.
func (s *Server) Start(ctx context.Context) error { return s.node.Start(ctx) }

// Counters returns the handshake's and the socket's counters.
func (s *Server) Counters() (handshake.ServerCounters, NetCounters) {
	s.d.mu.Lock()
	hc := s.hs.Counters()
	s.d.mu.Unlock()
	return hc, s.d.counters()
}

// Conns is how many clients are connected.
func (s *Server) Conns() int {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	return len(s.hs.Conns())
}

// effect carries out a server core's effect other than a packet (d.mu
// held): a connection opened gets a transport endpoint, an open entry in
// the NIC's table on its flow and the NIC's link; one closed loses them
// (its requests still in the NIC are dropped there, counted).
func (s *Server) effect(e handshake.Effect) {
	d, n, c := s.d, s.node, e.Conn
	switch e.Kind {
	case handshake.FxOpened:
		if l := d.links[c.ID]; l != nil && !c.Fresh {
			l.peerInc = c.ClientInc // seq-restart-from-zero: the old transport state stays
			return
		}
		ep, err := d.endpoint(c.ID, c.ServerSeq+1, c.ClientSeq+1)
		if err != nil {
			return // the configuration was checked at Listen
		}
		if old := d.links[c.ID]; old != nil {
			old.dead = true
		}
		l := &netLink{d: d, wire: c.ID, local: uint8(c.ID), inc: c.ServerInc, peerInc: c.ClientInc, to: net.UDPAddrFromAddrPort(c.Peer), ep: ep, heard: d.ticks}
		d.links[c.ID] = l
		if !n.nic.IsOpen(int(c.ID)) {
			if st := n.nic.OpenOn(int(c.ID), int(c.Flow)); st != spec.ConnOK {
				d.c.Rejected++
			}
		}
		n.drv.Attach(uint8(c.ID), l)
	case handshake.FxClosed:
		if l := d.links[c.ID]; l != nil {
			l.dead = true
			delete(d.links, c.ID)
		}
		n.nic.Close(int(c.ID))
		n.drv.Detach(uint8(c.ID))
	}
}

// Close tells every client the server is closing (CLOSE, retransmitted
// until each answers or a second passes), then stops the node and the
// socket.
func (s *Server) Close() error {
	s.d.mu.Lock()
	if !s.d.closed {
		s.d.step(handshake.Event{Kind: handshake.EvShutdown})
		s.d.ps.Flush()
	}
	s.d.mu.Unlock()
	for deadline := time.Now().Add(time.Second); s.Conns() > 0 && time.Now().Before(deadline); {
		time.Sleep(s.d.cfg.RTO)
	}
	return errors.Join(s.node.Close(), s.d.stop())
}
