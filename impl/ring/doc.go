// Package ring is the real host–NIC ring of the Dagger RPC stack: per flow
// a TX ring (the CPU produces RPCs, the NIC's poller consumes them) and an
// RX ring (the NIC produces responses, the host consumes them), each of
// `slots` 64-byte slots in a cache-line-aligned Arena, running the credit
// protocol of docs/protocol.md with sync/atomic loads and stores.
//
// # The slot and the header word
//
// A slot is Dagger's 64-byte line, byte for byte (impl/slot's Slot): a
// 12-byte header — control byte (bit 0 request/response, bit 1
// update_flag, bit 2 valid), 32-bit rpc_id, n_of_frames, frame_id, 16-bit
// fn_id, 16-bit argl, 8-bit c_id — and 52 bytes of arguments. The ring
// holds it as eight little-endian 64-bit words (slot.Line), and takes and
// gives RPCs as slot.RPC values, encoding a line once as the producer
// begins it and decoding it once as the consumer takes it. Word 0 is the
// header word:
//
//	bits  0..7   control byte: bit 0 response, bit 1 update_flag (the phase), bit 2 valid
//	bits  8..39  rpc_id
//	bits 40..47  n_of_frames
//	bits 48..55  frame_id
//	bits 56..63  fn_id, low byte
//	word 1       fn_id high byte, argl, c_id (bits 0..31); args[0:4] (bits 32..63)
//	words 2..7   args[4:52]
//
// One atomic 64-bit store publishes the control byte and rpc_id together.
// There is no departure from Dagger's byte layout; the credit protocol
// gives update_flag a new meaning — the lap's phase, (k div slots + 1)
// mod 2 for RPC k, which Dagger's per-slot toggle already equals — and
// treats fn_id's high byte, argl and c_id as part of "the arguments": they
// are stored with them, before the header word, and the consumer's
// re-check covers them as it covers the arguments.
//
// # The protocol
//
// Read Ring first. The producer (Producer) admits RPC k only while
// k < credit + slots, stores words 1..7, then the header word; the
// consumer (Consumer) takes the slot at next mod slots when it is valid
// with the phase of next, reading the header word, the arguments and the
// header word again, and stores next on its credit line, a cache line of
// its own, after copying. Go's atomics are sequentially consistent, so the
// header store is a release and the header load an acquire.
//
// # Step mode and free-running mode
//
// Producer and Consumer are plain structs with no goroutines: every
// store and load of the ring model (model/ring) is a method — Begin then
// WriteArgs, Fence, WriteHeader (and Dagger's WriteValid); PollLine and
// Process for the TX poller; LoadHeader, LoadArgs and Recheck for the RX
// host; ReturnCredit — so a replay can drive a model trace step by step
// and compare Ring.Abstract, the ring in the model's vocabulary, after
// each. Send, Receive, Take and Poll run the steps in order. Driver is the
// free-running mode: a producer goroutine and a poller goroutine over the
// same steps. The scenario files under testdata/scenarios drive the steps
// with the model's action names, through Dagger's counterexamples (on
// every interface) and the same interleavings under the credit protocol.
//
// # Host–NIC interfaces
//
// A TX ring's Options.Interface is how the CPU hands RPCs to the NIC, the
// three interfaces of Dagger (model/ring's `interface`): Coherent, the
// above; Doorbell, where the producer writes a batch of slots with the
// same stores, then one doorbell store (RingDoorbell; Send rings after
// every Options.Batch RPCs and Flush for fewer) into the NIC's register
// line, and the NIC reads only the lines a doorbell announced (DMARead),
// never polling the ring; MMIO, where the ring is a window the NIC owns,
// the producer stores each RPC's whole line into it and counts the write
// on the register line, and the NIC takes the window at each write that
// arrives (TakeWindow). Poll and Take do the NIC's part on every
// interface, and the credit protocol is the same on all three. The
// register line is one more line of the arena (Options.Lines).
//
// # Faults
//
// Faults injects Dagger's published behaviours (DaggerTX, DaggerRX: no
// credits, header and flag before the arguments with valid last, a seen
// bit that lands one poll late, RX freshness by rpc_id change, no
// re-check; DaggerDoorbell and DaggerMMIO: no credits, and Dagger's store
// order or its MMIO store split in two halves that arrive separately) and
// the ring model's bug catalogue (BugFaults), each
// documented with the property it breaks, so the model's counterexamples
// reproduce here.
//
// Errors: ErrRingFull (no credit), ErrEmpty (nothing fresh), ErrStepOrder
// (a step out of its side's order), and the codec's slot.ErrTooLarge
// (arguments over 52 bytes; fragmenting is impl/rpc's decision) and
// slot.ErrMalformed (a line that is not an RPC).
//
// The package imports impl/slot and the standard library (never model/).
package ring
