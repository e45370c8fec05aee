package checker_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// fakeT records what an assertion helper reports.
type fakeT struct{ failed string }

func (f *fakeT) Helper()                           {}
func (f *fakeT) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestAssertHelpers(t *testing.T) {
	ok := run(t, jugs{3, 5, 99}, checker.Options{}, "bfs")
	bad := run(t, namedJugs{jugs{3, 5, 4}}, checker.Options{}, "bfs")

	var ft fakeT
	ok.AssertOK(&ft)
	if ft.failed != "" {
		t.Fatalf("AssertOK failed a passing run: %s", ft.failed)
	}
	bad.AssertOK(&ft)
	if !strings.Contains(ft.failed, "violation of big-not-goal") || !strings.Contains(ft.failed, "pour big into small") {
		t.Fatalf("AssertOK on a violation said %q; want the property and the trace, in the model's words", ft.failed)
	}
	ft = fakeT{}
	if tr := bad.AssertViolation(&ft, "big-not-goal"); ft.failed != "" || tr.Len() != 6 {
		t.Fatalf("AssertViolation: %q, trace %d", ft.failed, tr.Len())
	}
	ok.AssertViolation(&ft, "big-not-goal")
	if !strings.Contains(ft.failed, "want a violation of big-not-goal, got ok") {
		t.Fatalf("AssertViolation on a passing run said %q", ft.failed)
	}
}

func TestTraceFormatShowsOnlyChanges(t *testing.T) {
	res := run(t, jugs{3, 5, 4}, checker.Options{}, "bfs")
	out := res.Trace.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "counterexample, 6 steps:" || len(lines) != 8 {
		t.Fatalf("unexpected trace text:\n%s", out)
	}
	if !strings.Contains(lines[1], "init") || !strings.Contains(lines[1], "Small=0 Big=0") {
		t.Fatalf("step 0 should show the whole initial state: %q", lines[1])
	}
	for _, l := range lines[2:] {
		if strings.Contains(l, "Small=") && strings.Contains(l, "Big=") && !strings.Contains(l, "-to-") {
			t.Fatalf("a fill or empty step shows an unchanged jug: %q", l)
		}
	}
}

func TestAssertHoldsAndBreaks(t *testing.T) {
	var ft fakeT
	if res := checker.AssertHolds(&ft, peterson{}, checker.Options{}); ft.failed != "" || res.Stats.Distinct != 20 {
		t.Fatalf("AssertHolds failed Peterson: %s", ft.failed)
	}
	checker.AssertHolds(&ft, peterson{bug: "wrong-turn"}, checker.Options{})
	for _, want := range []string{"want ok, got violation of mutex", "and violation of p0-enters", "a fair cycle"} {
		if !strings.Contains(ft.failed, want) {
			t.Fatalf("AssertHolds should list every broken property; it said %q", ft.failed)
		}
	}
	ft = fakeT{}
	checker.AssertHolds(&ft, peterson{bug: "wrong-turn"}, checker.Options{}, "critical")
	if ft.failed != "" {
		t.Fatalf("AssertHolds of a property that holds: %s", ft.failed)
	}

	if tr := checker.AssertBreaks(&ft, peterson{bug: "wrong-turn"}, checker.Options{}, "p0-enters"); ft.failed != "" || tr.Len() != 8 || tr.LoopStart < 0 {
		t.Fatalf("AssertBreaks: %q, %v", ft.failed, tr)
	}
	checker.AssertBreaks(&ft, peterson{}, checker.Options{}, "mutex")
	if !strings.Contains(ft.failed, "want a violation of mutex, got ok") {
		t.Fatalf("AssertBreaks of a property that holds said %q", ft.failed)
	}
	// The grid's stuck bug deadlocks; the search goes past the deadlock to
	// the property asked about.
	ft = fakeT{}
	if tr := checker.AssertBreaks(&ft, newGrid(t, 2, 3, "stuck"), checker.Options{}, checker.DeadlockProperty); ft.failed != "" || tr.Len() != 3 {
		t.Fatalf("AssertBreaks deadlock: %q, %v", ft.failed, tr)
	}
	if tr := checker.AssertBreaks(&ft, newGrid(t, 2, 3, "stuck"), checker.Options{}, "reaches-corner"); ft.failed != "" || !tr.Stutter {
		t.Fatalf("AssertBreaks past a deadlock: %q, %v", ft.failed, tr)
	}
	if tr := checker.AssertBreaks(&ft, manyBroken{}, checker.Options{}, "never-7"); ft.failed != "" || tr != nil {
		t.Fatalf("AssertBreaks of a Sometimes property: %q, trace %v", ft.failed, tr)
	}
	checker.AssertBreaks(&ft, peterson{}, checker.Options{}, "no-such")
	if !strings.Contains(ft.failed, "unknown property") {
		t.Fatalf("AssertBreaks of an unknown property said %q", ft.failed)
	}
}
