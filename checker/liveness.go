package checker

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// graph is the reachable state graph, built only when the model has
// liveness properties: states in discovery (breadth-first) order, their
// outgoing edges in compressed rows labelled with their actions, and the
// set of action kinds enabled in each. Liveness needs the edges, which the
// safety search does not keep, so this costs memory per state and per
// edge; models with liveness properties are meant to be small.
type graph[S any] struct {
	states  []S
	fps     []uint64
	parent  []int32 // breadth-first tree, -1 for initial states
	first   []int32 // edges of state i are to[first[i]:first[i+1]]
	to      []int32
	act     []int32  // the edge's action, an index into actions
	actions []Action // each distinct action once
	enabled []uint64 // bit k: an action of kind k is enabled
	inits   []int32
}

// kind is the action kind of edge e.
func (g *graph[S]) kind(e int32) int { return g.actions[g.act[e]].Kind }

func (c *Checker[S]) buildGraph(ctx context.Context) (*graph[S], error) {
	g := &graph[S]{}
	index := newFPIndex()
	actionIndex := map[Action]int32{}
	var buf []byte
	// The graph keeps every state, not symmetry representatives: weak
	// fairness is judged per action, and renaming processes would rename
	// the actions along a loop, so the reduction is not sound here.
	add := func(s S, parent int32) int32 {
		fp := c.fingerprint(s, &buf)
		i, isNew := index.insert(fp, int32(len(g.states)))
		if !isNew {
			return i
		}
		g.states = append(g.states, s)
		g.fps = append(g.fps, fp)
		g.parent = append(g.parent, parent)
		return i
	}
	for _, s := range c.m.Init() {
		g.inits = append(g.inits, add(s, -1))
	}
	for i := int32(0); int(i) < len(g.states); i++ {
		if i%4096 == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.live.states.Store(uint64(i))
			c.live.edges.Store(uint64(len(g.to)))
		}
		g.first = append(g.first, int32(len(g.to)))
		var en uint64
		c.m.Next(g.states[i], func(a Action, s S) {
			c.checkKind(a)
			en |= 1 << a.Kind
			g.to = append(g.to, add(s, i))
			ai, ok := actionIndex[a]
			if !ok {
				ai = int32(len(g.actions))
				actionIndex[a] = ai
				g.actions = append(g.actions, a)
			}
			g.act = append(g.act, ai)
		})
		g.enabled = append(g.enabled, en)
	}
	g.first = append(g.first, int32(len(g.to)))
	return g, nil
}

// checkLiveness judges the Eventually and LeadsTo properties on a run that
// explored everything and found no safety violation. A property fails when
// a fair behaviour avoids its goal forever: a path of non-goal states from
// an initial state (Eventually) or from a trigger state (LeadsTo) into a
// strongly connected set of non-goal states that is fair, meaning every
// weakly fair action is either taken inside it or disabled somewhere
// in it. Every state may stutter, so a single state in which no fair
// action is enabled is such a set.
//
// It runs in two phases, which progress reports name: building the
// graph, then, property by property, its fair components. Interrupted,
// the run is Incomplete with the safety properties judged, and the
// liveness properties judged so far.
func (c *Checker[S]) checkLiveness(ctx context.Context, res *Result) (*Result, error) {
	var live []int
	for i, p := range c.props {
		if p.Kind.Liveness() {
			live = append(live, i)
		}
	}
	if len(live) == 0 || c.opts.SkipLiveness {
		for _, i := range live {
			res.Unjudged = append(res.Unjudged, c.props[i].Name)
		}
		res.Phase = PhaseDone
		return res, nil
	}
	start := time.Now()
	defer func() { res.Stats.Duration += time.Since(start) }()
	var held []string
	stop := func(why string) (*Result, error) {
		res.Verdict, res.Reason = Incomplete, why
		res.Statuses = c.statuses(res, held)
		return res, nil
	}
	res.Phase = PhaseGraph
	if c.canon == nil {
		c.live.total.Store(res.Stats.Distinct)
	}
	c.live.enter(PhaseGraph)
	g, err := c.buildGraph(ctx)
	if err != nil {
		return stop("interrupted while building the state graph for the liveness check")
	}
	res.Phase = PhaseComponents
	for _, pi := range live {
		p := c.props[pi]
		c.live.property.Store(int32(pi))
		c.live.enter(PhaseComponents)
		lasso, err := c.findLasso(ctx, g, p, c.fairKinds(p))
		if err != nil {
			return stop("interrupted while looking for fair components that miss the goal of " + p.Name)
		}
		if lasso == nil {
			held = append(held, p.Name)
			continue
		}
		if err := c.lassoResult(res, g, p, lasso); err != nil {
			return nil, err
		}
		res.Statuses = c.statuses(res, held)
		return res, nil
	}
	res.Phase = PhaseDone
	res.Statuses = c.statuses(res, held)
	return res, nil
}

