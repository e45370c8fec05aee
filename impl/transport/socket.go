package transport

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/impl/wake"
	"golang.org/x/net/ipv4"
)

// batch is how many datagrams a Socket reads or writes per system call
// (recvmmsg and sendmmsg on Linux; one at a time where the platform has
// no batched calls).
const batch = 64

// ErrClosed: the Socket was closed.
var ErrClosed = errors.New("transport: socket closed")

// SocketConfig configures a Socket.
type SocketConfig struct {
	// Conn is the bound local socket (ListenLoopback makes one); the
	// Socket owns it from now on and closes it.
	Conn *net.UDPConn
	// Peer is the remote socket's address; datagrams from elsewhere are
	// counted and dropped.
	Peer *net.UDPAddr
	// Endpoint is the state machine the Socket drives (a *Reliable or a
	// *UDP); the Socket owns it and serialises every call to it.
	Endpoint Endpoint
	// RTO is the retransmission timer's period (default 10ms): at each
	// tick with frames unacknowledged and no ack received since the last
	// tick, the Socket calls Timeout.
	RTO time.Duration
	// Bell is rung after frames arrive (packets to take, or acks that
	// freed send room): the bell of the goroutine that takes this
	// socket's deliveries (a NIC's). Nil: the Socket's own (Bell).
	Bell *wake.Bell
}

// SocketCounters count what a Socket did besides its endpoint.
type SocketCounters struct {
	DatagramsIn, DatagramsOut, Malformed, Foreign, ReadErrors, WriteErrors, Rejected uint64
}

// String is a stable one-line description.
func (c SocketCounters) String() string {
	return fmt.Sprintf("in=%d out=%d malformed=%d foreign=%d read-errors=%d write-errors=%d rejected=%d",
		c.DatagramsIn, c.DatagramsOut, c.Malformed, c.Foreign, c.ReadErrors, c.WriteErrors, c.Rejected)
}

// Socket is the thin free-running driver of an Endpoint over a real UDP
// socket: one goroutine reads datagrams (one frame each), gives them to
// the endpoint's Receive and rings the Bell of whoever takes the
// deliveries, one goroutine runs the retransmission timer,
// and every step that may produce frames (Send, Receive, Timeout) is
// followed by writing the endpoint's Outgoing frames to the peer. One
// mutex serialises the endpoint, so its logic stays the plain step
// machine the tests drive.
//
// Reads and writes are batched: up to 64 datagrams per system call
// (golang.org/x/net/ipv4's ReadBatch and WriteBatch: recvmmsg and
// sendmmsg on Linux, one datagram per call elsewhere), and the datagrams
// of one read are handed to the endpoint under one lock.
type Socket struct {
	cfg   SocketConfig
	pc    *ipv4.PacketConn
	mu    sync.Mutex // guards ep, ackSeen, wbuf, wmsgs, wvecs, c, closed
	ep    Endpoint
	wbuf  []byte         // the encoded frames of one flush, back to back
	wmsgs []ipv4.Message // one per frame, pointing into wvecs
	wvecs [][]byte       // one per frame, pointing into wbuf
	ends  []int          // where each frame ends in wbuf
	c     SocketCounters
	bell  *wake.Bell

	ackSeen bool
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

// ListenLoopback binds a UDP socket on 127.0.0.1 at a free port.
func ListenLoopback() (*net.UDPConn, error) {
	return net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
}

// NewSocket starts driving cfg.Endpoint over cfg.Conn.
func NewSocket(cfg SocketConfig) (*Socket, error) {
	if cfg.Conn == nil || cfg.Peer == nil || cfg.Endpoint == nil {
		return nil, fmt.Errorf("%w: socket needs Conn, Peer and Endpoint", ErrConfig)
	}
	if cfg.RTO <= 0 {
		cfg.RTO = 10 * time.Millisecond
	}
	if cfg.Bell == nil {
		cfg.Bell = &wake.Bell{}
	}
	s := &Socket{cfg: cfg, pc: ipv4.NewPacketConn(cfg.Conn), ep: cfg.Endpoint, bell: cfg.Bell, done: make(chan struct{})}
	s.wg.Add(2)
	go s.readLoop()
	go s.timerLoop()
	return s, nil
}

// Send queues p on the endpoint and writes what it lets out; ErrFull
// when the endpoint's send queue is full, ErrClosed after Close.
func (s *Socket) Send(p Packet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.ep.Send(p); err != nil {
		return err
	}
	s.flushLocked()
	return nil
}

// Deliveries returns the packets delivered since the last call.
func (s *Socket) Deliveries() []Packet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ep.Deliveries()
}

