package history

import (
	"fmt"

	"github.com/daggercheck/daggercheck/internal/textline"
)

// Semantics is the delivery guarantee a history is checked against.
type Semantics int

const (
	// AtMostOnce: no call executes twice; a call may time out unexecuted.
	AtMostOnce Semantics = iota
	// ExactlyOnce: also, in a complete history, every call executed once
	// and completed ok.
	ExactlyOnce
)

func (s Semantics) String() string {
	switch s {
	case AtMostOnce:
		return "at-most-once"
	case ExactlyOnce:
		return "exactly-once"
	}
	return fmt.Sprintf("Semantics(%d)", int(s))
}

// ParseSemantics reads "at-most-once" or "exactly-once".
func ParseSemantics(s string) (Semantics, error) {
	switch s {
	case "at-most-once":
		return AtMostOnce, nil
	case "exactly-once":
		return ExactlyOnce, nil
	}
	return 0, fmt.Errorf("semantics %q: want at-most-once or exactly-once", s)
}

// HistoryOptions say what a history is checked against.
type HistoryOptions struct {
	Semantics Semantics
	// FIFO: on each connection, calls execute in the order they were made.
	FIFO bool
	// Complete: the history has ended; every call that will ever execute
	// or complete has done so. Only exactly-once asks more of a complete
	// history.
	Complete bool
}

// The rules a history is checked against: stable names, for CLI output,
// JSON and tests.
const (
	RuleExecWithoutCall   = "exec-without-call"
	RuleUnknownCompletion = "unknown-completion"
	RuleCompletedTwice    = "completed-twice"
	RuleWrongResult       = "wrong-result"
	RuleIDReused          = "id-reused"
	RuleExecutedTwice     = "executed-twice"
	RuleFIFOOrder         = "fifo-order"
	RuleNotExecuted       = "not-executed"
	RuleNotCompleted      = "not-completed"
)

// HistoryRule is a rule with what it demands.
type HistoryRule struct {
	Name string
	Doc  string
}

// HistoryRules are every rule, in the order they are documented; which
// ones apply depends on the options (HistoryOptions.Rules).
var HistoryRules = []HistoryRule{
	{RuleExecWithoutCall, "every exec matches an earlier call: same conn, id, fn and arg"},
	{RuleUnknownCompletion, "every complete matches an earlier call of that client on that conn"},
	{RuleCompletedTwice, "each call completes at most once"},
	{RuleWrongResult, "an ok completion's ret is the ret of an exec of that call that came before it"},
	{RuleIDReused, "a call id is not reused on a connection"},
	{RuleExecutedTwice, "each call executes at most once"},
	{RuleFIFOOrder, "(FIFO) on each connection, calls execute in the order they were made"},
	{RuleNotExecuted, "(exactly-once, complete history) every call executed"},
	{RuleNotCompleted, "(exactly-once, complete history) every call completed ok"},
}

// Rules are the names of the rules these options check, in the order of
// HistoryRules.
func (o HistoryOptions) Rules() []string {
	var names []string
	for _, r := range HistoryRules {
		switch r.Name {
		case RuleFIFOOrder:
			if !o.FIFO {
				continue
			}
		case RuleNotExecuted, RuleNotCompleted:
			if o.Semantics != ExactlyOnce || !o.Complete {
				continue
			}
		}
		names = append(names, r.Name)
	}
	return names
}

// Violation is the first place a history breaks a rule.
type Violation struct {
	Rule    string
	Line    int
	Message string
	Event   Event // the event on Line
}

func (v *Violation) String() string {
	return fmt.Sprintf("%s on line %d: %s", v.Rule, v.Line, v.Message)
}

// HistoryStats count a history's events, whatever the verdict.
type HistoryStats struct {
	Calls, Execs int
	Completions  Completions
}

// Completions count completions by status.
type Completions struct{ OK, Timeout, Error int }

// HistoryResult is the verdict on a history: Violation is nil when it
// keeps every rule the options ask for.
type HistoryResult struct {
	Violation *Violation
	Stats     HistoryStats
}

// OK reports whether the history kept every rule.
func (r *HistoryResult) OK() bool { return r.Violation == nil }

// callKey names a call: ids are unique per connection.
type callKey struct{ conn, id uint64 }

// callState is what the check knows about one call so far.
type callState struct {
	ev         *Event
	pos        int    // its place among the calls on its connection
	exec       *Event // its exec: a second one breaks executed-twice
	completion *Event
}

