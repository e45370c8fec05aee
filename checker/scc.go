package checker

import (
	"context"
	"fmt"
	"slices"
)

// lasso is a liveness counterexample as state numbers: path[loopStart:]
// is the loop (its last state equals path[loopStart]) unless stutter.
// acts[i] is the action taken into path[i] (an index into the graph's
// actions), noState where any will do.
type lasso struct {
	path      []uint32
	acts      []uint32
	loopStart int
	stutter   bool
}

// Marks of a state in a property's region: pred holds, for each state,
// its predecessor on a shortest path within the region, or one of these.
const (
	outside = noState     // not in the region
	entered = noState - 1 // where the region starts: an initial or a trigger state
)

// findLasso looks for a fair lasso that misses a property's goal (marks:
// the property's marks; fromInit: it is Eventually, which starts at the
// initial states); it returns nil if there is none, and an error if
// ctx ends first. Its phases: the region, the region's strongly connected
// components, and each component in breadth-first order of its first
// state, so that the lasso found is short and stable.
func (c *Checker[S]) findLasso(ctx context.Context, g *graph, marks []uint8, fromInit bool, fair uint64) (*lasso, error) {
	stopped := func(i int) bool { return i%4096 == 0 && ctx.Err() != nil }
	queue, pred := c.region(g, marks, fromInit, stopped)
	if queue == nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	comp, ncomp := components(g, pred, func(found int) bool {
		c.live.components.Store(uint64(found))
		return ctx.Err() != nil
	})
	if comp == nil {
		return nil, ctx.Err()
	}
	c.live.components.Store(uint64(ncomp))
	cs := newComponentSets(g.n, comp, ncomp, queue)
	loops := newFairLoops(g, comp, fair)
	examined := 0
	for h, entry := range queue {
		if stopped(h) {
			return nil, ctx.Err()
		}
		id := comp[entry]
		if !cs.first(id) {
			continue
		}
		examined++
		c.live.examined.Store(uint64(examined))
		if l := loops.find(id, cs.members(id, entry), entry); l != nil {
			return withPrefix(g, pred, entry, l), nil
		}
	}
	return nil, nil
}

// region finds the states that miss the goal and are reachable through
// such states from where the property starts (the initial states for
// Eventually, its trigger states for LeadsTo), in breadth-first order;
// pred[v] is v's predecessor on a shortest path within the region,
// entered where it starts, outside for other states. It returns no queue
// if stopped says so.
func (c *Checker[S]) region(g *graph, marks []uint8, fromInit bool, stopped func(int) bool) (queue, pred []uint32) {
	pred = make([]uint32, g.n)
	misses := 0
	for v := range pred {
		pred[v] = outside
		misses += int(marks[v] & markMiss)
	}
	queue = make([]uint32, 0, misses)
	enter := func(v uint32) {
		if marks[v]&markMiss != 0 && pred[v] == outside {
			pred[v] = entered
			queue = append(queue, v)
		}
	}
	if fromInit {
		for _, v := range g.inits {
			enter(v)
		}
	} else {
		for v := range marks {
			if marks[v]&markTrigger != 0 {
				enter(uint32(v))
			}
		}
	}
	for h := 0; h < len(queue); h++ {
		if stopped(h) {
			return nil, nil
		}
		c.live.states.Store(uint64(len(queue)))
		v := queue[h]
		for e := g.first[v]; e < g.first[v+1]; e++ {
			if w := g.to[e]; marks[w]&markMiss != 0 && pred[w] == outside {
				pred[w] = v
				queue = append(queue, w)
			}
		}
	}
	c.live.states.Store(uint64(len(queue)))
	return queue, pred
}

