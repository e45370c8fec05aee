package bridgetest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/trace"
)

// Divergences is where a bridge pins, for each committed counterexample,
// what its replay on the correct implementation does: at which step it
// parts ways with the trace and why. A replay that compared states only
// at the end, or only after some steps, still diverges, but at another
// step or for another reason; the pinned line names both.
const Divergences = "testdata/divergences.txt"

// CheckSteps says what is wrong with a replay's record of its steps, or
// "" if nothing is: a replay that followed the trace compared every step
// and found no difference; one that diverged stopped at res.Step, every
// step before it agreeing, and its reason names that step and its
// action.
func CheckSteps(f *trace.File, res *bridge.ReplayResult) string {
	for i, st := range res.Steps {
		if st.Index != i {
			return fmt.Sprintf("step record %d is numbered %d", i, st.Index)
		}
	}
	if res.Outcome != bridge.Diverged {
		if len(res.Steps) != len(f.Steps) {
			return fmt.Sprintf("%s after %d compared steps, but the trace has %d", res.Outcome, len(res.Steps), len(f.Steps))
		}
		for _, st := range res.Steps {
			if st.Diff != "" {
				return fmt.Sprintf("%s, but step %d differs: %s", res.Outcome, st.Index, st.Diff)
			}
		}
		return ""
	}
	if res.Step < 0 || res.Step >= len(f.Steps) || len(res.Steps) != res.Step+1 {
		return fmt.Sprintf("diverged at step %d after %d step records, of a trace of %d steps", res.Step, len(res.Steps), len(f.Steps))
	}
	for _, st := range res.Steps[:res.Step] {
		if st.Diff != "" {
			return fmt.Sprintf("diverged at step %d, but step %d already differs: %s", res.Step, st.Index, st.Diff)
		}
	}
	at := res.Steps[res.Step]
	if want := fmt.Sprintf("step %d (%s): ", res.Step, at.Action); !strings.HasPrefix(res.Reason, want) {
		return fmt.Sprintf("the reason %q does not name step %d (%s)", res.Reason, res.Step, at.Action)
	}
	return ""
}

// Divergence is the line Divergences pins for a replay of the trace
// named name on the correct implementation.
func Divergence(name string, res *bridge.ReplayResult) string {
	if res.Outcome != bridge.Diverged {
		return name + ": " + res.Outcome
	}
	return name + ": diverged at " + res.Reason
}

// PinDivergences holds the lines of this bridge's replays on the correct
// implementation to those pinned in Divergences, trace by trace; with
// -rewrite it writes the file instead (review the diff).
func PinDivergences(t *testing.T, lines []string) {
	t.Helper()
	pinned := map[string]string{}
	if b, err := os.ReadFile(Divergences); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
				name, _, _ := strings.Cut(line, ": ")
				pinned[name] = line
			}
		}
	} else if !*Rewrite {
		t.Fatalf("%v: run the replay tests with -rewrite to pin where each trace diverges", err)
	}
	if *Rewrite {
		for _, line := range lines {
			name, _, _ := strings.Cut(line, ": ")
			pinned[name] = line
		}
		var out []string
		for name, line := range pinned {
			if _, err := os.Stat(filepath.Join(DocsTraces, name)); err == nil {
				out = append(out, line)
			}
		}
		slices.Sort(out)
		head := "# Where the correct implementation parts ways with each committed counterexample of docs/traces,\n" +
			"# and why: written by the replay tests with -rewrite; review the diff.\n"
		if err := os.WriteFile(Divergences, []byte(head+strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, line := range lines {
		name, _, _ := strings.Cut(line, ": ")
		switch want, ok := pinned[name]; {
		case !ok:
			t.Errorf("%s: no divergence pinned in %s for %q; run the replay tests with -rewrite", name, Divergences, line)
		case want != line:
			t.Errorf("the correct implementation's replay of %s changed:\n  got  %s\n  want %s", name, line, want)
		}
	}
}
