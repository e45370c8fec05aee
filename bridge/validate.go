package bridge

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/runlog"
	"github.com/daggercheck/daggercheck/spec"
)

// Validation outcomes.
const (
	Valid   = "valid"   // some behaviour of the model logs exactly these events
	Invalid = "invalid" // none does: the first unexplained event is named
)

// ErrStateLimit reports a validation that needed more model states than
// its limit allows to follow the log (the result is then incomplete).
var ErrStateLimit = errors.New("state limit reached")

// ValidateOptions bound a validation.
type ValidateOptions struct {
	// MaxStates bounds the model states kept while following the log
	// (those consistent with the events so far, with every internal step
	// after them); 0 means 1,000,000.
	MaxStates int
	// Complete demands that the log records a whole run: after its last
	// event the model must be able to stop without logging anything more
	// (some state it can be in enables internal steps only, or none).
	// A log cut short, or one with no events, is then invalid.
	Complete bool
}

// ValidateResult is what a validation found.
type ValidateResult struct {
	Outcome   string `json:"result"`
	Model     string `json:"model"`
	Events    int    `json:"events"`
	Explained int    `json:"explained"` // events explained before the first that is not
	// The first unexplained event, when invalid.
	Line   int    `json:"line,omitempty"`
	Event  string `json:"event,omitempty"`
	Reason string `json:"reason,omitempty"`
	// What the model could have logged there instead (a sample, sorted).
	Could []string `json:"model_could_log,omitempty"`
	// The most model states consistent with a prefix of the log: how much
	// the unlogged internal steps left open.
	MaxStates int `json:"max_states"`
}

// Observer says how a model's steps show in a run log: a step the
// implementation does not log is internal; an observed step explains the
// event it would log. A step may be both (a poll that took nothing the log
// could tell apart), and the search keeps both readings.
type Observer[S any] struct {
	// Internal reports whether the step (a, pre -> post) leaves no event.
	Internal func(a checker.Action, pre, post *S) bool
	// Explains reports whether the step is the one that logged ev; an
	// error is a malformed event (bad input, not a verdict).
	Explains func(ev *runlog.Observation, a checker.Action, pre, post *S) (bool, error)
	// Describe says what an observed step would log, for the report.
	Describe func(a checker.Action, pre, post *S) string
}

// Validate searches for a behaviour of the log's model, built by m from
// the log's parameters with no bug, that logs exactly the log's events,
// with any number of internal (unlogged) steps between them, and reports
// the first event that no behaviour explains; observe makes the model's
// Observer.
func Validate[S any, M checker.Model[S]](l *runlog.RunLog, opts ValidateOptions, m Model[M], observe func(M) Observer[S]) (*ValidateResult, error) {
	v, err := spec.ParseParams(m.Params, l.Params)
	if err != nil {
		return nil, fmt.Errorf("run log parameters: model %s: %w", l.Model, err)
	}
	model, err := m.New(v, "")
	if err != nil {
		return nil, fmt.Errorf("run log parameters: model %s: %w", l.Model, err)
	}
	return Follow(l, model, observe(model), opts)
}

// Follow is the search of Validate on model m: it follows the log
// forwards over the set of model states consistent with the events so
// far. Before each event it closes the set under internal steps, then
// keeps the successors of the steps that explain the event. The set stays
// small when the log is detailed; it is bounded by opts.MaxStates
// (ErrStateLimit).
func Follow[S any](l *runlog.RunLog, m checker.Model[S], o Observer[S], opts ValidateOptions) (*ValidateResult, error) {
	if opts.MaxStates <= 0 {
		opts.MaxStates = 1_000_000
	}
	f := &follower[S]{m: m, o: o, max: opts.MaxStates}
	res := &ValidateResult{Model: l.Model, Events: len(l.Events)}
	// The states consistent with the events so far (before closing).
	cur := map[string]S{}
	for _, s := range m.Init() {
		cur[f.key(&s)] = s
	}
	for i := range l.Events {
		ev := &l.Events[i]
		closed, next, could, err := f.event(i, cur, ev)
		if errors.Is(err, ErrStateLimit) {
			return res, err
		}
		if err != nil {
			return nil, err
		}
		res.MaxStates = max(res.MaxStates, len(closed))
		if len(next) == 0 {
			res.unexplained(i, ev, len(closed), could)
			return res, nil
		}
		res.Explained++
		cur = next
	}
	if opts.Complete {
		closed, busy, could, err := f.finish(cur)
		if err != nil {
			return res, err
		}
		res.MaxStates = max(res.MaxStates, len(closed))
		if busy {
			res.unfinished(len(l.Events), len(closed), could)
			return res, nil
		}
	}
	res.Outcome = Valid
	return res, nil
}

// follower is Follow's search over one model.
type follower[S any] struct {
	m   checker.Model[S]
	o   Observer[S]
	max int
	buf []byte
}

func (f *follower[S]) key(s *S) string {
	f.buf = f.m.Encode(f.buf[:0], *s)
	return string(f.buf)
}

