package rpc

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/impl/handshake"
	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/daggercheck/daggercheck/impl/wake"
)

// Errors of connections between processes (Listen, Dial), besides the
// handshake's: ErrPeerRestarted, ErrReset, ErrPeerClosed, ErrRefused and
// ErrHandshakeTimeout are impl/handshake's, so errors.Is matches either
// name.
var (
	ErrPeerRestarted    = handshake.ErrPeerRestarted
	ErrReset            = handshake.ErrReset
	ErrPeerClosed       = handshake.ErrPeerClosed
	ErrRefused          = handshake.ErrRefused
	ErrHandshakeTimeout = handshake.ErrTimeout
	// errLinkClosed: the connection closed under an RPC the NIC offered
	// it; the NIC drops it and counts a link error.
	errLinkClosed = errors.New("rpc: connection closed")
)

// NetConfig configures the network side of Listen and Dial. Zero fields
// take the defaults named.
type NetConfig struct {
	// BestEffort runs Dagger's best-effort UDP instead of the reliable
	// transport: a lost packet is a lost call (it ends by its context).
	BestEffort bool
	// Window is the reliable transport's window (default 64), Queue each
	// connection's send and receive queues (default 4*Window).
	Window, Queue int
	// RTO is the retransmission period (default 10ms), doubled after
	// each resend that goes unanswered, up to 64 periods; HandshakeRTO the
	// period of HELLO and CLOSE retransmissions (default 100ms), of which
	// MaxTries (default 50) go unanswered before a dial fails.
	RTO, HandshakeRTO time.Duration
	MaxTries          int
	// IdleTimeout: a server closes a connection it has heard nothing
	// from for this long (its client died, or the network between is
	// cut), freeing its c_id; a client sends a keepalive (its HELLO
	// again) whenever it has sent nothing for a third of it, so a live
	// client's connection never expires. Default 30s; negative: never.
	// A client's should be at most its server's.
	IdleTimeout time.Duration
	// Faults makes the socket a faulty network: seeded loss, duplication
	// and reordering of every datagram it writes.
	Faults transport.NetFaults
	// Handshake injects the handshake's bugs (impl/handshake.Faults).
	Handshake handshake.Faults
}

