package checker

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"time"
)

// graph is the reachable state graph the liveness check works on, without
// the states themselves: a state is its number (states are numbered in
// breadth-first order of discovery), and what the check asks of it was
// asked while the graph was built: whether it misses each liveness
// property's goal and meets its trigger (marks), its fingerprint (to
// replay a counterexample) and its parent in the breadth-first tree. Its
// edges are in compressed rows, labelled with their actions. About 30
// bytes a state and 8 an edge; under a memory cap the edges, offsets,
// fingerprints and parents are in files the operating system pages in.
type graph struct {
	n       int
	first   []uint64 // the edges of state v are to[first[v]:first[v+1]]
	to      []uint32
	act     []uint32 // the edge's action, an index into actions
	actions []Action // each distinct action once, in order of first use
	kinds   []uint8  // actions[i].Kind
	fps     []uint64
	parent  []uint32 // noState for initial states
	marks   [][]uint8
	inits   []uint32
	closers []func()
}

// noState stands for no state: the parent of an initial state.
const noState = math.MaxUint32

// marks: bits of a state for one liveness property.
const (
	markMiss    = 1 << iota // the state misses the goal
	markTrigger             // a LeadsTo property's trigger holds there
)

// enabled is the set of action kinds enabled in v, as bits.
func (g *graph) enabled(v uint32) uint64 {
	var en uint64
	for e := g.first[v]; e < g.first[v+1]; e++ {
		en |= 1 << g.kinds[g.act[e]]
	}
	return en
}

// bytes is what the graph's arrays take.
func (g *graph) bytes() uint64 {
	n := uint64(len(g.first)*8 + len(g.fps)*8 + len(g.parent)*4 + len(g.to)*4 + len(g.act)*4)
	for _, m := range g.marks {
		n += uint64(len(m))
	}
	return n
}

func (g *graph) close() {
	for _, f := range g.closers {
		f()
	}
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
// or stopped at the memory cap, the run is Incomplete with the safety
// properties judged, and the liveness properties judged so far.
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
	defer func() {
		res.Stats.LivenessDuration = time.Since(start)
		res.Stats.Duration += res.Stats.LivenessDuration
	}()
	var held []string
	stop := func(why string) (*Result, error) {
		c.stopped(res, why, Eventually, LeadsTo) // Incomplete, unless Continue found violations
		res.Statuses = c.statuses(res, held)
		return res, nil
	}
	res.Phase = PhaseGraph
	plan := c.planGraph(res.Stats, len(live))
	if plan.stop != "" {
		return stop(plan.stop)
	}
	if plan.limit > 0 {
		// The safety search's visited set is garbage now; collect it and
		// give its memory back before the graph's index takes as much
		// again, instead of letting the heap grow to the runtime's limit.
		debug.FreeOSMemory()
	}
	if c.canon == nil {
		c.live.total.Store(res.Stats.Distinct)
	}
	c.live.enter(PhaseGraph)
	g, err := c.buildGraph(ctx, live, plan)
	if g != nil {
		defer g.close()
	}
	switch {
	case err == errStopped && ctx.Err() != nil:
		return stop("interrupted while building the state graph for the liveness check")
	case err == errStopped:
		return stop(plan.overflow(g))
	case err != nil:
		return nil, err
	}
	st := &res.Stats
	st.GraphStates, st.GraphEdges, st.GraphBytes, st.GraphOnDisk = uint64(g.n), uint64(len(g.to)), g.bytes(), plan.onDisk
	res.Phase = PhaseComponents
	for j, pi := range live {
		if plan.limit > 0 {
			debug.FreeOSMemory() // the index, or the last property's work arrays
		}
		p := c.props[pi]
		c.live.property.Store(int32(pi))
		c.live.enter(PhaseComponents)
		lasso, err := c.findLasso(ctx, g, g.marks[j], p.Kind == Eventually, c.fairKinds(p))
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
		if !c.opts.Continue {
			res.Statuses = c.statuses(res, held)
			return res, nil
		}
	}
	res.Phase = PhaseDone
	res.Statuses = c.statuses(res, held)
	return res, nil
}

// graphPlan says where the liveness graph lives: in memory, or, when a
// memory cap could not hold it, its big arrays in files; stop says why
// the check cannot run within the cap at all.
type graphPlan struct {
	states, edges int // expected (the safety search's counts when the model has no symmetry)
	onDisk        bool
	limit         uint64 // the memory cap (0: none)
	stop          string
}

// What the liveness check takes: the graph, a state's bytes and an
// edge's, in memory or in files; and besides the graph, in memory
// whatever the cap, a state's bytes of work arrays: while the graph is
// built, the index from fingerprints to numbers (12 bytes a slot, at
// most three quarters full), and after, per property, the region's order
// and predecessors, the components and their sizes (4 bytes each), and
// the marks (one byte a property).
const (
	graphStateBytes = 20 // offsets 8, fingerprint 8, parent 4
	graphEdgeBytes  = 8  // target 4, action 4
	graphWorkBytes  = 24
)

// planGraph sizes the graph from the safety search's counts (the graph
// has as many states when the model has no symmetry, and about one edge
// per generated state) against the memory cap.
func (c *Checker[S]) planGraph(st Stats, live int) graphPlan {
	p := graphPlan{states: 1 << 10, edges: 1 << 12, limit: c.opts.MemLimit}
	if c.canon == nil {
		p.states, p.edges = int(st.Distinct), int(st.Generated)
	}
	if p.limit == 0 {
		return p
	}
	states, edges := st.Distinct, st.Generated
	inMemory := states*(graphStateBytes+uint64(live)) + edges*graphEdgeBytes
	work := states * (graphWorkBytes + uint64(live))
	// The work arrays stay in memory beside whatever part of the graph
	// does: a graph that fits the cap alone but not with them goes to disk.
	p.onDisk = c.canon != nil || inMemory+work > p.limit
	if c.canon == nil && work > p.limit {
		p.stop = fmt.Sprintf("%s: the liveness check needs about %d bytes in memory for %d states beside the graph on disk, the data may take %d",
			ErrMemoryLimit, work, states, p.limit)
	}
	return p
}

// overflow says why building g stopped at the cap.
func (p graphPlan) overflow(g *graph) string {
	return fmt.Sprintf("%s while building the state graph for the liveness check: the data may take %d bytes, passed at %d states",
		ErrMemoryLimit, p.limit, g.n)
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
func (c *Checker[S]) lassoResult(res *Result, g *graph, p Property[S], l *lasso) error {
	fps := make([]uint64, len(l.path))
	for i, v := range l.path {
		fps[i] = g.fps[v]
	}
	t, _, err := c.replayAs(fps, func(i int, a Action) bool {
		return l.acts[i] == noState || g.actions[l.acts[i]] == a
	}, func(s S) S { return s })
	if err != nil {
		return err
	}
	t.LoopStart, t.Stutter = l.loopStart, l.stutter
	reason := "a fair cycle of states misses the goal forever"
	if l.stutter {
		reason = "the behaviour stops in a state that misses the goal, with no fair action enabled"
	}
	res.fail(Failure{Verdict: Violation, Property: p.Name, Kind: p.Kind, Doc: p.Doc, Reason: reason, Trace: t})
	return nil
}
