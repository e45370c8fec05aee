// Package coherence is model/coherence's bridge. There is no
// implementation of the coherence handshake to replay traces on (it is
// the interconnect's, not impl's), so the bridge holds one thing:
// DecodeTLA, which reads a state of tla/Coherence.tla as the Go model's
// state, for turning TLC's counterexamples into trace files of the model
// (bridge.ConvertTLA, `daggercheck convert`).
//
// It imports bridge, tlaplus and model/coherence. Read DecodeTLA.
package coherence
