package explore

import (
	"context"
	"errors"
	"fmt"

	"github.com/daggercheck/daggercheck/checker"
)

// DefaultSearchLimit is how many states Search explores unless told.
const DefaultSearchLimit = 200000

// ErrNotSearchable reports a property Search cannot look for: a
// liveness property (a whole check judges it) or an unknown name.
var ErrNotSearchable = errors.New("cannot search for property")

// Found is what a search found.
type Found struct {
	Property string `json:"property"`
	// Goal: "violation" (an invariant or deadlock freedom broken) or
	// "witness" (a sometimes property witnessed).
	Goal string `json:"goal"`
	// Found: Path leads from the initial state through the path searched
	// from, then the fewest actions, to a state that is the goal.
	Found bool     `json:"found"`
	Path  []string `json:"path,omitempty"`
	// Steps is how many actions past the start the goal is.
	Steps int `json:"steps"`
	// Explored counts the states the search visited; Exhausted says it
	// visited every state reachable from the start (so a search that
	// found nothing proves there is nothing to find from there).
	Explored  int  `json:"explored"`
	Exhausted bool `json:"exhausted"`
}

// Search looks, breadth-first from the end of path fps, for the
// nearest state that breaks property (an always property, or
// "deadlock") or witnesses it (a sometimes property), visiting at most
// limit states (0: DefaultSearchLimit). It stops early, with ctx's
// error, when ctx ends.
func (s *Session) Search(ctx context.Context, fps []uint64, property string, limit int) (*Found, error) {
	i, ok := s.property(property)
	if !ok || !s.props[i].Searchable {
		return nil, fmt.Errorf("%w %q: search finds states that break an always property or deadlock freedom, or witness a sometimes property", ErrNotSearchable, property)
	}
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	states, _, err := s.resolve(fps)
	if err != nil {
		return nil, err
	}
	goal := func(st any) bool {
		switch {
		case s.props[i].Name == checker.DeadlockProperty:
			return s.deadlocked(st)
		case s.props[i].kind == checker.Sometimes:
			return s.sp.holds(i, st)
		default:
			return !s.sp.holds(i, st)
		}
	}
	res := &Found{Property: property, Goal: "violation"}
	if s.props[i].kind == checker.Sometimes {
		res.Goal = "witness"
	}
	start := states[len(states)-1]
	parent := map[uint64]uint64{}
	startFP := s.sp.fingerprint(start)
	parent[startFP] = startFP
	queue := []any{start}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		res.Explored++
		if res.Explored%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		fp := s.sp.fingerprint(st)
		if goal(st) {
			var tail []uint64
			for fp != startFP {
				tail = append(tail, fp)
				fp = parent[fp]
			}
			res.Found, res.Steps = true, len(tail)
			for _, f := range fps {
				res.Path = append(res.Path, formatFP(f))
			}
			for j := len(tail) - 1; j >= 0; j-- {
				res.Path = append(res.Path, formatFP(tail[j]))
			}
			return res, nil
		}
		if res.Explored >= limit {
			return res, nil
		}
		s.sp.next(st, func(_ checker.Action, t any) {
			tf := s.sp.fingerprint(t)
			if _, seen := parent[tf]; !seen {
				parent[tf] = fp
				queue = append(queue, t)
			}
		})
	}
	res.Exhausted = true
	return res, nil
}
