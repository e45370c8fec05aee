package handshake

import (
	"fmt"
	"net/netip"
)

// MaxConns is the most connections a Server can hold (c_id is 16 bits on
// the wire; impl/rpc's NIC table holds at most 256).
const MaxConns = 1 << 16

// ServerConfig configures a Server.
type ServerConfig struct {
	// Inc is the server's incarnation (NewIncarnation); not 0.
	Inc uint64
	// MaxConns is the connection table's size, 1..MaxConns: c_ids
	// 0..MaxConns-1. A HELLO with every one in use is REFUSED.
	MaxConns int
	// Flows spreads connections over the server's flows: connection c
	// gets flow c mod Flows (default 1).
	Flows int
	// MaxTries bounds the ticks a shutdown's CLOSE waits for CLOSED
	// (DefaultMaxTries).
	MaxTries int
	Faults   Faults
}

// ServerCounters count what a Server did; every packet it drops has one.
type ServerCounters struct {
	Hellos        uint64 // HELLOs received
	Opens         uint64 // connections opened
	DupHellos     uint64 // HELLOs of a client incarnation already connected
	ExpiredHellos uint64 // duplicate HELLOs of an expired connection, answered with its old WELCOME
	StaleHellos   uint64 // HELLOs of an incarnation older than the address's connection
	Restarted     uint64 // connections replaced by a newer HELLO of their address (a restart, or a handshake after a RESET)
	Refused       uint64 // HELLOs refused (table full, shutting down)
	Closes        uint64 // connections closed by their client
	Resets        uint64 // RESETs sent for data frames of unknown connections or incarnations, or forged ones
	StaleFrames   uint64 // data frames of another client incarnation
	ForgedFrames  uint64 // data frames from another address than their connection's (answered with a RESET)
	Unexpected    uint64 // control packets a server has no use for
	Delivered     uint64 // data frames admitted
	ShutdownAcked uint64 // CLOSED received for a shutdown's CLOSE
	Expired       uint64 // connections closed for their client's silence (EvExpire)
}

// String is a stable one-line description.
func (c ServerCounters) String() string {
	return fmt.Sprintf("hellos=%d opens=%d dup-hellos=%d expired-hellos=%d stale-hellos=%d restarted=%d refused=%d closes=%d resets=%d stale-frames=%d forged=%d unexpected=%d delivered=%d shutdown-acked=%d expired=%d",
		c.Hellos, c.Opens, c.DupHellos, c.ExpiredHellos, c.StaleHellos, c.Restarted, c.Refused, c.Closes, c.Resets, c.StaleFrames, c.ForgedFrames, c.Unexpected, c.Delivered, c.ShutdownAcked, c.Expired)
}

// sconn is one entry of the server's table.
type sconn struct {
	Conn
	closing bool // a shutdown's CLOSE sent, waiting for CLOSED
	tries   int
}

// closedConn is what the server keeps of a connection its client closed
// (its incarnation and start), or that it expired: then the whole
// connection, whose WELCOME a duplicate of its HELLO gets again.
type closedConn struct {
	clientInc, clientSeq uint64
	expired              bool
	conn                 Conn // expired only
}

// Server is a listener's handshake as a step machine: its connection
// table by c_id and by client address. Step takes an event and returns
// the effects for its driver; Admit is Step's data-frame check without
// the effects slice, for the hot path. Not safe for concurrent use.
type Server struct {
	cfg    ServerConfig
	inc    uint64
	conns  []*sconn // by c_id; nil: free
	byPeer map[netip.AddrPort]uint16
	// closed remembers, per address, the connection its client closed
	// or the server expired last, so that a late duplicate of its HELLO
	// cannot open it again (with a fresh transport state, under which a
	// late duplicate of a call that ran would run again:
	// model/handshake's closed=forget).
	closed   map[netip.AddrPort]closedConn
	opens    uint64
	shutdown bool
	c        ServerCounters
	fx       []Effect
}