// Check judges the history against the rules the options ask for and
// returns the first violation, in history order (the rules that need
// the whole history, not-executed and not-completed, come last, in call
// order), with the statistics of the whole history.
func (h *History) Check(opts HistoryOptions) *HistoryResult {
	res := &HistoryResult{}
	for _, e := range h.Events {
		switch e.Kind {
		case EventCall:
			res.Stats.Calls++
		case EventExec:
			res.Stats.Execs++
		case EventComplete:
			switch e.Status {
			case StatusOK:
				res.Stats.Completions.OK++
			case StatusTimeout:
				res.Stats.Completions.Timeout++
			case StatusError:
				res.Stats.Completions.Error++
			}
		}
	}
	calls := map[callKey]*callState{}
	var order []*callState
	perConn := map[uint64]int{}         // calls made on each connection
	lastExec := map[uint64]*callState{} // on each connection, the latest-made call executed so far
	violate := func(e *Event, rule, format string, args ...any) *HistoryResult {
		res.Violation = &Violation{Rule: rule, Line: e.Line, Message: fmt.Sprintf(format, args...), Event: *e}
		return res
	}
	for i := range h.Events {
		e := &h.Events[i]
		k := callKey{e.Conn, e.ID}
		c := calls[k]
		switch e.Kind {
		case EventCall:
			if c != nil {
				return violate(e, RuleIDReused, "%s reuses the id of the call on line %d", e.call(), c.ev.Line)
			}
			c = &callState{ev: e, pos: perConn[e.Conn]}
			perConn[e.Conn]++
			calls[k] = c
			order = append(order, c)
		case EventExec:
			switch {
			case c == nil:
				return violate(e, RuleExecWithoutCall, "no %s before this exec", e.call())
			case c.ev.Fn != e.Fn || c.ev.Arg != e.Arg:
				return violate(e, RuleExecWithoutCall, "exec conn=%d id=%d runs fn=%s arg=%s, but the call on line %d asked for fn=%s arg=%s",
					e.Conn, e.ID, textline.Quote(e.Fn), textline.Quote(e.Arg), c.ev.Line, textline.Quote(c.ev.Fn), textline.Quote(c.ev.Arg))
			case c.exec != nil:
				return violate(e, RuleExecutedTwice, "%s (line %d) executes again; it executed on line %d", e.call(), c.ev.Line, c.exec.Line)
			}
			if last := lastExec[e.Conn]; opts.FIFO && last != nil && last.pos > c.pos {
				return violate(e, RuleFIFOOrder, "%s (line %d) executes after %s (line %d), which was made after it and executed on line %d",
					e.call(), c.ev.Line, last.ev.call(), last.ev.Line, last.exec.Line)
			}
			c.exec = e
			if last := lastExec[e.Conn]; last == nil || last.pos < c.pos {
				lastExec[e.Conn] = c
			}
		case EventComplete:
			switch {
			case c == nil:
				return violate(e, RuleUnknownCompletion, "no %s before this completion (client %s)", e.call(), textline.Quote(e.Client))
			case c.ev.Client != e.Client:
				return violate(e, RuleUnknownCompletion, "client %s completes %s, but client %s made it (line %d)", textline.Quote(e.Client), e.call(), textline.Quote(c.ev.Client), c.ev.Line)
			case c.completion != nil:
				return violate(e, RuleCompletedTwice, "%s (line %d) completes again; it completed on line %d with status=%s", e.call(), c.ev.Line, c.completion.Line, c.completion.Status)
			}
			c.completion = e
			if e.Status != StatusOK {
				continue
			}
			switch {
			case c.exec == nil:
				return violate(e, RuleWrongResult, "%s (line %d) completes ok with ret=%s before any exec of it", e.call(), c.ev.Line, textline.Quote(e.Ret))
			case c.exec.Ret != e.Ret:
				return violate(e, RuleWrongResult, "%s (line %d) completes ok with ret=%s, but its exec on line %d returned ret=%s",
					e.call(), c.ev.Line, textline.Quote(e.Ret), c.exec.Line, textline.Quote(c.exec.Ret))
			}
		}
	}
	if opts.Semantics == ExactlyOnce && opts.Complete {
		for _, c := range order {
			switch {
			case c.exec == nil:
				return violate(c.ev, RuleNotExecuted, "%s never executed (exactly-once, complete history)", c.ev.call())
			case c.completion == nil:
				return violate(c.ev, RuleNotCompleted, "%s never completed (exactly-once, complete history)", c.ev.call())
			case c.completion.Status != StatusOK:
				return violate(c.completion, RuleNotCompleted, "%s (line %d) completed with status=%s, not ok (exactly-once, complete history)",
					c.ev.call(), c.ev.Line, c.completion.Status)
			}
		}
	}
	return res
}
