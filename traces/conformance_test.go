package traces

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
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
	sink := &failureSink{dir: rapidDir("TestImplConformsToRingModel")}
	var walks, steps int
	defer logRate(t, time.Now(), &walks, &steps)
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		steps += ringWalk(rt, ringDraw{}, sink)
	})
}

// ringDraw fixes what a ring walk would otherwise draw. The zero value
// draws everything (in the order the committed failure files expect);
// the mutation check fixes the direction and runs the model's credit
// protocol without a bug against an implementation with faults.
type ringDraw struct {
	mutant *implring.Faults // impl runs these faults; the model is the credit protocol, no bug
	rx     bool             // with mutant: the direction
	params []string         // drawn parameters overridden (key=value)
	steps  int              // the walk's length, if not drawn
}

// ringWalk draws a configuration and a walk and compares impl/ring with
// model/ring after every step; it returns the steps taken.
func ringWalk(rt *rapid.T, d ringDraw, sink *failureSink) int {
	rx, protocol, bug := d.rx, "credit", ""
	if d.mutant == nil {
		rx = rapid.Bool().Draw(rt, "rx")
		protocol = rapid.SampledFrom([]string{"credit", "dagger"}).Draw(rt, "protocol")
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
	params = override(params, d.params)
	v, err := spec.ParseParams(modelring.Params, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := modelring.New(v, bug)
	if err != nil {
		rt.Skip(err) // a combination the model refuses
	}
	var faults implring.Faults
	if d.mutant != nil {
		faults = *d.mutant
	} else if faults, err = implFaults(v, bug); err != nil {
		rt.Fatal(err)
	}
	h, err := newHarness(v, faults)
	if err != nil {
		rt.Fatal(err)
	}
	s := m.Init()[0]
	w := newWalkLog("ring", v.Assignments(), bug, checker.New(m, checker.Options{}), m.Actions(), s)
	fail := func(format string, args ...any) {
		rt.Fatalf("%s\nconfiguration %s --bug %q, impl faults %s; %s", fmt.Sprintf(format, args...),
			strings.Join(params, " "), bug, faults, sink.keep(w))
	}
	// Refusals are compared too: where the model's producer may not
	// start its flow's next RPC (no credit), the implementation's must
	// refuse it (ErrRingFull) — a walk the model leads cannot otherwise
	// see an implementation that admits too much.
	rpcs := v.Int("rpcs")
	refuses := func() {
		for f, fr := range h.flows {
			p := fr.r.Producer()
			if p.NextStore() != implring.StoreNone || int(p.Sent()) >= rpcs || ringProducerEnabled(m, s, f) {
				continue
			}
			switch err := p.Begin(h.gen(int(p.Sent()))); {
			case err == nil:
				fail("after step %d: flow %d's producer has no credit in the model, and the implementation admitted RPC %d", len(w.walk)-1, f, p.Sent()-1)
			case !errors.Is(err, implring.ErrRingFull):
				fail("after step %d: flow %d's producer: %v", len(w.walk)-1, f, err)
			}
		}
	}
	if d := h.compare(w.fields(0)); d != "" {
		fail("initial states differ: %s", d)
	}
	refuses()
	n := d.steps
	if n == 0 {
		n = rapid.IntRange(1, 40).Draw(rt, "steps")
	}
	for i := 0; i < n; i++ {
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
		st := w.add(mv.a, mv.s)
		st.State = w.fields(len(w.walk) - 1) // the ring harness compares the model's fields
		s = mv.s
		out := h.step(st)
		if strings.HasPrefix(out, "refused") || strings.HasPrefix(out, "cannot") {
			fail("step %d (%s): the implementation %s", len(w.walk)-1, st.Label(), out)
		}
		if d := h.compare(st.State); d != "" {
			fail("step %d (%s): %s (the implementation: %s)", len(w.walk)-1, st.Label(), d, out)
		}
		refuses()
	}
	return len(w.walk) - 1
}

// ringProducerEnabled reports whether the ring model lets flow f's
// producer make its next store (TX: a store of the CPU; RX: the NIC's
// write).
func ringProducerEnabled(m *modelring.Model, s modelring.State, f int) bool {
	enabled := false
	m.Next(s, func(a checker.Action, _ modelring.State) {
		k := m.Actions()[a.Kind]
		if _, store := stores[k.Name]; !store && k.Name != "nic-write" {
			return
		}
		if i := slices.Index(k.Params, "flow"); i >= 0 && a.Args[i] == f {
			enabled = true
		}
	})
	return enabled
}

// walkLog is one rapid test case's walk through a model: its parameters
// and bug, and every step with the model's full state, so that a failure
// can be written as a trace file.
type walkLog[S any] struct {
	model  string
	params []string
	bug    string
	c      *checker.Checker[S]
	kinds  []checker.ActionKind
	walk   []checker.Step // State filled in by fill, when a failure needs it
	states []S
}

func newWalkLog[S any](model string, params []string, bug string, c *checker.Checker[S], kinds []checker.ActionKind, init S) *walkLog[S] {
	w := &walkLog[S]{model: model, params: params, bug: bug, c: c, kinds: kinds}
	w.walk = []checker.Step{{Name: "init"}}
	w.states = []S{init}
	return w
}

// add records the model's step a into state s. The state's fields are
// formatted only when a failure is written (formatting every step would
// cost more than the comparison itself).
func (w *walkLog[S]) add(a checker.Action, s S) checker.Step {
	k := w.kinds[a.Kind]
	st := checker.Step{Action: a, Name: k.Name}
	for j, p := range k.Params {
		st.Args = append(st.Args, checker.Arg{Name: p, Value: a.Args[j]})
	}
	w.walk = append(w.walk, st)
	w.states = append(w.states, s)
	return st
}

// fields is step i's state, formatted.
func (w *walkLog[S]) fields(i int) []checker.Field {
	if w.walk[i].State == nil {
		w.walk[i].State = w.c.FieldsOf(w.states[i])
	}
	return w.walk[i].State
}

func (w *walkLog[S]) fill() {
	for i := range w.walk {
		w.fields(i)
	}
}

// file is the walk as a trace file: a behaviour of the model (outcome
// ok), each step with the fields it changed.
func (w *walkLog[S]) file() *trace.File {
	w.fill()
	f := &trace.File{Model: w.model, Params: w.params, Bug: w.bug, Outcome: trace.Outcome{Result: "ok", LoopStart: -1}}
	for i, st := range w.walk {
		var prev *checker.Step
		if i > 0 {
			prev = &w.walk[i-1]
		}
		f.Steps = append(f.Steps, trace.Step{Action: st.Name, Args: slices.Clone(st.Args), State: st.Changed(prev)})
	}
	return f
}

func (w *walkLog[S]) text() string {
	w.fill()
	return (&checker.Trace{Steps: w.walk, LoopStart: -1}).String()
}

// failureSink is where a rapid test's failing walks go: a trace file in
// dir (rapid calls the property again and again while it shrinks, so the
// file ends up holding the shrunk walk), and, in memory, the last one, for
// the mutation check to print. dir "" writes no file.
type failureSink struct {
	dir   string
	last  *trace.File
	lastT string
}

// rapidDir is where rapid keeps a test's failure files; trace files of
// the failures go next to them.
func rapidDir(test string) string { return filepath.Join("testdata", "rapid", test) }

// keep records a failing walk and returns a message naming the file it
// was written to, with the walk.
func (s *failureSink) keep(w interface {
	file() *trace.File
	text() string
}) string {
	s.last, s.lastT = w.file(), w.text()
	where := "not written"
	if s.dir != "" {
		where = writeTrace(s.dir, s.last)
	}
	return fmt.Sprintf("walk written to %s:\n%s", where, s.lastT)
}

// writeTrace saves f as failure.trace in dir and returns its path (or why
// it could not).
func writeTrace(dir string, f *trace.File) string {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	path := filepath.Join(dir, "failure.trace")
	if err := os.WriteFile(path, []byte(f.String()), 0o644); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	return path
}

// replayKept replays a failure trace a conformance test kept under
// testdata/rapid/: a walk the model takes, which the implementation must
// now follow to its end.
func replayKept(f *trace.File) error {
	switch f.Model {
	case "ring":
		res, err := Replay(f, "")
		if err != nil {
			return err
		}
		if res.Outcome != Conformant {
			return fmt.Errorf("%s (%s)", res.Outcome, res.Reason)
		}
		return nil
	case "system":
		return replayXport(f)
	case "nic":
		return replayNIC(f)
	}
	return fmt.Errorf("%w a %s trace kept by a conformance test", ErrUnsupported, f.Model)
}

// logRate logs how much a conformance test compared, and how fast: model
// and implementation steps (each one model step, the implementation's
// step, and the comparison of abstract states) per second.
func logRate(t testing.TB, start time.Time, walks, steps *int) {
	d := time.Since(start)
	t.Logf("%d walks, %d steps compared in %.2fs: %.0f steps/s", *walks, *steps, d.Seconds(), float64(*steps)/d.Seconds())
}

// benchmarkWalks runs a conformance property b.N times (each rapid's
// -rapid.checks walks) and reports model-versus-implementation steps per
// second.
func benchmarkWalks(b *testing.B, walk func(*rapid.T, *failureSink) int) {
	sink := &failureSink{} // a failure fails the benchmark; no file
	steps := 0
	start := time.Now()
	for range b.N {
		rapid.Check(b, func(rt *rapid.T) { steps += walk(rt, sink) })
	}
	b.ReportMetric(float64(steps)/time.Since(start).Seconds(), "steps/s")
}

func BenchmarkRingConformance(b *testing.B) {
	benchmarkWalks(b, func(rt *rapid.T, s *failureSink) int { return ringWalk(rt, ringDraw{}, s) })
}

func BenchmarkTransportConformance(b *testing.B) {
	benchmarkWalks(b, func(rt *rapid.T, s *failureSink) int { return xportWalk(rt, xportDraw{}, s) })
}

func BenchmarkTransportOverFaultyNetworkConformance(b *testing.B) {
	var st netStats
	benchmarkWalks(b, func(rt *rapid.T, s *failureSink) int { return xportFaultyWalk(rt, s, &st) })
}

func BenchmarkNICConformance(b *testing.B) {
	benchmarkWalks(b, func(rt *rapid.T, s *failureSink) int { return nicWalk(rt, nicDraw{}, s) })
}
