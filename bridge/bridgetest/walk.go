package bridgetest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// WalkLog is one rapid test case's walk through a model: its parameters
// and bug, and every step with the model's full state, so that a failure
// can be written as a trace file.
type WalkLog[S any] struct {
	model  string
	params []string
	bug    string
	c      *checker.Checker[S]
	kinds  []checker.ActionKind
	walk   []checker.Step // State filled in by fill, when a failure needs it
	states []S
}

// NewWalkLog starts the log of a walk of model (named model, with
// parameters params and bug) at its initial state init.
func NewWalkLog[S any](model string, params []string, bug string, m checker.Model[S], init S) *WalkLog[S] {
	return &WalkLog[S]{model: model, params: params, bug: bug, c: checker.New(m, checker.Options{}), kinds: m.Actions(),
		walk: []checker.Step{{Name: "init"}}, states: []S{init}}
}

// Add records the model's step a into state s. The state's fields are
// formatted only when a failure is written (formatting every step would
// cost more than the comparison itself).
func (w *WalkLog[S]) Add(a checker.Action, s S) checker.Step {
	k := w.kinds[a.Kind]
	st := checker.Step{Action: a, Name: k.Name}
	for j, p := range k.Params {
		st.Args = append(st.Args, checker.Arg{Name: p, Value: a.Args[j]})
	}
	w.walk = append(w.walk, st)
	w.states = append(w.states, s)
	return st
}

// Fields is step i's state, formatted.
func (w *WalkLog[S]) Fields(i int) []checker.Field {
	if w.walk[i].State == nil {
		w.walk[i].State = w.c.FieldsOf(w.states[i])
	}
	return w.walk[i].State
}

// Steps is the number of steps taken; Last is the last step.
func (w *WalkLog[S]) Steps() int          { return len(w.walk) - 1 }
func (w *WalkLog[S]) Last() *checker.Step { return &w.walk[len(w.walk)-1] }

func (w *WalkLog[S]) fill() {
	for i := range w.walk {
		w.Fields(i)
	}
}

// File is the walk as a trace file: a behaviour of the model (outcome
// ok), each step with the fields it changed.
func (w *WalkLog[S]) File() *trace.File {
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

// Text is the walk, step by step, for a failure message.
func (w *WalkLog[S]) Text() string {
	w.fill()
	return (&checker.Trace{Steps: w.walk, LoopStart: -1}).String()
}

// Sink is where a rapid test's failing walks go: a trace file in dir
// (rapid calls the property again and again while it shrinks, so the file
// ends up holding the shrunk walk), and, in memory, the last one, for the
// mutation check to print. A Sink with no dir writes no file.
type Sink struct {
	dir      string
	Last     *trace.File
	LastText string
}

// RapidDir is where rapid keeps test's failure files; trace files of the
// failures go next to them, and the bridges' tests replay them
// (ReplayKept).
func RapidDir(test string) string { return filepath.Join("testdata", "rapid", test) }

// Keep records a failing walk and returns a message naming the file it
// was written to, with the walk.
func (s *Sink) Keep(w interface {
	File() *trace.File
	Text() string
}) string {
	s.Last, s.LastText = w.File(), w.Text()
	where := "not written"
	if s.dir != "" {
		where = writeTrace(s.dir, s.Last)
	}
	return fmt.Sprintf("walk written to %s:\n%s", where, s.LastText)
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

// Conform runs a conformance property, walk, under rapid: failing walks
// go to the test's rapid directory, and the test logs how many walks and
// steps it compared, and how fast. It returns the number of walks.
func Conform(t *testing.T, walk func(rt *rapid.T, sink *Sink) int) int {
	sink := &Sink{dir: RapidDir(t.Name())}
	var walks, steps int
	defer logRate(t, time.Now(), &walks, &steps)
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		steps += walk(rt, sink)
	})
	return walks
}

// logRate logs how much a conformance test compared, and how fast: model
// and implementation steps (each one model step, the implementation's
// step, and the comparison of abstract states) per second.
func logRate(t testing.TB, start time.Time, walks, steps *int) {
	d := time.Since(start)
	t.Logf("%d walks, %d steps compared in %.2fs: %.0f steps/s", *walks, *steps, d.Seconds(), float64(*steps)/d.Seconds())
}

