package transport

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/impl/wake"
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
	// Faults make the socket a seeded faulty network: each datagram it
	// writes is lost, duplicated or reordered with their probabilities
	// (NetFaults; the zero value injects nothing).
	Faults NetFaults
}

// SocketCounters count what a Socket did besides its endpoint; Faults
// what its NetFaults injected.
type SocketCounters struct {
	DatagramsIn, DatagramsOut, Malformed, Foreign, ReadErrors, WriteErrors, Rejected uint64
	Faults                                                                           PacketCounters
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
// Reads and writes are batched (PacketSocket: up to 64 datagrams per
// system call, recvmmsg and sendmmsg on Linux), and the datagrams of one
// read are handed to the endpoint under one lock.
type Socket struct {
	cfg  SocketConfig
	ps   *PacketSocket
	mu   sync.Mutex // guards ep, ackSeen, the writing side of ps, c, closed
	ep   Endpoint
	c    SocketCounters
	bell *wake.Bell

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
	ps, err := NewPacketSocket(cfg.Conn, cfg.Faults)
	if err != nil {
		return nil, err
	}
	s := &Socket{cfg: cfg, ps: ps, ep: cfg.Endpoint, bell: cfg.Bell, done: make(chan struct{})}
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
	c := s.c
	c.Faults = s.ps.Counters()
	c.DatagramsOut, c.WriteErrors = c.Faults.Out, c.Faults.WriteErrors
	return c
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
		err = s.ps.Close()
		s.wg.Wait()
	})
	return err
}

func (s *Socket) readLoop() {
	defer s.wg.Done()
	locked := false
	recv := func(b []byte, from *net.UDPAddr) {
		if !locked {
			s.mu.Lock()
			locked = true
		}
		s.receiveLocked(b, from)
	}
	for {
		err := s.ps.Read(recv)
		if locked {
			s.flushLocked()
			s.mu.Unlock()
			locked = false
			s.bell.Ring()
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.mu.Lock()
			s.c.ReadErrors++
			s.mu.Unlock()
		}
	}
}

// receiveLocked hands one datagram to the endpoint, or counts why not.
func (s *Socket) receiveLocked(b []byte, from *net.UDPAddr) {
	s.c.DatagramsIn++
	f, derr := DecodeFrame(b)
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
			s.ps.Tick()
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
	for _, f := range s.ep.Outgoing() {
		_ = s.ps.QueueFrame(&f, s.cfg.Peer) // counted by the PacketSocket
	}
	s.ps.Flush()
}
