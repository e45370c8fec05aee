package handshake

import (
	"errors"
	"fmt"
	"net/netip"
)

// Why Admit drops a data frame (Effect.Err of FxDrop, Verdict.Err).
var (
	// ErrStale: the frame's incarnations are not its connection's: a
	// frame of an old client or server incarnation.
	ErrStale = errors.New("handshake: frame of another incarnation")
	// ErrForged: the frame came from another address than its
	// connection's peer.
	ErrForged = errors.New("handshake: frame from another address than the connection's")
	// ErrUnknownConn: no open connection has the frame's c_id.
	ErrUnknownConn = errors.New("handshake: frame for no open connection")
)

// DefaultMaxTries is how many ticks a HELLO or a CLOSE is retransmitted
// before the dial fails (ErrTimeout) or the close gives up.
const DefaultMaxTries = 50

// ClientConfig configures a Client.
type ClientConfig struct {
	// Server is the server's address; control packets from elsewhere
	// are counted and dropped.
	Server netip.AddrPort
	// Inc is the client's incarnation (NewIncarnation); not 0.
	Inc uint64
	// MaxTries bounds the ticks a HELLO or a CLOSE waits for its answer
	// (DefaultMaxTries).
	MaxTries int
	Faults   Faults
}

// ClientState is where a Client's handshake stands.
type ClientState uint8

// Client states.
const (
	ClientIdle    ClientState = iota // not opened yet
	ClientHello                      // HELLO sent, waiting for WELCOME
	ClientOpen                       // the connection is open
	ClientClosing                    // CLOSE sent, waiting for CLOSED
	ClientClosed                     // closed, for good
	ClientFailed                     // the dial failed, for good
)

var clientStates = [...]string{"idle", "hello", "open", "closing", "closed", "failed"}