// NewServer returns a server with no connections, or ErrConfig.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Flows == 0 {
		cfg.Flows = 1
	}
	if cfg.MaxTries == 0 {
		cfg.MaxTries = DefaultMaxTries
	}
	switch {
	case cfg.Inc == 0:
		return nil, fmt.Errorf("%w: server incarnation 0", ErrConfig)
	case cfg.MaxConns < 1 || cfg.MaxConns > MaxConns:
		return nil, fmt.Errorf("%w: max conns %d, want 1..%d", ErrConfig, cfg.MaxConns, MaxConns)
	case cfg.Flows < 1 || cfg.Flows > 256:
		return nil, fmt.Errorf("%w: flows %d, want 1..256", ErrConfig, cfg.Flows)
	case cfg.MaxTries < 1:
		return nil, fmt.Errorf("%w: max tries %d", ErrConfig, cfg.MaxTries)
	}
	return &Server{cfg: cfg, inc: cfg.Inc, conns: make([]*sconn, cfg.MaxConns), byPeer: map[netip.AddrPort]uint16{},
		closed: map[netip.AddrPort]closedConn{}}, nil
}

// Inc is the server's incarnation.
func (s *Server) Inc() uint64 { return s.inc }

// Counters returns what the server has done so far.
func (s *Server) Counters() ServerCounters { return s.c }

// Conns returns the open connections, by c_id.
func (s *Server) Conns() []Conn {
	var out []Conn
	for _, c := range s.conns {
		if c != nil {
			out = append(out, c.Conn)
		}
	}
	return out
}

// Lookup returns connection id's entry, if open.
func (s *Server) Lookup(id uint16) (Conn, bool) {
	if int(id) < len(s.conns) && s.conns[id] != nil {
		return s.conns[id].Conn, true
	}
	return Conn{}, false
}

// String is a stable one-line description of the state.
func (s *Server) String() string {
	str := fmt.Sprintf("server inc=%d opens=%d shutdown=%t", s.inc, s.opens, s.shutdown)
	for _, c := range s.conns {
		if c != nil {
			str += fmt.Sprintf(" [%s closing=%t]", c.Conn, c.closing)
		}
	}
	return str
}

// Step runs one event and returns its effects, in order. The slice is
// the server's own, valid until the next Step.
func (s *Server) Step(ev Event) []Effect {
	s.fx = s.fx[:0]
	switch ev.Kind {
	case EvRecv:
		s.recv(ev.From, &ev.Msg)
	case EvData:
		v := s.Admit(ev.From, ev.Conn, ev.Inc, ev.PeerInc)
		switch {
		case v.Deliver:
			c, _ := s.Lookup(ev.Conn)
			s.emit(Effect{Kind: FxDeliver, Conn: c})
		case v.Reset:
			s.emit(Effect{Kind: FxSend, To: ev.From, Msg: v.Msg})
			s.emit(Effect{Kind: FxDrop, Err: v.Err})
		default:
			s.emit(Effect{Kind: FxDrop, Err: v.Err})
		}
	case EvTick:
		s.tick()
	case EvShutdown:
		s.shutdownAll()
	case EvRestart:
		s.restart(ev.Inc)
	case EvExpire:
		s.expire(ev.Conn)
	default:
		s.c.Unexpected++
	}
	return s.fx
}

func (s *Server) emit(e Effect) { s.fx = append(s.fx, e) }

func (s *Server) send(to netip.AddrPort, m Msg) { s.emit(Effect{Kind: FxSend, To: to, Msg: m}) }

func (s *Server) welcome(c *Conn) {
	s.send(c.Peer, Msg{Kind: KindWelcome, Conn: c.ID, Flow: c.Flow, Seq: c.ServerSeq, Echo: c.ClientSeq, Inc: c.ServerInc, PeerInc: c.ClientInc})
}

func (s *Server) recv(from netip.AddrPort, m *Msg) {
	switch m.Kind {
	case KindHello:
		s.hello(from, m)
	case KindClose:
		s.closeFrom(from, m)
	case KindClosed:
		c := s.entry(m.Conn)
		if c != nil && c.closing && c.Peer == from && c.ClientInc == m.Inc && m.PeerInc == s.inc {
			s.c.ShutdownAcked++
			s.drop(c)
			return
		}
		s.c.Unexpected++
	default:
		s.c.Unexpected++
	}
}

func (s *Server) entry(id uint16) *sconn {
	if int(id) < len(s.conns) {
		return s.conns[id]
	}
	return nil
}

