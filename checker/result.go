package checker

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Verdict is the outcome of a run.
type Verdict int

const (
	// OK: every property holds in the explored state space, which was
	// explored completely.
	OK Verdict = iota
	// Violation: a property does not hold; Result.Trace shows why (except
	// for a Sometimes property, which has no witness to show).
	Violation
	// Deadlock: a reachable state has no enabled action and is not terminal.
	Deadlock
	// Incomplete: the run stopped at a limit (depth, cancellation) before it
	// explored everything, having found no violation.
	Incomplete
)

var verdictNames = [...]string{"ok", "violation", "deadlock", "incomplete"}

func (v Verdict) String() string {
	if v < 0 || int(v) >= len(verdictNames) {
		return fmt.Sprintf("verdict(%d)", int(v))
	}
	return verdictNames[v]
}

// DeadlockProperty is the name Result.Property carries for a deadlock.
const DeadlockProperty = "deadlock"

// Result is what a run found. It is a value, never an error: a violated
// property is a normal outcome of model checking.
type Result struct {
	Verdict  Verdict
	Property string // the property violated ("deadlock" for a deadlock)
	Kind     Kind   // its kind, when Property names a model property
	Doc      string // its description
	Reason   string // why, in one line: for Incomplete, the limit reached
	Trace    *Trace // the counterexample, or nil
	Stats    Stats
	// Unwitnessed lists Sometimes properties a simulation never witnessed;
	// a simulation cannot refute them, so they do not change its verdict.
	Unwitnessed []string
	// Unjudged lists the liveness properties left unchecked: by
	// simulation, which cannot judge them, or with Options.SkipLiveness.
	Unjudged []string
	// Witnesses holds, after a complete breadth-first run, a shortest
	// behaviour witnessing each Sometimes property, measured by the
	// model's Meter if it has one.
	Witnesses []Witness
	// Violations lists every violation the run found; the first is the
	// one Verdict, Property, Kind, Doc, Reason and Trace describe. A run
	// stops at its first violation, so there is at most one, except in
	// breadth-first search with Options.Continue, which finds each
	// violated property with its shortest counterexample.
	Violations []Failure
	// Phase is the part of the run it ended in: PhaseDone when every
	// phase ran to its end, else the one where it found a violation or
	// stopped.
	Phase Phase
	// SafetyComplete: the search explored every reachable state without
	// stopping at a violation (with Continue: going on past the ones it
	// lists), so the invariants and deadlock freedom it did not find
	// violated hold (and the Sometimes properties are judged), whatever
	// became of the liveness check after it.
	SafetyComplete bool
	// Statuses lists every property checked, deadlock freedom included
	// unless allowed, with what the run found out about it.
	Statuses []PropertyStatus
}

// Failure is one violated property and its counterexample.
type Failure struct {
	Verdict  Verdict // Violation, or Deadlock
	Property string  // DeadlockProperty for a deadlock
	Kind     Kind    // the property's kind; Always for a deadlock
	Doc      string
	Reason   string
	Trace    *Trace // nil for a Sometimes property, which has none
}

// fail records a violation; the first becomes the run's verdict.
func (r *Result) fail(f Failure) {
	if len(r.Violations) == 0 {
		r.Verdict, r.Property, r.Kind, r.Doc, r.Reason, r.Trace = f.Verdict, f.Property, f.Kind, f.Doc, f.Reason, f.Trace
	}
	r.Violations = append(r.Violations, f)
}

// Witness is a shortest behaviour reaching a state that satisfies a
// Sometimes property, with what it cost.
type Witness struct {
	Property string
	Trace    *Trace
	Costs    []Count // nil unless the model is a Meter
}

// Stats are the run's counters. With breadth-first search they do not
// depend on the number of workers.
type Stats struct {
	Strategy  string
	Workers   int
	Distinct  uint64 // distinct states found (simulation: states visited)
	Generated uint64 // states generated: initial states plus every successor
	// Depth counts states on the longest shortest path, as TLC does: a
	// model with only initial states has depth 1.
	Depth    int
	Duration time.Duration
	Coverage []ActionCount
	// FingerprintBytes is the memory the visited set occupies at the end.
	FingerprintBytes uint64
	// PeakMemory is the most memory the process held at the moments
	// breadth-first search sampled it (each level's end); 0 if not sampled.
	PeakMemory uint64
	// Spilled counts the frontier states written to disk under a memory cap.
	Spilled uint64
	// CollisionProbability estimates the chance that a fingerprint
	// collision hid a state (see CollisionProbability).
	CollisionProbability float64
	// The liveness check, when it ran: its time (part of Duration), and
	// the state graph it built: states, edges, and the bytes they take,
	// which were in files the operating system pages in if GraphOnDisk
	// (under a memory cap), in memory otherwise.
	LivenessDuration        time.Duration
	GraphStates, GraphEdges uint64
	GraphBytes              uint64
	GraphOnDisk             bool
}

