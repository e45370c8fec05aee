package checker

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// entry is a frontier state with its fingerprint, kept so that children
// can name their parent without hashing it again.
type entry[S any] struct {
	fp uint64
	s  S
}

// finding is a violation seen during a level. Among the findings of one
// level the checker reports the least by (depth, property, fingerprint),
// which does not depend on how work was split between workers.
type finding struct {
	depth int    // BFS level of the violating state, 0 for initial states
	prop  int    // property index; len(props) for a deadlock
	fp    uint64 // the violating state
	ok    bool
}

func (f finding) less(g finding) bool {
	if !g.ok {
		return f.ok
	}
	if !f.ok {
		return false
	}
	if f.depth != g.depth {
		return f.depth < g.depth
	}
	if f.prop != g.prop {
		return f.prop < g.prop
	}
	return f.fp < g.fp
}

// bfsWorker holds one worker's private buffers and counters; workers
// share only the visited set, the trace log and the level being expanded.
type bfsWorker[S any] struct {
	buf       []byte
	next      []entry[S]
	log       []byte
	coverage  []uint64
	generated uint64
	found     finding
	cutoff    bool     // a successor beyond the depth bound was not explored
	witness   []uint64 // per Sometimes property: least witness found in this level
}

// BFS explores the model breadth-first, level by level, with
// Options.Workers goroutines, and stops at the end of the first level in
// which a property is violated, so the counterexample is a shortest one
// and the counts do not depend on the number of workers.
func (c *Checker[S]) BFS(ctx context.Context) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	workers := c.opts.Workers
	shardBits := 0
	if workers > 1 {
		shardBits = 8
	}
	seen := newFPSet(shardBits, workers > 1)
	log, err := newTraceLog(c.opts.TraceDir)
	if err != nil {
		return nil, err
	}
	defer log.close()

	ws := make([]*bfsWorker[S], workers)
	for i := range ws {
		ws[i] = &bfsWorker[S]{coverage: make([]uint64, len(c.kinds)), witness: make([]uint64, len(c.props))}
	}
	// witnessed[i] is set at the end of the first level where a state
	// satisfies Sometimes property i; witnessFP[i] is the least such
	// state's fingerprint, whose path becomes the reported witness. Workers
	// judge every state of that level, so the choice does not depend on
	// how the level was split.
	witnessed := make([]atomic.Bool, len(c.props))
	witnessFP := make([]uint64, len(c.props))
	// live counters for progress reports: workers add to them once per
	// chunk, so they cost nothing per state.
	var live struct {
		distinct, generated atomic.Uint64
		depth, level        atomic.Int64
		levelStart          atomic.Uint64 // distinct when the level began
	}
	var cursor atomic.Int64 // next unclaimed index of the level being expanded
	stopProgress := c.startProgress(ctx, func() Progress {
		return Progress{
			Depth: int(live.depth.Load()), Distinct: live.distinct.Load(), Generated: live.generated.Load(),
			// The queue, as TLC reports it: states of this level not yet
			// claimed plus states found so far for the next one.
			Queue:   int(max(live.level.Load()-cursor.Load(), 0)) + int(live.distinct.Load()-live.levelStart.Load()),
			Elapsed: time.Since(start),
		}
	})
	defer stopProgress()

	// discover records a state that was new to the visited set: it checks
	// the safety properties and queues the state for the next level.
	discover := func(w *bfsWorker[S], s S, fp, parent uint64, depth int) {
		w.log = appendRecord(w.log, fp, parent)
		if len(w.log) >= 1<<20 {
			log.write(w.log)
			w.log = w.log[:0]
		}
		if i := c.invariantFailure(s); i >= 0 {
			if f := (finding{depth: depth, prop: i, fp: fp, ok: true}); f.less(w.found) {
				w.found = f
			}
		}
		for i := range c.props {
			p := &c.props[i]
			if p.Kind == Sometimes && !witnessed[i].Load() && (w.witness[i] == 0 || fp < w.witness[i]) && p.Holds(s) {
				w.witness[i] = fp
			}
		}
		w.next = append(w.next, entry[S]{fp: fp, s: s})
	}

	// Level 0: the initial states.
	w0 := ws[0]
	var generated uint64
	for _, s := range c.m.Init() {
		generated++
		s = c.canonical(s)
		fp := c.fingerprint(s, &w0.buf)
		if seen.Insert(fp) {
			discover(w0, s, fp, 0, 0)
		}
	}
	level := w0.next
	w0.next = nil
	depth := 0 // the level being expanded; levels 0..depth hold states
	// settle ends a level: it writes the workers' trace records (so that
	// the next level's records follow them) and returns the least finding.
	settle := func() finding {
		found := finding{}
		for _, w := range ws {
			log.write(w.log)
			w.log = w.log[:0]
			if w.found.less(found) {
				found = w.found
			}
			for i, fp := range w.witness {
				if fp != 0 && !witnessed[i].Load() && (witnessFP[i] == 0 || fp < witnessFP[i]) {
					witnessFP[i] = fp
				}
				w.witness[i] = 0
			}
		}
		for i, fp := range witnessFP {
			if fp != 0 {
				witnessed[i].Store(true)
			}
		}
		live.distinct.Store(uint64(seen.Len()))
		live.levelStart.Store(uint64(seen.Len()))
		live.depth.Store(int64(depth + 1))
		return found
	}
	if found := settle(); found.ok {
		return c.bfsResult(start, ws, seen, log, generated, depth+1, found)
	}
	reason := ""
	for len(level) > 0 {
		if ctx.Err() != nil {
			reason = "interrupted"
			break
		}
		cursor.Store(0)
		live.level.Store(int64(len(level)))
		bounded := c.opts.MaxDepth > 0 && depth >= c.opts.MaxDepth

		// Expand the level: workers take chunks of it until it is done.
		expand := func(w *bfsWorker[S]) {
			const chunk = 256
			for ctx.Err() == nil {
				lo := int(cursor.Add(chunk)) - chunk
				if lo >= len(level) {
					return
				}
				hi := min(lo+chunk, len(level))
				before, found := w.generated, len(w.next)
				for _, e := range level[lo:hi] {
					n := 0
					c.m.Next(e.s, func(a Action, s S) {
						n++
						c.checkKind(a)
						w.coverage[a.Kind]++
						w.generated++
						s = c.canonical(s)
						fp := c.fingerprint(s, &w.buf)
						if bounded {
							// Beyond the bound: note what would be new, explore nothing.
							if !seen.Contains(fp) {
								w.cutoff = true
							}
							return
						}
						if seen.Insert(fp) {
							discover(w, s, fp, e.fp, depth+1)
						}
					})
					if n == 0 && !c.opts.AllowDeadlock && (c.terminal == nil || !c.terminal(e.s)) {
						if f := (finding{depth: depth, prop: len(c.props), fp: e.fp, ok: true}); f.less(w.found) {
							w.found = f
						}
					}
				}
				live.generated.Add(w.generated - before)
				live.distinct.Add(uint64(len(w.next) - found))
			}
		}
		if workers == 1 {
			expand(ws[0])
		} else {
			var wg sync.WaitGroup
			for _, w := range ws {
				wg.Add(1)
				go func() { defer wg.Done(); expand(w) }()
			}
			wg.Wait()
		}
		if ctx.Err() != nil {
			reason = "interrupted"
			break
		}
		n := 0
		for _, w := range ws {
			n += len(w.next)
		}
		next := make([]entry[S], 0, n)
		for _, w := range ws {
			next = append(next, w.next...)
			w.next = w.next[:0]
		}
		level = next
		if len(level) > 0 {
			depth++
		}
		if found := settle(); found.ok {
			return c.bfsResult(start, ws, seen, log, generated, depth+1, found)
		}
		if bounded {
			for _, w := range ws {
				if w.cutoff {
					reason = fmt.Sprintf("depth bound %d reached", c.opts.MaxDepth)
				}
			}
			break
		}
	}
	res, err := c.bfsResult(start, ws, seen, log, generated, depth+1, finding{})
	if err != nil || reason != "" {
		if res != nil {
			res.Verdict, res.Reason = Incomplete, reason
		}
		return res, err
	}
	for i := range c.props {
		if p := c.props[i]; p.Kind == Sometimes && !witnessed[i].Load() {
			res.Verdict, res.Property, res.Kind, res.Doc = Violation, p.Name, p.Kind, p.Doc
			res.Reason = "no reachable state witnesses it"
			return res, nil
		}
	}
	for i, fp := range witnessFP {
		if fp == 0 {
			continue
		}
		w, err := c.witness(log, c.props[i].Name, fp)
		if err != nil {
			return nil, err
		}
		res.Witnesses = append(res.Witnesses, w)
	}
	return c.checkLiveness(ctx, res)
}