// event closes cur under internal steps and returns the closed set, the
// states that the steps explaining ev (event i) lead to, and a sample of
// what the model could log instead.
func (f *follower[S]) event(i int, cur map[string]S, ev *runlog.Observation) (closed, next map[string]S, could map[string]bool, err error) {
	next, could = map[string]S{}, map[string]bool{}
	closed, err = f.closure(cur, func(a checker.Action, s, t *S, internal bool) error {
		ok, err := f.o.Explains(ev, a, s, t)
		if err != nil {
			return fmt.Errorf("%w: line %d: %v", runlog.ErrSyntax, ev.Line, err)
		}
		if ok {
			next[f.key(t)] = *t
		}
		if !internal && !ok && len(could) < 64 {
			could[f.o.Describe(a, s, t)] = true
		}
		return nil
	}, func() int { return len(next) })
	if errors.Is(err, ErrStateLimit) {
		err = fmt.Errorf("%w before event %d (%s)", err, i+1, ev)
	}
	return closed, next, could, err
}

// finish closes cur, the states after the log's last event, under
// internal steps, and reports whether the run was still busy in every
// state reached: from each, internal steps lead to a step that would log
// an event, so the run cannot have ended there. could samples those
// events.
func (f *follower[S]) finish(cur map[string]S) (closed map[string]S, busy bool, could map[string]bool, err error) {
	logs, could := map[string]bool{}, map[string]bool{}
	back := map[string][]string{} // internal steps, backwards: successor -> predecessors
	closed, err = f.closure(cur, func(a checker.Action, s, t *S, internal bool) error {
		if !internal {
			logs[f.key(s)] = true
			if len(could) < 64 {
				could[f.o.Describe(a, s, t)] = true
			}
			return nil
		}
		from := f.key(s)
		to := f.key(t)
		back[to] = append(back[to], from)
		return nil
	}, func() int { return 0 })
	if errors.Is(err, ErrStateLimit) {
		return nil, false, nil, fmt.Errorf("%w after the last event", err)
	}
	if err != nil {
		return nil, false, nil, err
	}
	// The states from which a logging step is reachable: logs, closed
	// backwards under internal steps.
	queue := make([]string, 0, len(logs))
	for k := range logs {
		queue = append(queue, k)
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		for _, p := range back[k] {
			if !logs[p] {
				logs[p] = true
				queue = append(queue, p)
			}
		}
	}
	return closed, len(logs) == len(closed), could, nil
}

// closure closes cur under internal steps, breadth first, and calls step
// for every step out of every state it reaches, internal or not. It
// fails with ErrStateLimit when the closed set and extra() pass f.max.
func (f *follower[S]) closure(cur map[string]S, step func(a checker.Action, s, t *S, internal bool) error, extra func() int) (map[string]S, error) {
	closed := make(map[string]S, len(cur))
	queue := make([]S, 0, len(cur))
	for k, s := range cur {
		closed[k] = s
		queue = append(queue, s)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		var err error
		f.m.Next(s, func(a checker.Action, t S) {
			if err != nil {
				return
			}
			internal := f.o.Internal(a, &s, &t)
			if err = step(a, &s, &t, internal); err != nil || !internal {
				return
			}
			if k := f.key(&t); !has(closed, k) {
				closed[k] = t
				queue = append(queue, t)
			}
		})
		if err != nil {
			return nil, err
		}
		if len(closed)+extra() > f.max {
			return nil, fmt.Errorf("%w: more than %d model states are consistent with the log", ErrStateLimit, f.max)
		}
	}
	return closed, nil
}

func has[S any](set map[string]S, k string) bool {
	_, ok := set[k]
	return ok
}

// unexplained records that no behaviour explains event i (ev), after
// which the model could be in n states and log could instead.
func (r *ValidateResult) unexplained(i int, ev *runlog.Observation, n int, could map[string]bool) {
	r.Outcome, r.Line, r.Event = Invalid, ev.Line, ev.String()
	where := ev.String()
	if ev.Line > 0 {
		where = fmt.Sprintf("line %d: %s", ev.Line, ev)
	}
	r.Reason = fmt.Sprintf("no behaviour of the model explains event %d (%s): after the %d events before it the model can be in %d states, and from none of them does it log this",
		i+1, where, i, n)
	r.Could = sample(could)
}

// unfinished records that the log ends before the run does: after its n
// events the model can be in states states, and each can still log one
// of could.
func (r *ValidateResult) unfinished(n, states int, could map[string]bool) {
	r.Outcome = Invalid
	r.Reason = fmt.Sprintf("the run log ends before the run does: after its %d events the model can be in %d states, and in each it still has an event to log (--complete)", n, states)
	r.Could = sample(could)
}

// sample is the first 8 of could, sorted.
func sample(could map[string]bool) []string {
	var out []string
	for c := range could {
		out = append(out, c)
	}
	slices.Sort(out)
	return out[:min(len(out), 8)]
}

// String is the result in a few lines, for people.
func (r *ValidateResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "result: %s: %d of %d events explained by model %s (at most %d model states open at once)\n",
		r.Outcome, r.Explained, r.Events, r.Model, r.MaxStates)
	if r.Outcome == Invalid {
		fmt.Fprintf(&b, "%s\n", r.Reason)
		switch {
		case len(r.Could) > 0 && r.Event == "":
			fmt.Fprintf(&b, "the model could still log:\n")
		case len(r.Could) > 0:
			fmt.Fprintf(&b, "the model could log there instead:\n")
		}
		for _, c := range r.Could {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	return b.String()
}