// Bench runs a conformance property b.N times (each rapid's
// -rapid.checks walks) and reports model-versus-implementation steps per
// second.
func Bench(b *testing.B, walk func(rt *rapid.T, sink *Sink) int) {
	sink := &Sink{} // a failure fails the benchmark; no file
	steps := 0
	start := time.Now()
	for range b.N {
		rapid.Check(b, func(rt *rapid.T) { steps += walk(rt, sink) })
	}
	b.ReportMetric(float64(steps)/time.Since(start).Seconds(), "steps/s")
}

// Build makes the model a walk drew: the parameters, checked against the
// model's definitions (a failure of the draw fails the test), and the
// model built with bug (a combination the model refuses skips the walk).
func Build[M any](rt *rapid.T, defs []spec.Param, newModel func(spec.Values, string) (M, error), params []string, bug string) (spec.Values, M) {
	v, err := spec.ParseParams(defs, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := newModel(v, bug)
	if err != nil {
		rt.Skip(err) // a combination the model refuses
	}
	return v, m
}

// Walk is a conformance walk in progress: the model's state beside the
// implementation's, the log of the walk, and how a divergence fails it.
type Walk[S any] struct {
	*WalkLog[S]
	State   S
	rt      *rapid.T
	sink    *Sink
	context string
	compare func(S) string
}

// NewWalk starts a walk of model m (named model, with parameters v and
// bug) at its first initial state. compare is the implementation's
// abstract state against the model's ("" when equal); a failure names
// context (the configuration, the faults) and keeps the walk in sink.
func NewWalk[S any](rt *rapid.T, sink *Sink, model string, v spec.Values, bug string, m checker.Model[S], compare func(S) string, context string) *Walk[S] {
	s := m.Init()[0]
	return &Walk[S]{WalkLog: NewWalkLog(model, v.Assignments(), bug, m, s), State: s, rt: rt, sink: sink, context: context, compare: compare}
}

// Fail fails the walk: the message, the context, and the walk, kept.
func (w *Walk[S]) Fail(format string, args ...any) {
	w.rt.Fatalf("%s\n%s%s", fmt.Sprintf(format, args...), w.context, w.sink.Keep(w.WalkLog))
}

// CheckInit fails the walk if the initial states differ.
func (w *Walk[S]) CheckInit() {
	if diff := w.compare(w.State); diff != "" {
		w.Fail("initial states differ: %s", diff)
	}
}

// Actions are the Repeat actions every walk has: the check after each
// step (""), and quiescent, where the walk ends once the model has
// stopped (quiescent skips while it can move). The caller adds one
// action per kind or group of the model's moves (Take).
func (w *Walk[S]) Actions(quiescent func(rt *rapid.T)) map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"": func(*rapid.T) {
			if diff := w.compare(w.State); diff != "" {
				w.Fail("after step %d (%s): %s", w.Steps(), w.Last().Label(), diff)
			}
		},
		"quiescent": quiescent,
	}
}

// Take draws one of moves (label names the draw) and takes it: the
// model's step, logged, and the implementation's, by step (given the
// model's state before it; "diverged..." fails the walk). No moves skip
// the action.
func (w *Walk[S]) Take(rt *rapid.T, label string, moves []bridge.Move[S], step func(pre S, a checker.Action) string) {
	if len(moves) == 0 {
		rt.Skip("not enabled")
	}
	mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, label)]
	st := w.Add(mv.Action, mv.To)
	out := step(w.State, mv.Action)
	w.State = mv.To
	if strings.HasPrefix(out, "diverged") {
		w.Fail("step %d (%s): the implementation %s", w.Steps(), st.Label(), out)
	}
}

// Override replaces the key=value assignments of params named in with.
func Override(params, with []string) []string {
	for _, a := range with {
		k, _, _ := strings.Cut(a, "=")
		i := slices.IndexFunc(params, func(p string) bool { return strings.HasPrefix(p, k+"=") })
		if i < 0 {
			params = append(params, a)
		} else {
			params[i] = a
		}
	}
	return params
}

// BugNames lists the bug names of a catalogue.
func BugNames(bugs []spec.Bug) []string {
	var out []string
	for _, b := range bugs {
		out = append(out, b.Name)
	}
	return out
}