// bfsResult gathers the statistics and, for a finding, its counterexample.
func (c *Checker[S]) bfsResult(start time.Time, ws []*bfsWorker[S], seen *fpSet, log *traceLog,
	generated uint64, depth int, f finding) (*Result, error) {
	counts := make([]uint64, len(c.kinds))
	for _, w := range ws {
		generated += w.generated
		for i, n := range w.coverage {
			counts[i] += n
		}
	}
	distinct := uint64(seen.Len())
	res := &Result{Stats: Stats{
		Strategy: "bfs", Workers: len(ws), Distinct: distinct, Generated: generated, Depth: depth,
		Coverage: c.coverage(counts), FingerprintBytes: seen.Bytes(),
		CollisionProbability: CollisionProbability(distinct, generated),
	}}
	if distinct == 0 {
		res.Stats.Depth = 0
	}
	if f.ok {
		res.Verdict = Violation
		if f.prop == len(c.props) {
			res.Verdict = Deadlock
		}
		res.Property, res.Doc, res.Kind = c.violation(f.prop)
		fps, err := log.path(f.fp)
		if err != nil {
			return nil, err
		}
		if res.Trace, _, err = c.replay(fps, nil); err != nil {
			return nil, err
		}
	}
	res.Stats.Duration = time.Since(start)
	return res, nil
}

// witness rebuilds the path to fp and measures it.
func (c *Checker[S]) witness(log *traceLog, property string, fp uint64) (Witness, error) {
	fps, err := log.path(fp)
	if err != nil {
		return Witness{}, err
	}
	t, states, err := c.replay(fps, nil)
	if err != nil {
		return Witness{}, err
	}
	w := Witness{Property: property, Trace: t}
	if m, ok := c.m.(Meter[S]); ok {
		actions := make([]Action, len(t.Steps))
		for i, st := range t.Steps {
			actions[i] = st.Action
		}
		w.Costs = m.Measure(states, actions)
	}
	return w, nil
}
