package transport

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

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
// socket: one goroutine reads datagrams (one frame each) and gives them
// to the endpoint's Receive, one goroutine runs the retransmission timer,
// and every step that may produce frames (Send, Receive, Timeout) is
// followed by writing the endpoint's Outgoing frames to the peer. One
// mutex serialises the endpoint, so its logic stays the plain step
// machine the tests drive.
//
// Reads and writes are one datagram per system call: batched I/O
// (recvmmsg/sendmmsg) needs golang.org/x/net/ipv4's ReadBatch and
// WriteBatch or raw syscalls, and impl imports only the standard library.
type Socket struct {
	cfg   SocketConfig
	mu    sync.Mutex // guards ep, ackSeen, wbuf, c, closed
	ep    Endpoint
	wbuf  []byte
	c     SocketCounters
	ready chan struct{}

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
	s := &Socket{cfg: cfg, ep: cfg.Endpoint, ready: make(chan struct{}, 1), done: make(chan struct{})}
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

// Ready is signalled (capacity one, never closed) after frames arrive or
// acknowledgements free send room: a receiver waits on it before calling
// Deliveries, a blocked sender before retrying Send.
func (s *Socket) Ready() <-chan struct{} { return s.ready }

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
	buf := make([]byte, 2048)
	for {
		n, from, err := s.cfg.Conn.ReadFromUDP(buf)
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
		s.c.DatagramsIn++
		switch f, derr := DecodeFrame(buf[:n]); {
		case !from.IP.Equal(s.cfg.Peer.IP) || from.Port != s.cfg.Peer.Port:
			s.c.Foreign++
		case derr != nil:
			s.c.Malformed++
		default:
			if s.ep.Receive(f) != nil {
				s.c.Rejected++
			} else if f.Kind == KindAck {
				s.ackSeen = true
			}
			s.flushLocked()
			s.signal()
		}
		s.mu.Unlock()
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

func (s *Socket) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// flushLocked writes the endpoint's outgoing frames, one datagram each.
// A write error is counted: the frame is lost as the network might lose
// it, and the reliable transport resends it.
func (s *Socket) flushLocked() {
	for _, f := range s.ep.Outgoing() {
		b, err := AppendFrame(s.wbuf[:0], &f)
		if err != nil {
			s.c.WriteErrors++
			continue
		}
		s.wbuf = b
		if _, err := s.cfg.Conn.WriteToUDP(b, s.cfg.Peer); err != nil {
			s.c.WriteErrors++
			continue
		}
		s.c.DatagramsOut++
	}
}
