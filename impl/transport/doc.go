// Package transport carries Dagger's 64-byte packets (impl/slot's slots)
// between two endpoints of a connection: best effort (UDP, Dagger's own
// transport) or reliably (Reliable: sequence numbers, acknowledgements,
// retransmission on timeout, receiver de-duplication, bounded buffers),
// over an in-process Loopback, a seeded FaultyNetwork for tests, or a
// real UDP socket on 127.0.0.1 (Socket).
//
// Read Reliable first. It is the system model's reliable transport
// (docs/system.md, model/system/next.go: receiveData, retransmit,
// timedOut) as a plain step machine: Send, Outgoing, Receive,
// Deliveries (TakeDeliveries into a caller's buffer), Timeout (the
// Endpoint interface). It has no goroutines, clock or I/O, so a test or a
// model trace drives it one step at a time; Socket is the thin
// free-running driver (a reader goroutine, a timer goroutine, one mutex),
// whose reader rings a Bell (impl/wake) — the NIC driver's, which takes
// the deliveries — when frames arrive.
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
// Between processes (impl/rpc's Listen and Dial) frames are version 2: a
// 40-byte header that adds, in bytes 24..39, the sender's incarnation and
// the one it believes the receiver has (impl/handshake), and in bytes
// 16..23, flagged by bit 0 of byte 4, an ack riding on a data frame
// (ReliableConfig.PiggybackAcks); Frame.Inc set makes one.
// impl/handshake's control packets share that header with kinds from 16
// up.
//
// A packet is decoded once, where it comes in (DecodeFrame), into the
// slot.RPC that Packet is, and travels as that value through the
// endpoints and up into the NIC; it is encoded once, where it goes out
// (AppendFrame). On the wire its ring bits are update_flag 0 and valid 1.
// DecodeFrame never panics: wrong lengths, versions, kinds, reserved bits
// and packets that are not such slots are sentinel errors, all matching
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
// # Injected faults
//
// ReliableConfig.Faults (ReliableFaults; BugFaults selects one by name)
// mutates Reliable as model/system's bug catalogue mutates the model's
// transport, so that the model's counterexamples replay on this code
// (bridge/dagger.Replay, daggercheck replay) and the conformance tests are
// shown to catch each (bridge/system's mutation check): no-dedup (every data
// frame is taken for the expected one), ack-before-delivery (the expected
// frame is acknowledged and passed before the receiver looks for room),
// seq-not-advanced (after an ack the next packet takes the acknowledged
// one's number) and retransmit-new-seq (a resend is renumbered past the
// last number sent). The zero value is the correct transport. The
// catalogue's fifth bug, response-misrouted, is the NIC's routing of a
// response, not the transport's; impl/nic injects it
// (Faults.ResponseBalanced there).
//
// Two options, off unless asked for (impl/rpc's Listen and Dial ask for
// both), depart from the system model's transport for speed between
// processes: PiggybackAcks (an ack rides on data going the other way)
// and FastRetransmit (a frame ahead of the expected one is answered with
// a duplicate ack at once, on which the sender resends without waiting
// for its timer).
//
// PacketSocket is the batched UDP I/O of a driver that serves many peers
// from one socket (impl/rpc's Listen and Dial); its NetFaults make it a
// seeded faulty network between processes: every datagram written is
// lost, duplicated or held back behind later ones with the probabilities
// given.
//
// ReliableConfig.Room lets several endpoints deliver into one RX ring (a
// server thread serving several connections, the model's shared server
// flow): a frame arriving while the ring is full is dropped
// unacknowledged, as with a full receive queue.
//
// # Imports
//
// impl/slot (the packet), impl/wake (Socket's bell), the standard
// library, and golang.org/x/net/ipv4 for Socket's batched reads and
// writes (recvmmsg and sendmmsg on Linux, up to 64 datagrams per system
// call; one at a time elsewhere), which the standard library does not
// offer and raw syscalls would do worse; never model/.
package transport
