package transport

import (
	"fmt"
	"math"
)

// ReliableConfig configures a Reliable endpoint. Zero fields take the
// defaults named.
type ReliableConfig struct {
	// Conn is the connection id this endpoint serves; frames of other
	// connections are dropped with ErrWrongConn.
	Conn uint16
	// Window is the most data frames in flight (sent, unacknowledged);
	// 1 is stop-and-wait, exactly the system model's transport. Default
	// DefaultWindow, at most MaxWindow.
	Window int
	// SendQueue bounds the packets taken by Send and not yet
	// acknowledged, in flight or waiting for the window; Send returns
	// ErrFull beyond it. Default 4*Window, at least Window.
	SendQueue int
	// RecvQueue bounds the packets delivered and not yet taken by
	// Deliveries; a data frame arriving with no room is dropped
	// unacknowledged, for the sender to resend. Default 4*Window.
	RecvQueue int
	// Room, when set, is asked too before a data frame is delivered: the
	// RX ring the endpoint's deliveries go to may be shared with other
	// connections' endpoints (a server thread serving several
	// connections), so its room is not the endpoint's alone. A frame
	// arriving while Room reports none is dropped unacknowledged, as with
	// a full RecvQueue. Nil: only RecvQueue bounds deliveries.
	Room func() bool
	// SendStart is the sequence number of the first packet sent, and
	// RecvStart the one the receiver expects first: the starting numbers
	// the two ends agreed on in their handshake (impl/handshake), so that
	// frames of an earlier connection on the same c_id fall outside this
	// one's numbers. Both 0 by default; at most 2^62.
	SendStart, RecvStart uint64
	// PiggybackAcks: an ack due rides on the data frames going out in
	// the same Outgoing (Frame.HasAck, version-2 frames only) instead of
	// an ack frame of its own, which goes out only when no data does.
	// Off, the transport is the system model's exactly.
	PiggybackAcks bool
	// FastRetransmit: a receiver answers a frame ahead of the one it
	// expects (one was lost) with an ack frame of what it has, and a
	// sender resends its unacknowledged frames at once on such an ack
	// (one naming the frame before its oldest unacknowledged), at most
	// once until the oldest is acknowledged or its timer fires: a loss
	// costs a round trip, not a retransmission period. Off, the
	// transport is the system model's exactly.
	FastRetransmit bool
	// Faults are injected mutations (see ReliableFaults); the zero value is the
	// correct transport.
	Faults ReliableFaults
}

// Defaults and limits of ReliableConfig.
const (
	DefaultWindow = 8
	MaxWindow     = 1024
	maxQueue      = 1 << 20
)

// ReliableCounters count what a Reliable endpoint did; every drop has a
// counter.
type ReliableCounters struct {
	Sent        uint64 // data frames sent the first time
	Retransmits uint64 // data frames sent again after a Timeout
	Timeouts    uint64 // Timeout calls that found frames unacknowledged
	Acked       uint64 // packets acknowledged by the peer
	AcksSent    uint64 // ack frames sent
	AcksRecv    uint64 // ack frames received that acknowledged something
	StaleAcks   uint64 // ack frames received that acknowledged nothing new
	Delivered   uint64 // packets delivered, in order, exactly once
	Duplicates  uint64 // data frames already delivered, acked again and dropped
	Ahead       uint64 // data frames past the next expected, dropped unacknowledged
	NoRoom      uint64 // data frames expected but with no room, dropped unacknowledged
	Rejected    uint64 // frames dropped for another connection, a wrong kind or a bad ack
	AckedLost   uint64 // ReliableFaults.AckBeforeDelivery: frames acknowledged, then dropped for want of room
	Piggybacked uint64 // acks sent on data frames (PiggybackAcks) instead of frames of their own
	FastResends uint64 // resends started by a duplicate ack (FastRetransmit)
}

// String is a stable one-line description.
func (c ReliableCounters) String() string {
	s := fmt.Sprintf("sent=%d retransmits=%d timeouts=%d acked=%d acks-sent=%d acks-recv=%d stale-acks=%d delivered=%d duplicates=%d ahead=%d no-room=%d rejected=%d acked-lost=%d",
		c.Sent, c.Retransmits, c.Timeouts, c.Acked, c.AcksSent, c.AcksRecv, c.StaleAcks, c.Delivered, c.Duplicates, c.Ahead, c.NoRoom, c.Rejected, c.AckedLost)
	if c.Piggybacked > 0 || c.FastResends > 0 {
		s += fmt.Sprintf(" piggybacked=%d fast-resends=%d", c.Piggybacked, c.FastResends)
	}
	return s
}