// components labels the strongly connected components of the region
// (the states whose pred is not outside): comp[v] is v's component,
// outside for other states. It is Pearce's algorithm (one number a state
// while the search runs, which then becomes the component's), without
// recursion so that deep graphs do not exhaust the goroutine stack.
// Every few thousand states and components it calls stop with the
// number of components found so far, and gives up (nil) if stop says so.
func components(g *graph, pred []uint32, stop func(found int) bool) (comp []uint32, ncomp int) {
	n := uint32(g.n)
	rindex := make([]uint32, n) // 0: not visited; 1..: visit order; then n-1, n-2, ...: component
	for v := range rindex {
		if pred[v] == outside {
			rindex[v] = outside
		}
	}
	type frame struct {
		v    uint32
		root bool
		e    uint64
	}
	var calls []frame
	var stack []uint32
	index, next := uint32(1), n-1
	for v0 := range n {
		if rindex[v0] != 0 {
			continue
		}
		if v0%4096 == 0 && stop(ncomp) {
			return nil, 0
		}
		rindex[v0], index = index, index+1
		calls = append(calls, frame{v: v0, root: true, e: g.first[v0]})
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			if f.e < g.first[f.v+1] {
				w := g.to[f.e]
				switch {
				case rindex[w] == outside:
					f.e++
				case rindex[w] == 0:
					rindex[w], index = index, index+1
					calls = append(calls, frame{v: w, root: true, e: g.first[w]})
				default:
					// Back from w (or w seen before): a smaller number
					// links v to a state still on the stack.
					if rindex[w] < rindex[f.v] {
						rindex[f.v], f.root = rindex[w], false
					}
					f.e++
				}
				continue
			}
			v, root := f.v, f.root
			calls = calls[:len(calls)-1]
			if root {
				index--
				for len(stack) > 0 && rindex[v] <= rindex[stack[len(stack)-1]] {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					rindex[w] = next
					index--
				}
				rindex[v] = next
				next--
				if ncomp++; ncomp%4096 == 0 && stop(ncomp) {
					return nil, 0
				}
			} else {
				stack = append(stack, v)
			}
			if len(calls) > 0 {
				// The caller takes its edge to v into account, as the
				// recursive algorithm does after the call returns.
				u := &calls[len(calls)-1]
				if rindex[v] < rindex[u.v] {
					rindex[u.v], u.root = rindex[v], false
				}
				u.e++
			}
		}
	}
	return rindex, ncomp
}

// componentSets lists the states of each component of more than one
// state in breadth-first order (a component of one state needs no list),
// and notes which components have been examined. A component's slot is
// n-1-id: components are numbered down from n-1.
type componentSets struct {
	n      uint32
	size   []uint32
	start  []uint32
	member []uint32
	tried  []bool
	one    [1]uint32
}

func newComponentSets(n int, comp []uint32, ncomp int, queue []uint32) *componentSets {
	cs := &componentSets{n: uint32(n), size: make([]uint32, ncomp), start: make([]uint32, ncomp), tried: make([]bool, ncomp)}
	for _, v := range queue {
		cs.size[cs.slot(comp[v])]++
	}
	total := uint32(0)
	for k, sz := range cs.size {
		if sz > 1 {
			cs.start[k] = total
			total += sz
		}
	}
	cs.member = make([]uint32, total)
	fill := slices.Clone(cs.start)
	for _, v := range queue {
		if k := cs.slot(comp[v]); cs.size[k] > 1 {
			cs.member[fill[k]] = v
			fill[k]++
		}
	}
	return cs
}

func (cs *componentSets) slot(id uint32) uint32 { return cs.n - 1 - id }

// first reports whether component id is met for the first time.
func (cs *componentSets) first(id uint32) bool {
	k := cs.slot(id)
	if cs.tried[k] {
		return false
	}
	cs.tried[k] = true
	return true
}

// members is component id's states in breadth-first order; entry is its
// first.
func (cs *componentSets) members(id, entry uint32) []uint32 {
	k := cs.slot(id)
	if cs.size[k] == 1 {
		cs.one[0] = entry
		return cs.one[:]
	}
	return cs.member[cs.start[k] : cs.start[k]+cs.size[k]]
}

// fairLoops looks for fair loops in the components of one property's
// region; its scratch tables are indexed by action and reused from one
// component to the next.
type fairLoops struct {
	g    *graph
	comp []uint32
	fair uint64
	use  []fairUse // per action; valid where stamp says so
	seen []uint32  // per action: the member (plus one) that last enabled it
	acts []uint32  // the fair actions met in the component
}

// fairUse is what a component does with one fair action: how many of its
// states enable it, and an edge inside it that takes it.
type fairUse struct {
	enabledIn uint32
	inner     uint64 // an edge inside the component, or noEdge
	stamp     uint32 // the component (plus one) this entry is about
}

const noEdge = ^uint64(0)

func newFairLoops(g *graph, comp []uint32, fair uint64) *fairLoops {
	return &fairLoops{g: g, comp: comp, fair: fair, use: make([]fairUse, len(g.actions)), seen: make([]uint32, len(g.actions))}
}

// find returns a loop from entry through component id that satisfies weak
// fairness (as path and actions after entry), or nil if the component
// admits no fair behaviour. Fairness is per action: each action of a fair
// kind, with its arguments (inc i=0 and inc i=1 separately, as TLA+'s
// \A i: WF(Inc(i))), that is enabled in every state of the loop must be
// taken in it. A loop through the whole component takes every edge and
// visits every state, so the component admits a fair loop exactly when
// each fair action enabled throughout it labels one of its inner edges.
func (fl *fairLoops) find(id uint32, members []uint32, entry uint32) *lasso {
	g := fl.g
	// Stuttering in entry is fair if no fair action is enabled there.
	if g.enabled(entry)&fl.fair == 0 {
		return &lasso{stutter: true}
	}
	need, ok := fl.witnesses(id, members)
	if !ok {
		return nil
	}
	l := &lasso{}
	cur := entry
	walk := func(to uint32) {
		path, acts := shortestWithin(g, fl.comp, id, cur, to)
		l.path = append(l.path, path...)
		l.acts = append(l.acts, acts...)
		cur = to
	}
	for _, w := range need {
		walk(w.state)
		if w.edge != noEdge {
			cur = g.to[w.edge]
			l.path = append(l.path, cur)
			l.acts = append(l.acts, g.act[w.edge])
		}
	}
	if cur != entry {
		walk(entry)
	}
	if len(l.path) == 0 {
		// Only reachable if every witness is entry itself, which the
		// stutter test above already accepted.
		return &lasso{stutter: true}
	}
	return l
}

