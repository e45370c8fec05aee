package traces

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/daggercheck/daggercheck/model/system"
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
//   - system-bug-response-misrouted.trace is the NIC's routing, not the
//     transport's: Replay says it cannot inject it (ErrUnsupported), and
//     the correct implementation diverges from it.
func TestReplaySystemTraces(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(docsTraces, "system-*.trace"))
	if len(paths) == 0 {
		t.Fatal("no system traces")
	}
	bugs := map[string]bool{}
	for _, path := range paths {
		f := parseFile(t, path)
		bugs[f.Bug] = true
		t.Run(filepath.Base(path), func(t *testing.T) {
			udp := slices.Contains(f.Params, "transport=udp")
			res, err := Replay(f, "")
			switch {
			case f.Bug != "" && !slices.Contains(transport.Bugs, f.Bug):
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("bug %s is no transport fault, yet Replay did not say it cannot inject it: %v", f.Bug, err)
				}
			case err != nil:
				t.Fatal(err)
			case res.Outcome != Reproduced || !slices.Contains(res.Broken, res.Property):
				t.Fatalf("with faults %s: %s (%s), broke %v", res.Faults, res.Outcome, res.Reason, res.Broken)
			default:
				t.Logf("reproduced with faults %s: broke %v", res.Faults, res.Broken)
			}
			correct, err := Replay(f, "none")
			if err != nil {
				t.Fatal(err)
			}
			want := Diverged
			if udp {
				want = Reproduced // udp has no fault to remove
			}
			if correct.Outcome != want {
				t.Fatalf("the correct implementation: %s (%s), want %s", correct.Outcome, correct.Reason, want)
			}
			t.Logf("correct impl: %s %s", correct.Outcome, correct.Reason)
		})
	}
	for _, b := range system.Bugs {
		if !bugs[b.Name] {
			t.Errorf("bug %s has no committed counterexample under %s", b.Name, docsTraces)
		}
	}
	if !bugs[""] {
		t.Errorf("no committed udp counterexample under %s", docsTraces)
	}
}

// A system trace names a bug the transport cannot take, or one that is no
// bug at all: Replay refuses it with an error naming the bug.
func TestReplaySystemBadBug(t *testing.T) {
	f := parseFile(t, filepath.Join(docsTraces, "system-bug-no-dedup.trace"))
	if _, err := Replay(f, "no-such-bug"); err == nil {
		t.Fatal("replayed with an unknown bug")
	}
	if _, err := Replay(f, "response-misrouted"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("response-misrouted: %v, want ErrUnsupported", err)
	}
	u := parseFile(t, filepath.Join(docsTraces, "system-udp-at-most-once.trace"))
	if _, err := Replay(u, "no-dedup"); err == nil {
		t.Fatal("injected a reliable transport's fault into a udp trace")
	}
}
