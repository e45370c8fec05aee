package traces

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	modelsystem "github.com/daggercheck/daggercheck/model/system"
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

// observer says how a model's steps show in a run log: a step the
// implementation does not log is internal; an observed step explains the
// event it would log. A step may be both (a poll that took nothing the log
// could tell apart), and the search keeps both readings.
type observer[S any] struct {
	// internal reports whether the step (a, pre -> post) leaves no event.
	internal func(a checker.Action, pre, post *S) bool
	// explains reports whether the step is the one that logged ev; an
	// error is a malformed event (bad input, not a verdict).
	explains func(ev *runlog.Observation, a checker.Action, pre, post *S) (bool, error)
	// describe says what an observed step would log, for the report.
	describe func(a checker.Action, pre, post *S) string
}

// Validate searches for a behaviour of the log's model that logs exactly
// the log's events, with any number of internal (unlogged) steps between
// them, and reports the first event that no behaviour explains.
//
// It follows the log forwards over the set of model states consistent
// with the events so far: before each event it closes the set under
// internal steps, then keeps the successors of the steps that explain
// the event. The set stays small when the log is detailed; it is bounded
// by opts.MaxStates (ErrStateLimit).
func Validate(l *runlog.RunLog, opts ValidateOptions) (*ValidateResult, error) {
	e, err := model.Lookup(l.Model)
	if err != nil {
		return nil, err
	}
	v, err := spec.ParseParams(e.Params, l.Params)
	if err != nil {
		return nil, fmt.Errorf("run log parameters: model %s: %w", l.Model, err)
	}
	if opts.MaxStates <= 0 {
		opts.MaxStates = 1_000_000
	}
	switch l.Model {
	case "ring":
		m, err := modelring.New(v, "")
		if err != nil {
			return nil, fmt.Errorf("run log parameters: model ring: %w", err)
		}
		return follow(l, m, ringObserver(m), opts)
	case "system":
		m, err := modelsystem.New(v, "")
		if err != nil {
			return nil, fmt.Errorf("run log parameters: model system: %w", err)
		}
		return follow(l, m, systemObserver(m), opts)
	}
	return nil, fmt.Errorf("%w: validation of %s runs: it needs an observer for the model (ring and system have one)", ErrUnsupported, l.Model)
}

// follow is the search of Validate for one model.
func follow[S any](l *runlog.RunLog, m checker.Model[S], o observer[S], opts ValidateOptions) (*ValidateResult, error) {
	res := &ValidateResult{Model: l.Model, Events: len(l.Events)}
	var buf []byte
	key := func(s *S) string {
		buf = m.Encode(buf[:0], *s)
		return string(buf)
	}
	// The states consistent with the events so far (before closing).
	cur := map[string]S{}
	for _, s := range m.Init() {
		cur[key(&s)] = s
	}
	for i := range l.Events {
		ev := &l.Events[i]
		// Close under internal steps, breadth first.
		closed := make(map[string]S, len(cur))
		queue := make([]S, 0, len(cur))
		for k, s := range cur {
			closed[k] = s
			queue = append(queue, s)
		}
		next := map[string]S{}
		could := map[string]bool{}
		var evErr error
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			m.Next(s, func(a checker.Action, t S) {
				if evErr != nil {
					return
				}
				ok, err := o.explains(ev, a, &s, &t)
				if err != nil {
					evErr = err
					return
				}
				if ok {
					next[key(&t)] = t
				}
				if o.internal(a, &s, &t) {
					k := key(&t)
					if _, seen := closed[k]; !seen {
						closed[k] = t
						queue = append(queue, t)
					}
				} else if !ok && len(could) < 64 {
					could[o.describe(a, &s, &t)] = true
				}
			})
			if evErr != nil {
				return nil, fmt.Errorf("%w: line %d: %v", runlog.ErrSyntax, ev.Line, evErr)
			}
			if len(closed)+len(next) > opts.MaxStates {
				return res, fmt.Errorf("%w: more than %d model states are consistent with the log before event %d (%s)",
					ErrStateLimit, opts.MaxStates, i+1, ev)
			}
		}
		res.MaxStates = max(res.MaxStates, len(closed))
		if len(next) == 0 {
			res.Outcome, res.Line, res.Event = Invalid, ev.Line, ev.String()
			where := ev.String()
			if ev.Line > 0 {
				where = fmt.Sprintf("line %d: %s", ev.Line, ev)
			}
			res.Reason = fmt.Sprintf("no behaviour of the model explains event %d (%s): after the %d events before it the model can be in %d states, and from none of them does it log this",
				i+1, where, i, len(closed))
			for c := range could {
				res.Could = append(res.Could, c)
			}
			slices.Sort(res.Could)
			if len(res.Could) > 8 {
				res.Could = res.Could[:8]
			}
			return res, nil
		}
		res.Explained++
		cur = next
	}
	res.Outcome = Valid
	return res, nil
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
