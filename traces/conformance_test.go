package traces

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// The implementation against the model, step by step: rapid draws a ring
// configuration (direction, protocol or bug, flows, slots, batch, RPCs)
// and then a walk of actions, each drawn from those the model enables in
// its current state; every action runs on model/ring and on impl/ring
// (with the faults that make it the same protocol), and after every step
// the implementation's abstract state must equal the model's. A failure
// is shrunk by rapid (its failure file lands under testdata/rapid/ and
// replays on every run) and written as a trace file next to it, which
// `daggercheck replay` runs.
//
// Run longer with -rapid.checks=N; a failure prints its seed.
func TestImplConformsToRingModel(t *testing.T) {
	var walks, steps int
	defer func() { t.Logf("%d walks, %d steps compared", walks, steps) }()
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		rx := rapid.Bool().Draw(rt, "rx")
		protocol := rapid.SampledFrom([]string{"credit", "dagger"}).Draw(rt, "protocol")
		bug := ""
		if protocol == "credit" {
			var bugs []string
			for _, b := range modelring.Bugs {
				if strings.HasPrefix(b.Name, "rx-") == rx {
					bugs = append(bugs, b.Name)
				}
			}
			bugs = append(bugs, "", "", "") // mostly the correct protocol
			bug = rapid.SampledFrom(bugs).Draw(rt, "bug")
		}
		slots := rapid.IntRange(1, 4).Draw(rt, "slots")
		var batches []int
		for b := 1; b <= min(slots, modelring.MaxBatch); b++ {
			if slots%b == 0 {
				batches = append(batches, b)
			}
		}
		params := []string{
			"dir=" + map[bool]string{true: "rx", false: "tx"}[rx],
			"protocol=" + protocol,
			fmt.Sprintf("flows=%d", rapid.IntRange(1, 2).Draw(rt, "flows")),
			fmt.Sprintf("slots=%d", slots),
			fmt.Sprintf("batch=%d", rapid.SampledFrom(batches).Draw(rt, "batch")),
			fmt.Sprintf("rpcs=%d", rapid.IntRange(1, 6).Draw(rt, "rpcs")),
			fmt.Sprintf("ids=%d", rapid.IntRange(1, 16).Draw(rt, "ids")),
		}
		v, err := spec.ParseParams(modelring.Params, params)
		if err != nil {
			rt.Fatal(err)
		}
		m, err := modelring.New(v, bug)
		if err != nil {
			rt.Skip(err) // a combination the model refuses
		}
		faults, err := implFaults(v, bug)
		if err != nil {
			rt.Fatal(err)
		}
		h, err := newHarness(v, faults)
		if err != nil {
			rt.Fatal(err)
		}
		c := checker.New(m, checker.Options{})
		s := m.Init()[0]
		walk := []checker.Step{{Name: "init", State: c.FieldsOf(s)}}
		fail := func(format string, args ...any) {
			path := writeFailure(rt, v.Assignments(), bug, walk)
			rt.Fatalf("%s\nconfiguration %s --bug %q, walk written to %s:\n%s", fmt.Sprintf(format, args...),
				strings.Join(params, " "), bug, path, (&checker.Trace{Steps: walk, LoopStart: -1}).String())
		}
		if d := h.compare(walk[0].State); d != "" {
			fail("initial states differ: %s", d)
		}
		for i, n := 0, rapid.IntRange(1, 40).Draw(rt, "steps"); i < n; i++ {
			type move struct {
				a checker.Action
				s modelring.State
			}
			var moves []move
			m.Next(s, func(a checker.Action, t modelring.State) { moves = append(moves, move{a, t}) })
			if len(moves) == 0 {
				break
			}
			mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, "move")]
			k := m.Actions()[mv.a.Kind]
			st := checker.Step{Action: mv.a, Name: k.Name, State: c.FieldsOf(mv.s)}
			for j, p := range k.Params {
				st.Args = append(st.Args, checker.Arg{Name: p, Value: mv.a.Args[j]})
			}
			walk = append(walk, st)
			steps++
			s = mv.s
			out := h.step(st)
			if strings.HasPrefix(out, "refused") || strings.HasPrefix(out, "cannot") {
				fail("step %d (%s): the implementation %s", len(walk)-1, st.Label(), out)
			}
			if d := h.compare(st.State); d != "" {
				fail("step %d (%s): %s (the implementation: %s)", len(walk)-1, st.Label(), d, out)
			}
		}
	})
}

// writeFailure saves a failing walk as a trace file under testdata/rapid,
// named after the test, and returns its path.
func writeFailure(t *rapid.T, params []string, bug string, walk []checker.Step) string {
	f := &File{Model: "ring", Params: params, Bug: bug, Outcome: Outcome{Result: "ok", LoopStart: -1}}
	for i, st := range walk {
		var prev *checker.Step
		if i > 0 {
			prev = &walk[i-1]
		}
		f.Steps = append(f.Steps, Step{Action: st.Name, Args: slices.Clone(st.Args), State: st.Changed(prev)})
	}
	dir := filepath.Join("testdata", "rapid", "TestImplConformsToRingModel")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	path := filepath.Join(dir, "failure.trace")
	if err := os.WriteFile(path, []byte(f.String()), 0o644); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	return path
}
