package bridge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/tlaplus"
	"github.com/daggercheck/daggercheck/trace"
)

// A Decode reads one state of a TLA+ behaviour into the Go model's state;
// failures go to d.
type Decode[S any] func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) S

// ConvertTLA turns a behaviour of a TLA+ spec into a trace file of the
// same behaviour of the Go model modelName, built by newModel with
// parameters v and bug: every state, read by the model's decode, must be
// the Go model's state that its predecessor leads to by one of the
// model's actions, which names the step. The outcome is the first of
// props (Go names, in order) or a deadlock, which TLC checks unless told
// not to, that the behaviour breaks, an error if it breaks none of them;
// with no props, the first of the model's that it breaks (an invariant
// failing in the last state, a deadlock, or, for a lasso, a liveness
// property), and "ok" if none. Every error wraps tlaplus.ErrTLA.
func ConvertTLA[S any, M checker.Model[S]](t *tlaplus.TLATrace, modelName string, v spec.Values, bug string, props []string,
	newModel func(spec.Values, string) (M, error), decode func(M) Decode[S]) (*trace.File, error) {
	m, err := newModel(v, bug)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
	}
	if len(t.States) == 0 {
		return nil, fmt.Errorf("%w: the trace has no states", tlaplus.ErrTLA)
	}
	c := &converter[S]{m: m, ck: checker.New[S](m, checker.Options{}), kinds: m.Actions()}
	decoded, err := decodeStates(t, decode(m))
	if err != nil {
		return nil, err
	}
	if err := c.walk(t, decoded, v); err != nil {
		return nil, err
	}
	if t.Stutter {
		c.unstutter()
	}
	res, err := c.outcome(props)
	if err != nil {
		return nil, err
	}
	return trace.FromResult(modelName, v.Assignments(), bug, res)
}

// decodeStates reads every state of t.
func decodeStates[S any](t *tlaplus.TLATrace, decode Decode[S]) ([]S, error) {
	decoded := make([]S, len(t.States))
	for i, vars := range t.States {
		d := tlaplus.NewDecoder(i)
		decoded[i] = decode(d, vars)
		if d.Err() != nil {
			return nil, d.Err()
		}
	}
	return decoded, nil
}

// converter is ConvertTLA's walk of the Go model: the trace so far and
// the model's own states along it.
type converter[S any] struct {
	m      checker.Model[S]
	ck     *checker.Checker[S]
	kinds  []checker.ActionKind
	tr     *checker.Trace
	states []S
}

func (c *converter[S]) enc(s S) string { return string(c.m.Encode(nil, s)) }

// step records the model's step a into s.
func (c *converter[S]) step(a checker.Action, s S) {
	st := checker.Step{Name: c.kinds[a.Kind].Name, State: c.ck.FieldsOf(s)}
	for j, p := range c.kinds[a.Kind].Params {
		st.Args = append(st.Args, checker.Arg{Name: p, Value: a.Args[j]})
	}
	c.tr.Steps = append(c.tr.Steps, st)
}

// walk follows the Go model along the decoded states, keeping the
// model's own successors (it never calls Next on a state only decoded),
// and, for a lasso, the step that closes its loop.
func (c *converter[S]) walk(t *tlaplus.TLATrace, decoded []S, v spec.Values) error {
	for _, s := range c.m.Init() {
		if c.enc(s) == c.enc(decoded[0]) {
			c.states = append(c.states, s)
			break
		}
	}
	if len(c.states) == 0 {
		return fmt.Errorf("%w: state 0 is not an initial state of the Go model (%s)", tlaplus.ErrTLA, strings.Join(v.Assignments(), " "))
	}
	c.tr = &checker.Trace{LoopStart: -1, Steps: []checker.Step{{Name: "init", State: c.ck.FieldsOf(c.states[0])}}}
	targets := decoded[1:]
	if t.LoopStart >= 0 && !t.Stutter && c.enc(decoded[len(decoded)-1]) != c.enc(decoded[t.LoopStart]) {
		targets = append(targets, decoded[t.LoopStart]) // the closing step back into the loop
	}
	for i, want := range targets {
		var next S
		var act checker.Action
		found := false
		c.m.Next(c.states[len(c.states)-1], func(a checker.Action, s S) {
			if !found && c.enc(s) == c.enc(want) {
				next, act, found = s, a, true
			}
		})
		if !found {
			what := ""
			if i < len(t.Actions) && t.Actions[i] != "" {
				what = fmt.Sprintf(" (TLA+ action %s)", t.Actions[i])
			}
			return fmt.Errorf("%w: state %d%s is not a successor of state %d in the Go model: the spec and the model differ there, or the constants do", tlaplus.ErrTLA, i+1, what, i)
		}
		c.step(act, next)
		c.states = append(c.states, next)
	}
	if t.LoopStart >= 0 {
		c.tr.LoopStart, c.tr.Stutter = t.LoopStart, t.Stutter
	}
	return nil
}

// unstutter closes a lasso that ends stuttering. TLA+ fairness is about
// steps that change the state (<<A>>_vars): an action whose only step
// there leaves the state as it is does not count as enabled, so TLC may
// end a lasso stuttering where such an action is enabled. The Go
// checker's fairness counts it, so the loop takes each of them once
// instead: the same states.
func (c *converter[S]) unstutter() {
	last := c.states[len(c.states)-1]
	c.m.Next(last, func(a checker.Action, s S) {
		if c.enc(s) != c.enc(last) {
			return
		}
		c.step(a, s)
		c.tr.Stutter = false
	})
}

// outcome is the run result the trace file shows: the first property
// the behaviour breaks among props (or the model's), re-checked in full.
func (c *converter[S]) outcome(props []string) (*checker.Result, error) {
	tr := c.tr
	candidates := slices.Clone(props)
	if len(props) > 0 && tr.LoopStart < 0 && !slices.Contains(props, checker.DeadlockProperty) {
		candidates = append(candidates, checker.DeadlockProperty) // TLC checks deadlock unless told not to
	}
	if len(props) == 0 {
		for _, p := range c.m.Properties() {
			if p.Kind.Liveness() == (tr.LoopStart >= 0) && p.Kind != checker.Sometimes {
				candidates = append(candidates, p.Name)
			}
		}
		if tr.LoopStart < 0 {
			candidates = append(candidates, checker.DeadlockProperty)
		}
	}
	var firstErr error
	for _, p := range candidates {
		full, err := c.ck.Recheck(tr, p)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		res := &checker.Result{Verdict: checker.Violation, Trace: full, Property: p}
		if p == checker.DeadlockProperty {
			res.Verdict = checker.Deadlock
		}
		return res, nil
	}
	if len(props) > 0 {
		return nil, fmt.Errorf("%w: the behaviour breaks none of %s: %v", tlaplus.ErrTLA, strings.Join(candidates, ", "), firstErr)
	}
	full, err := c.ck.Recheck(tr, "")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
	}
	full.LoopStart, full.Stutter = -1, false // an "ok" behaviour is not a lasso
	return &checker.Result{Verdict: checker.OK, Trace: full}, nil
}
