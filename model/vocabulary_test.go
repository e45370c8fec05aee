package model_test

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// spec names a deadlock the way the checker reports one, so that a bug
// catalogue entry that breaks "deadlock" is judged by the checker's verdict.
func TestSpecNamesDeadlockAsTheCheckerDoes(t *testing.T) {
	if spec.Deadlock != checker.DeadlockProperty {
		t.Fatalf("spec.Deadlock %q, checker.DeadlockProperty %q", spec.Deadlock, checker.DeadlockProperty)
	}
}
