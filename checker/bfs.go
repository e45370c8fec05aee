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

// Ranks: a successor's rank is the position of its parent in the level
// and the order in which the parent emitted it (parent index << 32 | emit
// index). Of several successors with one fingerprint the least rank is
// kept, so the parent recorded for every state, and with it every
// counterexample, is the one a single worker would find first, whatever
// the number of workers.

// partBits: the visited set has 1<<partBits shards, picked by a
// fingerprint's low bits; several workers resolve a block's duplicates
// shard by shard.
const partBits = 8

// freshState is a state a worker inserted into the visited set first in
// this block, with the least rank seen so far of those that reached it.
type freshState[S any] struct {
	fp, rank uint64
	s        S
}

// dupRank is a successor that found its state inserted earlier in the
// same block: its rank may be less than the first finder's.
type dupRank struct{ fp, rank uint64 }

// bfsWorker holds one worker's private buffers and counters.
type bfsWorker[S any] struct {
	buf []byte
	// Several workers: this block's new states and duplicates, by shard;
	// inserts per shard; successors left for after the block because
	// their shard's budget was spent.
	fresh    []freshState[S]  // in the order inserted: by rank, but for overflow
	byShard  [][]int32        // indices into fresh, by shard
	kept     []*freshState[S] // the order phase's in-order part of fresh
	dups     [][]dupRank
	firsts   map[uint64]*freshState[S] // resolve's index of a shard's new states
	used     []int
	overflow []pendingSucc[S]
	coverage []uint64
	// emit is the worker's successor callback, made once per run so that
	// expanding a state allocates nothing; parent, pfp and n say whose
	// successors it is receiving.
	emit      func(Action, S)
	parent    int    // index in the level of the state being expanded
	pfp       uint64 // its fingerprint
	n         uint64 // successors it has emitted so far
	generated uint64
	// Successors wait in a small ring (pending[head-queued .. head),
	// oldest first) between their fingerprint and their probe of the
	// visited set, so that the set's cache line for each is prefetched
	// while the model generates the next few.
	pending [pendingDepth]pendingSucc[S]
	head    uint
	queued  uint
	found   finding
	cutoff  bool     // a successor beyond the depth bound was not explored
	witness []uint64 // per Sometimes property: least witness found in this level
}

// pendingDepth is how many successors one worker keeps between prefetch
// and insert (a power of two). With 8 the ring model's probes still
// waited on memory; 16 and 32 measured alike (16 keeps the ring of
// states small enough for the L1 cache).
const pendingDepth = 16

// pendingSucc is a successor waiting for its insert.
type pendingSucc[S any] struct {
	fp, parent, rank uint64
	s                S
}

// spillBlock is the most states a level is expanded at a time when a
// memory cap is set, so that the new states of one block stay small.
const spillBlock = 4096

