package checker

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
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
	buf      []byte
	out      [][]candidate[S] // this block's candidates, by partition
	heads    []int            // merge positions, one per worker
	coverage []uint64
	// emit is the worker's successor callback, made once per run so that
	// expanding a state allocates nothing; parent, pfp and n say whose
	// successors it is receiving.
	emit      func(Action, S)
	parent    int    // index in the level of the state being expanded
	pfp       uint64 // its fingerprint
	n         uint64 // successors it has emitted so far
	generated uint64
	found     finding
	cutoff    bool     // a successor beyond the depth bound was not explored
	witness   []uint64 // per Sometimes property: least witness found in this level
}

// spillBlock is the number of states a level is expanded at a time when
// a memory cap is set, so that the candidates of one block stay small.
const spillBlock = 4096

// BFS explores the model breadth-first, level by level, with
// Options.Workers goroutines, and stops at the end of the first level in
// which a property is violated, so the counterexample is a shortest one.
// Everything it reports — verdict, counts, counterexamples, witnesses —
// is the same for any number of workers.
//
// A level is expanded in blocks, in order (one block holds the whole level
// unless it is on disk or a memory cap is set). With several workers a
// block runs in three phases. Expand: workers take chunks of the block and
// generate successors, keeping those whose fingerprint the visited set
// lacks (it is only read in this phase) as candidates, by partition.
// Insert: workers take partitions; each merges its partition's candidates
// by rank and inserts them in that order, so the least rank of each
// fingerprint is the one kept, and checks the new states' invariants.
// Order: the new states are appended to the next level in rank order, and
// their (fingerprint, parent) records go to the trace log. Blocks run one
// after the other and ranks grow from block to block, so the first insert
// of a fingerprint is still its least rank. One worker expands in rank
// order and inserts as it goes, which gives the same result.
//
// With Options.MemLimit the next level moves to disk when the checker's
// data would pass the cap, and levels on disk are read back block by
// block; with Options.CheckpointDir the run writes checkpoints at level
// boundaries, and Options.Recover resumes from one.
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
	level := &frontier[S]{dir: c.opts.TraceDir}
	next := &frontier[S]{dir: c.opts.TraceDir}
	defer func() { level.release(); next.release() }()

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
		done                atomic.Int64  // states of the level expanded in earlier blocks
	}
	var cursor atomic.Int64 // next unclaimed index of the block being expanded
	stopProgress := c.startProgress(ctx, func() Progress {
		return Progress{
			Depth: int(live.depth.Load()), Distinct: live.distinct.Load(), Generated: live.generated.Load(),
			// The queue, as TLC reports it: states of this level not yet
			// claimed plus states found so far for the next one.
			Queue:   int(max(live.level.Load()-live.done.Load()-cursor.Load(), 0)) + int(live.distinct.Load()-live.levelStart.Load()),
			Elapsed: time.Since(start),
		}
	})
	defer stopProgress()
	peak := newPeakMemory()

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

	// Memory: the checker's own data (visited set, the two levels'
	// in-memory parts, one block's candidates) are kept within MemLimit by
	// moving the next level to disk; when that is not enough the run
	// stops. Only plain states (no pointers) can go to disk.
	memLimit := c.opts.MemLimit
	spillable := plainType(reflect.TypeFor[S]())
	var spilled uint64
	var memStop error // why the run stopped at the cap
	var ioErr error
	candBytes := uint64(unsafe.Sizeof(candidate[S]{}))
	used := func() uint64 {
		u := seen.Bytes() + level.memBytes() + next.memBytes()
		if workers > 1 {
			for _, w := range ws {
				for _, o := range w.out {
					u += uint64(cap(o)) * candBytes
				}
			}
		}
		return u
	}
	// fits keeps the data within the cap, spilling the next level if it
	// must, and reports false (with memStop set) when it cannot.
	fits := func() bool {
		if memLimit == 0 {
			return true
		}
		u := used()
		if u <= memLimit {
			return true
		}
		if spillable && len(next.mem) > 0 {
			spilled += uint64(len(next.mem))
			if ioErr = next.spill(); ioErr != nil {
				return false
			}
			if u = used(); u <= memLimit {
				return true
			}
		}
		why := "the frontier"
		if !spillable {
			why = "the frontier (this model's states hold pointers, so they cannot go to disk)"
		}
		memStop = fmt.Errorf("%w: --mem-limit %d bytes, the visited set needs %d and %s %d more",
			ErrMemoryLimit, memLimit, seen.Bytes(), why, u-seen.Bytes())
		return false
	}

	var generated uint64
	var records []byte
	depth := 0 // the level being expanded; levels 0..depth hold states
	// settle ends a level: it returns the least finding and merges the
	// workers' witnesses.
	settle := func() finding {
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
		peak.sample()
		return found
	}
	result := func(f finding) (*Result, error) {
		res, err := c.bfsResult(start, ws, seen, log, generated, depth+1, f)
		if res != nil {
			res.Stats.PeakMemory, res.Stats.Spilled = peak.max, spilled
		}
		return res, err
	}

	if c.opts.Recover != "" {
		ck, err := c.loadCheckpoint(c.opts.Recover, seen, log, level)
		if err != nil {
			return nil, err
		}
		depth, generated = ck.Depth, ck.Generated
		// The run's time goes on from the checkpoint's, so that rates
		// stay true.
		start = start.Add(-time.Duration(ck.Elapsed * float64(time.Second)))
		copy(ws[0].coverage, ck.Coverage)
		copy(witnessFP, ck.WitnessFP)
		for i, fp := range witnessFP {
			witnessed[i] = fp != 0
		}
		live.distinct.Store(uint64(seen.Len()))
		live.levelStart.Store(uint64(seen.Len()))
		live.depth.Store(int64(depth + 1))
		live.generated.Store(generated)
	} else {
		// Level 0: the initial states, in the order Init gives them.
		w0 := ws[0]
		for _, s := range c.m.Init() {
			generated++
			s = c.canonical(s)
			fp := c.fingerprint(s, &w0.buf)
			if seen.Insert(fp) {
				judge(w0, s, fp, 0)
				level.add(entry[S]{fp: fp, s: s})
				records = appendRecord(records, fp, 0)
			}
		}
		if level.len() == 0 {
			return nil, fmt.Errorf("%w: no initial state", ErrModel)
		}
		log.write(records)
		records = records[:0]
		if found := settle(); found.ok {
			return result(found)
		}
	}

	bounded := false
	// Each worker's successor callback. With one worker it inserts at
	// once: one worker expands in rank order, so the first insert of a
	// fingerprint is its least rank (one probe of the visited set instead
	// of two, and no partitions).
	for _, w := range ws {
		w.emit = func(a Action, s S) {
			rank := uint64(w.parent)<<32 | w.n
			w.n++
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
				if seen.Insert(fp) {
					judge(w, s, fp, depth+1)
					next.add(entry[S]{fp: fp, s: s})
					records = appendRecord(records, fp, w.pfp)
				}
				return
			}
			if seen.Contains(fp) {
				return
			}
			p := fp & (1<<partBits - 1)
			w.out[p] = append(w.out[p], candidate[S]{rank: rank, fp: fp, s: s})
		}
	}
	// expandState generates s's successors and notes a deadlock.
	expandState := func(w *bfsWorker[S], index int, e *entry[S]) {
		w.parent, w.pfp, w.n = index, e.fp, 0
		c.m.Next(e.s, w.emit)
		if w.n == 0 && !c.opts.AllowDeadlock && (c.terminal == nil || !c.terminal(e.s)) {
			if f := (finding{depth: depth, prop: len(c.props), fp: e.fp, ok: true}); f.less(w.found) {
				w.found = f
			}
		}
	}
	// A run that writes checkpoints finishes the level under way when it
	// is interrupted, so that the checkpoint it then writes is consistent.
	finishLevel := c.opts.CheckpointDir != ""
	halted := func() bool { return (ctx.Err() != nil && !finishLevel) || memStop != nil || ioErr != nil }

	// blockOne expands a block with one worker.
	blockOne := func(base int, block []entry[S]) bool {
		w := ws[0]
		const chunk = 256
		for lo := 0; lo < len(block); lo += chunk {
			if halted() {
				return false
			}
			before := w.generated
			hi := min(lo+chunk, len(block))
			for i := lo; i < hi; i++ {
				expandState(w, base+i, &block[i])
			}
			cursor.Store(int64(hi))
			live.generated.Add(w.generated - before)
			live.distinct.Store(uint64(seen.Len()))
			if len(records) >= 1<<16 {
				log.write(records)
				records = records[:0]
			}
			if !fits() {
				return false
			}
		}
		log.write(records)
		records = records[:0]
		return true
	}

	var kept [][]candidate[S] // per partition: the new states of the block
	var byParent []int32
	var order []candidate[S]
	// blockMany expands a block with several workers in three phases.
	blockMany := func(base int, block []entry[S]) bool {
		// Expand.
		cursor.Store(0)
		parallel(func(w *bfsWorker[S]) {
			const chunk = 256
			for !halted() {
				lo := int(cursor.Add(chunk)) - chunk
				if lo >= len(block) {
					return
				}
				hi := min(lo+chunk, len(block))
				before := w.generated
				for i := lo; i < hi; i++ {
					expandState(w, base+i, &block[i])
				}
				live.generated.Add(w.generated - before)
			}
		})
		if halted() || bounded {
			return !halted()
		}

		// Insert.
		if kept == nil {
			kept = make([][]candidate[S], parts)
		}
		var pcursor atomic.Int64
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
				w.heads = heads
				kept[p] = k
				live.distinct.Add(uint64(len(k)))
			}
		})

		// Order: the block's new states in rank order (a counting sort by
		// parent, then by emit order within a parent).
		n := 0
		for _, k := range kept {
			n += len(k)
		}
		byParent = slices.Grow(byParent[:0], len(block)+1)[:len(block)+1]
		clear(byParent)
		for _, k := range kept {
			for _, cd := range k {
				byParent[int(cd.rank>>32)-base+1]++
			}
		}
		for i := 1; i < len(byParent); i++ {
			byParent[i] += byParent[i-1]
		}
		order = slices.Grow(order[:0], n)[:n]
		for _, k := range kept {
			for _, cd := range k {
				slot := &byParent[int(cd.rank>>32)-base]
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
		for _, cd := range order {
			next.add(entry[S]{fp: cd.fp, s: cd.s})
			records = appendRecord(records, cd.fp, block[int(cd.rank>>32)-base].fp)
		}
		log.write(records)
		records = records[:0]
		clear(order)
		for p := range kept {
			clear(kept[p])
		}
		for _, w := range ws {
			for p := range w.out {
				clear(w.out[p]) // drop the states for the collector
				w.out[p] = w.out[p][:0]
				if memLimit > 0 {
					w.out[p] = nil // and under a cap their memory too
				}
			}
		}
		return fits()
	}
	block := blockMany
	if workers == 1 {
		block = blockOne
	}

	reason := ""
	lastCheckpoint := time.Now()
	every := c.opts.CheckpointEvery
	if every <= 0 {
		every = DefaultCheckpointEvery
	}
	for level.len() > 0 {
		if c.opts.CheckpointDir != "" && (ctx.Err() != nil || time.Since(lastCheckpoint) >= every) {
			if err := c.writeCheckpoint(c.opts.CheckpointDir, checkpointData{
				Depth: depth, Generated: c.totalGenerated(ws, generated), Coverage: c.totalCoverage(ws),
				WitnessFP: witnessFP, Elapsed: time.Since(start).Seconds()}, seen, log, level); err != nil {
				return nil, err
			}
			lastCheckpoint = time.Now()
		}
		if ctx.Err() != nil {
			reason = "interrupted"
			if c.opts.CheckpointDir != "" {
				reason += "; checkpoint written to " + c.opts.CheckpointDir
			}
			break
		}
		live.level.Store(int64(level.len()))
		live.done.Store(0)
		bounded = c.opts.MaxDepth > 0 && depth >= c.opts.MaxDepth
		size := math.MaxInt
		if memLimit > 0 {
			if spillable && (spilled > 0 || level.memBytes() > (memLimit-min(memLimit, seen.Bytes()))/2) {
				// Once the frontier has gone to disk, or when this level
				// takes half of what the cap leaves: put the level on disk,
				// to be read back a block at a time, for the level being
				// expanded cannot be let go of.
				spilled += uint64(len(level.mem))
				if err := level.spill(); err != nil {
					return nil, err
				}
			}
			// Blocks small enough that their candidates fit in what the
			// cap leaves beside the visited set and the levels.
			head := memLimit - min(memLimit, used())
			size = min(max(int(head/(16*candBytes)), 16), spillBlock)
		}
		completed := true
		if err := level.blocks(size, func(base int, blk []entry[S]) bool {
			live.done.Store(int64(base))
			completed = block(base, blk)
			return completed
		}); err != nil {
			return nil, err
		}
		if ioErr != nil {
			return nil, ioErr
		}
		if !completed {
			if memStop != nil {
				reason = memStop.Error()
			} else {
				reason = "interrupted"
			}
			break
		}
		spare := level.release()
		level, next = next, level
		if memLimit == 0 {
			next.mem = spare // reuse the memory; under a cap, give it back
		}
		if level.len() > 0 {
			depth++
		}
		if found := settle(); found.ok {
			return result(found)
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
	peak.sample()
	res, err := result(finding{})
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

// totalGenerated is the run's generated count so far.
func (c *Checker[S]) totalGenerated(ws []*bfsWorker[S], initial uint64) uint64 {
	for _, w := range ws {
		initial += w.generated
	}
	return initial
}

// totalCoverage sums the workers' per-kind counters.
func (c *Checker[S]) totalCoverage(ws []*bfsWorker[S]) []uint64 {
	counts := make([]uint64, len(c.kinds))
	for _, w := range ws {
		for i, n := range w.coverage {
			counts[i] += n
		}
	}
	return counts
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