func (c *NetConfig) defaults() error {
	if c.Window == 0 {
		c.Window = 64
	}
	if c.Queue == 0 {
		c.Queue = 4 * c.Window
	}
	if c.RTO == 0 {
		c.RTO = 10 * time.Millisecond
	}
	if c.HandshakeRTO == 0 {
		c.HandshakeRTO = 100 * time.Millisecond
	}
	if c.MaxTries == 0 {
		c.MaxTries = handshake.DefaultMaxTries
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if c.RTO < 0 || c.HandshakeRTO < 0 || c.MaxTries < 0 {
		return fmt.Errorf("%w: negative RTO or tries", ErrConfig)
	}
	return c.Faults.Check()
}

// NetCounters count what a Listen or Dial socket's driver did.
type NetCounters struct {
	Malformed uint64 // datagrams that were neither a control packet nor a version-2 frame
	NoLink    uint64 // admitted frames for a connection with no transport state (re-handshaking)
	Rejected  uint64 // frames the transport refused (wrong kind, bad ack)
	// ResetsHeld: RESETs due but not sent, past the most one period may
	// send (maxResets): a peer that keeps sending for a connection the
	// server does not know gets its next RESET when it sends again.
	ResetsHeld uint64
	Socket     transport.PacketCounters
}

// String is a stable one-line description.
func (c NetCounters) String() string {
	return fmt.Sprintf("malformed=%d no-link=%d rejected=%d resets-held=%d %s", c.Malformed, c.NoLink, c.Rejected, c.ResetsHeld, c.Socket)
}

// core is the handshake's step core of either side.
type core interface {
	Step(handshake.Event) []handshake.Effect
	Admit(from netip.AddrPort, conn uint16, inc, peerInc uint64) handshake.Verdict
}

// netDriver is the thin driver of one UDP socket shared by a side's
// connections: a reader goroutine hands control packets to the handshake
// core and admitted data frames to their connection's transport
// endpoint; a timer goroutine ticks the endpoints and the core; effects
// other than packets go to the side's onEffect. One mutex serialises the
// core, the endpoints and the socket's writing side.
type netDriver struct {
	ps       *transport.PacketSocket
	cfg      NetConfig
	bell     *wake.Bell // the node's NIC bell, rung when packets arrive
	core     core
	onEffect func(handshake.Effect) // called under mu

	mu     sync.Mutex
	links  map[uint16]*netLink // by the c_id on the wire
	dirty  []*netLink
	ctl    []byte
	resets int // RESETs sent this period (maxResets)
	ticks  int // timer ticks so far
	// Idle connections: a server's driver expires a link not heard from
	// in idleTicks; a client's sends keepalive's message when it has not
	// spoken for a third of that. 0 ticks: never.
	idleTicks int
	expires   bool
	keepalive func() (handshake.Msg, bool)
	c         NetCounters
	closed    bool
	// nicFlushes: the node's NIC goroutine flushes (Node.flush): Send
	// and the reader leave frames for it, to go out in one batch.
	nicFlushes bool
	// roundNow, when set, runs the node's rounds on the reader's
	// goroutine after a batch (Node.roundNow); it reports whether the
	// NIC's goroutine must still be rung.
	roundNow func() bool
	done     chan struct{}
	wg       sync.WaitGroup
}

// netLink is one connection's transport end, as the NIC sees it (a
// Link): its endpoint, the incarnations its frames carry, and its c_id on
// the wire and on the node's NIC.
type netLink struct {
	d       *netDriver
	wire    uint16 // the c_id in frames and in the packets' c_id field
	local   uint8  // the c_id on this node's NIC
	inc     uint64 // ours, stamped on every frame
	peerInc uint64 // the peer's
	to      *net.UDPAddr
	ep      transport.Endpoint // nil while (re)handshaking
	dead    bool
	ackSeen bool // an ack came since the last tick
	queued  bool // in d.dirty
	// Back-off: quiet is how many resends in a row went unanswered, and
	// wait how many ticks are left before the next (see retransmit).
	quiet, wait int
	// heard (a server's) and spoke (a client's) are the ticks at which the
	// peer's last datagram came and the last frame went (idle).
	heard, spoke int
}

func newNetDriver(conn *net.UDPConn, cfg NetConfig, bell *wake.Bell) (*netDriver, error) {
	ps, err := transport.NewPacketSocket(conn, cfg.Faults)
	if err != nil {
		return nil, err
	}
	d := &netDriver{ps: ps, cfg: cfg, bell: bell, links: map[uint16]*netLink{}, done: make(chan struct{})}
	if cfg.IdleTimeout > 0 {
		d.idleTicks = max(int(cfg.IdleTimeout/cfg.RTO), 3)
	}
	return d, nil
}

// start runs the reader and the timer.
func (d *netDriver) start() {
	d.wg.Add(2)
	go d.readLoop()
	go d.timerLoop()
}

// stop closes the socket and waits for the goroutines.
func (d *netDriver) stop() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.mu.Unlock()
	close(d.done)
	err := d.ps.Close()
	d.wg.Wait()
	return err
}

// endpoint builds a connection's transport state from the handshake's
// agreement: each direction's first frame takes the number after the
// start its sender chose (the HELLO and the WELCOME took the starts).
func (d *netDriver) endpoint(wire uint16, send, recv uint64) (transport.Endpoint, error) {
	if d.cfg.BestEffort {
		return transport.NewUDP(transport.UDPConfig{Conn: wire, SendQueue: d.cfg.Queue, RecvQueue: d.cfg.Queue})
	}
	return transport.NewReliable(transport.ReliableConfig{Conn: wire, Window: d.cfg.Window, SendQueue: d.cfg.Queue,
		RecvQueue: d.cfg.Queue, SendStart: send, RecvStart: recv, PiggybackAcks: true, FastRetransmit: true})
}

// step runs an event on the core and carries out its effects (mu held).
func (d *netDriver) step(ev handshake.Event) {
	for _, e := range d.core.Step(ev) {
		if e.Kind == handshake.FxSend {
			d.sendMsg(&e.Msg, e.To)
			continue
		}
		d.onEffect(e)
	}
}