// StatesPerSecond is generated states per second of run time.
func (s Stats) StatesPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Generated) / s.Duration.Seconds()
}

// DistinctPerSecond is distinct states per second of run time.
func (s Stats) DistinctPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Distinct) / s.Duration.Seconds()
}

// BytesPerState is the visited set's memory per distinct state.
func (s Stats) BytesPerState() float64 {
	if s.Distinct == 0 {
		return 0
	}
	return float64(s.FingerprintBytes) / float64(s.Distinct)
}

// ActionCount is how often one kind of action fired.
type ActionCount struct {
	Action string
	Count  uint64
}

// Trace is a counterexample: a behaviour from an initial state. Steps[0]
// is the initial state (no action). A liveness counterexample is a lasso:
// the last step's state is the state of Steps[LoopStart], and from there
// the behaviour repeats Steps[LoopStart+1:] forever. With Stutter set the
// behaviour instead stays in its last state forever (LoopStart is then
// the last index), which weak fairness allows because no fair action is
// enabled there. LoopStart is -1 for a finite counterexample.
type Trace struct {
	Steps     []Step
	LoopStart int
	Stutter   bool
}

// Step is one action and the state it led to.
type Step struct {
	Action Action // the zero Action on the initial step
	Name   string // the action kind's name; "init" on the initial step
	Args   []Arg
	Text   string // the model's own description of the action, if it has one
	State  []Field
}

// Arg is a named action argument.
type Arg struct {
	Name  string
	Value int
}

// Label is the action with its arguments, as "send flow=1 slot=0", or the
// model's own description of it.
func (s Step) Label() string {
	if s.Text != "" {
		return s.Text
	}
	var b strings.Builder
	b.WriteString(s.Name)
	for _, a := range s.Args {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(a.Value))
	}
	return b.String()
}

// Changed returns the fields of this step's state that differ from prev
// (all of them when prev is nil), in the model's field order.
func (s Step) Changed(prev *Step) []Field {
	if prev == nil {
		return s.State
	}
	old := make(map[string]string, len(prev.State))
	for _, f := range prev.State {
		old[f.Name] = f.Value
	}
	var out []Field
	for _, f := range s.State {
		if v, ok := old[f.Name]; !ok || v != f.Value {
			out = append(out, f)
		}
	}
	return out
}

// Len is the number of actions in the trace.
func (t *Trace) Len() int {
	if t == nil || len(t.Steps) == 0 {
		return 0
	}
	return len(t.Steps) - 1
}

// Format writes the trace for people: one line per step with the action,
// its arguments and only the fields that step changed (all of them for
// the initial state), then how a lasso goes on.
func (t *Trace) Format(w io.Writer) {
	if t.Len() == 1 {
		fmt.Fprintf(w, "counterexample, 1 step:\n")
	} else {
		fmt.Fprintf(w, "counterexample, %d steps:\n", t.Len())
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for i, st := range t.Steps {
		var prev *Step
		if i > 0 {
			prev = &t.Steps[i-1]
		}
		var fields []string
		for _, f := range st.Changed(prev) {
			fields = append(fields, f.Name+"="+f.Value)
		}
		if len(fields) == 0 {
			fields = []string{"(no change)"}
		}
		mark := ""
		if i == t.LoopStart && !t.Stutter {
			mark = "  <- loop starts here"
		}
		fmt.Fprintf(tw, "  %3d\t%s\t%s%s\n", i, st.Label(), strings.Join(fields, " "), mark)
	}
	tw.Flush()
	switch {
	case t.Stutter:
		fmt.Fprintf(w, "  then stays in step %d's state forever: no fair action is enabled there\n", t.LoopStart)
	case t.LoopStart >= 0:
		fmt.Fprintf(w, "  then back to step %d's state, and round the loop forever\n", t.LoopStart)
	}
}

// String is the trace as Format writes it.
func (t *Trace) String() string {
	var b strings.Builder
	t.Format(&b)
	return b.String()
}