func (s ClientState) String() string {
	if int(s) < len(clientStates) {
		return clientStates[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// ClientCounters count what a Client did; every packet it drops has one.
type ClientCounters struct {
	Hellos       uint64 // HELLOs sent, retransmissions included
	Opens        uint64 // connections opened (the first and every re-handshake)
	Resets       uint64 // RESETs acted on
	DupWelcomes  uint64 // WELCOMEs for a connection already open
	Foreign      uint64 // control packets from another address than the server's
	Stale        uint64 // control packets or data frames of another incarnation
	Unexpected   uint64 // control packets the client's state has no use for
	Delivered    uint64 // data frames admitted
	FailedCalls  uint64 // FxFailCalls effects
	ClosesSent   uint64 // CLOSEs sent, retransmissions included
	ClosedAcks   uint64 // CLOSED received for our CLOSE
	ForgedFrames uint64 // data frames from another address
}

// String is a stable one-line description.
func (c ClientCounters) String() string {
	return fmt.Sprintf("hellos=%d opens=%d resets=%d dup-welcomes=%d foreign=%d stale=%d unexpected=%d delivered=%d failed-calls=%d closes-sent=%d closed-acks=%d forged=%d",
		c.Hellos, c.Opens, c.Resets, c.DupWelcomes, c.Foreign, c.Stale, c.Unexpected, c.Delivered, c.FailedCalls, c.ClosesSent, c.ClosedAcks, c.ForgedFrames)
}

// Client is one dial's handshake as a step machine: Step takes an event
// and returns the effects for its driver; Admit is Step's data-frame
// check without the effects slice, for the driver's hot path. Not safe
// for concurrent use.
type Client struct {
	cfg     ClientConfig
	state   ClientState
	inc     uint64
	attempt uint64 // handshakes made by this incarnation
	seq     uint64 // this attempt's starting sequence number
	tries   int
	conn    Conn // the open connection (ClientOpen, ClientClosing), or the last one
	c       ClientCounters
	fx      []Effect
}

// NewClient returns an idle client, or ErrConfig.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.MaxTries == 0 {
		cfg.MaxTries = DefaultMaxTries
	}
	switch {
	case cfg.Inc == 0:
		return nil, fmt.Errorf("%w: client incarnation 0", ErrConfig)
	case !cfg.Server.IsValid():
		return nil, fmt.Errorf("%w: no server address", ErrConfig)
	case cfg.MaxTries < 1:
		return nil, fmt.Errorf("%w: max tries %d", ErrConfig, cfg.MaxTries)
	}
	return &Client{cfg: cfg, inc: cfg.Inc}, nil
}

// State is where the handshake stands.
func (c *Client) State() ClientState { return c.state }

// Inc is the client's incarnation.
func (c *Client) Inc() uint64 { return c.inc }

// Conn is the open connection (meaningful in ClientOpen and
// ClientClosing).
func (c *Client) Conn() Conn { return c.conn }

// Counters returns what the client has done so far.
func (c *Client) Counters() ClientCounters { return c.c }

// String is a stable one-line description of the state.
func (c *Client) String() string {
	s := fmt.Sprintf("client state=%s inc=%d attempt=%d seq=%d tries=%d", c.state, c.inc, c.attempt, c.seq, c.tries)
	if c.state == ClientOpen || c.state == ClientClosing {
		s += " " + c.conn.String()
	}
	return s
}

// Step runs one event and returns its effects, in order. The slice is
// the client's own, valid until the next Step.
func (c *Client) Step(ev Event) []Effect {
	c.fx = c.fx[:0]
	switch ev.Kind {
	case EvOpen:
		if c.state == ClientIdle {
			c.hello()
		}
	case EvTick:
		c.tick()
	case EvRecv:
		c.recv(ev.From, &ev.Msg)
	case EvData:
		if v := c.Admit(ev.From, ev.Conn, ev.Inc, ev.PeerInc); v.Deliver {
			c.emit(Effect{Kind: FxDeliver, Conn: c.conn})
		} else {
			c.emit(Effect{Kind: FxDrop, Err: v.Err})
		}
	case EvClose:
		c.close(ev.InFlight)
	case EvRestart:
		c.restart(ev.Inc)
	}
	return c.fx
}

func (c *Client) emit(e Effect) { c.fx = append(c.fx, e) }

// hello starts a handshake: a new starting sequence number, HELLO sent.
func (c *Client) hello() {
	c.state, c.tries = ClientHello, 0
	c.seq = SeqStart(c.inc, c.attempt)
	if c.cfg.Faults.SeqRestartFromZero {
		c.seq = 0 // the bug: every incarnation starts at 0
	}
	c.attempt++
	c.sendHello()
}

// Keepalive is what the client's driver sends while the connection is
// open and it has sent nothing for a while, so that the server does not
// take the client for dead and expire the connection (EvExpire): its
// HELLO again, which the server answers as any duplicate, with the same
// WELCOME, and the client drops, counted. It changes no state on either
// side. ok is false unless the connection is open.
func (c *Client) Keepalive() (m Msg, ok bool) {
	if c.state != ClientOpen {
		return Msg{}, false
	}
	return Msg{Kind: KindHello, Seq: c.seq, Inc: c.inc}, true
}

func (c *Client) sendHello() {
	c.c.Hellos++
	c.emit(Effect{Kind: FxSend, To: c.cfg.Server, Msg: Msg{Kind: KindHello, Seq: c.seq, Inc: c.inc}})
}

func (c *Client) sendClose() {
	c.c.ClosesSent++
	c.emit(Effect{Kind: FxSend, To: c.cfg.Server, Msg: Msg{Kind: KindClose, Conn: c.conn.ID, Inc: c.inc, PeerInc: c.conn.ServerInc}})
}

func (c *Client) tick() {
	switch c.state {
	case ClientHello:
		if c.tries++; c.tries >= c.cfg.MaxTries {
			c.state = ClientFailed
			c.emit(Effect{Kind: FxFailed, Err: fmt.Errorf("%w: %d HELLOs to %s unanswered", ErrTimeout, c.tries, c.cfg.Server)})
			return
		}
		c.sendHello()
	case ClientClosing:
		if c.tries++; c.tries >= c.cfg.MaxTries {
			c.state = ClientClosed // the server is gone: nothing left to tell it
			c.emit(Effect{Kind: FxClosed, Conn: c.conn})
			return
		}
		c.sendClose()
	}
}

func (c *Client) recv(from netip.AddrPort, m *Msg) {
	if from != c.cfg.Server {
		c.c.Foreign++
		return
	}
	if m.PeerInc != c.inc {
		c.c.Stale++ // an answer to another incarnation's HELLO
		return
	}
	switch {
	case m.Kind == KindWelcome && c.state == ClientHello && m.Echo == c.seq:
		c.state = ClientOpen
		c.conn = Conn{ID: m.Conn, Flow: m.Flow, Peer: from, ClientInc: c.inc, ServerInc: m.Inc, ClientSeq: c.seq, ServerSeq: m.Seq, Fresh: true}
		c.c.Opens++
		c.emit(Effect{Kind: FxOpened, Conn: c.conn})
	case m.Kind == KindWelcome:
		c.c.DupWelcomes++
	case m.Kind == KindRefused && c.state == ClientHello:
		c.state = ClientFailed
		c.emit(Effect{Kind: FxFailed, Err: fmt.Errorf("%w (reason %d)", ErrRefused, m.Reason)})
	case m.Kind == KindReset && (c.state == ClientOpen || c.state == ClientClosing) && m.Conn == c.conn.ID:
		c.reset(m)
	case m.Kind == KindClose && c.state == ClientOpen && m.Conn == c.conn.ID && m.Inc == c.conn.ServerInc:
		c.state = ClientClosed
		c.emit(Effect{Kind: FxSend, To: from, Msg: Msg{Kind: KindClosed, Conn: m.Conn, Inc: c.inc, PeerInc: m.Inc}})
		c.failCalls(ErrPeerClosed, -1)
		c.emit(Effect{Kind: FxClosed, Conn: c.conn})
	case m.Kind == KindClose && c.state == ClientClosed && m.Conn == c.conn.ID:
		// Our CLOSED was lost: say it again.
		c.emit(Effect{Kind: FxSend, To: from, Msg: Msg{Kind: KindClosed, Conn: m.Conn, Inc: c.inc, PeerInc: m.Inc}})
	case m.Kind == KindClosed && c.state == ClientClosing && m.Conn == c.conn.ID:
		c.state = ClientClosed
		c.c.ClosedAcks++
		c.emit(Effect{Kind: FxClosed, Conn: c.conn})
	default:
		c.c.Unexpected++
	}
}

// reset acts on a RESET for the open connection: the server restarted
// or forgot it. The calls in flight fail; an open connection
// handshakes again, a closing one is done.
func (c *Client) reset(m *Msg) {
	var err error
	switch {
	case m.Inc > c.conn.ServerInc:
		err = ErrPeerRestarted
	case m.Inc == c.conn.ServerInc:
		err = ErrReset
	default:
		c.c.Stale++ // from a server incarnation older than the connection's
		return
	}
	c.c.Resets++
	closing := c.state == ClientClosing
	if !closing {
		c.failCalls(err, -1)
	}
	c.emit(Effect{Kind: FxClosed, Conn: c.conn})
	if closing {
		c.state = ClientClosed
		return
	}
	c.hello()
}

func (c *Client) failCalls(err error, n int) {
	c.c.FailedCalls++
	c.emit(Effect{Kind: FxFailCalls, Conn: c.conn, Err: err, N: n})
}

// close: a handshake in progress fails; an open connection fails (or,
// under close-drops-inflight, discards) its calls in flight and sends
// CLOSE.
func (c *Client) close(inFlight int) {
	switch c.state {
	case ClientIdle, ClientHello:
		c.state = ClientFailed
		c.emit(Effect{Kind: FxFailed, Err: fmt.Errorf("%w before the handshake completed", ErrClosed)})
	case ClientOpen:
		if c.cfg.Faults.CloseDropsInflight {
			c.emit(Effect{Kind: FxDiscardCalls, Conn: c.conn, N: inFlight})
		} else {
			c.failCalls(ErrClosed, inFlight)
		}
		c.state, c.tries = ClientClosing, 0
		c.sendClose()
	}
}

// restart: the client's process restarted with incarnation inc. What it
// had in flight died with it (no effect fails it: nobody is left to
// tell); it handshakes anew.
func (c *Client) restart(inc uint64) {
	if inc <= c.inc {
		c.c.Unexpected++ // an incarnation must grow
		return
	}
	if c.state == ClientOpen || c.state == ClientClosing {
		c.emit(Effect{Kind: FxClosed, Conn: c.conn})
	}
	c.inc, c.attempt = inc, 0
	c.hello()
}

// Verdict is Admit's judgement of one data frame.
type Verdict struct {
	Deliver bool
	// Reset: answer the frame's sender with Msg (a RESET); server only.
	Reset bool
	Msg   Msg
	// Err is why the frame is dropped (ErrStale, ErrForged,
	// ErrUnknownConn); nil when delivered.
	Err error
}

// Admit judges a data frame from `from` on c_id conn carrying the
// incarnations inc (its sender's) and peerInc: delivered only on the
// open connection, from the server, with both incarnations the
// connection's (under ignore-incarnation, the c_id alone). It counts
// what it drops and allocates nothing.
func (c *Client) Admit(from netip.AddrPort, conn uint16, inc, peerInc uint64) Verdict {
	if c.state != ClientOpen && c.state != ClientClosing || conn != c.conn.ID {
		c.c.Stale++
		return Verdict{Err: ErrUnknownConn}
	}
	if from != c.conn.Peer {
		c.c.ForgedFrames++
		return Verdict{Err: ErrForged}
	}
	if !c.cfg.Faults.IgnoreIncarnation && (inc != c.conn.ServerInc || peerInc != c.conn.ClientInc) {
		c.c.Stale++
		return Verdict{Err: ErrStale}
	}
	c.c.Delivered++
	return Verdict{Deliver: true}
}
