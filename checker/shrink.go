package checker

import "context"

// This file shrinks the counterexample a random walk found, in three
// phases of bounded effort, each keeping a behaviour that breaks the
// same property: cut the loops (a state visited twice), drop chunks of
// actions and replay what is left (delta debugging: halves, quarters,
// ..., single steps), then search breadth-first from the initial states
// for a shorter one, within a budget of states. Every phase is
// deterministic, so a seed still repeats its counterexample.

// shrinkNext bounds the calls of Next that replaying candidates may make,
// and shrinkStates the states the breadth-first phase may hold: a
// fraction of a second on the shipped models.
const (
	shrinkNext   = 100_000
	shrinkStates = 1 << 16
)

// shrink returns a behaviour no longer than walk whose last state, and
// only its last state, breaks property prop (len(props) for a deadlock).
func (c *Checker[S]) shrink(ctx context.Context, walk []successor[S], prop int) []successor[S] {
	walk = c.cutLoops(walk)
	walk = c.dropSteps(walk, prop)
	if shorter := c.shorterByBFS(ctx, len(walk)-1, prop); shorter != nil {
		return shorter
	}
	return walk
}

// breaks reports whether s breaks prop; for a deadlock, n is the number
// of actions enabled in s.
func (c *Checker[S]) breaks(s S, prop, n int) bool {
	if prop == len(c.props) {
		return n == 0 && (c.terminal == nil || !c.terminal(s))
	}
	return !c.props[prop].Holds(s)
}

// enabled counts the actions Next enables in s.
func (c *Checker[S]) enabled(s S) int {
	n := 0
	c.m.Next(s, func(Action, S) { n++ })
	return n
}

// cutLoops removes every stretch of the walk that leaves a state and
// comes back to it: from each state kept, the walk goes on from that
// state's last visit.
func (c *Checker[S]) cutLoops(walk []successor[S]) []successor[S] {
	var buf []byte
	fps := make([]uint64, len(walk))
	last := make(map[uint64]int, len(walk))
	for i := range walk {
		fps[i] = c.fingerprint(walk[i].s, &buf)
		last[fps[i]] = i
	}
	out := []successor[S]{walk[0]}
	for at := last[fps[0]]; at+1 < len(walk); at = last[fps[at+1]] {
		out = append(out, walk[at+1])
	}
	return out
}

// dropSteps tries leaving out chunks of the walk's actions, halves first
// and single actions last, and keeps any shorter walk that still breaks
// prop, until the budget of Next calls is spent.
func (c *Checker[S]) dropSteps(walk []successor[S], prop int) []successor[S] {
	budget := shrinkNext
	for size := max((len(walk)-1)/2, 1); budget > 0; {
		shorter := false
		for start := 1; start+size <= len(walk) && budget > 0; {
			cand := append(append([]successor[S]{}, walk[:start]...), walk[start+size:]...)
			if got, ok := c.replayWalk(cand, prop, &budget); ok && len(got) < len(walk) {
				walk, shorter = got, true // and the same start, in the shorter walk
				continue
			}
			start += size
		}
		switch {
		case size > 1:
			size /= 2
		case !shorter: // single steps, until none can go
			return walk
		}
	}
	return walk
}

// replayWalk replays the actions of walk from its initial state and
// returns the behaviour up to the first state that breaks prop, if one
// does; an action that is not enabled where it comes ends the replay.
// Each call of Next is taken from budget.
func (c *Checker[S]) replayWalk(walk []successor[S], prop int, budget *int) ([]successor[S], bool) {
	out := []successor[S]{walk[0]}
	s := walk[0].s
	for i := 1; ; i++ {
		n, found := 0, false
		var next S
		*budget--
		c.m.Next(s, func(a Action, t S) {
			n++
			if !found && i < len(walk) && a == walk[i].a {
				next, found = t, true
			}
		})
		if c.breaks(s, prop, n) {
			return out, true
		}
		if !found || *budget <= 0 {
			return nil, false
		}
		s = next
		out = append(out, successor[S]{a: walk[i].a, s: s})
	}
}

// shorterByBFS searches breadth-first from the initial states for a
// behaviour of fewer than steps actions that breaks prop, holding at
// most shrinkStates states; nil when there is none or the budget ends
// first.
func (c *Checker[S]) shorterByBFS(ctx context.Context, steps, prop int) []successor[S] {
	type node struct {
		s      S
		a      Action
		parent int
	}
	var nodes []node
	var buf []byte
	seen := newFPSet(0)
	path := func(i int) []successor[S] {
		var out []successor[S]
		for ; i >= 0; i = nodes[i].parent {
			out = append([]successor[S]{{a: nodes[i].a, s: nodes[i].s}}, out...)
		}
		return out
	}
	for _, s := range c.m.Init() {
		if seen.Insert(c.fingerprint(c.canonical(s), &buf)) {
			nodes = append(nodes, node{s: s, parent: -1})
		}
	}
	// Invariant: nodes[lo:hi] is level depth, none of whose states
	// breaks an invariant prop, and levels before it hold no deadlock.
	for lo, hi, depth := 0, len(nodes), 0; depth < steps && lo < hi; lo, hi, depth = hi, len(nodes), depth+1 {
		if ctx.Err() != nil {
			return nil
		}
		for i := lo; i < hi; i++ {
			if prop < len(c.props) && !c.props[prop].Holds(nodes[i].s) {
				return path(i)
			}
			n := 0
			c.m.Next(nodes[i].s, func(a Action, t S) {
				n++
				if depth+1 < steps && len(nodes) < shrinkStates && seen.Insert(c.fingerprint(c.canonical(t), &buf)) {
					nodes = append(nodes, node{s: t, a: a, parent: i})
				}
			})
			if c.breaks(nodes[i].s, prop, n) {
				return path(i)
			}
		}
		if len(nodes) >= shrinkStates {
			return nil
		}
	}
	return nil
}
