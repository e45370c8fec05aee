package explore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/trace"
)

// Implementation replays a model's behaviours on a real implementation,
// for the page to show the implementation's abstract state beside the
// model's. A program that has one provides it (daggercheck's is
// bridge/dagger's replay); the explorer knows no implementation itself.
type Implementation interface {
	// Supports says whether Replay takes traces of the named model.
	Supports(model string) bool
	// Replay drives the implementation along f, step by step.
	Replay(f *trace.File) (*ImplReplay, error)
}

// ImplReplay is what the implementation did along a trace.
type ImplReplay struct {
	// Outcome and Reason say how the replay ended, in the words of the
	// implementation's replay (reproduced, conformant, diverged).
	Outcome string     `json:"outcome"`
	Reason  string     `json:"reason,omitempty"`
	Steps   []ImplStep `json:"steps"`
	// FirstDiff is the first step whose states differ, or -1.
	FirstDiff int `json:"first_diff"`
}

// ImplStep is the implementation after one step of the trace.
type ImplStep struct {
	Step int    `json:"step"`
	Did  string `json:"did"` // what the implementation did for the step
	// State is the implementation's abstract state, named as the model's
	// fields are, where the bridge can tell it.
	State []Field `json:"state,omitempty"`
	Diff  string  `json:"diff,omitempty"` // the first field that differs from the model's
}

// TraceFile is path fps as a trace file of the session's configuration:
// each step with the fields it changed, and as outcome the first
// property the last state breaks (a violation, or a deadlock), or ok.
func (s *Session) TraceFile(fps []uint64) (*trace.File, error) {
	if len(fps) == 0 {
		return nil, fmt.Errorf("%w: a trace needs a path of at least one state", ErrBadPath)
	}
	_, steps, err := s.resolve(fps)
	if err != nil {
		return nil, err
	}
	f := &trace.File{Model: s.Config.Model, Params: s.Config.Params, Bug: s.Config.Bug,
		Outcome: trace.Outcome{Result: "ok", LoopStart: -1}}
	prev := map[string]string{}
	for i, st := range steps {
		ts := trace.Step{Action: "init"}
		if i > 0 {
			ts.Action = st.Action
		}
		for _, a := range st.Args {
			ts.Args = append(ts.Args, checker.Arg(a))
		}
		for _, fl := range st.State.Fields {
			if v, ok := prev[fl.Name]; i == 0 || !ok || v != fl.Value {
				ts.State = append(ts.State, checker.Field(fl))
			}
			prev[fl.Name] = fl.Value
		}
		f.Steps = append(f.Steps, ts)
	}
	if broken := steps[len(steps)-1].State.Broken; len(broken) > 0 {
		f.Outcome.Result, f.Outcome.Property = "violation", broken[0]
		if broken[0] == checker.DeadlockProperty {
			f.Outcome.Result, f.Outcome.Property = "deadlock", ""
		}
	}
	return f, nil
}

// ReadTrace reads a trace file, or an ITF trace of check --itf-out.
func ReadTrace(name string, raw []byte) (*trace.File, error) {
	if len(raw) == 0 {
		return nil, errors.New(name + ": empty trace")
	}
	if trace.IsITF(raw) {
		return trace.ParseITF(name, strings.NewReader(string(raw)))
	}
	return trace.Parse(name, strings.NewReader(string(raw)))
}
