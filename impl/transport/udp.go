package transport

import "fmt"

// UDPConfig configures a UDP endpoint. Zero fields take the defaults.
type UDPConfig struct {
	Conn      uint16 // the connection id
	SendQueue int    // packets waiting for Outgoing; default 64
	RecvQueue int    // packets delivered and not yet taken; default 64
	// Room, when set, is asked too before a frame is delivered: the RX
	// ring may be shared with other connections' endpoints (see
	// ReliableConfig.Room). A frame arriving while it reports none is
	// dropped and counted as NoRoom.
	Room func() bool
}

// UDPCounters count what a UDP endpoint did.
type UDPCounters struct {
	Sent      uint64 // raw frames sent
	Delivered uint64 // raw frames delivered (duplicates included)
	NoRoom    uint64 // raw frames dropped with the receive queue full
	Rejected  uint64 // frames dropped for another connection or a wrong kind
}

// String is a stable one-line description.
func (c UDPCounters) String() string {
	return fmt.Sprintf("sent=%d delivered=%d no-room=%d rejected=%d", c.Sent, c.Delivered, c.NoRoom, c.Rejected)
}

// UDP is the best-effort transport, Dagger's own: each packet goes out
// once as a raw frame and each raw frame that arrives is delivered, with
// no sequence numbers, acknowledgements or retransmission. A packet the
// network loses is lost, one it duplicates is delivered twice, and
// reordering shows. It keeps no state beyond its bounded queues and
// counters; Timeout does nothing.
type UDP struct {
	conn      uint16
	pending   []Packet
	sendCap   int
	delivered []Packet
	recvCap   int
	room      func() bool
	seq       uint64
	out       []Frame
	c         UDPCounters
}

// NewUDP returns a best-effort endpoint with cfg, or ErrConfig.
func NewUDP(cfg UDPConfig) (*UDP, error) {
	if cfg.SendQueue == 0 {
		cfg.SendQueue = 64
	}
	if cfg.RecvQueue == 0 {
		cfg.RecvQueue = 64
	}
	if cfg.SendQueue < 1 || cfg.SendQueue > maxQueue || cfg.RecvQueue < 1 || cfg.RecvQueue > maxQueue {
		return nil, fmt.Errorf("%w: queues %d, %d not in 1..%d", ErrConfig, cfg.SendQueue, cfg.RecvQueue, maxQueue)
	}
	return &UDP{conn: cfg.Conn, sendCap: cfg.SendQueue, recvCap: cfg.RecvQueue, room: cfg.Room,
		pending: make([]Packet, 0, cfg.SendQueue), delivered: make([]Packet, 0, cfg.RecvQueue)}, nil
}

// Send queues p, or returns ErrMalformed (not a valid slot) or ErrFull.
func (u *UDP) Send(p Packet) error {
	if err := checkPacket(&p); err != nil {
		return err
	}
	if len(u.pending) == u.sendCap {
		return ErrFull
	}
	u.pending = append(u.pending, p)
	return nil
}

// Outgoing returns every queued packet as a raw frame, once.
func (u *UDP) Outgoing() []Frame {
	u.out = u.out[:0]
	for _, p := range u.pending {
		u.out = append(u.out, Frame{Kind: KindRaw, Conn: u.conn, Seq: u.seq, Packet: p})
		u.seq++
		u.c.Sent++
	}
	u.pending = u.pending[:0]
	return u.out
}

// Receive delivers a raw frame if there is room (else counts it).
func (u *UDP) Receive(f Frame) error {
	switch {
	case f.Conn != u.conn:
		u.c.Rejected++
		return fmt.Errorf("%w: conn %d at endpoint of conn %d", ErrWrongConn, f.Conn, u.conn)
	case f.Kind != KindRaw:
		u.c.Rejected++
		return fmt.Errorf("%w: %s frame at a udp endpoint", ErrWrongKind, f.Kind)
	case len(u.delivered) == u.recvCap || (u.room != nil && !u.room()):
		u.c.NoRoom++
		return nil
	}
	u.delivered = append(u.delivered, f.Packet)
	u.c.Delivered++
	return nil
}

// Deliveries returns the packets received since the last call.
func (u *UDP) Deliveries() []Packet {
	if len(u.delivered) == 0 {
		return nil
	}
	return u.TakeDeliveries(make([]Packet, 0, len(u.delivered)))
}

// TakeDeliveries is Deliveries appending to dst.
func (u *UDP) TakeDeliveries(dst []Packet) []Packet {
	dst = append(dst, u.delivered...)
	u.delivered = u.delivered[:0]
	return dst
}

// Timeout does nothing: the best-effort transport never resends.
func (u *UDP) Timeout() {}

// Unacked is always 0.
func (u *UDP) Unacked() int { return 0 }

// Counters returns what the endpoint has done so far.
func (u *UDP) Counters() UDPCounters { return u.c }