// BFS explores the model breadth-first, level by level, with
// Options.Workers goroutines, and stops at the end of the first level in
// which a property is violated, so the counterexample is a shortest one.
// Everything it reports — verdict, counts, counterexamples, witnesses —
// is the same for any number of workers.
//
// A level is expanded in blocks, in order (one block holds the whole level
// with one worker, unless it is on disk or a memory cap is set). One
// worker expands in rank order and inserts each successor as it comes, so
// the first insert of a fingerprint is its least rank. Several workers
// run a block in three phases. Expand: workers take chunks of the block,
// generate successors and insert them into the visited set concurrently
// (insertShared), each keeping the states it inserted first and the
// successors that found a state inserted earlier in the same block.
// Resolve: shard by shard, each new state gets the least rank of those
// that reached it. Order: the new states go to the next level in rank
// order, and their (fingerprint, parent) records to the trace log. Blocks
// run one after the other and ranks grow from block to block, so a state
// first found in a block has its least rank there.
//
// Successors wait a few at a time between their fingerprint and their
// probe, so that the visited set's cache line for each is prefetched
// while the model generates the next ones.
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
	defer func() { level.release(false); next.release(false) }()

	ws := make([]*bfsWorker[S], workers)
	for i := range ws {
		ws[i] = &bfsWorker[S]{coverage: make([]uint64, len(c.kinds)), witness: make([]uint64, len(c.props)),
			byShard: make([][]int32, parts), dups: make([][]dupRank, parts), used: make([]int, parts)}
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
	// It takes the state by pointer: a state may be large, and every
	// call that takes one by value copies it.
	var sometimes []int // indices of the Sometimes properties
	for i, p := range c.props {
		if p.Kind == Sometimes {
			sometimes = append(sometimes, i)
		}
	}
	judge := func(w *bfsWorker[S], s *S, fp uint64, depth int) {
		if i := c.invariantFailure(s); i >= 0 {
			if f := (finding{depth: depth, prop: i, fp: fp, ok: true}); f.less(w.found) {
				w.found = f
			}
		}
		for _, i := range sometimes {
			if !witnessed[i] && (w.witness[i] == 0 || fp < w.witness[i]) && c.props[i].Holds(*s) {
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
	// in-memory parts, one block's new states) are kept within MemLimit by
	// moving the next level to disk; when that is not enough the run
	// stops. Only plain states (no pointers) can go to disk.
	memLimit := c.opts.MemLimit
	spillable := plainType(reflect.TypeFor[S]())
	var spilled uint64
	var memStop error // why the run stopped at the cap
	var ioErr error
	candBytes := uint64(unsafe.Sizeof(freshState[S]{}))
	used := func() uint64 {
		u := seen.Bytes() + level.memBytes() + next.memBytes()
		if workers > 1 {
			for _, w := range ws {
				u += uint64(cap(w.fresh)) * candBytes
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
		memStop = fmt.Errorf("%w: the cap is %d bytes, the visited set needs %d and %s %d more",
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
				judge(w0, &s, fp, 0)
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
	budget := make([]int, parts) // several workers: per shard, inserts each may make in this block
	// probe settles a waiting successor. One worker inserts it: it expands
	// in rank order, so the first insert of a fingerprint is its least
	// rank. Several insert it concurrently, within their budget
	// for its shard (no shard grows during a block), and keep it if it is
	// new to the block or a duplicate of a state new to the block.
	probe := func(w *bfsWorker[S], q *pendingSucc[S]) {
		if workers == 1 {
			if seen.Insert(q.fp) {
				judge(w, &q.s, q.fp, depth+1)
				next.add(entry[S]{fp: q.fp, s: q.s})
				records = appendRecord(records, q.fp, q.parent)
			}
			return
		}
		p := q.fp & (1<<partBits - 1)
		if w.used[p] == budget[p] {
			w.overflow = append(w.overflow, *q)
			return
		}
		switch _, outcome := seen.shards[p].insertShared(q.fp); outcome {
		case probeFresh:
			w.used[p]++
			judge(w, &q.s, q.fp, depth+1)
			w.byShard[p] = append(w.byShard[p], int32(len(w.fresh)))
			w.fresh = append(w.fresh, freshState[S]{fp: q.fp, rank: q.rank, s: q.s})
		case probeDup:
			w.dups[p] = append(w.dups[p], dupRank{fp: q.fp, rank: q.rank})
		}
	}
	// drain settles every waiting successor, oldest first.
	drain := func(w *bfsWorker[S]) {
		for ; w.queued > 0; w.queued-- {
			probe(w, &w.pending[(w.head-w.queued)%pendingDepth])
		}
	}
	// Each worker's successor callback.
	for _, w := range ws {
		w.emit = func(a Action, s S) {
			rank := uint64(w.parent)<<32 | w.n
			w.n++
			c.checkKind(a)
			w.coverage[a.Kind]++
			w.generated++
			if c.canon != nil { // not c.canonical(s): that copies the state twice
				s = c.canon(s)
			}
			fp := c.fingerprintAt(&s, &w.buf)
			if bounded {
				if !seen.Contains(fp) {
					w.cutoff = true // beyond the bound: note it, explore nothing
				}
				return
			}
			seen.prefetch(fp)
			q := &w.pending[w.head%pendingDepth]
			if w.queued == pendingDepth {
				probe(w, q) // the oldest, whose line has had time to arrive
			} else {
				w.queued++
			}
			q.fp, q.parent, q.rank, q.s = fp, w.pfp, rank, s
			w.head++
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
			drain(w)
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

	branching := 8.0 // successors per state, as seen so far
	expanded := 0    // states expanded so far
	// blockMany expands a block with several workers, which insert into
	// the visited set concurrently (insertShared). Which worker inserts a
	// state first depends on timing; what is kept does not: each new
	// state's parent is the least rank among those that reached it (its
	// own and its duplicates'), and the new states go to the next level
	// sorted by that rank, as one worker would have found them.
	blockMany := func(base int, block []entry[S]) bool {
		// Room in every shard for what the block may insert, so that no
		// shard grows while workers probe it.
		expect := int(float64(len(block))*branching/float64(parts)*1.5) + workers
		for p := range seen.shards {
			sh := &seen.shards[p]
			sh.prepareShared(expect)
			budget[p] = sh.room() / workers
		}
		// Expand and insert.
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
				drain(w)
				live.generated.Add(w.generated - before)
			}
		})
		inserted := 0
		for _, w := range ws {
			for p, n := range w.used {
				seen.shards[p].count += n
				inserted += n
				w.used[p] = 0
			}
		}
		if halted() || bounded {
			return !halted()
		}
		// Successors that found their shard's budget spent: settle them
		// now, one at a time, against this block's new states of their
		// shard and the visited set (which may grow here: the fresh bits
		// are not needed for them).
		var firsts map[uint64]*freshState[S]
		for _, w := range ws {
			slices.SortFunc(w.overflow, func(a, b pendingSucc[S]) int {
				return cmp.Compare(a.fp&(1<<partBits-1), b.fp&(1<<partBits-1))
			})
			shard := -1
			for i := range w.overflow {
				q := &w.overflow[i]
				p := int(q.fp & (1<<partBits - 1))
				if p != shard {
					shard = p
					firsts = map[uint64]*freshState[S]{}
					for _, v := range ws {
						for _, j := range v.byShard[p] {
							firsts[v.fresh[j].fp] = &v.fresh[j]
						}
					}
				}
				if f, ok := firsts[q.fp]; ok {
					f.rank = min(f.rank, q.rank)
					continue
				}
				if seen.Contains(q.fp) {
					continue
				}
				seen.Insert(q.fp)
				inserted++
				judge(w, &q.s, q.fp, depth+1)
				w.byShard[p] = append(w.byShard[p], int32(len(w.fresh)))
				w.fresh = append(w.fresh, freshState[S]{fp: q.fp, rank: q.rank, s: q.s})
				// Appending may have moved the list: map it again.
				shard = -1
			}
			clear(w.overflow)
			w.overflow = w.overflow[:0]
		}
		// Resolve: a state reached more than once in the block keeps the
		// least rank of those who reached it. Shards in parallel.
		var pcursor atomic.Int64
		parallel(func(w *bfsWorker[S]) {
			if w.firsts == nil {
				w.firsts = map[uint64]*freshState[S]{}
			}
			for {
				p := int(pcursor.Add(1)) - 1
				if p >= parts {
					return
				}
				sh := &seen.shards[p]
				clear(sh.fresh)
				ndup := 0
				for _, v := range ws {
					ndup += len(v.dups[p])
				}
				if ndup == 0 {
					continue
				}
				firsts := w.firsts
				clear(firsts)
				for _, v := range ws {
					for _, j := range v.byShard[p] {
						firsts[v.fresh[j].fp] = &v.fresh[j]
					}
				}
				for _, v := range ws {
					for _, d := range v.dups[p] {
						f, ok := firsts[d.fp]
						if !ok {
							panic("checker: a duplicate of this block's state has no first occurrence")
						}
						f.rank = min(f.rank, d.rank)
					}
					v.dups[p] = v.dups[p][:0]
				}
			}
		})
		live.distinct.Add(uint64(inserted))

		// Order: the block's new states to the next level by rank. Each
		// worker's are in rank order already (it takes chunks in order),
		// except those whose rank a duplicate lowered and those settled
		// after the block (overflow): those go to a list of their own,
		// sorted; then the lists are merged.
		var moved []*freshState[S]
		heads := make([][]*freshState[S], 0, len(ws)+1)
		for _, w := range ws {
			kept := w.kept[:0]
			var top uint64
			for i := range w.fresh {
				f := &w.fresh[i]
				if len(kept) > 0 && f.rank < top {
					moved = append(moved, f)
					continue
				}
				kept = append(kept, f)
				top = f.rank
			}
			w.kept = kept
			heads = append(heads, kept)
			for p := range w.byShard {
				w.byShard[p] = w.byShard[p][:0]
			}
		}
		slices.SortFunc(moved, func(a, b *freshState[S]) int { return cmp.Compare(a.rank, b.rank) })
		heads = append(heads, moved)
		for {
			best := -1
			for x, h := range heads {
				if len(h) > 0 && (best < 0 || h[0].rank < heads[best][0].rank) {
					best = x
				}
			}
			if best < 0 {
				break
			}
			f := heads[best][0]
			heads[best] = heads[best][1:]
			next.add(entry[S]{fp: f.fp, s: f.s})
			records = appendRecord(records, f.fp, block[int(f.rank>>32)-base].fp)
		}
		log.write(records)
		records = records[:0]
		for _, w := range ws {
			clear(w.kept) // pointers into fresh
			if !spillable {
				clear(w.fresh) // drop what the states point to, for the collector
			}
			w.fresh = w.fresh[:0]
			if memLimit > 0 {
				w.fresh = nil // under a cap, give the memory back
			}
		}
		expanded += len(block)
		branching = float64(c.totalGenerated(ws, 0)) / float64(expanded)
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
			// Blocks small enough that their new states fit in what the
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
		spare := level.release(!spillable)
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
