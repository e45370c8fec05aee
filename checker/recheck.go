package checker

import (
	"errors"
	"fmt"
	"slices"
)

// ErrNotACounterexample is wrapped by Recheck's errors: the trace is not
// a behaviour of the model, or does not break the property it names.
var ErrNotACounterexample = errors.New("not a counterexample")

// Recheck replays t on the model, independently of any search, and
// confirms that it is a counterexample to property ("deadlock" for a
// deadlock; "" only replays it, for a trace that shows a behaviour). Each step must be an action the model enables, with the
// step's arguments, leading to a state whose fields include the ones the
// step records (a trace may record only the fields that changed). Then:
// an Always property must fail in the last state; a deadlock must leave
// no action enabled in a state that is not terminal; an Eventually or
// LeadsTo property needs a lasso that closes (or a final state that may
// stutter), that respects weak fairness of the property's fair actions,
// and that misses the goal from the start (Eventually) or from a trigger
// state on (LeadsTo). It returns the replayed trace, with every field.
func (c *Checker[S]) Recheck(t *Trace, property string) (*Trace, error) {
	fail := func(format string, args ...any) (*Trace, error) {
		return nil, fmt.Errorf("%w: %s", ErrNotACounterexample, fmt.Sprintf(format, args...))
	}
	if t == nil || len(t.Steps) == 0 {
		return fail("empty trace")
	}
	var prop *Property[S]
	for i := range c.props {
		if c.props[i].Name == property {
			prop = &c.props[i]
		}
	}
	if prop == nil && property != DeadlockProperty && property != "" {
		return fail("the model has no property %q", property)
	}

	// Replay, keeping every state.
	var states []S
	var out Trace
	matches := func(s S, want []Field) bool {
		have := c.fields(s)
		for _, w := range want {
			if !slices.Contains(have, w) {
				return false
			}
		}
		return true
	}
	for _, s := range c.m.Init() {
		if matches(s, t.Steps[0].State) {
			states = append(states, s)
			out.Steps = append(out.Steps, c.step(Action{}, s, true))
			break
		}
	}
	if len(states) == 0 {
		return fail("step 0: no initial state has the recorded fields")
	}
	for i, st := range t.Steps[1:] {
		kind := slices.IndexFunc(c.kinds, func(k ActionKind) bool { return k.Name == st.Name })
		if kind < 0 {
			return fail("step %d: the model has no action %q", i+1, st.Name)
		}
		want := Action{Kind: kind}
		for j, name := range c.kinds[kind].Params {
			k := slices.IndexFunc(st.Args, func(a Arg) bool { return a.Name == name })
			if k < 0 {
				return fail("step %d: %s lacks its argument %s", i+1, st.Name, name)
			}
			want.Args[j] = st.Args[k].Value
		}
		if len(st.Args) != len(c.kinds[kind].Params) {
			return fail("step %d: %s takes %d arguments, the trace gives %d", i+1, st.Name, len(c.kinds[kind].Params), len(st.Args))
		}
		var next S
		found := false
		c.m.Next(states[len(states)-1], func(a Action, s S) {
			if !found && a == want && matches(s, st.State) {
				next, found = s, true
			}
		})
		if !found {
			return fail("step %d: %s is not enabled, or does not lead to the recorded state", i+1, st.Label())
		}
		states = append(states, next)
		out.Steps = append(out.Steps, c.step(want, next, false))
	}
	out.LoopStart, out.Stutter = t.LoopStart, t.Stutter
	last := states[len(states)-1]

	switch {
	case property == "":
		// A behaviour, not a counterexample: replaying it is the check.
	case property == DeadlockProperty:
		n := 0
		c.m.Next(last, func(Action, S) { n++ })
		if n > 0 || (c.terminal != nil && c.terminal(last)) {
			return fail("the last state is not a deadlock")
		}
	case prop.Kind == Always:
		if prop.Holds(last) {
			return fail("%s holds in the last state", property)
		}
	case prop.Kind == Sometimes:
		return fail("a sometimes property has no counterexample trace")
	default:
		if err := c.recheckLasso(t, states, prop); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotACounterexample, err)
		}
	}
	return &out, nil
}

// recheckLasso confirms a liveness counterexample: the loop closes, is
// weakly fair, and misses the goal where it must.
func (c *Checker[S]) recheckLasso(t *Trace, states []S, p *Property[S]) error {
	ls := t.LoopStart
	if ls < 0 || ls >= len(states) {
		return fmt.Errorf("a liveness counterexample needs a loop")
	}
	var buf []byte
	fp := func(s S) uint64 { return c.fingerprint(s, &buf) } // the loop returns to this very state
	loop := states[ls:]
	if t.Stutter {
		if ls != len(states)-1 {
			return fmt.Errorf("only the last state can stutter")
		}
	} else if len(loop) < 2 || fp(loop[0]) != fp(loop[len(loop)-1]) {
		return fmt.Errorf("the loop does not return to step %d's state", ls)
	}
	// Weak fairness: a fair action enabled in every state of the loop
	// must be taken in it. (A stuttering state must enable none.)
	fair := map[int]bool{}
	for _, name := range p.Fair {
		fair[slices.IndexFunc(c.kinds, func(k ActionKind) bool { return k.Name == name })] = true
	}
	enabledEverywhere := map[Action]int{}
	for _, s := range loop {
		seen := map[Action]bool{}
		c.m.Next(s, func(a Action, _ S) {
			if fair[a.Kind] && !seen[a] {
				seen[a] = true
				enabledEverywhere[a]++
			}
		})
	}
	taken := map[Action]bool{}
	if !t.Stutter {
		for _, st := range t.Steps[ls+1:] {
			kind := slices.IndexFunc(c.kinds, func(k ActionKind) bool { return k.Name == st.Name })
			a := Action{Kind: kind}
			for _, arg := range st.Args {
				a.Args[slices.Index(c.kinds[kind].Params, arg.Name)] = arg.Value
			}
			taken[a] = true
		}
	}
	for a, n := range enabledEverywhere {
		if n == len(loop) && !taken[a] {
			return fmt.Errorf("the loop is unfair: %s stays enabled and is never taken", c.step(a, loop[0], false).Label())
		}
	}
	// The goal: missed from the start (Eventually), or after some trigger
	// state (LeadsTo); the loop repeats, so it must miss the goal too.
	lastGoal := -1
	for i, s := range states {
		if p.Holds(s) {
			lastGoal = i
		}
	}
	if lastGoal >= ls {
		return fmt.Errorf("step %d, in the loop, reaches the goal of %s", lastGoal, p.Name)
	}
	if p.Kind == Eventually && lastGoal >= 0 {
		return fmt.Errorf("step %d reaches the goal of %s", lastGoal, p.Name)
	}
	if p.Kind == LeadsTo && !slices.ContainsFunc(states[lastGoal+1:], p.From) {
		return fmt.Errorf("no state after the goal's last visit triggers %s", p.Name)
	}
	return nil
}