// Reliable is one side of one connection of the reliable transport: a
// sender of the connection's packets in one direction and a receiver of
// the other's, as a step machine (Endpoint).
//
// Sender: Send gives each packet the next sequence number (0, 1, ...)
// and queues it; Outgoing sends the queued packets while fewer than
// Window are unacknowledged; an ack for seq s frees every packet up to s
// (cumulative); Timeout resends every unacknowledged frame (go-back-N),
// with its original sequence number. Receiver: a data frame with the
// expected sequence number is delivered if there is room and then
// acknowledged; an old one (a duplicate or a resend) is acknowledged
// again and dropped; one ahead of the expected (an earlier one was lost
// or reordered) is dropped unacknowledged, as is the expected one with no
// room. Hence every packet is delivered exactly once and in order, however
// the network loses, duplicates, reorders or delays frames, provided it
// delivers some of them (a sender whose frames are all lost never
// completes, as in any protocol).
//
// The invariants: base <= sent <= tail, tail-base <= len(queue),
// sent-base <= window; the packet at position s, base <= s < tail, is
// queue[s % len(queue)] and travels with sequence number s+off (off is 0
// unless ReliableConfig.SendStart, ReliableFaults.SeqNotAdvanced or
// ReliableFaults.RetransmitNewSeq set it); without faults, recvNext
// minus RecvStart packets were delivered.
type Reliable struct {
	conn   uint16
	window uint64

	queue []Packet // ring buffer of packets base..tail-1
	base  uint64   // oldest unacknowledged sequence number
	sent  uint64   // next sequence number to send the first time
	tail  uint64   // next sequence number Send assigns
	again bool     // Timeout fired: resend base..sent-1 in the next Outgoing
	off   int64    // wire sequence number minus queue position (SendStart, and faults)
	ackOn bool     // during Outgoing: the data frames carry the ack due

	recvNext  uint64 // next sequence number to deliver
	ackDue    bool   // an ack for recvNext-1 is to be sent
	delivered []Packet
	recvCap   int
	room      func() bool
	piggyback bool
	fast      bool // FastRetransmit
	dupAckDue bool // FastRetransmit: an ack frame of its own is due (a frame came ahead)
	fastDone  bool // FastRetransmit: resent for the current base already

	faults ReliableFaults
	out    []Frame
	c      ReliableCounters
}

// NewReliable returns an endpoint with cfg, or ErrConfig.
func NewReliable(cfg ReliableConfig) (*Reliable, error) {
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.SendQueue == 0 {
		cfg.SendQueue = 4 * cfg.Window
	}
	if cfg.RecvQueue == 0 {
		cfg.RecvQueue = 4 * cfg.Window
	}
	switch {
	case cfg.Window < 1 || cfg.Window > MaxWindow:
		return nil, fmt.Errorf("%w: window %d not in 1..%d", ErrConfig, cfg.Window, MaxWindow)
	case cfg.SendQueue < cfg.Window || cfg.SendQueue > maxQueue:
		return nil, fmt.Errorf("%w: send queue %d not in window..%d", ErrConfig, cfg.SendQueue, maxQueue)
	case cfg.RecvQueue < 1 || cfg.RecvQueue > maxQueue:
		return nil, fmt.Errorf("%w: receive queue %d not in 1..%d", ErrConfig, cfg.RecvQueue, maxQueue)
	case cfg.SendStart > 1<<62 || cfg.RecvStart > 1<<62:
		return nil, fmt.Errorf("%w: starting sequence numbers %d, %d over 2^62", ErrConfig, cfg.SendStart, cfg.RecvStart)
	}
	return &Reliable{
		conn:      cfg.Conn,
		window:    uint64(cfg.Window),
		queue:     make([]Packet, cfg.SendQueue),
		delivered: make([]Packet, 0, cfg.RecvQueue),
		recvCap:   cfg.RecvQueue,
		room:      cfg.Room,
		piggyback: cfg.PiggybackAcks,
		fast:      cfg.FastRetransmit,
		faults:    cfg.Faults,
		out:       make([]Frame, 0, cfg.Window+1),
		off:       int64(cfg.SendStart),
		recvNext:  cfg.RecvStart,
	}, nil
}