// fairKinds is the set of action kinds p assumes weakly fair, as bits.
func (c *Checker[S]) fairKinds(p Property[S]) uint64 {
	var fair uint64
	for _, name := range p.Fair {
		for k, ak := range c.kinds {
			if ak.Name == name {
				fair |= 1 << k
			}
		}
	}
	return fair
}

// lassoResult makes res a violation of p with lasso as its counterexample.
func (c *Checker[S]) lassoResult(res *Result, g *graph[S], p Property[S], l *lasso) error {
	fps := make([]uint64, len(l.path))
	for i, v := range l.path {
		fps[i] = g.fps[v]
	}
	t, _, err := c.replayAs(fps, func(i int, a Action) bool {
		return l.acts[i] < 0 || g.actions[l.acts[i]] == a
	}, func(s S) S { return s })
	if err != nil {
		return err
	}
	t.LoopStart, t.Stutter = l.loopStart, l.stutter
	res.Verdict, res.Property, res.Kind, res.Doc, res.Trace = Violation, p.Name, p.Kind, p.Doc, t
	if l.stutter {
		res.Reason = "the behaviour stops in a state that misses the goal, with no fair action enabled"
	} else {
		res.Reason = "a fair cycle of states misses the goal forever"
	}
	return nil
}

// lasso is a liveness counterexample as state indices: path[loopStart:]
// is the loop (its last state equals path[loopStart]) unless stutter.
// acts[i] is the action taken into path[i] (an index into the graph's
// actions), -1 where any will do.
type lasso struct {
	path      []int32
	acts      []int32
	loopStart int
	stutter   bool
}