// hello: a new client incarnation is welcomed onto a new connection; a
// duplicate (same incarnation and start) gets the same WELCOME; a newer
// incarnation, or a later handshake of the same one (a larger start),
// from the same address replaces the address's connection; an older one
// is stale. A duplicate of a closed connection's HELLO is stale too,
// unless the server expired that connection: then it gets the expired
// connection's WELCOME again, and nothing opens. The client may not have
// had that WELCOME (the expiry came before it, and it was lost); taking
// it, the client opens the connection, its first frame earns a RESET,
// and it handshakes again with a larger start. Without the answer it
// would resend its HELLO until its dial timed out. A client that closed
// its connection itself wants no answer.
func (s *Server) hello(from netip.AddrPort, m *Msg) {
	s.c.Hellos++
	if s.shutdown {
		s.c.Refused++
		s.send(from, Msg{Kind: KindRefused, Reason: ReasonClosing, Inc: s.inc, PeerInc: m.Inc})
		return
	}
	if id, ok := s.byPeer[from]; ok {
		c := s.conns[id]
		switch {
		case m.Inc == c.ClientInc && m.Seq == c.ClientSeq:
			s.c.DupHellos++
			if s.cfg.Faults.DuplicateHelloOpensTwice {
				// The bug: taken for a new HELLO, the connection opens
				// again with a fresh transport state.
				c.ClientSeq, c.Fresh = m.Seq, true
				s.c.Opens++
				s.emit(Effect{Kind: FxOpened, Conn: c.Conn})
			}
			s.welcome(&c.Conn)
			return
		case m.Inc < c.ClientInc || m.Inc == c.ClientInc && m.Seq < c.ClientSeq:
			s.c.StaleHellos++
			return
		}
		s.c.Restarted++
		if s.cfg.Faults.SeqRestartFromZero && m.Inc > c.ClientInc {
			// The bug: the new incarnation is welcomed onto the old
			// connection, whose transport state (its dedup) is kept.
			c.ClientInc, c.ClientSeq, c.Fresh = m.Inc, m.Seq, false
			s.c.Opens++
			s.emit(Effect{Kind: FxOpened, Conn: c.Conn})
			s.welcome(&c.Conn)
			return
		}
		s.drop(c)
	}
	if t, ok := s.closed[from]; ok && (m.Inc < t.clientInc || m.Inc == t.clientInc && m.Seq <= t.clientSeq) {
		if t.expired && m.Inc == t.clientInc && m.Seq == t.clientSeq {
			s.c.ExpiredHellos++
			s.welcome(&t.conn)
			return
		}
		s.c.StaleHellos++ // a late HELLO of the closed connection, or older
		return
	}
	id, ok := s.free()
	if !ok {
		s.c.Refused++
		s.send(from, Msg{Kind: KindRefused, Reason: ReasonFull, Inc: s.inc, PeerInc: m.Inc})
		return
	}
	c := &sconn{Conn: Conn{ID: id, Flow: uint8(int(id) % s.cfg.Flows), Peer: from, ClientInc: m.Inc, ServerInc: s.inc,
		ClientSeq: m.Seq, ServerSeq: SeqStart(s.inc, s.opens), Fresh: true}}
	s.opens++
	s.c.Opens++
	s.conns[id] = c
	s.byPeer[from] = id
	delete(s.closed, from)
	s.emit(Effect{Kind: FxOpened, Conn: c.Conn})
	s.welcome(&c.Conn)
}

// free returns the lowest free c_id. A c_id is reused as soon as it is
// free — a restarted client's new connection often takes its
// predecessor's — so nothing may rely on it being new: the incarnations
// on every frame tell the connections apart (and the fault
// ignore-incarnation, which stops looking at them, shows what a reused
// c_id then lets through).
func (s *Server) free() (uint16, bool) {
	for i, c := range s.conns {
		if c == nil {
			return uint16(i), true
		}
	}
	return 0, false
}

// drop removes a connection from the table: FxClosed.
func (s *Server) drop(c *sconn) {
	s.conns[c.ID] = nil
	if id, ok := s.byPeer[c.Peer]; ok && id == c.ID {
		delete(s.byPeer, c.Peer)
	}
	s.emit(Effect{Kind: FxClosed, Conn: c.Conn})
}

