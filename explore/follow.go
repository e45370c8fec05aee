package explore

import (
	"errors"
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/trace"
)

// ErrNotABehaviour is wrapped by Follow's errors: the trace is not a
// behaviour of the session's model.
var ErrNotABehaviour = errors.New("not a behaviour of the model")

// Follow replays trace file f on the session's model, as recheck does,
// and returns the fingerprints of its states. Each step must be an
// enabled action with the step's arguments, leading to a state with the
// fields the step records; the error names the first step (and its
// line) that is not. The trace's model, parameters and bug are the
// caller's to match with the session's.
func (s *Session) Follow(f *trace.File) ([]uint64, error) {
	if len(f.Steps) == 0 {
		return nil, fmt.Errorf("%w: the trace has no steps", ErrNotABehaviour)
	}
	fail := func(i int, format string, args ...any) ([]uint64, error) {
		at := fmt.Sprintf("step %d", i)
		if f.Steps[i].Line > 0 {
			at += fmt.Sprintf(" (line %d)", f.Steps[i].Line)
		}
		return nil, fmt.Errorf("%w: %s: %s", ErrNotABehaviour, at, fmt.Sprintf(format, args...))
	}
	has := func(st any, want []checker.Field) bool {
		have := s.sp.fields(st)
		for _, w := range want {
			if !slices.Contains(have, w) {
				return false
			}
		}
		return true
	}
	var cur any
	for _, st := range s.sp.init() {
		if has(st, f.Steps[0].State) {
			cur = st
			break
		}
	}
	if cur == nil {
		return fail(0, "no initial state has the recorded fields")
	}
	fps := []uint64{s.sp.fingerprint(cur)}
	for i, st := range f.Steps[1:] {
		kind := slices.IndexFunc(s.kinds, func(k checker.ActionKind) bool { return k.Name == st.Action })
		if kind < 0 {
			return fail(i+1, "the model has no action %q", st.Action)
		}
		want := checker.Action{Kind: kind}
		params := s.kinds[kind].Params
		if len(st.Args) != len(params) {
			return fail(i+1, "%s takes %d arguments, the trace gives %d", st.Action, len(params), len(st.Args))
		}
		for j, name := range params {
			k := slices.IndexFunc(st.Args, func(a checker.Arg) bool { return a.Name == name })
			if k < 0 {
				return fail(i+1, "%s lacks its argument %s", st.Action, name)
			}
			want.Args[j] = st.Args[k].Value
		}
		var next any
		s.sp.next(cur, func(a checker.Action, t any) {
			if next == nil && a == want && has(t, st.State) {
				next = t
			}
		})
		if next == nil {
			return fail(i+1, "%s is not enabled, or does not lead to the recorded state", s.sp.label(want))
		}
		fps = append(fps, s.sp.fingerprint(next))
		cur = next
	}
	return fps, nil
}

// FollowTrace is Follow for a checker trace, as a run's counterexample.
func (s *Session) FollowTrace(t *checker.Trace) ([]uint64, error) {
	f := &trace.File{}
	for _, st := range t.Steps {
		f.Steps = append(f.Steps, trace.Step{Action: st.Name, Args: st.Args, State: st.State})
	}
	return s.Follow(f)
}
