package model_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/explore"
	"github.com/daggercheck/daggercheck/model"
)

// Every Dagger model draws its sequence diagrams on lanes of its own
// (checker.Actors), and places every action it takes, under each bug's
// configuration too, on those lanes.
func TestEveryModelPlacesItsActionsOnItsLanes(t *testing.T) {
	for _, m := range model.All() {
		bugs := []string{""}
		for _, b := range m.Bugs {
			bugs = append(bugs, b.Name)
		}
		for _, bug := range bugs {
			v, _, err := m.Configure(nil, bug)
			require.NoError(t, err)
			s, err := m.Explore(v, bug)
			require.NoError(t, err)
			lanes := s.Lanes()
			require.NotEqual(t, []string{m.Name}, lanes, "%s implements checker.Actors", m.Name)
			placed := map[string]bool{}
			walkSome(t, s, 300, func(mv explore.Move) {
				placed[mv.Action] = true
				require.Contains(t, lanes, mv.Role.Actor, "%s --bug %q: %s", m.Name, bug, mv.Label)
				if mv.Role.Peer != "" {
					require.Contains(t, lanes, mv.Role.Peer, "%s --bug %q: %s", m.Name, bug, mv.Label)
				}
			})
			require.NotEmpty(t, placed)
		}
	}
}

// walkSome visits up to n states breadth-first, calling f on every
// action enabled in each.
func walkSome(t *testing.T, s *explore.Session, n int, f func(explore.Move)) {
	var queue [][]uint64
	seen := map[string]bool{}
	for _, st := range s.Initial() {
		fps, err := explore.ParsePath(st.FP)
		require.NoError(t, err)
		queue = append(queue, fps)
		seen[st.FP] = true
	}
	for len(queue) > 0 && len(seen) < n {
		p, err := s.Walk(queue[0])
		require.NoError(t, err)
		for _, mv := range p.Moves {
			f(mv)
			if !seen[mv.FP] {
				seen[mv.FP] = true
				next, err := explore.ParsePath(mv.FP)
				require.NoError(t, err)
				queue = append(queue, append(slices.Clone(queue[0]), next...))
			}
		}
		queue = queue[1:]
	}
}
