package dagger

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/trace"
)

// Every counterexample docs/matrix.md links to replays on the
// implementation where it has the component: the implementation follows
// every step and breaks the same property. A trace of a component it
// does not have (the coherence handshake) is skipped with the reason the
// bridge gives.
func TestMatrixTracesReplay(t *testing.T) {
	paths, err := filepath.Glob("../../docs/matrix/*/*.trace")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no traces under docs/matrix (%v)", err)
	}
	replayed := 0
	for _, path := range paths {
		rel := strings.TrimPrefix(filepath.ToSlash(path), "../../docs/")
		t.Run(rel, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := trace.Parse(path, strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Replay(f, "")
			if errors.Is(err, bridge.ErrUnsupported) {
				t.Skipf("the implementation cannot replay it: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != bridge.Reproduced {
				t.Fatalf("replay: %s (%s), want %s", res.Outcome, res.Reason, bridge.Reproduced)
			}
			replayed++
		})
	}
	if replayed == 0 {
		t.Fatal("no matrix trace replayed on the implementation")
	}
}
