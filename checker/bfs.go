package checker

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// candidate is a successor not in the visited set when its level began,
// with its rank: the position of its parent in the level and the order
// in which the parent emitted it. Of several candidates with one
// fingerprint the least rank is kept, so the parent recorded for every
// state, and with it every counterexample, is the one a single worker
// would find first, whatever the number of workers.
type candidate[S any] struct {
	rank uint64 // parent index << 32 | emit index
	fp   uint64
	s    S
}

// parts is the number of partitions of the fingerprint space: each level's
// candidates are sorted into them by fingerprint, and each partition is
// deduplicated and inserted by one worker, into the visited set's shard
// of the same number, so inserts need no locks.
const partBits = 8

// bfsWorker holds one worker's private buffers and counters.
type bfsWorker[S any] struct {
	buf       []byte
	out       [][]candidate[S] // this level's candidates, by partition
	heads     []int            // merge positions, one per worker
	direct    []candidate[S]   // with one worker: new states, in rank order
	coverage  []uint64
	generated uint64
	found     finding
	cutoff    bool     // a successor beyond the depth bound was not explored
	witness   []uint64 // per Sometimes property: least witness found in this level
}

// BFS explores the model breadth-first, level by level, with
// Options.Workers goroutines, and stops at the end of the first level in
// which a property is violated, so the counterexample is a shortest one.
// Everything it reports — verdict, counts, counterexamples, witnesses —
// is the same for any number of workers.
//
// A level runs in three phases. Expand: workers take chunks of the level
// and generate successors, keeping those whose fingerprint the visited
// set lacks (it is only read in this phase) as candidates, by partition.
// Insert: workers take partitions; each merges its partition's
// candidates by rank and inserts them in that order, so the least rank of
// each fingerprint is the one kept, and checks the new states' invariants. Order: the new states
// are put in rank order, which is the next level, and their (fingerprint,
// parent) records go to the trace log.
func (c *Checker[S]) BFS(ctx context.Context) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	workers := c.opts.Workers
	parts := 1 << partBits
	seen := newFPSet(partBits)
	log, err := newTraceLog(c.opts.TraceDir)
	if err != nil {
		return nil, err
	}
	defer log.close()

	ws := make([]*bfsWorker[S], workers)
	for i := range ws {
		ws[i] = &bfsWorker[S]{coverage: make([]uint64, len(c.kinds)), witness: make([]uint64, len(c.props)),
			out: make([][]candidate[S], parts)}
	}
	// witnessed[i] is set at the end of the first level where a state
	// satisfies Sometimes property i; witnessFP[i] is the least such
	// state's fingerprint, whose path becomes the reported witness.
	witnessed := make([]bool, len(c.props))
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

	// judge checks a state new to the visited set against the safety
	// properties, and notes it as a witness.
	judge := func(w *bfsWorker[S], s S, fp uint64, depth int) {
		if i := c.invariantFailure(s); i >= 0 {
			if f := (finding{depth: depth, prop: i, fp: fp, ok: true}); f.less(w.found) {
				w.found = f
			}
		}
		for i := range c.props {
			p := &c.props[i]
			if p.Kind == Sometimes && !witnessed[i] && (w.witness[i] == 0 || fp < w.witness[i]) && p.Holds(s) {
				w.witness[i] = fp
			}
		}
	}
	// parallel runs phase on every worker (inline with one).
	parallel := func(phase func(w *bfsWorker[S])) {
		if workers == 1 {
			phase(ws[0])
			return
		}
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Add(1)
			go func() { defer wg.Done(); phase(w) }()
		}
		wg.Wait()
	}

	// Level 0: the initial states, in the order Init gives them.
	w0 := ws[0]
	var generated uint64
	var level []entry[S]
	var records []byte
	for _, s := range c.m.Init() {
		generated++
		s = c.canonical(s)
		fp := c.fingerprint(s, &w0.buf)
		if seen.Insert(fp) {
			judge(w0, s, fp, 0)
			level = append(level, entry[S]{fp: fp, s: s})
			records = appendRecord(records, fp, 0)
		}
	}
	if len(level) == 0 {
		return nil, fmt.Errorf("%w: no initial state", ErrModel)
	}
	depth := 0 // the level being expanded; levels 0..depth hold states
	// settle ends a level: it writes the new states' trace records and
	// returns the least finding.
	settle := func() finding {
		log.write(records)
		records = records[:0]
		found := finding{}
		for _, w := range ws {
			if w.found.less(found) {
				found = w.found
			}
			for i, fp := range w.witness {
				if fp != 0 && !witnessed[i] && (witnessFP[i] == 0 || fp < witnessFP[i]) {
					witnessFP[i] = fp
				}
				w.witness[i] = 0
			}
		}
		for i, fp := range witnessFP {
			witnessed[i] = fp != 0
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
	var kept [][]candidate[S] // per partition: the new states of the level
	for len(level) > 0 {
		if ctx.Err() != nil {
			reason = "interrupted"
			break
		}
		cursor.Store(0)
		live.level.Store(int64(len(level)))
		bounded := c.opts.MaxDepth > 0 && depth >= c.opts.MaxDepth

		// Expand.
		parallel(func(w *bfsWorker[S]) {
			const chunk = 256
			for ctx.Err() == nil {
				lo := int(cursor.Add(chunk)) - chunk
				if lo >= len(level) {
					return
				}
				hi := min(lo+chunk, len(level))
				before := w.generated
				for i := lo; i < hi; i++ {
					e := &level[i]
					n := uint64(0)
					c.m.Next(e.s, func(a Action, s S) {
						rank := uint64(i)<<32 | n
						n++
						c.checkKind(a)
						w.coverage[a.Kind]++
						w.generated++
						s = c.canonical(s)
						fp := c.fingerprint(s, &w.buf)
						if bounded {
							if !seen.Contains(fp) {
								w.cutoff = true // beyond the bound: note it, explore nothing
							}
							return
						}
						if workers == 1 {
							// One worker expands in rank order, so the first
							// insert of a fingerprint is its least rank: insert
							// now and skip the partitions (same result, one
							// probe of the visited set instead of two).
							if seen.Insert(fp) {
								judge(w, s, fp, depth+1)
								w.direct = append(w.direct, candidate[S]{rank: rank, fp: fp, s: s})
							}
							return
						}
						if seen.Contains(fp) {
							return
						}
						p := fp & (1<<partBits - 1)
						w.out[p] = append(w.out[p], candidate[S]{rank: rank, fp: fp, s: s})
					})
					if n == 0 && !c.opts.AllowDeadlock && (c.terminal == nil || !c.terminal(e.s)) {
						if f := (finding{depth: depth, prop: len(c.props), fp: e.fp, ok: true}); f.less(w.found) {
							w.found = f
						}
					}
				}
				live.generated.Add(w.generated - before)
			}
		})
		if ctx.Err() != nil {
			reason = "interrupted"
			break
		}

		// Insert.
		if kept == nil {
			kept = make([][]candidate[S], parts)
		}
		var pcursor atomic.Int64
		if workers == 1 {
			pcursor.Store(int64(parts)) // inserted while expanding
			live.distinct.Add(uint64(len(ws[0].direct)))
		}
		parallel(func(w *bfsWorker[S]) {
			for {
				p := int(pcursor.Add(1)) - 1
				if p >= parts {
					return
				}
				// Each worker's candidates are in rank order (a worker takes
				// chunks in increasing order), so merging them by rank and
				// inserting in that order keeps the least rank of each
				// fingerprint: the first to insert it.
				k := kept[p][:0]
				heads := w.heads[:0]
				for range ws {
					heads = append(heads, 0)
				}
				for {
					best := -1
					for x, v := range ws {
						if heads[x] < len(v.out[p]) && (best < 0 || v.out[p][heads[x]].rank < ws[best].out[p][heads[best]].rank) {
							best = x
						}
					}
					if best < 0 {
						break
					}
					cd := &ws[best].out[p][heads[best]]
					heads[best]++
					if seen.Insert(cd.fp) {
						judge(w, cd.s, cd.fp, depth+1)
						k = append(k, *cd)
					}
				}
				for _, v := range ws {
					clear(v.out[p]) // drop the states for the collector
					v.out[p] = v.out[p][:0]
				}
				w.heads = heads
				kept[p] = k
				live.distinct.Add(uint64(len(k)))
			}
		})

		// Order: the next level in rank order (a counting sort by parent,
		// then by emit order within a parent; one worker's are in order).
		if workers == 1 {
			kept[0], ws[0].direct = ws[0].direct, kept[0][:0]
		}
		n := 0
		for _, k := range kept {
			n += len(k)
		}
		byParent := make([]int32, len(level)+1)
		for _, k := range kept {
			for _, cd := range k {
				byParent[cd.rank>>32+1]++
			}
		}
		for i := 1; i < len(byParent); i++ {
			byParent[i] += byParent[i-1]
		}
		order := make([]candidate[S], n)
		for _, k := range kept {
			for _, cd := range k {
				slot := &byParent[cd.rank>>32]
				order[*slot] = cd
				*slot++
			}
		}
		for i, j := 0, 0; i < n; i = j {
			for j = i + 1; j < n && order[j].rank>>32 == order[i].rank>>32; j++ {
			}
			if j-i > 1 {
				slices.SortFunc(order[i:j], func(a, b candidate[S]) int { return cmp.Compare(a.rank, b.rank) })
			}
		}
		next := make([]entry[S], n)
		for i, cd := range order {
			next[i] = entry[S]{fp: cd.fp, s: cd.s}
			records = appendRecord(records, cd.fp, level[cd.rank>>32].fp)
		}
		for p := range kept {
			clear(kept[p])
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
		if p := c.props[i]; p.Kind == Sometimes && !witnessed[i] {
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