// loopWitness is a state a fair loop visits and, unless noEdge, the edge
// it takes from there.
type loopWitness struct {
	state uint32
	edge  uint64
}

// witnesses lists, in the order of the actions' numbers, what a fair loop
// through component id must do: for a fair action enabled in all its
// states, take an inner edge labelled with it; for the others, visit a
// state that disables it. It reports false if some fair action is
// enabled throughout and taken by no inner edge: no loop there is fair.
func (fl *fairLoops) witnesses(id uint32, members []uint32) ([]loopWitness, bool) {
	g, stamp := fl.g, id+1
	fl.acts = fl.acts[:0]
	for i, v := range members {
		for e := g.first[v]; e < g.first[v+1]; e++ {
			a := g.act[e]
			if fl.fair&(1<<g.kinds[a]) == 0 {
				continue
			}
			u := &fl.use[a]
			if u.stamp != stamp {
				*u = fairUse{inner: noEdge, stamp: stamp}
				fl.acts = append(fl.acts, a)
				fl.seen[a] = 0
			}
			if fl.seen[a] != uint32(i)+1 {
				fl.seen[a] = uint32(i) + 1
				u.enabledIn++
			}
			if u.inner == noEdge && fl.comp[g.to[e]] == id {
				u.inner = e
			}
		}
	}
	slices.Sort(fl.acts)
	var need []loopWitness
	for _, a := range fl.acts {
		u := fl.use[a]
		if int(u.enabledIn) == len(members) {
			if u.inner == noEdge {
				return nil, false // enabled throughout, never taken inside: unfair
			}
			need = append(need, loopWitness{state: edgeSource(g, u.inner), edge: u.inner})
			continue
		}
		for _, v := range members {
			enabled := false
			for e := g.first[v]; e < g.first[v+1] && !enabled; e++ {
				enabled = g.act[e] == a
			}
			if !enabled {
				need = append(need, loopWitness{state: v, edge: noEdge})
				break
			}
		}
	}
	return need, true
}

// edgeSource returns the state edge e leaves (edges are stored by source).
func edgeSource(g *graph, e uint64) uint32 {
	i, _ := slices.BinarySearch(g.first, e+1)
	return uint32(i - 1)
}

// shortestWithin returns the states after from on a shortest path to to
// inside component id, with the actions taken. from == to gives an empty
// path.
func shortestWithin(g *graph, comp []uint32, id, from, to uint32) ([]uint32, []uint32) {
	if from == to {
		return nil, nil
	}
	type hop struct {
		from uint32
		edge uint64
	}
	pred := map[uint32]hop{from: {noState, noEdge}}
	queue := []uint32{from}
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		for e := g.first[v]; e < g.first[v+1]; e++ {
			w := g.to[e]
			if _, ok := pred[w]; ok || comp[w] != id {
				continue
			}
			pred[w] = hop{v, e}
			if w != to {
				queue = append(queue, w)
				continue
			}
			var path, acts []uint32
			for x := to; x != from; x = pred[x].from {
				path = append(path, x)
				acts = append(acts, g.act[pred[x].edge])
			}
			slices.Reverse(path)
			slices.Reverse(acts)
			return path, acts
		}
	}
	panic(fmt.Sprintf("checker: states %d and %d share a component but no path joins them", from, to))
}

// withPrefix puts in front of a loop found at entry the path that leads
// there: from an initial state along the breadth-first tree to where the
// region starts, then within the region.
func withPrefix(g *graph, pred []uint32, entry uint32, l *lasso) *lasso {
	var inner []uint32
	for v := entry; v != entered; v = pred[v] {
		inner = append(inner, v)
	}
	var outer []uint32
	for v := g.parent[inner[len(inner)-1]]; v != noState; v = g.parent[v] {
		outer = append(outer, v)
	}
	slices.Reverse(outer)
	slices.Reverse(inner)
	path := append(outer, inner...)
	acts := make([]uint32, len(path))
	for i := range acts {
		acts[i] = noState
	}
	l.loopStart = len(path) - 1
	l.path = append(path, l.path...)
	l.acts = append(acts, l.acts...)
	return l
}