// findLasso looks for a fair lasso that misses p's goal; it returns nil
// if there is none, and an error if ctx ends first.
func (c *Checker[S]) findLasso(ctx context.Context, g *graph[S], p Property[S], fair uint64) (*lasso, error) {
	n := len(g.states)
	stopped := func(i int) bool { return i%4096 == 0 && ctx.Err() != nil }
	miss := make([]bool, n) // states that miss the goal
	for i := range g.states {
		miss[i] = !p.Holds(g.states[i])
	}
	// The region: non-goal states reachable through non-goal states from
	// the starting set. pred records a shortest path within the region.
	inRegion := make([]bool, n)
	pred := make([]int32, n)
	var queue []int32
	if p.Kind == Eventually {
		for _, i := range g.inits {
			if miss[i] && !inRegion[i] {
				inRegion[i], pred[i] = true, -1
				queue = append(queue, i)
			}
		}
	} else {
		for i := range g.states {
			if miss[i] && p.From(g.states[i]) {
				inRegion[i], pred[i] = true, -1
				queue = append(queue, int32(i))
			}
		}
	}
	for h := 0; h < len(queue); h++ {
		if stopped(h) {
			return nil, ctx.Err()
		}
		c.live.states.Store(uint64(len(queue)))
		v := queue[h]
		for e := g.first[v]; e < g.first[v+1]; e++ {
			if w := g.to[e]; miss[w] && !inRegion[w] {
				inRegion[w], pred[w] = true, v
				queue = append(queue, w)
			}
		}
	}
	// Examine the strongly connected components in breadth-first order of
	// their first state, so the lasso found is short and stable.
	c.live.states.Store(uint64(len(queue)))
	comp, ncomp := tarjan(g, inRegion, func(found int) bool {
		c.live.components.Store(uint64(found))
		return ctx.Err() != nil
	})
	if comp == nil {
		return nil, ctx.Err()
	}
	c.live.components.Store(uint64(ncomp))
	// members of component id: member[start[id]:start[id+1]], in BFS order.
	start := make([]int32, ncomp+1)
	for _, v := range queue {
		start[comp[v]+1]++
	}
	for i := 1; i <= ncomp; i++ {
		start[i] += start[i-1]
	}
	member := make([]int32, len(queue))
	fill := slices.Clone(start[:ncomp])
	for _, v := range queue {
		member[fill[comp[v]]] = v
		fill[comp[v]]++
	}
	tried := make([]bool, ncomp)
	examined := 0
	for h, entry := range queue {
		if stopped(h) {
			return nil, ctx.Err()
		}
		id := comp[entry]
		if tried[id] {
			continue
		}
		tried[id] = true
		examined++
		c.live.examined.Store(uint64(examined))
		if l := c.fairLoop(g, comp, id, member[start[id]:start[id+1]], entry, fair); l != nil {
			// Prefix: to the region's starting state, then within the region.
			var inner []int32
			for v := entry; v != -1; v = pred[v] {
				inner = append(inner, v)
			}
			var outer []int32
			for v := g.parent[inner[len(inner)-1]]; v != -1; v = g.parent[v] {
				outer = append(outer, v)
			}
			var path []int32
			for i := len(outer) - 1; i >= 0; i-- {
				path = append(path, outer[i])
			}
			for i := len(inner) - 1; i >= 0; i-- {
				path = append(path, inner[i])
			}
			acts := make([]int32, len(path))
			for i := range acts {
				acts[i] = -1
			}
			l.loopStart = len(path) - 1
			l.path = append(path, l.path...)
			l.acts = append(acts, l.acts...)
			return l, nil
		}
	}
	return nil, nil
}

// fairLoop returns a loop from entry through the component that satisfies
// weak fairness (as path and actions after entry), or nil if the component
// admits no fair behaviour. Fairness is per action: each action of a fair
// kind, with its arguments (inc i=0 and inc i=1 separately, as TLA+'s
// \A i: WF(Inc(i))), that is enabled in every state of the loop must be
// taken in it. A loop through the whole component takes every edge and
// visits every state, so the component admits a fair loop exactly when
// each fair action enabled throughout it labels one of its inner edges.
func (c *Checker[S]) fairLoop(g *graph[S], comp []int32, id int32, members []int32, entry int32, fair uint64) *lasso {
	// Stuttering in entry is fair if no fair action is enabled there.
	if g.enabled[entry]&fair == 0 {
		return &lasso{stutter: true}
	}
	// For each fair action: how many member states enable it, and an inner
	// edge that takes it.
	type use struct {
		enabledIn int32
		inner     int32 // an edge inside the component, or -1
		disabled  int32 // a member state where it is disabled, or -1
	}
	uses := map[int32]*use{}
	for _, v := range members {
		seen := map[int32]bool{}
		for e := g.first[v]; e < g.first[v+1]; e++ {
			a := g.act[e]
			if fair&(1<<g.kind(e)) == 0 {
				continue
			}
			u := uses[a]
			if u == nil {
				u = &use{inner: -1, disabled: -1}
				uses[a] = u
			}
			if !seen[a] {
				seen[a] = true
				u.enabledIn++
			}
			if u.inner < 0 && comp[g.to[e]] == id {
				u.inner = e
			}
		}
	}
	// The witnesses, in a stable order: for an action enabled everywhere,
	// an inner edge that takes it; for the others, a state that disables it.
	type witness struct {
		state int32 // visit this state...
		edge  int32 // ...and take this edge from it (-1: just visit)
	}
	var acts []int32
	for a := range uses {
		acts = append(acts, a)
	}
	slices.Sort(acts)
	var need []witness
	for _, a := range acts {
		u := uses[a]
		if int(u.enabledIn) == len(members) {
			if u.inner < 0 {
				return nil // enabled throughout, never taken inside: unfair
			}
			need = append(need, witness{state: edgeSource(g, u.inner), edge: u.inner})
			continue
		}
		for _, v := range members {
			enabled := false
			for e := g.first[v]; e < g.first[v+1] && !enabled; e++ {
				enabled = g.act[e] == a
			}
			if !enabled {
				need = append(need, witness{state: v, edge: -1})
				break
			}
		}
	}
	l := &lasso{}
	cur := entry
	walk := func(to int32) {
		path, acts := shortestWithin(g, comp, id, cur, to)
		l.path = append(l.path, path...)
		l.acts = append(l.acts, acts...)
		cur = to
	}
	for _, w := range need {
		walk(w.state)
		if w.edge >= 0 {
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

// edgeSource returns the state edge e leaves (edges are stored by source).
func edgeSource[S any](g *graph[S], e int32) int32 {
	i, _ := slices.BinarySearch(g.first, e+1)
	return int32(i - 1)
}

// shortestWithin returns the states after from on a shortest path to to
// inside component id, with the actions taken. from == to gives an empty
// path.
func shortestWithin[S any](g *graph[S], comp []int32, id, from, to int32) ([]int32, []int32) {
	if from == to {
		return nil, nil
	}
	type hop struct{ from, edge int32 }
	pred := map[int32]hop{from: {-1, -1}}
	queue := []int32{from}
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
			var path []int32
			var acts []int32
			for x := to; x != from; x = pred[x].from {
				path = append(path, x)
				acts = append(acts, g.act[pred[x].edge])
			}
			for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
				path[i], path[j] = path[j], path[i]
				acts[i], acts[j] = acts[j], acts[i]
			}
			return path, acts
		}
	}
	panic(fmt.Sprintf("checker: states %d and %d share a component but no path joins them", from, to))
}

