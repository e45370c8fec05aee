package checker

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"runtime"
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
// and the order in which the parent emitted it. Of several successors
// with one fingerprint the least rank is kept, so the parent recorded for
// every state, and with it every counterexample, is the one a single
// worker would find first, whatever the number of workers. No rank is
// stored: the visited set sees successors in rank order (see BFS), so
// the first insert of a fingerprint is its least rank.

// partBits: the visited set has 1<<partBits shards, picked by a
// fingerprint's low bits. With several workers each shard has one owner,
// the only worker that reads or writes it while a level is expanded.
const partBits = 8

// succ is a successor that the worker which generated it keeps until the
// owner of its fingerprint has said whether it is new.
type succ[S any] struct {
	fp, parent uint64 // parent: its parent's fingerprint
	s          S
}

// claim is what a successor's owner is sent: its fingerprint and its
// index among its chunk's successors.
type claim struct {
	fp uint64
	i  uint32
}

// bfsWorker holds one worker's private buffers and counters.
type bfsWorker[S any] struct {
	id  int
	buf []byte
	// Several workers: succs holds the successors of the chunk under way
	// in rank order, out[o] the claims on them sent to owner o; spare
	// holds emptied succs buffers for reuse, mine the chunks this worker
	// generated and has not yet placed, in order; at[o] is how far it has
	// merged owner o's new states of the chunk it is placing.
	succs    []succ[S]
	out      [][]claim
	spare    [][]succ[S]
	mine     []int
	at       []int
	coverage []uint64
	// emit is the worker's successor callback, made once per run so that
	// expanding a state allocates nothing; pfp and n say whose successors
	// it is receiving.
	emit      func(Action, S)
	pfp       uint64 // the fingerprint of the state being expanded
	n         uint64 // successors it has emitted so far
	generated uint64
	// One worker: successors wait in a small ring
	// (pending[head-queued .. head), oldest first) between their
	// fingerprint and their probe of the visited set, so that the set's
	// cache line for each is prefetched while the model generates the
	// next few.
	pending [pendingDepth]pendingSucc[S]
	head    uint
	queued  uint
	found   finding
	cutoff  bool     // a successor beyond the depth bound was not explored
	witness []uint64 // per Sometimes property: least witness found in this level
	_       [64]byte // no cache line shared with the next worker's data
}

// apart makes a slice of n elements on cache lines of its own. Workers
// write theirs for every successor (counters, the lengths of their
// buffers), and two workers' small slices side by side on one line slow
// both down badly (false sharing).
func apart[E any](n int) []E {
	var e E
	pad := (64 + int(unsafe.Sizeof(e)) - 1) / max(int(unsafe.Sizeof(e)), 1)
	return make([]E, n+2*pad)[pad : pad+n : pad+n]
}

// pendingDepth is how many successors one worker keeps between prefetch
// and insert (a power of two). With 8 the ring model's probes still
// waited on memory; 16 and 32 measured alike (16 keeps the ring of
// states small enough for the L1 cache).
const pendingDepth = 16