// closeFrom: the client closes its connection; CLOSED answers every
// CLOSE, also one for a connection already gone, so that the client's
// retransmissions end.
func (s *Server) closeFrom(from netip.AddrPort, m *Msg) {
	if c := s.entry(m.Conn); c != nil && c.Peer == from && c.ClientInc == m.Inc && m.PeerInc == s.inc {
		s.c.Closes++
		s.closed[from] = closedConn{clientInc: c.ClientInc, clientSeq: c.ClientSeq}
		s.drop(c)
	}
	s.send(from, Msg{Kind: KindClosed, Conn: m.Conn, Inc: s.inc, PeerInc: m.Inc})
}

// expire: connection id's client has gone silent for longer than the
// driver's idle timeout (its keepalives stopped: it died, or the network
// between is cut). The server closes it and remembers it closed, as for
// a CLOSE, with its WELCOME, but tells nobody: a client that is in fact
// alive learns it from the RESET its next frame earns (ErrReset), and
// handshakes again; one still waiting for the WELCOME gets it again for
// its resent HELLO (hello). A connection being shut down already has its
// own end.
func (s *Server) expire(id uint16) {
	c := s.entry(id)
	if c == nil || c.closing {
		s.c.Unexpected++
		return
	}
	s.c.Expired++
	s.closed[c.Peer] = closedConn{clientInc: c.ClientInc, clientSeq: c.ClientSeq, expired: true, conn: c.Conn}
	s.drop(c)
}

func (s *Server) tick() {
	for _, c := range s.conns {
		if c == nil || !c.closing {
			continue
		}
		if c.tries++; c.tries >= s.cfg.MaxTries {
			s.drop(c)
			continue
		}
		s.sendClose(c)
	}
}

func (s *Server) sendClose(c *sconn) {
	s.send(c.Peer, Msg{Kind: KindClose, Conn: c.ID, Inc: s.inc, PeerInc: c.ClientInc})
}

// shutdownAll: every connection is told CLOSE (retransmitted at each
// tick until CLOSED or MaxTries); new HELLOs are refused.
func (s *Server) shutdownAll() {
	s.shutdown = true
	for _, c := range s.conns {
		if c != nil && !c.closing {
			c.closing, c.tries = true, 0
			s.sendClose(c)
		}
	}
}

// restart: the server's process restarted with incarnation inc and
// forgot every connection.
func (s *Server) restart(inc uint64) {
	if inc <= s.inc {
		s.c.Unexpected++
		return
	}
	for _, c := range s.conns {
		if c != nil {
			s.drop(c)
		}
	}
	clear(s.closed)
	s.inc, s.opens, s.shutdown = inc, 0, false
}

// Admit judges a data frame from `from` on c_id conn carrying the
// incarnations inc (its sender's) and peerInc. A frame for another
// server incarnation or for no open connection is answered with a RESET
// (Verdict.Reset, Verdict.Msg); so is one from another address than its
// connection's (forged, counted apart): its sender's connection is gone
// and the c_id another address's now, as after an expiry, and the RESET
// tells a live sender so. One of another client incarnation is stale:
// dropped. Under ignore-incarnation the incarnations are not looked at.
// It counts what it drops and allocates nothing.
func (s *Server) Admit(from netip.AddrPort, conn uint16, inc, peerInc uint64) Verdict {
	ignore := s.cfg.Faults.IgnoreIncarnation
	c := s.entry(conn)
	if c == nil || (!ignore && peerInc != s.inc) {
		s.c.Resets++
		return Verdict{Reset: true, Err: ErrUnknownConn, Msg: s.reset(conn, inc)}
	}
	if from != c.Peer {
		s.c.ForgedFrames++
		s.c.Resets++
		return Verdict{Reset: true, Err: ErrForged, Msg: s.reset(conn, inc)}
	}
	if !ignore && inc != c.ClientInc {
		s.c.StaleFrames++
		return Verdict{Err: ErrStale}
	}
	s.c.Delivered++
	return Verdict{Deliver: true}
}

// reset is the RESET that answers a data frame on c_id conn whose sender
// claims incarnation inc.
func (s *Server) reset(conn uint16, inc uint64) Msg {
	return Msg{Kind: KindReset, Conn: conn, Inc: s.inc, PeerInc: max(inc, 1)}
}
