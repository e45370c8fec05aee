package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --json names the phase a run ended in and gives every property's
// status, deadlock freedom included.
func TestJSONCarriesPhaseAndStatuses(t *testing.T) {
	type status struct{ Name, Kind, Status string }
	for _, tc := range []struct {
		bug, phase string
		safety     bool
		want       []status
	}{
		{"", "done", true, []status{{"in-bounds", "always", "holds"}, {"corner-reachable", "sometimes", "holds"},
			{"reaches-corner", "eventually", "holds"}, {"deadlock", "always", "holds"}}},
		{"overflow", "safety search", false, []status{{"in-bounds", "always", "violated"}, {"corner-reachable", "sometimes", "not judged"},
			{"reaches-corner", "eventually", "not judged"}, {"deadlock", "always", "not judged"}}},
		{"undo", "fair components", true, []status{{"in-bounds", "always", "holds"}, {"corner-reachable", "sometimes", "holds"},
			{"reaches-corner", "eventually", "violated"}, {"deadlock", "always", "holds"}}},
	} {
		args := []string{"check", "grid", "-p", "dims=2", "-p", "size=3", "--json"}
		if tc.bug != "" {
			args = append(args, "--bug", tc.bug)
		}
		_, stdout, stderr := daggercheck(t, args...)
		var out struct {
			Phase          string   `json:"phase"`
			SafetyComplete bool     `json:"safety_complete"`
			Properties     []status `json:"properties"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &out), "stderr: %s", stderr)
		assert.Equal(t, tc.phase, out.Phase, "bug %q", tc.bug)
		assert.Equal(t, tc.safety, out.SafetyComplete, "bug %q", tc.bug)
		assert.Equal(t, tc.want, out.Properties, "bug %q", tc.bug)
	}
}