// Send queues p for the peer; ErrMalformed when p is not a valid slot,
// ErrFull when SendQueue packets are queued
// or unacknowledged.
func (r *Reliable) Send(p Packet) error {
	if err := checkPacket(&p); err != nil {
		return err
	}
	if r.tail-r.base == uint64(len(r.queue)) {
		return ErrFull
	}
	r.queue[r.tail%uint64(len(r.queue))] = p
	r.tail++
	return nil
}

// Outgoing returns, in this order: the ack due, if any (one cumulative
// ack covers every data frame received since the last); after a Timeout,
// every unacknowledged frame again; then new data frames while the
// window has room.
func (r *Reliable) Outgoing() []Frame {
	r.out = r.out[:0]
	if r.ackDue && r.piggyback && (r.again && r.base < r.sent || r.sent < r.tail && r.sent-r.base < r.window) {
		// Data goes out: the ack rides on it (frame stamps each one).
		r.ackDue = false
		r.c.Piggybacked++
		r.ackOn = true
		defer func() { r.ackOn = false }()
	}
	if r.ackDue || r.dupAckDue {
		r.out = append(r.out, Frame{Kind: KindAck, Conn: r.conn, Seq: r.recvNext - 1})
		r.ackDue, r.dupAckDue = false, false
		r.c.AcksSent++
	}
	if r.again {
		for s := r.base; s < r.sent; s++ {
			r.out = append(r.out, r.frame(s))
			r.c.Retransmits++
		}
		r.again = false
	}
	for r.sent < r.tail && r.sent-r.base < r.window {
		r.out = append(r.out, r.frame(r.sent))
		r.sent++
		r.c.Sent++
	}
	return r.out
}

func (r *Reliable) frame(seq uint64) Frame {
	f := Frame{Kind: KindData, Conn: r.conn, Seq: uint64(int64(seq) + r.off), Packet: r.queue[seq%uint64(len(r.queue))]}
	if r.ackOn {
		f.HasAck, f.Ack = true, r.recvNext-1
	}
	return f
}

// Receive takes one frame from the peer (see Reliable for the rules).
func (r *Reliable) Receive(f Frame) error {
	if f.Conn != r.conn {
		r.c.Rejected++
		return fmt.Errorf("%w: conn %d at endpoint of conn %d", ErrWrongConn, f.Conn, r.conn)
	}
	switch f.Kind {
	case KindAck:
		r.fastResend(f.Seq)
		return r.receiveAck(f.Seq)
	case KindData:
		var err error
		if f.HasAck {
			err = r.receiveAck(f.Ack) // counted; the data is taken either way
		}
		r.receiveData(f)
		return err
	}
	r.c.Rejected++
	return fmt.Errorf("%w: %s frame at a reliable endpoint", ErrWrongKind, f.Kind)
}

// fastResend: under FastRetransmit, an ack frame naming the frame just
// before the oldest unacknowledged one says the receiver is missing
// that one: resend from it at the next Outgoing, once for this oldest.
func (r *Reliable) fastResend(wire uint64) {
	if !r.fast || r.fastDone || r.base == r.sent || int64(wire)-r.off != int64(r.base)-1 {
		return
	}
	r.fastDone, r.again = true, true
	r.c.FastResends++
}

func (r *Reliable) receiveAck(wire uint64) error {
	// pos is the queue position the ack names (the wire number without
	// the faults' renumbering); a number below every position is stale.
	pos := int64(wire) - r.off
	switch {
	case wire > math.MaxInt64 || pos >= int64(r.sent): // no frame was ever numbered past MaxInt64
		r.c.Rejected++
		return fmt.Errorf("%w: ack seq=%d, next unsent %d", ErrBadAck, wire, int64(r.sent)+r.off)
	case pos < int64(r.base):
		r.c.StaleAcks++ // a duplicate, or overtaken by a later cumulative ack
		return nil
	}
	seq := uint64(pos)
	r.c.AcksRecv++
	r.c.Acked += seq + 1 - r.base
	if r.faults.SeqNotAdvanced {
		// The bug: the next packet takes the acknowledged one's number.
		r.off -= int64(seq + 1 - r.base)
	}
	for s := r.base; s <= seq; s++ {
		r.queue[s%uint64(len(r.queue))] = Packet{} // drop the reference to the payload
	}
	r.base = seq + 1
	r.fastDone = false
	return nil
}

