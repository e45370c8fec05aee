package bridgetest

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/runlog"
	"github.com/daggercheck/daggercheck/trace"
)

// DocsTraces is docs/traces, the committed counterexamples, from a
// bridge's directory.
const DocsTraces = "../../docs/traces"

// ParseFile reads the trace file at path, failing t if it cannot.
func ParseFile(t *testing.T, path string) *trace.File {
	t.Helper()
	f, err := trace.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ReplayCounterexamples replays, with the bridge's replay, each committed
// counterexample matching pattern under docs/traces: with its protocol
// and bug injected it must reproduce, having compared every step, and on
// the correct implementation diverge, at the step and for the reason
// pinned in Divergences. It returns the traces' bugs.
func ReplayCounterexamples(t *testing.T, pattern string, replay func(f *trace.File, bug string) (*bridge.ReplayResult, error)) map[string]bool {
	paths, _ := filepath.Glob(filepath.Join(DocsTraces, pattern))
	if len(paths) == 0 {
		t.Fatalf("no traces %s", pattern)
	}
	bugs := map[string]bool{}
	var lines []string
	for _, path := range paths {
		f := ParseFile(t, path)
		bugs[f.Bug] = true
		t.Run(filepath.Base(path), func(t *testing.T) {
			res, err := replay(f, "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != bridge.Reproduced {
				t.Fatalf("with faults %s: %s (%s)", res.Faults, res.Outcome, res.Reason)
			}
			if bad := CheckSteps(f, res); bad != "" {
				t.Fatalf("with faults %s: %s", res.Faults, bad)
			}
			correct, err := replay(f, "none")
			if err != nil {
				t.Fatal(err)
			}
			if correct.Outcome != bridge.Diverged {
				t.Fatalf("the correct implementation followed the counterexample: %s", correct.Outcome)
			}
			if bad := CheckSteps(f, correct); bad != "" {
				t.Fatalf("the correct implementation: %s", bad)
			}
			lines = append(lines, Divergence(filepath.Base(path), correct))
			t.Logf("reproduced with %s; correct impl diverged: %s", res.Faults, correct.Reason)
		})
	}
	PinDivergences(t, lines)
	return bugs
}

// ReplayKept replays the walks the bridge's conformance tests once found
// failing, kept under testdata/rapid/ as traces of behaviours (outcome
// ok): each must now replay (replay returns why not).
func ReplayKept(t *testing.T, replay func(f *trace.File) error) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "rapid", "*", "*.trace"))
	if len(paths) == 0 {
		t.Fatal("no committed failure traces")
	}
	for _, path := range paths {
		if err := replay(ParseFile(t, path)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// Rewrite is the -rewrite flag of the bridges' tests: regenerate the
// recorded runs under docs/runs from what the implementation records now
// (go test ./bridge/ring ./bridge/system -run DocRuns -rewrite), and the
// pinned divergences of the committed counterexamples (Divergences: go
// test ./bridge/... -run Replay -rewrite).
var Rewrite = flag.Bool("rewrite", false, "rewrite docs/runs, and testdata/divergences.txt, from what the implementation does now")

// DocRuns is docs/runs, the recorded runs docs/validate.md shows, from a
// bridge's directory.
const DocRuns = "../../docs/runs"

// WriteDocRun writes a recording, formatted by format, as docs/runs/name.
func WriteDocRun(t *testing.T, name string, format func(io.Writer) error) {
	t.Helper()
	if err := os.MkdirAll(DocRuns, 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := format(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(DocRuns, name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// CheckDocRuns validates every recording named in want (docs/runs/NAME,
// read by read) and wants the outcome want names.
func CheckDocRuns(t *testing.T, want map[string]string, read func(name string, r io.Reader) (*runlog.RunLog, error),
	validate func(*runlog.RunLog, bridge.ValidateOptions) (*bridge.ValidateResult, error)) {
	t.Helper()
	for name, want := range want {
		fh, err := os.Open(filepath.Join(DocRuns, name))
		if err != nil {
			t.Fatal(err)
		}
		l, err := read(name, fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		res, err := validate(l, bridge.ValidateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != want {
			t.Errorf("%s: want %s, got\n%s", name, want, res)
		}
	}
}