func (d *netDriver) sendMsg(m *handshake.Msg, to netip.AddrPort) {
	b, err := handshake.AppendMsg(d.ctl[:0], m)
	if err != nil {
		d.c.Malformed++ // the core never builds one; counted, not sent
		return
	}
	d.ctl = b
	d.ps.QueueBytes(b, net.UDPAddrFromAddrPort(to))
}

// addrPort is a datagram's source as the core compares it.
func addrPort(a *net.UDPAddr) netip.AddrPort {
	if a == nil {
		return netip.AddrPort{}
	}
	ap := a.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

func (d *netDriver) readLoop() {
	defer d.wg.Done()
	locked := false
	recv := func(b []byte, from *net.UDPAddr) {
		if !locked {
			d.mu.Lock()
			locked = true
		}
		d.receive(b, from)
	}
	for {
		err := d.ps.Read(recv)
		if locked {
			if d.ps.Pending() > 0 || !d.nicFlushes {
				d.flushDirty() // the handshake's answers go now; acks wait for the NIC's flush
			}
			d.mu.Unlock()
			locked = false
			if d.roundNow == nil || d.roundNow() {
				d.bell.Ring()
			}
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			d.mu.Lock()
			d.c.Socket.ReadErrors++
			d.mu.Unlock()
		}
	}
}

// receive takes one datagram (mu held).
func (d *netDriver) receive(b []byte, from *net.UDPAddr) {
	ap := addrPort(from)
	if handshake.IsControl(b) {
		m, err := handshake.DecodeMsg(b)
		if err != nil {
			d.c.Malformed++
			return
		}
		d.heardFrom(ap, m.Inc)
		d.step(handshake.Event{Kind: handshake.EvRecv, From: ap, Msg: m})
		return
	}
	f, err := transport.DecodeFrame(b)
	if err != nil || f.Inc == 0 {
		d.c.Malformed++ // a version-1 frame names no incarnation: not ours
		return
	}
	v := d.core.Admit(ap, f.Conn, f.Inc, f.PeerInc)
	if v.Reset {
		d.reset(&v.Msg, ap)
	}
	if !v.Deliver {
		return // counted by the core
	}
	l := d.links[f.Conn]
	if l == nil || l.ep == nil {
		d.c.NoLink++
		return
	}
	l.heard = d.ticks
	if l.ep.Receive(f) != nil {
		d.c.Rejected++ // a bad ack, or a frame of the wrong kind; data it carried is taken
	}
	if f.Kind == transport.KindAck || f.HasAck {
		l.ackSeen = true
	}
	d.markDirty(l)
}

// heardFrom notes a control packet from a client's address and
// incarnation as news of its connection (mu held): its keepalives are
// HELLOs. Data frames are noted as they are admitted.
func (d *netDriver) heardFrom(from netip.AddrPort, inc uint64) {
	if !d.expires {
		return
	}
	for _, l := range d.links {
		if l.peerInc == inc && addrPort(l.to) == from {
			l.heard = d.ticks
		}
	}
}

// idle is a tick's part for idle connections (mu held): a server expires
// those it has not heard from in idleTicks (the core closes them, and
// the effect drops the link), a client sends its keepalive when it has
// sent nothing for a third of that.
func (d *netDriver) idle() {
	if d.idleTicks == 0 {
		return
	}
	for id, l := range d.links {
		switch {
		case d.expires && d.ticks-l.heard >= d.idleTicks:
			d.step(handshake.Event{Kind: handshake.EvExpire, Conn: id})
		case d.keepalive != nil && l.ep != nil && d.ticks-l.spoke >= d.idleTicks/3:
			if m, ok := d.keepalive(); ok {
				l.spoke = d.ticks
				d.sendMsg(&m, addrPort(l.to))
			}
		}
	}
}

// maxResets is the most RESETs a socket sends in one retransmission
// period (6,400 a second by default). Every frame of an unknown
// connection or incarnation earns one, and whoever can make the server
// receive datagrams could otherwise make it send as many; a real peer
// sends again (its resends back off), and a later frame gets the RESET.
const maxResets = 64

// reset sends a RESET the core asked for, within the period's budget
// (mu held).
func (d *netDriver) reset(m *handshake.Msg, to netip.AddrPort) {
	if d.resets >= maxResets {
		d.c.ResetsHeld++
		return
	}
	d.resets++
	d.sendMsg(m, to)
}

func (d *netDriver) markDirty(l *netLink) {
	if !l.queued {
		l.queued = true
		d.dirty = append(d.dirty, l)
	}
}

// flushDirty writes the frames of every link marked since the last
// flush, and the control packets queued, in one batch (mu held).
func (d *netDriver) flushDirty() {
	for _, l := range d.dirty {
		l.queued = false
		d.queueOutgoing(l)
	}
	d.dirty = d.dirty[:0]
	d.ps.Flush()
}

// queueOutgoing queues a link's outgoing frames, stamped with the
// incarnations (mu held).
func (d *netDriver) queueOutgoing(l *netLink) {
	if l.ep == nil {
		return
	}
	for _, f := range l.ep.Outgoing() {
		l.spoke = d.ticks
		f.Inc, f.PeerInc = l.inc, l.peerInc
		_ = d.ps.QueueFrame(&f, l.to) // counted by the socket
	}
}

func (d *netDriver) timerLoop() {
	defer d.wg.Done()
	t := time.NewTicker(d.cfg.RTO)
	defer t.Stop()
	every := max(int(d.cfg.HandshakeRTO/d.cfg.RTO), 1)
	for i := 1; ; i++ {
		select {
		case <-d.done:
			return
		case <-t.C:
		}
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return
		}
		if i%every == 0 {
			d.step(handshake.Event{Kind: handshake.EvTick})
		}
		d.resets = 0
		d.ticks++
		for _, l := range d.links {
			l.retransmit()
			d.markDirty(l)
		}
		d.idle()
		d.ps.Tick()
		d.flushDirty()
		d.mu.Unlock()
		d.bell.Ring() // a handshake's effects may have opened a link
	}
}

