package ring

import (
	"fmt"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/trace"
)

// Every committed ring counterexample whose component impl has reproduces
// on impl with its protocol and bug injected, and diverges on the correct
// implementation.
func TestReplayRingTraces(t *testing.T) {
	bridgetest.ReplayCounterexamples(t, "ring-*.trace", Replay)
}

// Walks the conformance test once found failing are kept as traces of
// behaviours (outcome ok); each replays conformant on impl/ring.
func TestReplayRapidFailures(t *testing.T) {
	bridgetest.ReplayKept(t, func(f *trace.File) error {
		res, err := Replay(f, "")
		if err != nil {
			return err
		}
		if res.Outcome != bridge.Conformant {
			return fmt.Errorf("%s (%s)", res.Outcome, res.Reason)
		}
		return nil
	})
}