// tarjan labels the strongly connected components of the subgraph induced
// by the states in region (others get -1), iteratively so that deep graphs
// do not exhaust the goroutine stack. Every few thousand states it calls
// stop with the number of components found so far, and gives up (nil) if
// stop says so.
func tarjan[S any](g *graph[S], region []bool, stop func(found int) bool) (comp []int32, ncomp int) {
	n := len(g.states)
	comp = make([]int32, n)
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range comp {
		comp[i], index[i] = -1, -1
	}
	var stack []int32
	type frame struct{ v, e int32 }
	var calls []frame
	next := int32(0)
	for root := int32(0); int(root) < n; root++ {
		if !region[root] || index[root] >= 0 {
			continue
		}
		if root%4096 == 0 && stop(ncomp) {
			return nil, 0
		}
		calls = append(calls, frame{root, g.first[root]})
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.v
			if f.e < g.first[v+1] {
				w := g.to[f.e]
				f.e++
				if !region[w] {
					continue
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, g.first[w]})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				u := calls[len(calls)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = int32(ncomp)
					if w == v {
						break
					}
				}
				ncomp++
			}
		}
	}
	return comp, ncomp
}

// fpIndex maps fingerprints to state indices for the liveness graph: open
// addressing with linear probing, kept at most half full.
type fpIndex struct {
	fps   []uint64
	idx   []int32
	count int
}

func newFPIndex() *fpIndex {
	return &fpIndex{fps: make([]uint64, 1024), idx: make([]int32, 1024)}
}

// insert returns the index stored for fp, storing i if fp is new.
func (x *fpIndex) insert(fp uint64, i int32) (int32, bool) {
	mask := uint64(len(x.fps) - 1)
	for h := fp & mask; ; h = (h + 1) & mask {
		switch x.fps[h] {
		case fp:
			return x.idx[h], false
		case 0:
			x.fps[h], x.idx[h] = fp, i
			if x.count++; x.count*2 > len(x.fps) {
				x.grow()
			}
			return i, true
		}
	}
}

func (x *fpIndex) grow() {
	fps, idx := x.fps, x.idx
	x.fps, x.idx, x.count = make([]uint64, 2*len(fps)), make([]int32, 2*len(fps)), 0
	for h, fp := range fps {
		if fp != 0 {
			x.insert(fp, idx[h])
		}
	}
}
