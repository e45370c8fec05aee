// Package slot is Dagger's 64-byte slot: the one cache line that carries
// one RPC in a host ring (impl/ring), on the NIC's wire (impl/nic's
// loopback) and inside a transport frame (impl/transport).
//
// Read RPC first: the decoded slot, a plain value that the rest of the
// stack passes around. Slot is its 64 bytes in Dagger's byte layout
// (Encode, Decode), Line the same bytes as the eight little-endian 64-bit
// words a ring stores atomically (RPC.Line, Line.DecodeInto), and
// HeaderWord word 0, the one the credit protocol stores last and loads
// first:
//
//	byte  0      control: bit 0 request(0)/response(1), bit 1 update_flag, bit 2 valid
//	bytes 1..4   rpc_id
//	byte  5      n_of_frames
//	byte  6      frame_id
//	bytes 7..8   fn_id
//	bytes 9..10  argl
//	byte  11     c_id
//	bytes 12..63 arguments
//
// A slot is decoded once, where it comes in (a ring's consumer, a
// transport's frame decoder), into an RPC that travels on; it is encoded
// once, where it goes out.
//
// Errors: ErrTooLarge (arguments over 52 bytes), ErrMalformed (bytes that
// are not an RPC: argl over 52, reserved control bits set). Decode never
// panics (FuzzDecodeSlot).
//
// The package imports only the standard library.
package slot
