// Package handshake opens, checks and closes the connections of the RPC
// stack between processes: a client and a server state machine, each a
// deterministic step core with no goroutine, clock, socket or
// randomness. A step takes one event — a control packet received, a data
// frame to admit, a timer tick, a local open, close, restart or shutdown
// — and returns its effects: control packets to send, a connection
// opened or closed, a dial failed, in-flight calls to fail. impl/rpc's
// Listen and Dial drive it over a UDP socket; a model of the same
// protocol (model/handshake) replays its counterexamples on it through
// Step, one event at a time.
//
// Read Client and Server first; Msg is the control packet and its wire
// form.
//
// # The protocol
//
// Every endpoint has an incarnation: a non-zero number chosen when it
// starts (NewIncarnation: the wall clock in nanoseconds, kept strictly
// increasing within a process), so that a restarted endpoint has a
// larger one than before. A Dial is a client incarnation of its own; a
// Listen is a server incarnation. Every packet, control or data, carries
// its sender's incarnation and the incarnation the sender believes its
// peer has (0 while it does not know it).
//
//   - Open: the client sends HELLO{its incarnation, its starting sequence
//     number}, again at every tick until answered, and fails the dial
//     with ErrTimeout after MaxTries ticks.
//   - A handshake is named by the client's incarnation and the HELLO's
//     starting sequence number, which grows with every handshake of an
//     incarnation (SeqStart). The server, on a HELLO from an address it
//     has no connection for, allocates a connection id (the lowest free
//     c_id), a flow for it, and its own starting sequence number, and
//     replies WELCOME{c_id, flow, server incarnation, server starting
//     sequence number}, echoing the client's incarnation and starting
//     sequence number. A duplicate HELLO (same address, incarnation and
//     start) is answered with the same WELCOME and never opens a second
//     connection. A HELLO from the same address with a larger
//     incarnation (the client restarted), or the same incarnation and a
//     larger start (the client handshakes again after a RESET), closes
//     the old connection (Closed; its calls on the server are dropped,
//     counted) and opens a new one; an older one, or a duplicate of a
//     connection since closed, is stale: dropped and counted (but see
//     Expiry below). With every c_id in use the server answers REFUSED
//     (ErrRefused at the client).
//   - The client, on the WELCOME that echoes its incarnation and its
//     current HELLO's start, opens the connection (Opened: the c_id, the
//     flow, both incarnations and both starting sequence numbers, from
//     which the driver builds the connection's transport endpoint: each
//     direction's first data frame takes the number after its start, as
//     the HELLO and the WELCOME took theirs). Any other WELCOME — a
//     duplicate, or a late answer to an earlier HELLO, perhaps from a
//     server that has since restarted — is counted and dropped: taking
//     it would open a connection the server keeps at another start, and
//     stall it (model/handshake's hello=incarnation trace).
//   - Data frames carry both incarnations and are admitted by Admit
//     before the transport sees them. At the server: a frame naming
//     another server incarnation, or a c_id with no connection, is
//     answered with RESET{server incarnation, the frame's c_id and
//     client incarnation} and dropped. So is a frame from another
//     address than the connection's (forged: counted, never delivered):
//     its sender's connection is gone and its c_id taken by another
//     address, as after an expiry, and the RESET tells a live sender so.
//     A frame from another client incarnation is stale: dropped and
//     counted, never delivered. At the client: a frame whose
//     incarnations are not the connection's is stale.
//   - The client, on a RESET for its incarnation and connection: the
//     server it talked to restarted (a larger server incarnation:
//     ErrPeerRestarted) or forgot the connection (the same one:
//     ErrReset). It fails every call in flight with that error
//     (FailCalls: a call whose response came is complete and stays so;
//     one without fails visibly, never silently and never resent, as it
//     may have run), closes the connection, and handshakes again with a
//     new starting sequence number. A RESET naming an older server
//     incarnation than the connection's is stale.
//   - Close: the client, having drained or given up on its calls, fails
//     those still in flight with ErrClosed and sends CLOSE, again at
//     every tick until CLOSED comes or MaxTries pass; the server closes
//     the connection and answers CLOSED (also to a CLOSE for a
//     connection already closed, so that the client's retransmissions
//     end). A server's Shutdown sends CLOSE to every client the same
//     way; a client receiving it answers CLOSED and fails its calls with
//     ErrPeerClosed.
//   - Restart: a client or server that restarts takes a new, larger
//     incarnation and forgets every connection; packets of its old
//     incarnation are then stale or get a RESET, as above.
//   - Expiry: the server's driver steps EvExpire for a connection it has
//     heard nothing from for its idle timeout (the client died, or the
//     network between is cut); the server closes it and remembers it
//     closed, as for a CLOSE, with the WELCOME it sent, and tells nobody.
//     A client that is alive keeps its connection by keepalives
//     (Keepalive: its HELLO again, which the server answers as any
//     duplicate); one whose connection expired all the same learns it
//     from the RESET its next frame earns (also when its c_id has gone to
//     another address: the frame is forged, and answered so). A
//     duplicate of an expired connection's HELLO is answered with that
//     connection's WELCOME again and opens nothing (a CLOSE-closed
//     connection's gets no answer: its client closed it itself): an
//     expiry may come before the client had its WELCOME, and the WELCOME
//     be lost, and the client, resending its HELLO, must not be kept out.
//     It opens on the old WELCOME, its first frame earns a RESET, and it
//     handshakes again with a larger start.
//
// Sequence numbers: each direction of a connection starts after the
// sender's starting sequence number (SeqStart: a hash of the incarnation
// plus the number of handshakes it has made times 2^40), so that frames
// of an old connection that reuse a c_id never fall in the new one's
// window even without the incarnation check, and a later handshake of
// an incarnation has a larger start than its earlier ones.
//
// # Injected faults
//
// Faults (BugFaults by name) mutate the core as the model's bug
// catalogue mutates the model, so that its counterexamples replay here:
//
//   - duplicate-hello-opens-twice: the server takes a duplicate HELLO for
//     a new one and opens the connection again (a second Opened for the
//     same client incarnation and c_id), so the driver gives it a fresh
//     transport state at the client's starting sequence number: a call
//     the client retransmits after it ran is delivered and runs twice.
//   - ignore-incarnation: Admit matches data frames on the c_id (and
//     address) alone, so a stale frame of an old client or server
//     incarnation is delivered to the new connection that reuses its
//     c_id.
//   - seq-restart-from-zero: a client starts every handshake's sequence
//     numbers at 0 (so a handshake after a RESET looks like a late
//     duplicate of the first, and the server drops it), and the server, on a HELLO with a newer incarnation
//     from the same address, welcomes it onto the old connection keeping
//     its transport state (Opened with Fresh false): the new
//     incarnation's first calls carry numbers the server has already
//     delivered, and are acknowledged and dropped as duplicates.
//   - close-drops-inflight: Close discards the calls in flight
//     (DiscardCalls) instead of failing them: their callers never learn
//     their fate.
//
// # Wire form
//
// A control packet is 40 bytes, the header of the transport's version-2
// frames (impl/transport) with a control kind:
//
//	byte  0       version (2)
//	byte  1       kind: 16 HELLO, 17 WELCOME, 18 REFUSED, 19 RESET, 20 CLOSE, 21 CLOSED
//	bytes 2..3    c_id (WELCOME, RESET, CLOSE, CLOSED; 0 otherwise)
//	byte  4       flow (WELCOME) or reason (REFUSED); 0 otherwise
//	bytes 5..7    zero
//	bytes 8..15   starting sequence number (HELLO, WELCOME; 0 otherwise)
//	bytes 16..23  the starting sequence number of the HELLO answered (WELCOME; 0 otherwise)
//	bytes 24..31  the sender's incarnation (never 0)
//	bytes 32..39  the incarnation the sender believes the receiver has (0 in HELLO)
//
// DecodeMsg never panics: anything else is an error matching ErrMalformed
// (FuzzDecodeMsg).
//
// # Imports
//
// The standard library only: the core knows nothing of sockets,
// transports or the NIC.
package handshake
