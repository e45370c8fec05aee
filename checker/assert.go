package checker

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
