package traces

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	modelnic "github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/trace"
)

func parseFile(t *testing.T, path string) *trace.File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := trace.Parse(path, fh)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every committed ring counterexample whose component impl has reproduces
// on impl with its protocol and bug injected, and diverges on the correct
// implementation.
func TestReplayRingTraces(t *testing.T) {
	replayCounterexamples(t, "ring-*.trace")
}

// replayCounterexamples replays each committed counterexample matching
// pattern under docs/traces: with its protocol and bug injected it must
// reproduce, on the correct implementation diverge. It returns the
// traces' bugs. Ring traces of the doorbell and MMIO interfaces, which
// impl/ring does not implement, are skipped.
func replayCounterexamples(t *testing.T, pattern string) map[string]bool {
	paths, _ := filepath.Glob(filepath.Join(docsTraces, pattern))
	if len(paths) == 0 {
		t.Fatalf("no traces %s", pattern)
	}
	bugs := map[string]bool{}
	for _, path := range paths {
		f := parseFile(t, path)
		bugs[f.Bug] = true
		t.Run(filepath.Base(path), func(t *testing.T) {
			res, err := Replay(f, "")
			if err != nil {
				if strings.Contains(err.Error(), "interface=") {
					t.Skipf("impl/ring implements the coherent ring only: %v", err)
				}
				t.Fatal(err)
			}
			if res.Outcome != Reproduced {
				t.Fatalf("with faults %s: %s (%s)", res.Faults, res.Outcome, res.Reason)
			}
			correct, err := Replay(f, "none")
			if err != nil {
				t.Fatal(err)
			}
			if correct.Outcome != Diverged {
				t.Fatalf("the correct implementation followed the counterexample: %s", correct.Outcome)
			}
			t.Logf("reproduced with %s; correct impl diverged: %s", res.Faults, correct.Reason)
		})
	}
	return bugs
}

// Walks the conformance tests once found failing are kept as traces of
// behaviours (outcome ok); each replays conformant on the implementation
// (replayKept: ring, system, nic).
func TestReplayRapidFailures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "rapid", "*", "*.trace"))
	if len(paths) == 0 {
		t.Fatal("no committed failure traces")
	}
	for _, path := range paths {
		if err := replayKept(parseFile(t, path)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// Every committed NIC counterexample — one per bug of model/nic's
// catalogue and per weak point of Dagger's published NIC — reproduces on
// impl/nic with the bug (or Dagger's profile) injected, and diverges on
// the correct implementation.
func TestReplayNICTraces(t *testing.T) {
	bugs := replayCounterexamples(t, "nic-*.trace")
	for _, b := range modelnic.Bugs {
		if !bugs[b.Name] {
			t.Errorf("bug %s has no committed counterexample under %s", b.Name, docsTraces)
		}
	}
}

const docsTraces = "../docs/traces"

var rewrite = flag.Bool("rewrite", false, "rewrite docs/runs from what the implementation records now")