// pendingSucc is a successor waiting for its insert.
type pendingSucc[S any] struct {
	fp, parent uint64
	s          S
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
// the first insert of a fingerprint is its least rank.
//
// Several workers partition the visited set: every shard has one owner,
// the only worker that touches it, and nothing on the hot path is shared
// or atomic. Workers claim chunks of the block in order and expand them.
// A worker keeps a chunk's successors and sends each owner only claims —
// a fingerprint and the successor's index in the chunk — so states never
// cross between cores. Each owner answers its claims chunk by chunk in
// chunk order (between its own chunks, and after the last), inserting
// the fingerprints and noting which were new. Chunks are claimed in order
// and a chunk's claims are in rank order, so an owner sees its
// fingerprints in rank order and, as one worker does, first inserts each
// at its least rank. Once all owners have answered a chunk, the worker
// that generated it judges its new states and writes them, in rank
// order, to the next level and their (fingerprint, parent) records to the
// trace log, at the places that the owners' running counts give, which
// are those one worker would have used. Workers wait for each other only
// at the end of a block.
//
// Successors wait a few at a time between their fingerprint and their
// probe (one worker) or owners look a few claims ahead (several), so that
// the visited set's cache line for each is prefetched before it is
// probed.
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
		// buf: 256 bytes is a size class of whole cache lines, shared with
		// no other worker.
		ws[i] = &bfsWorker[S]{id: i, buf: make([]byte, 0, 256), coverage: apart[uint64](len(c.kinds)), witness: apart[uint64](len(c.props)),
			out: apart[[]claim](workers), at: apart[int](workers)}
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
	team := newCrew(workers)
	defer team.stop()
	parallel := func(phase func(w *bfsWorker[S])) {
		team.run(func(id int) { phase(ws[id]) })
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
	succBytes := uint64(unsafe.Sizeof(succ[S]{}))
	var claims [][]claim // several workers: per chunk and owner, claims sent
	var fresh [][]uint32 // per chunk and owner, the indices of new successors
	used := func() uint64 {
		u := seen.Bytes() + level.memBytes() + next.memBytes()
		for _, w := range ws {
			for _, b := range w.spare {
				u += uint64(cap(b)) * succBytes
			}
		}
		for i := range claims {
			u += uint64(cap(claims[i]))*uint64(unsafe.Sizeof(claim{})) + uint64(cap(fresh[i]))*4
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
	// Several workers: the last block's trace records, which worker 0
	// writes at the start of the next block, where the other workers'
	// taking more chunks makes up for its time, instead of all waiting.
	// Anything that reads the log writes them first (flushLog).
	var unwritten []byte
	flushLog := func() {
		log.write(unwritten)
		unwritten = unwritten[:0]
	}
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
		flushLog()
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
	// probe inserts a waiting successor (one worker): it expands in rank
	// order, so the first insert of a fingerprint is its least rank.
	probe := func(w *bfsWorker[S], q *pendingSucc[S]) {
		if seen.Insert(q.fp) {
			judge(w, &q.s, q.fp, depth+1)
			next.add(entry[S]{fp: q.fp, s: q.s})
			records = appendRecord(records, q.fp, q.parent)
		}
	}
	// owner[p] is the worker that owns shard p (several workers).
	owner := make([]int32, parts)
	for p := range owner {
		owner[p] = int32(p % workers)
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
			if workers > 1 {
				i := len(w.succs)
				if i == cap(w.succs) {
					w.succs = slices.Grow(w.succs, max(i, 64))
				}
				w.succs = w.succs[:i+1]
				q := &w.succs[i] // filled in place: no zeroed temporary
				q.fp, q.parent, q.s = fp, w.pfp, s
				o := owner[fp&(1<<partBits-1)]
				w.out[o] = append(w.out[o], claim{fp: fp, i: uint32(i)})
				return
			}
			seen.prefetch(fp)
			q := &w.pending[w.head%pendingDepth]
			if w.queued == pendingDepth {
				probe(w, q) // the oldest, whose line has had time to arrive
			} else {
				w.queued++
			}
			q.fp, q.parent, q.s = fp, w.pfp, s
			w.head++
		}
	}
	// expandState generates s's successors and notes a deadlock.
	expandState := func(w *bfsWorker[S], e *entry[S]) {
		w.pfp, w.n = e.fp, 0
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
	blockOne := func(block []entry[S]) bool {
		w := ws[0]
		const chunk = 256
		for lo := 0; lo < len(block); lo += chunk {
			if halted() {
				return false
			}
			before := w.generated
			hi := min(lo+chunk, len(block))
			for i := lo; i < hi; i++ {
				expandState(w, &block[i])
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

	// Several workers. Per chunk k of the block under way, and owner o:
	// claims[k*workers+o] is what chunk k sent to o, ready[k] is set once
	// all of it is sent, and held[k] holds the chunk's successors;
	// fresh[k*workers+o] is the indices of those o found new, in order,
	// upTo[k*workers+o] how many o found new in chunks 0..k, and owed[k]
	// counts the owners yet to answer chunk k.
	var (
		ready []atomic.Bool
		owed  []atomic.Int32
		held  [][]succ[S]
		upTo  []int
	)
	// take inserts the fingerprints that chunk k sent to owner w, in rank
	// order, prefetching the visited set's lines a few ahead, and notes
	// which were new.
	take := func(w *bfsWorker[S], k int) {
		j := k*workers + w.id
		cl, f := claims[j], fresh[j][:0]
		for i := range cl {
			if a := i + pendingDepth; a < len(cl) {
				seen.prefetch(cl[a].fp)
			}
			if seen.Insert(cl[i].fp) {
				f = append(f, cl[i].i)
			}
		}
		fresh[j] = f
		n := len(f)
		if k > 0 {
			n += upTo[j-workers]
		}
		upTo[j] = n
		owed[k].Add(-1)
	}
	// The next level's states and the block's trace records are written
	// by several workers at once, each to its own chunk's places;
	// growing them moves them, so it waits for the writers (write lock).
	var moving sync.RWMutex
	yield := 2.0 // new states per expanded state, as seen in the last block
	// place judges chunk k's new states and writes them, in rank order,
	// to the next level after those of chunks 0..k-1, with their trace
	// records. The worker that generated the chunk places it, once every
	// owner has answered.
	place := func(w *bfsWorker[S], k int, first int) {
		at, n := 0, 0
		for o := range workers {
			if k > 0 {
				at += upTo[(k-1)*workers+o]
			}
			n += len(fresh[k*workers+o])
			w.at[o] = 0
		}
		moving.RLock()
		for first+at+n > cap(next.mem) || (at+n)*logRecord > cap(records) {
			moving.RUnlock()
			moving.Lock()
			next.mem = reserve(next.mem, first+at+n, cap(next.mem))
			records = reserve(records, (at+n)*logRecord, cap(records))
			moving.Unlock()
			moving.RLock()
		}
		mem, rec := next.mem[:cap(next.mem)], records[:cap(records)]
		news := fresh[k*workers : (k+1)*workers]
		ss := held[k]
		for end := at + n; at < end; at++ {
			o := -1
			for x, f := range news {
				if w.at[x] < len(f) && (o < 0 || f[w.at[x]] < news[o][w.at[o]]) {
					o = x
				}
			}
			q := &ss[news[o][w.at[o]]]
			w.at[o]++
			judge(w, &q.s, q.fp, depth+1)
			mem[first+at] = entry[S]{fp: q.fp, s: q.s}
			putRecord(rec[at*logRecord:], q.fp, q.parent)
		}
		moving.RUnlock()
		live.distinct.Add(uint64(n)) // for progress reports, as the level goes
		if !spillable {
			clear(ss) // drop what the states point to, for the collector
		}
		w.spare = append(w.spare, ss[:0])
		held[k] = nil
	}
	// blockMany expands a block with several workers, each the owner of
	// the shards p with p%workers == its id.
	blockMany := func(block []entry[S]) bool {
		// Chunks small enough that every worker gets several (a worker
		// waits at the end of the block for the last one to finish) and
		// that a chunk's successors stay in the cache until placed.
		chunk := min(128, max(16, len(block)/(8*workers)))
		nchunks := (len(block) + chunk - 1) / chunk
		if cap(ready) < nchunks {
			ready, owed, held = make([]atomic.Bool, nchunks), make([]atomic.Int32, nchunks), make([][]succ[S], nchunks)
			claims = slices.Grow(claims[:0], nchunks*workers)
			fresh = slices.Grow(fresh[:0], nchunks*workers)
			upTo = make([]int, nchunks*workers)
		}
		ready, owed, held, upTo = ready[:nchunks], owed[:nchunks], held[:nchunks], upTo[:nchunks*workers]
		claims, fresh = claims[:nchunks*workers], fresh[:nchunks*workers]
		for k := range ready {
			ready[k].Store(false)
			owed[k].Store(int32(workers))
		}
		// Room for as many new states as the last block's yield predicts,
		// so that the level seldom moves while workers write it.
		first := len(next.mem)
		guess := int(float64(len(block))*yield*1.25) + 64
		next.mem = reserve(next.mem, first+guess, first)
		records = reserve(records[:0], guess*logRecord, 0)
		cursor.Store(0)
		parallel(func(w *bfsWorker[S]) {
			taken := 0 // chunks whose claims on w it has answered
			// settle answers w's claims in chunk order as far as they are
			// sent, or, with wait, all of them.
			settle := func(wait bool) {
				for taken < nchunks {
					if !ready[taken].Load() {
						if !wait {
							return
						}
						runtime.Gosched()
						continue
					}
					take(w, taken)
					taken++
				}
			}
			// placeMine places w's chunks in order as far as they are
			// answered, or, with wait, all of them.
			placeMine := func(wait bool) {
				for len(w.mine) > 0 {
					if owed[w.mine[0]].Load() != 0 {
						if !wait {
							return
						}
						runtime.Gosched()
						continue
					}
					place(w, w.mine[0], first)
					w.mine = w.mine[1:]
				}
			}
			if w.id == 0 {
				flushLog()
			}
			w.mine = w.mine[:0]
			for {
				lo := int(cursor.Add(int64(chunk))) - chunk
				if lo >= len(block) {
					break
				}
				k := lo / chunk
				if n := len(w.spare); n > 0 {
					w.succs, w.spare = w.spare[n-1], w.spare[:n-1]
				}
				for o := range w.out {
					w.out[o] = claims[k*workers+o][:0]
				}
				// Every chunk is sent, empty once the run is halted, so
				// that no owner waits for one forever.
				if !halted() {
					before := w.generated
					for i := lo; i < min(lo+chunk, len(block)); i++ {
						expandState(w, &block[i])
					}
					live.generated.Add(w.generated - before)
				}
				for o, out := range w.out {
					claims[k*workers+o] = out
				}
				held[k], w.succs = w.succs, nil
				w.mine = append(w.mine, k)
				ready[k].Store(true)
				settle(false)
				placeMine(false)
			}
			settle(true)
			placeMine(true)
		})
		if halted() || bounded {
			return !halted()
		}
		n := 0
		for o := range workers {
			n += upTo[(nchunks-1)*workers+o]
		}
		next.mem = next.mem[:first+n]
		unwritten, records = records[:n*logRecord], unwritten[:0]
		yield = float64(n) / float64(len(block))
		if memLimit > 0 { // under a cap, give the memory back
			for _, w := range ws {
				w.spare = nil
			}
			claims, fresh = nil, nil
			ready, owed, held, upTo = nil, nil, nil, nil
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
			flushLog()
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
			size = min(max(int(head/(16*succBytes)), 16), spillBlock)
		}
		completed := true
		if err := level.blocks(size, func(base int, blk []entry[S]) bool {
			live.done.Store(int64(base))
			completed = block(blk)
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

// reserve makes room for at least n elements in s's capacity, keeping
// its first keep elements of that capacity (other workers' places may lie
// past its length); it grows by half again at least, so that moves are
// rare.
func reserve[E any](s []E, n, keep int) []E {
	if n <= cap(s) {
		return s
	}
	t := make([]E, len(s), max(n, cap(s)+cap(s)/2))
	copy(t[:keep], s[:keep])
	return t
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
