package grid

import (
	"fmt"

	"github.com/daggercheck/daggercheck/checker"
)

var _ checker.Actors = (*Model)(nil)

// Lanes are the counters, one each.
func (m *Model) Lanes() []string {
	out := make([]string, m.dims)
	for i := range out {
		out[i] = fmt.Sprintf("counter %d", i)
	}
	return out
}

// Role puts each step on the lane of the counter it moves.
func (m *Model) Role(a checker.Action) checker.Role {
	return checker.Role{Actor: fmt.Sprintf("counter %d", a.Args[0])}
}