// receiveData is the model's receiveData (model/system/next.go) with a
// cumulative ack: deliver-then-ack the expected frame when there is room,
// re-ack an old one, drop anything else unacknowledged.
//
// ReliableFaults.NoDedup takes every frame for the expected one;
// ReliableFaults.AckBeforeDelivery acknowledges and passes the expected frame
// before it looks for room.
func (r *Reliable) receiveData(f Frame) {
	room := len(r.delivered) < r.recvCap && (r.room == nil || r.room())
	switch {
	case (f.Seq == r.recvNext || r.faults.NoDedup) && r.faults.AckBeforeDelivery:
		r.recvNext = f.Seq + 1
		r.ackDue = true
		if !room {
			r.c.AckedLost++
			return
		}
		r.deliver(f.Packet)
	case f.Seq == r.recvNext || r.faults.NoDedup:
		if !room {
			r.c.NoRoom++
			return
		}
		r.deliver(f.Packet)
		r.recvNext = f.Seq + 1
		r.ackDue = true
	case f.Seq < r.recvNext:
		r.c.Duplicates++
		r.ackDue = true
	default:
		r.c.Ahead++
		r.dupAckDue = r.fast // tell the sender at once that one is missing
	}
}

func (r *Reliable) deliver(p Packet) {
	r.delivered = append(r.delivered, p)
	r.c.Delivered++
}

// Deliveries returns the packets delivered since the last call, in
// sequence order, each exactly once, and frees their room.
func (r *Reliable) Deliveries() []Packet {
	if len(r.delivered) == 0 {
		return nil
	}
	return r.TakeDeliveries(make([]Packet, 0, len(r.delivered)))
}

// TakeDeliveries is Deliveries appending to dst.
func (r *Reliable) TakeDeliveries(dst []Packet) []Packet {
	dst = append(dst, r.delivered...)
	r.delivered = r.delivered[:0]
	return dst
}

// Timeout marks every unacknowledged frame for resending by the next
// Outgoing (go-back-N); with nothing unacknowledged it does nothing.
func (r *Reliable) Timeout() {
	if r.base == r.sent {
		return
	}
	r.c.Timeouts++
	r.again = true
	r.fastDone = false
	if r.faults.RetransmitNewSeq {
		// The bug: the resends are numbered after the last frame sent, as
		// if they were new packets.
		r.off += int64(r.sent - r.base)
	}
}

// Unacked is the number of data frames sent and not yet acknowledged.
func (r *Reliable) Unacked() int { return int(r.sent - r.base) }

// Queued is the number of packets taken by Send and not yet
// acknowledged (in flight or waiting for the window).
func (r *Reliable) Queued() int { return int(r.tail - r.base) }

// SendSeq is the sequence number the oldest unacknowledged packet
// travels with, or the next packet's when none is: the system model's
// send-seq. Without faults it is the number of packets acknowledged.
func (r *Reliable) SendSeq() uint64 { return uint64(int64(r.base) + r.off) }

// RecvNext is the sequence number the receiver expects next: the system
// model's recv-next. Without faults it is the number of packets
// delivered.
func (r *Reliable) RecvNext() uint64 { return r.recvNext }

// Faults returns the faults injected at NewReliable.
func (r *Reliable) Faults() ReliableFaults { return r.faults }

// Counters returns what the endpoint has done so far.
func (r *Reliable) Counters() ReliableCounters { return r.c }

// String is a stable one-line description of the state, in the system
// model's vocabulary:
//
//	conn=1 send-seq=3 unacked=2 queued=5 recv-next=4 ack-due=false
func (r *Reliable) String() string {
	return fmt.Sprintf("conn=%d send-seq=%d unacked=%d queued=%d recv-next=%d ack-due=%t",
		r.conn, r.SendSeq(), r.sent-r.base, r.tail-r.base, r.recvNext, r.ackDue)
}
