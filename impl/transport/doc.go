// Package transport carries Dagger's 64-byte packets (impl/ring's Slot)
// between two endpoints of a connection: best effort (UDP, Dagger's own
// transport) or reliably (Reliable: sequence numbers, acknowledgements,
// retransmission on timeout, receiver de-duplication, bounded buffers),
// over an in-process Loopback, a seeded FaultyNetwork for tests, or a
// real UDP socket on 127.0.0.1 (Socket).
//
// Read Reliable first. It is the system model's reliable transport
// (docs/system.md, model/system/next.go: receiveData, retransmit,
// timedOut) as a plain step machine: Send, Outgoing, Receive,
// Deliveries, Timeout (the Endpoint interface). It has no goroutines,
// clock or I/O, so a test or a model trace drives it one step at a time;
// Socket is the thin free-running driver (a reader goroutine, a timer
// goroutine, one mutex).
//
// # Wire format
//
// A frame is a 16-byte header, little-endian, then for data and raw
// frames the 64-byte packet (see Frame):
//
//	byte  0      version (1)
//	byte  1      kind: 1 data, 2 ack, 3 raw
//	bytes 2..3   connection id
//	bytes 4..7   reserved, zero
//	bytes 8..15  sequence number (data: the packet's; ack: cumulative, the
//	             highest delivered in order; raw: the sender's counter)
//	bytes 16..79 the Dagger packet (data and raw only)
//
// DecodeFrame never panics: wrong lengths, versions, kinds, reserved bits
// and packets that are not valid slots are sentinel errors, all matching
// ErrMalformed (FuzzDecodeFrame).
//
// # Window
//
// Reliable is go-back-N with a configurable window (DefaultWindow 8);
// Window 1 is stop-and-wait, exactly the model's "one packet
// outstanding". The receiver accepts only the next expected sequence
// number and keeps no out-of-order buffer, so de-duplication and in-order
// exactly-once delivery are the model's rule unchanged: an old number is
// acknowledged again and dropped; a newer one, or the expected one with
// no room in the receive queue, is dropped unacknowledged for the sender
// to resend. Acks are cumulative, so one lost ack is repaired by the
// next. The window only lets more frames be in flight.
//
// # Imports
//
// impl/ring (the packet) and the standard library; never model/. Socket
// reads and writes one datagram per system call: batched UDP I/O needs
// golang.org/x/net/ipv4 or raw syscalls.
package transport
