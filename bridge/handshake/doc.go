// Package handshake is the bridge between model/handshake and
// impl/handshake's step cores: Replay drives a Client and a Server core
// along a model trace, one model action to one core event, and compares
// their abstract state with the model's after every step; the
// conformance test does the same along random walks of the model.
//
// The cores decide everything the handshake decides: which HELLO opens a
// connection, which is a duplicate and which is stale, which WELCOME the
// client takes, which data frame is delivered, dropped or answered with a
// RESET, what a RESET, a close and a restart do to the calls in flight.
// What the cores leave to their drivers, the bridge plays itself, as the
// model abstracts it: the network (a list of packets in flight, which the
// trace's network steps deliver, reorder, lose or duplicate), and the
// transport of each connection (the client's calls in flight, the
// server's next expected sequence number and the results it keeps), whose
// state the cores' effects create (FxOpened, Fresh or not), drop
// (FxClosed), fail (FxFailCalls) or forget (FxDiscardCalls).
//
// Read Replay first (replay.go), then harness. It imports the bridge
// layer, the model and impl/handshake.
package handshake