// TakeDeliveries is Deliveries appending to dst (a driver's buffer,
// reused: nothing is allocated).
func (s *Socket) TakeDeliveries(dst []Packet) []Packet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ep.TakeDeliveries(dst)
}

// Bell is rung after frames arrive or acknowledgements free send room: a
// receiver parks on it before calling Deliveries, a blocked sender before
// retrying Send.
func (s *Socket) Bell() *wake.Bell { return s.bell }

// Inspect runs f on the endpoint under the Socket's lock (to read its
// counters, say); f must not keep it.
func (s *Socket) Inspect(f func(Endpoint)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.ep)
}

// Counters returns the Socket's own counters.
func (s *Socket) Counters() SocketCounters {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

// Close stops both goroutines and closes the UDP socket; it waits for
// them and may be called more than once.
func (s *Socket) Close() error {
	var err error
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.done)
		err = s.cfg.Conn.Close()
		s.wg.Wait()
	})
	return err
}

func (s *Socket) readLoop() {
	defer s.wg.Done()
	msgs := make([]ipv4.Message, batch)
	for i := range msgs {
		msgs[i].Buffers = [][]byte{make([]byte, 2048)}
	}
	for {
		n, err := s.pc.ReadBatch(msgs, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.mu.Lock()
			s.c.ReadErrors++
			s.mu.Unlock()
			continue
		}
		s.mu.Lock()
		for i := range msgs[:n] {
			s.receiveLocked(&msgs[i])
		}
		s.flushLocked()
		s.mu.Unlock()
		s.bell.Ring()
	}
}

// receiveLocked hands one datagram to the endpoint, or counts why not.
func (s *Socket) receiveLocked(m *ipv4.Message) {
	s.c.DatagramsIn++
	from, _ := m.Addr.(*net.UDPAddr)
	f, derr := DecodeFrame(m.Buffers[0][:m.N])
	switch {
	case from == nil || !from.IP.Equal(s.cfg.Peer.IP) || from.Port != s.cfg.Peer.Port:
		s.c.Foreign++
	case derr != nil:
		s.c.Malformed++
	case s.ep.Receive(f) != nil:
		s.c.Rejected++
	case f.Kind == KindAck:
		s.ackSeen = true
	}
}

func (s *Socket) timerLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.RTO)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		s.mu.Lock()
		if !s.closed {
			if s.ep.Unacked() > 0 && !s.ackSeen {
				s.ep.Timeout()
			}
			s.ackSeen = false
			s.flushLocked()
		}
		s.mu.Unlock()
	}
}

// flushLocked writes the endpoint's outgoing frames, one datagram each,
// in batches. A write error is counted: the frames not written are lost
// as the network might lose them, and the reliable transport resends
// them.
func (s *Socket) flushLocked() {
	out := s.ep.Outgoing()
	if len(out) == 0 {
		return
	}
	s.wbuf, s.wmsgs, s.ends = s.wbuf[:0], s.wmsgs[:0], s.ends[:0]
	for i := range out {
		b, err := AppendFrame(s.wbuf, &out[i])
		if err != nil {
			s.c.WriteErrors++
			continue
		}
		s.wbuf = b
		s.ends = append(s.ends, len(b))
	}
	s.wvecs = s.wvecs[:0]
	start := 0
	for _, end := range s.ends {
		s.wvecs = append(s.wvecs, s.wbuf[start:end])
		start = end
	}
	for i := range s.wvecs {
		// Each message's one buffer, a view into wvecs: nothing allocated
		// per datagram once the slices have grown.
		s.wmsgs = append(s.wmsgs, ipv4.Message{Buffers: s.wvecs[i : i+1 : i+1], Addr: s.cfg.Peer})
	}
	for msgs := s.wmsgs; len(msgs) > 0; {
		n, err := s.pc.WriteBatch(msgs[:min(len(msgs), batch)], 0)
		if err != nil || n == 0 {
			s.c.WriteErrors += uint64(len(msgs))
			return
		}
		s.c.DatagramsOut += uint64(n)
		msgs = msgs[n:]
	}
}
