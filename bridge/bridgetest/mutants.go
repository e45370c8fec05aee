package bridgetest

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// A Mutant is one fault the implementation can inject, and the
// conformance walk that must find it: the walk runs the model correct
// (the credit protocol, no bug) against the implementation with the
// fault.
type Mutant struct {
	Name string
	What string // the property and what it runs, for messages
	Walk func(rt *rapid.T, sink *Sink)
}

// FindMutants is the mutation check: every mutant is found by its
// conformance walk within the walks' default budget (-rapid.checks, 100
// unless set). The model without the bug against the implementation with
// it must part ways, and rapid's failure, a value here and not a failed
// test (mutantTB), is logged with its seed and its shrunk walk.
func FindMutants(t *testing.T, mutants []Mutant) {
	if testing.Short() {
		t.Skip("the mutation check holds for rapid's default budget of 100 checks; -short cuts it to 20")
	}
	// rapid writes a failure file for every mutant it finds; keep them
	// out of testdata (they are expected failures, not regressions).
	t.Chdir(t.TempDir())
	// Shrinking is for the log's benefit here: bound it, so the whole
	// check stays within seconds.
	if f := flag.Lookup("rapid.shrinktime"); f != nil {
		old := f.Value.String()
		if err := f.Value.Set("2s"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Value.Set(old) })
	}
	for _, mu := range mutants {
		t.Run(mu.Name, func(t *testing.T) {
			sink := &Sink{}
			tb := &mutantTB{name: "mutant-" + mu.Name}
			rapid.Check(tb, func(rt *rapid.T) { mu.Walk(rt, sink) })
			if !tb.failed {
				t.Fatalf("not found in %s:\n%s", mu.What, tb.out.String())
			}
			if sink.Last == nil {
				t.Fatalf("found, but not as a divergence of a walk:\n%s", tb.out.String())
			}
			t.Logf("found (%s); %s\nshrunk walk, %d steps:\n%s", mu.What, tb.reproduce(), len(sink.Last.Steps)-1, sink.LastText)
		})
	}
}

// mutantTB is a rapid.TB that records a failure instead of failing the
// test: rapid.Check reports through Errorf and ends with FailNow, both of
// which only mark it failed.
type mutantTB struct {
	name   string
	failed bool
	out    strings.Builder
}

func (m *mutantTB) Helper()      {}
func (m *mutantTB) Name() string { return m.name }
func (m *mutantTB) Logf(format string, args ...any) {
	fmt.Fprintf(&m.out, format+"\n", args...)
}
func (m *mutantTB) Log(args ...any) { fmt.Fprintln(&m.out, args...) }
func (m *mutantTB) Errorf(format string, args ...any) {
	m.failed = true
	m.Logf(format, args...)
}
func (m *mutantTB) Error(args ...any) {
	m.failed = true
	m.Log(args...)
}
func (m *mutantTB) Fatalf(format string, args ...any) { m.Errorf(format, args...) }
func (m *mutantTB) Fatal(args ...any)                 { m.Error(args...) }
func (m *mutantTB) FailNow()                          { m.failed = true }
func (m *mutantTB) Fail()                             { m.failed = true }
func (m *mutantTB) Failed() bool                      { return m.failed }
func (m *mutantTB) Skipf(format string, args ...any)  { m.Logf("skipped: "+format, args...) }
func (m *mutantTB) Skip(args ...any)                  { m.Log(append([]any{"skipped:"}, args...)...) }
func (m *mutantTB) SkipNow()                          { m.Log("skipped") }

// reproduce is rapid's verdict and its line that names the failure's
// seed and how to rerun it.
func (m *mutantTB) reproduce() string {
	var verdict, seed string
	for _, l := range strings.Split(m.out.String(), "\n") {
		switch l = strings.TrimSpace(l); {
		case verdict == "" && strings.HasPrefix(l, "[rapid] failed after"):
			verdict = l
		case seed == "" && strings.Contains(l, "rapid.seed="):
			seed = l[strings.Index(l, "-rapid.seed="):]
			seed = strings.TrimSuffix(seed, ")")
		}
	}
	if seed == "" {
		seed = "(rapid printed no seed)"
	}
	return verdict + "\n" + seed
}
