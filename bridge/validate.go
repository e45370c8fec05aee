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

// event closes cur under internal steps, breadth first, and returns the
// closed set, the states that the steps explaining ev (event i) lead to,
// and a sample of what the model could log instead.
func (f *follower[S]) event(i int, cur map[string]S, ev *runlog.Observation) (closed, next map[string]S, could map[string]bool, err error) {
	closed = make(map[string]S, len(cur))
	queue := make([]S, 0, len(cur))
	for k, s := range cur {
		closed[k] = s
		queue = append(queue, s)
	}
	next, could = map[string]S{}, map[string]bool{}
	var evErr error
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f.m.Next(s, func(a checker.Action, t S) {
			if evErr != nil {
				return
			}
			ok, err := f.o.Explains(ev, a, &s, &t)
			if err != nil {
				evErr = err
				return
			}
			if ok {
				next[f.key(&t)] = t
			}
			if f.o.Internal(a, &s, &t) {
				if k := f.key(&t); !has(closed, k) {
					closed[k] = t
					queue = append(queue, t)
				}
			} else if !ok && len(could) < 64 {
				could[f.o.Describe(a, &s, &t)] = true
			}
		})
		if evErr != nil {
			return nil, nil, nil, fmt.Errorf("%w: line %d: %v", runlog.ErrSyntax, ev.Line, evErr)
		}
		if len(closed)+len(next) > f.max {
			return nil, nil, nil, fmt.Errorf("%w: more than %d model states are consistent with the log before event %d (%s)",
				ErrStateLimit, f.max, i+1, ev)
		}
	}
	return closed, next, could, nil
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
	for c := range could {
		r.Could = append(r.Could, c)
	}
	slices.Sort(r.Could)
	if len(r.Could) > 8 {
		r.Could = r.Could[:8]
	}
}

// String is the result in a few lines, for people.
func (r *ValidateResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "result: %s: %d of %d events explained by model %s (at most %d model states open at once)\n",
		r.Outcome, r.Explained, r.Events, r.Model, r.MaxStates)
	if r.Outcome == Invalid {
		fmt.Fprintf(&b, "%s\n", r.Reason)
		if len(r.Could) > 0 {
			fmt.Fprintf(&b, "the model could log there instead:\n")
			for _, c := range r.Could {
				fmt.Fprintf(&b, "  %s\n", c)
			}
		}
	}
	return b.String()
}
