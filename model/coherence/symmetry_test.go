package coherence

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// renaming maps caches and lines to caches and lines, one to one.
type renaming struct {
	cache [2]int
	line  [MaxLines]int
}

var (
	identityLines = [MaxLines]int{0, 1, 2}
	swapCaches    = renaming{cache: [2]int{1, 0}, line: identityLines}
	swapLines     = renaming{cache: [2]int{0, 1}, line: [MaxLines]int{1, 0, 2}}
)

// rename applies r to every part of s: copies, directory entries, ghosts
// and messages, which are re-sent so that the network is in canonical
// order again (an ordered channel's messages keep their relative order).
func (m *Model) rename(s State, r renaming) State {
	var t State
	agent := func(a uint8) uint8 {
		if a == Home {
			return Home
		}
		return uint8(r.cache[a])
	}
	mask := func(b uint8) uint8 {
		var out uint8
		for c := 0; c < 2; c++ {
			if b&(1<<c) != 0 {
				out |= 1 << r.cache[c]
			}
		}
		return out
	}
	for l := 0; l < m.Lines; l++ {
		rl := r.line[l]
		for c := 0; c < 2; c++ {
			t.Cache[r.cache[c]][rl] = s.Cache[c][l]
		}
		d := s.Dir[l]
		d.Holders = mask(d.Holders)
		if d.Busy != Idle {
			d.Req = agent(d.Req)
		}
		t.Dir[rl] = d
		t.Last[rl] = s.Last[l]
		if w := s.Writer[l]; w != 0 {
			t.Writer[rl] = agent(w-1) + 1
		}
	}
	for c := 0; c < 2; c++ {
		t.Writes[r.cache[c]] = s.Writes[c]
	}
	t.Seen, t.Bad = mask(s.Seen), s.Bad
	for _, x := range s.Net[:s.N] {
		x.From, x.To, x.Line = agent(x.From), agent(x.To), uint8(r.line[x.Line])
		m.send(&t, x)
	}
	return t
}

func (r renaming) action(a checker.Action) checker.Action {
	a.Args[0] = r.cache[a.Args[0]]
	switch a.Kind {
	case actHomeRecv, actCacheRecv:
		a.Args[2] = r.line[a.Args[2]]
	default:
		a.Args[1] = r.line[a.Args[1]]
	}
	return a
}

type edge struct {
	a checker.Action
	s State
}

// checkSymmetry explores the reachable states and checks that r is an
// automorphism of the transition graph: from the renamed state, the
// model's moves are exactly the renamed moves. The initial state is its
// own image, so the reachable graph maps onto itself, fair behaviours
// onto fair behaviours (r maps each receive action to a receive action),
// and a request that never completes onto one that never completes.
func checkSymmetry(t *testing.T, m *Model, r renaming) int {
	t.Helper()
	init := m.Init()[0]
	if m.rename(init, r) != init {
		t.Fatal("the initial state is not its own image")
	}
	seen := map[State]bool{init: true}
	queue := []State{init}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		want := map[edge]int{}
		m.Next(s, func(a checker.Action, u State) {
			want[edge{r.action(a), m.rename(u, r)}]++
			if !seen[u] {
				seen[u] = true
				queue = append(queue, u)
			}
		})
		got := map[edge]int{}
		m.Next(m.rename(s, r), func(a checker.Action, u State) { got[edge{a, u}]++ })
		if len(got) != len(want) {
			t.Fatalf("state %v: %d moves, its image %d", m.Fields(s), len(want), len(got))
		}
		for e, n := range want {
			if got[e] != n {
				t.Fatalf("state %v: the image of move %s is not a move of the image", m.Fields(s), m.FormatAction(e.a))
			}
		}
	}
	return len(seen)
}

func buildInternal(t *testing.T, params []string, bug string) *Model {
	t.Helper()
	v, err := spec.ParseParams(Params, params)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(v, bug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// requests-complete is judged on the CPU's line 0 only; these checks are
// what makes that cover every cache and every line, for the protocol and
// for each bug in the catalogue.
func TestSymmetry(t *testing.T) {
	for _, c := range []struct {
		name   string
		params []string
		r      renaming
	}{
		{"caches", nil, swapCaches},
		{"caches-msi", []string{"protocol=msi"}, swapCaches},
		{"caches-ordered-2-lines", []string{"lines=2", "writes=1", "values=1", "protocol=msi", "channels=ordered"}, swapCaches},
		{"lines", []string{"lines=2", "writes=1", "values=1", "protocol=msi"}, swapLines},
		{"lines-ordered", []string{"lines=2", "writes=1", "values=1", "protocol=msi", "channels=ordered"}, swapLines},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := checkSymmetry(t, buildInternal(t, c.params, ""), c.r)
			t.Logf("%d states", n)
		})
	}
	for _, b := range Bugs {
		t.Run("bug-"+b.Name, func(t *testing.T) {
			checkSymmetry(t, buildInternal(t, b.Params, b.Name), swapCaches)
		})
	}
}
