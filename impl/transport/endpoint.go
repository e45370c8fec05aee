package transport

import "errors"

// Errors of the endpoints. Expected conditions are sentinel errors that
// callers test with errors.Is.
var (
	// ErrFull: the bounded send queue is full; the packet was not taken.
	// Try again after Outgoing and some acknowledgements.
	ErrFull = errors.New("transport: send queue full")
	// ErrWrongConn: a frame for another connection reached this endpoint;
	// it was counted and dropped.
	ErrWrongConn = errors.New("transport: frame for another connection")
	// ErrWrongKind: a frame of a kind this endpoint does not speak (a raw
	// frame at a reliable endpoint, a data frame at a best-effort one); it
	// was counted and dropped.
	ErrWrongKind = errors.New("transport: frame of the wrong kind")
	// ErrBadAck: an acknowledgement for a sequence number never sent; it
	// was counted and dropped.
	ErrBadAck = errors.New("transport: ack for a frame never sent")
	// ErrConfig: an endpoint's configuration is out of range.
	ErrConfig = errors.New("transport: bad configuration")
)

// The endpoints, checked at compile time.
var (
	_ Endpoint = (*Reliable)(nil)
	_ Endpoint = (*UDP)(nil)
)

// Endpoint is one side of one connection, as a step machine: no
// goroutines, no clock, no I/O. A driver (Loopback, FaultyNetwork's
// tests, Socket) moves Outgoing frames to the peer's Receive and calls
// Timeout when its timer fires. An Endpoint is not safe for concurrent
// use; its driver serialises the calls.
type Endpoint interface {
	// Send queues one packet for the peer, or returns ErrFull.
	Send(p Packet) error
	// Outgoing returns the frames to put on the wire now. The slice is
	// the endpoint's own and valid until the next call of any method.
	Outgoing() []Frame
	// Receive takes one frame from the wire. An error says why the frame
	// was dropped (it is also counted); it needs no action by the driver.
	Receive(f Frame) error
	// Deliveries returns the packets received since the last call, in
	// delivery order, and frees their room.
	Deliveries() []Packet
	// TakeDeliveries is Deliveries appending to dst, which a driver
	// reuses: it allocates nothing.
	TakeDeliveries(dst []Packet) []Packet
	// Timeout is the driver's retransmission timer firing.
	Timeout()
	// Unacked is the number of frames sent and not yet acknowledged: the
	// driver's timer need run only while it is positive.
	Unacked() int
}