// maxBackoff is the most ticks between two resends of a link whose
// peer answers nothing: 64 periods, 640ms by default.
const maxBackoff = 64

// retransmit is a link's part of a tick (mu held): its unacknowledged
// frames go again when no ack came since the last tick, at once the first
// time and then after twice as many ticks each time no ack comes between
// (exponential back-off, up to maxBackoff), so that a peer that died or
// is cut off is not sent the whole window every period for as long as
// calls wait for it. Any ack starts the count again.
func (l *netLink) retransmit() {
	if l.ackSeen || l.ep == nil || l.ep.Unacked() == 0 {
		l.quiet, l.wait, l.ackSeen = 0, 0, false
		return
	}
	if l.wait > 0 {
		l.wait--
		return
	}
	l.ep.Timeout()
	l.wait = min(1<<l.quiet, maxBackoff) - 1
	l.quiet = min(l.quiet+1, 7)
}

// Send queues p on the connection's endpoint and writes what it lets
// out; transport.ErrFull (back-pressure: the NIC holds p) while the
// connection is (re)handshaking or its queue is full.
func (l *netLink) Send(p transport.Packet) error {
	d := l.d
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case l.dead || d.closed:
		return errLinkClosed
	case l.ep == nil:
		return transport.ErrFull
	}
	p.ConnID = uint8(l.wire)
	if err := l.ep.Send(p); err != nil {
		return err
	}
	if d.nicFlushes {
		d.markDirty(l) // written at the NIC's flush, with the round's others
		return nil
	}
	d.queueOutgoing(l)
	d.ps.Flush()
	return nil
}

// flush writes the frames and packets queued since the last flush: the
// node's flush, on its NIC's goroutine.
func (d *netDriver) flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed && (len(d.dirty) > 0 || d.ps.Pending() > 0) {
		d.flushDirty()
	}
}

// TakeDeliveries appends the packets the endpoint delivered, renamed to
// the node's c_id.
func (l *netLink) TakeDeliveries(dst []transport.Packet) []transport.Packet {
	d := l.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if l.ep == nil {
		return dst
	}
	k := len(dst)
	dst = l.ep.TakeDeliveries(dst)
	for i := k; i < len(dst); i++ {
		dst[i].ConnID = l.local
	}
	if len(dst) > k {
		d.markDirty(l) // freed room: an ack may be due
	}
	return dst
}

// counters returns the driver's counters.
func (d *netDriver) counters() NetCounters {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.c
	c.Socket = d.ps.Counters()
	return c
}
