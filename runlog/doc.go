// Package runlog is the format of recorded free-running runs: a RunLog
// names the model that should explain the run, with its parameters, and
// lists the Observations the implementation made, in order, one
// "event NAME key=value ..." line each (ParseRunLog reads the text form,
// Format writes it). impl/ring's Recorder and RPC histories of
// end-to-end runs become run logs in the bridges (bridge/ring's
// RingRunLog, bridge/system's SystemRunLog), which also validate them
// against the models.
//
// Which events a model understands is its bridge's business; this
// package only reads and writes them. It imports internal/textline and
// the standard library. Read RunLog first.
package runlog
