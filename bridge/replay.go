package bridge

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// Replay outcomes: what the implementation did along a model's trace.
const (
	Reproduced = "reproduced" // the implementation followed every step and broke the same property
	Conformant = "conformant" // it followed every step, and the trace's violation did not happen
	Diverged   = "diverged"   // it refused a step, or its state differs from the model's
)

// ErrUnsupported reports a trace, or a run log, whose component the
// implementation does not have, or whose model has no bridge for it.
var ErrUnsupported = errors.New("cannot replay")

// ReplayStep is one step of a replay: the model's action, what the
// implementation did, and whether their states agree afterwards.
type ReplayStep struct {
	Index  int    `json:"step"`
	Action string `json:"action"`
	Impl   string `json:"impl"`
	Diff   string `json:"diff,omitempty"` // the first field that differs, if any
	// State is the implementation's abstract state after the step, named
	// as the model's fields are, where the bridge tells it (ring's does),
	// for daggercheck explore; not part of replay --json.
	State []checker.Field `json:"-"`
}

// ReplayResult is what a replay found.
type ReplayResult struct {
	Outcome  string       `json:"result"`
	Property string       `json:"property"` // the trace's violated property
	Faults   string       `json:"faults"`   // the implementation's injected faults
	Step     int          `json:"diverged_at,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Broken   []string     `json:"impl_broken"` // the properties the implementation broke
	Steps    []ReplayStep `json:"steps"`
}

// Diverge records that the implementation parted ways with the trace at
// step i (action), and why.
func (r *ReplayResult) Diverge(i int, action, why string) {
	r.Outcome, r.Step, r.Reason = Diverged, i, fmt.Sprintf("step %d (%s): %s", i, action, why)
}

// A Model is how a bridge builds its model for a trace or a run log: the
// parameters' definitions and the constructor (the model package's Params
// and New).
type Model[M any] struct {
	Params []spec.Param
	New    func(spec.Values, string) (M, error)
	// Admit, if set, refuses parameters the implementation cannot run,
	// before the model is built.
	Admit func(spec.Values) error
}

// Replaying is what every replay starts from: the trace's model, built
// with its parameters and bug, the property the trace breaks, and the
// bug the implementation runs.
type Replaying[M any] struct {
	Values   spec.Values
	Model    M
	Property string // the trace's violated property (the deadlock property for a deadlock; "" for none)
	Bug      string // the one asked for, else the trace's ("none": the correct implementation)
}

// Prepare builds what replaying f starts from, for a replay asked to run
// bug ("" for the trace's own).
func Prepare[M any](f *trace.File, bug string, m Model[M]) (*Replaying[M], error) {
	v, err := spec.ParseParams(m.Params, f.Params)
	if err != nil {
		return nil, fmt.Errorf("trace parameters: %w", err)
	}
	if m.Admit != nil {
		if err := m.Admit(v); err != nil {
			return nil, err
		}
	}
	model, err := m.New(v, f.Bug)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	r := &Replaying[M]{Values: v, Model: model, Property: f.Outcome.Property, Bug: bug}
	if f.Outcome.Result == "deadlock" {
		r.Property = checker.DeadlockProperty
	}
	if r.Bug == "" {
		r.Bug = f.Bug
	}
	return r, nil
}

// Result starts the replay's result: the trace's property and the
// implementation's faults.
func (r *Replaying[M]) Result(faults string) *ReplayResult {
	return &ReplayResult{Property: r.Property, Faults: faults}
}

// SteppedModel is what ReplaySteps needs of a model: its moves, and how
// it names an action for people.
type SteppedModel[S any] interface {
	Init() []S
	Actions() []checker.ActionKind
	Next(s S, emit func(checker.Action, S))
	FormatAction(a checker.Action) string
}

// Move is one of a model's enabled steps: the action and the state it
// leads to.
type Move[S any] struct {
	Action checker.Action
	To     S
}

// Moves lists the steps model m enables in state s that keep holds (nil:
// all of them).
func Moves[S any](m interface {
	Next(s S, emit func(checker.Action, S))
}, s S, keep func(checker.Action, S) bool) []Move[S] {
	var moves []Move[S]
	m.Next(s, func(a checker.Action, t S) {
		if keep == nil || keep(a, t) {
			moves = append(moves, Move[S]{a, t})
		}
	})
	return moves
}

// ReplaySteps drives an implementation along f's steps, as the NIC and
// system replays do: each trace step is found among the model's enabled
// moves, run on the implementation by step (given the model's state
// before it; it returns what the implementation did, "diverged: ..."
// when it refused or did otherwise), and then the implementation's
// abstract state is compared with the model's by compare ("" when
// equal). It records every step in res and, at the first divergence,
// sets res's outcome, step and reason and stops. It returns whether the
// implementation followed the whole trace. A step the model does not
// enable is an error: the trace is not a behaviour of its model.
func ReplaySteps[S any](res *ReplayResult, f *trace.File, m SteppedModel[S], step func(s S, a checker.Action) string, compare func(S) string) (bool, error) {
	s := m.Init()[0]
	rs := ReplayStep{Index: 0, Action: "init", Impl: "-", Diff: compare(s)}
	res.Steps = append(res.Steps, rs)
	if rs.Diff != "" {
		res.Diverge(0, "init", rs.Diff)
		return false, nil
	}
	for i, st := range f.Steps[1:] {
		mv, err := findMove(m.Actions(), Moves(m, s, nil), st)
		if err != nil {
			return false, fmt.Errorf("the trace is not a behaviour of its model: step %d (line %d): %w", i+1, st.Line, err)
		}
		label := m.FormatAction(mv.Action)
		out := step(s, mv.Action)
		s = mv.To
		rs := ReplayStep{Index: i + 1, Action: label, Impl: out}
		if !strings.HasPrefix(out, "diverged") {
			rs.Diff = compare(s)
		}
		res.Steps = append(res.Steps, rs)
		switch {
		case strings.HasPrefix(out, "diverged"):
			res.Diverge(i+1, label, "the implementation "+strings.TrimPrefix(out, "diverged: "))
			return false, nil
		case rs.Diff != "":
			res.Diverge(i+1, label, rs.Diff)
			return false, nil
		}
	}
	return true, nil
}

// findMove finds, among a model's enabled moves, the one a trace step
// names (action and arguments).
func findMove[S any](kinds []checker.ActionKind, moves []Move[S], st trace.Step) (Move[S], error) {
	for _, mv := range moves {
		k := kinds[mv.Action.Kind]
		if k.Name != st.Action || len(k.Params) != len(st.Args) {
			continue
		}
		match := true
		for j, p := range k.Params {
			i := slices.IndexFunc(st.Args, func(x checker.Arg) bool { return x.Name == p })
			if i < 0 || st.Args[i].Value != mv.Action.Args[j] {
				match = false
				break
			}
		}
		if match {
			return mv, nil
		}
	}
	var args []string
	for _, a := range st.Args {
		args = append(args, fmt.Sprintf("%s=%d", a.Name, a.Value))
	}
	return Move[S]{}, fmt.Errorf("the model does not enable %s %s here", st.Action, strings.Join(args, " "))
}
