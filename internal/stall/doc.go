// Package stall keeps the tests of free-running code from hanging: a test
// that meets a bug — a ring that stops admitting, an RPC that is lost, a
// timer that stops retransmitting — fails within seconds with a message
// naming what did not happen, instead of at go test's ten-minute timeout
// with a dump of goroutines.
//
// A Watch guards a run that makes progress step by step (RPCs taken,
// packets delivered): it cancels the run's context when the progress
// count stops moving for Quiet, or at once when the test sees a wrong
// result, and says why. Until and Recv bound a single wait.
//
// It is for tests; it imports only the standard library. Read Watch
// first.
package stall
