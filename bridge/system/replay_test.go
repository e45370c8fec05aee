package system

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/impl/transport"
	modelsystem "github.com/daggercheck/daggercheck/model/system"
)

// Every committed system counterexample replays on impl/transport:
//
//   - system-bug-NAME.trace for each bug of model/system's catalogue that
//     mutates the transport (no-dedup, ack-before-delivery,
//     seq-not-advanced, retransmit-new-seq) reproduces with the fault of
//     that name injected and diverges on the correct transport;
//   - system-udp-*.trace (what udp, Dagger's own transport, does not
//     guarantee: at-most-once, exactly-once) reproduces on impl/transport's
//     UDP, which has no faults to take away: it is the published design;
//   - system-bug-response-misrouted.trace, the client NIC's routing of a
//     response, reproduces with impl/nic's response-balanced injected into
//     the client host's NIC and diverges on the correct NIC.
func TestReplaySystemTraces(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(bridgetest.DocsTraces, "system-*.trace"))
	if len(paths) == 0 {
		t.Fatal("no system traces")
	}
	bugs := map[string]bool{}
	var lines []string
	for _, path := range paths {
		f := bridgetest.ParseFile(t, path)
		bugs[f.Bug] = true
		t.Run(filepath.Base(path), func(t *testing.T) {
			udp := slices.Contains(f.Params, "transport=udp")
			res, err := Replay(f, "")
			switch {
			case err != nil:
				t.Fatal(err)
			case res.Outcome != bridge.Reproduced || !slices.Contains(res.Broken, res.Property):
				t.Fatalf("with faults %s: %s (%s), broke %v", res.Faults, res.Outcome, res.Reason, res.Broken)
			case bridgetest.CheckSteps(f, res) != "":
				t.Fatalf("with faults %s: %s", res.Faults, bridgetest.CheckSteps(f, res))
			default:
				t.Logf("reproduced with faults %s: broke %v", res.Faults, res.Broken)
			}
			correct, err := Replay(f, "none")
			if err != nil {
				t.Fatal(err)
			}
			want := bridge.Diverged
			if udp {
				want = bridge.Reproduced // udp has no fault to remove
			}
			if correct.Outcome != want {
				t.Fatalf("the correct implementation: %s (%s), want %s", correct.Outcome, correct.Reason, want)
			}
			if bad := bridgetest.CheckSteps(f, correct); bad != "" {
				t.Fatalf("the correct implementation: %s", bad)
			}
			lines = append(lines, bridgetest.Divergence(filepath.Base(path), correct))
			t.Logf("correct impl: %s %s", correct.Outcome, correct.Reason)
		})
	}
	bridgetest.PinDivergences(t, lines)
	for _, b := range modelsystem.Bugs {
		if b.Name != "response-misrouted" && !slices.Contains(transport.Bugs, b.Name) {
			t.Errorf("bug %s is neither a fault of impl/transport nor the client NIC's routing", b.Name)
		}
		if !bugs[b.Name] {
			t.Errorf("bug %s has no committed counterexample under %s", b.Name, bridgetest.DocsTraces)
		}
	}
	if !bugs[""] {
		t.Errorf("no committed udp counterexample under %s", bridgetest.DocsTraces)
	}
}

// A system trace with a bug that is no bug of the catalogue, or a
// reliable transport's bug on a udp trace: Replay refuses it, naming the
// bug.
func TestReplaySystemBadBug(t *testing.T) {
	f := bridgetest.ParseFile(t, filepath.Join(bridgetest.DocsTraces, "system-bug-no-dedup.trace"))
	if _, err := Replay(f, "no-such-bug"); err == nil || !strings.Contains(err.Error(), "no-such-bug") {
		t.Fatalf("an unknown bug: %v", err)
	}
	u := bridgetest.ParseFile(t, filepath.Join(bridgetest.DocsTraces, "system-udp-at-most-once.trace"))
	if _, err := Replay(u, "no-dedup"); err == nil || !strings.Contains(err.Error(), "transport=udp") {
		t.Fatalf("a reliable transport's fault on a udp trace: %v", err)
	}
	// Another injectable bug than the trace's: the replay runs, and
	// parts ways with the trace.
	res, err := Replay(f, "retransmit-new-seq")
	if err != nil || res.Outcome != bridge.Diverged {
		t.Fatalf("no-dedup's trace on retransmit-new-seq's fault: %v %v", res, err)
	}
}

// A deadlock is reproduced only where the implementation is stuck too:
// the ack-before-delivery counterexample without its last step (the
// server's ack still on the wire) is followed, but not reproduced.
func TestReplaySystemDeadlockNeedsStuckImpl(t *testing.T) {
	f := bridgetest.ParseFile(t, filepath.Join(bridgetest.DocsTraces, "system-bug-ack-before-delivery.trace"))
	f.Steps = f.Steps[:len(f.Steps)-1]
	res, err := Replay(f, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != bridge.Conformant || slices.Contains(res.Broken, res.Property) {
		t.Fatalf("cut short: %s, broke %v; want conformant, deadlock not broken", res.Outcome, res.Broken)
	}
}
