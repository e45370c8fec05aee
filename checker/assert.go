package checker

import "context"

// TestingT is the part of *testing.T the assertion helpers use, so that
// they work with testing.T, rapid.T and the command line's own harness.
type TestingT interface {
	Helper()
	Fatalf(format string, args ...any)
}

// AssertOK fails t unless the run explored everything and every property
// held, printing the counterexample if there is one.
func (r *Result) AssertOK(t TestingT) {
	t.Helper()
	if r.Verdict != OK {
		t.Fatalf("want ok, got %s", r.describe())
	}
}

// AssertViolation fails t unless the run found property violated (use
// DeadlockProperty for a deadlock), and returns the counterexample.
func (r *Result) AssertViolation(t TestingT, property string) *Trace {
	t.Helper()
	if (r.Verdict != Violation && r.Verdict != Deadlock) || r.Property != property {
		t.Fatalf("want a violation of %s, got %s", property, r.describe())
	}
	return r.Trace
}

func (r *Result) describe() string {
	s := r.Verdict.String()
	if r.Property != "" {
		s += " of " + r.Property
	}
	if r.Reason != "" {
		s += " (" + r.Reason + ")"
	}
	if r.Trace != nil {
		s += "\n" + r.Trace.String()
	}
	return s
}

// AssertHolds checks m breadth-first under opts and fails t unless the
// run was complete and the named properties held (every property of the
// model when none is named; deadlock detection stays on unless
// opts.AllowDeadlock, as with Options.Only). It goes on past violations
// (Options.Continue), so a failure lists every property broken, each
// with its shortest counterexample. It returns the result.
func AssertHolds[S any](t TestingT, m Model[S], opts Options, props ...string) *Result {
	t.Helper()
	if len(props) > 0 {
		opts.Only = props
	}
	opts.Continue = true
	res, err := New(m, opts).BFS(context.Background())
	if err != nil {
		t.Fatalf("checking the model: %v", err)
		return nil
	}
	if res.Verdict != OK {
		t.Fatalf("want ok, got %s", res.describeAll())
	}
	return res
}

// AssertBreaks checks m breadth-first under opts for property alone
// (DeadlockProperty for a deadlock) and fails t unless it is violated.
// It returns the property's shortest counterexample, or nil for a
// Sometimes property, which has none. The search goes on past other
// violations, deadlocks included, to find it.
func AssertBreaks[S any](t TestingT, m Model[S], opts Options, property string) *Trace {
	t.Helper()
	opts.Only, opts.Continue = []string{property}, true
	res, err := New(m, opts).BFS(context.Background())
	if err != nil {
		t.Fatalf("checking the model: %v", err)
		return nil
	}
	for _, f := range res.Violations {
		if f.Property == property {
			return f.Trace
		}
	}
	t.Fatalf("want a violation of %s, got %s", property, res.describeAll())
	return nil
}

// AssertContract fails t if m breaks the Model contract on the states
// Checker.CheckContract examines (opts.ContractStates), naming each
// finding, and returns the report.
func AssertContract[S any](t TestingT, m Model[S], opts Options) *ContractReport {
	t.Helper()
	report, err := New(m, opts).CheckContract(context.Background())
	if err != nil {
		t.Fatalf("checking the model's contract: %v", err)
		return nil
	}
	if !report.OK() {
		t.Fatalf("the model breaks its contract:\n%s", report)
	}
	return report
}

// describeAll is describe, followed by every further violation.
func (r *Result) describeAll() string {
	s := r.describe()
	for _, f := range r.Violations[min(1, len(r.Violations)):] {
		more := Result{Verdict: f.Verdict, Property: f.Property, Reason: f.Reason, Trace: f.Trace}
		s += "\nand " + more.describe()
	}
	return s
}
