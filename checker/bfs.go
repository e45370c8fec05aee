package checker

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"runtime"
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
	// in rank order, out[o] the claims on them sent to partition o; spare
	// holds emptied succs buffers for reuse; mine the chunks this worker
	// generated in the block, in order, of which the first placedMine are
	// placed (by it or a helper); scan is how far it has looked for
	// others' chunks to place; at[o] is how far it has merged partition
	// o's new states of the chunk it is placing.
	succs      []succ[S]
	out        [][]claim
	spare      [][]succ[S]
	mine       []int
	placedMine int
	scan       int
	records    []byte // trace records of the chunks it placed, not yet written
	succHint   int    // capacity for a new succs buffer: a chunk's successors, and some
	at         []int
	coverage   []uint64
	// emit is the worker's successor callback, made once per run so that
	// expanding a state allocates nothing; pfp and n say whose successors
	// it is receiving.
	emit      func(Action, S)
	pfp       uint64 // the fingerprint of the state being expanded
	n         uint64 // successors it has emitted so far
	generated uint64
	// Continue: per property, the least finding of the level (continue.go).
	each []finding
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

// bfsRun is one breadth-first search: what its phases share. The phases
// are level 0 (initial, or resume from a checkpoint), then levels, each
// expandLevel (whose blocks blockOne or blockMany expand, in bfsblock.go)
// and settle, then conclude or, on a violation, result.
//
// While several workers expand a block, the fields before the padding
// are only read (workers read some on the hot path), except next.mem,
// which grows under moving's write lock; those after it are written by
// every worker once a chunk, so they are kept off the others' cache
// lines.
type bfsRun[S any] struct {
	c       *Checker[S]
	ctx     context.Context
	start   time.Time
	workers int
	seen    *fpSet
	log     *traceLog
	level   *frontier[S] // the level being expanded, in rank order
	next    *frontier[S] // the level its new states go to, in rank order
	ws      []*bfsWorker[S]
	team    *crew
	peak    *peakMemory
	owner   []int32 // owner[p] is the worker that owns shard p

	depth       int  // the level being expanded; levels 0..depth hold states
	sharing     bool // several workers share the block under way (blockMany)
	bounded     bool // the level is at the depth bound: successors are looked up, not explored
	finishLevel bool // an interrupted run finishes its level (it writes checkpoints)

	// witnessed[i] is set at the end of the first level where a state
	// satisfies Sometimes property i; witnessFP[i] is the least such
	// state's fingerprint, whose path becomes the reported witness.
	sometimes []int // indices of the Sometimes properties
	witnessed []bool
	witnessFP []uint64
	firsts    []finding // Continue: per property, its least finding in the first level it fails (continue.go)

	// Memory: the checker's own data (visited set, the two levels'
	// in-memory parts, one block's new states) are kept within memLimit
	// by moving the next level to disk; when that is not enough the run
	// stops. Only plain states (no pointers) can go to disk.
	memLimit  uint64
	spillable bool
	spilled   uint64 // states moved to disk
	memStop   error  // why the run stopped at the cap
	ioErr     error

	generated uint64 // initial states, and those counted before a checkpoint
	records   []byte // one worker: the trace records not yet written

	// Several workers. The block under way is cut into nchunks chunks of
	// chunk states; its new states go to next.mem from index first on.
	// Per chunk k and partition o: claims[k*workers+o] is what chunk k
	// sent to o, ready[k] is set once all of it is sent, and held[k] holds
	// the chunk's successors; fresh[k*workers+o] is the indices of those o
	// found new, in order, upTo[k*workers+o] how many o found new in
	// chunks 0..k, owed[k] counts the partitions yet to answer chunk k,
	// and taken[k] is set by the worker that places it.
	block          []entry[S]
	chunk, nchunks int
	first          int
	claims         [][]claim
	fresh          [][]uint32
	ready          []atomic.Bool
	owed           []atomic.Int32
	taken          []atomic.Bool
	held           [][]succ[S]
	upTo           []int
	parts          []bfsPart
	yield          float64 // new states per expanded state, as seen in the last block
	want           int     // the next level's room for the block under way (makeRoom)

	_ [64]byte
	// The next level's states are written by several workers at once,
	// each to its own chunk's places; growing it moves it, so it waits
	// for the writers (write lock).
	moving   sync.RWMutex
	roomMade atomic.Bool  // makeRoom has made the block's room
	cursor   atomic.Int64 // next unclaimed index of the block being expanded
	placed   atomic.Int32 // chunks of the block placed: it is done at nchunks
	spares   succPool[S]
	gate     gate // wakes workers waiting for another's progress
	live     bfsLive
	_        [64]byte
}

// bfsPart is the state of one partition of the visited set: the worker
// that holds lock is the only one to touch the partition's shards, and
// next is the chunk whose claims it answers next. Partitions sit on cache
// lines of their own: the workers that answer them write them once a
// chunk.
type bfsPart struct {
	lock atomic.Bool
	next atomic.Int32
	_    [56]byte
}

// bfsLive holds the counters progress reports read: workers add to them
// once per chunk, so they cost nothing per state.
type bfsLive struct {
	distinct, generated atomic.Uint64
	depth, level        atomic.Int64
	levelStart          atomic.Uint64 // distinct when the level began
	done                atomic.Int64  // states of the level expanded in earlier blocks
}

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
// Several workers partition the visited set: every shard belongs to one
// partition, and only the worker holding a partition's lock touches its
// shards. Workers claim chunks of the block in order and expand them. A
// worker keeps a chunk's successors and sends each partition only claims
// — a fingerprint and the successor's index in the chunk. Each partition
// answers its claims chunk by chunk in chunk order, inserting the
// fingerprints and noting which were new. Chunks are claimed in order and
// a chunk's claims are in rank order, so a partition sees its
// fingerprints in rank order and, as one worker does, first inserts each
// at its least rank. Once all partitions have answered a chunk, its new
// states are judged and written, in rank order, to the next level at the
// places that the partitions' running counts give, which are those one
// worker would have used, and their (fingerprint, parent) records to the
// trace log.
//
// Worker o answers partition o and places the chunks it generated, so
// that on an idle machine a successor's state never crosses cores. But
// no worker waits for a particular other: one that has nothing left of
// its own (or has too many chunks waiting for answers) answers the other
// partitions and places the others' chunks, and one with nothing at all
// to do spins briefly and then parks, so that a worker the operating
// system has descheduled (on a busy machine, or with more workers than
// cores) gets its core back instead of holding the others up. A block can
// be done by worker 0 alone.
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
	r, err := c.newBFSRun(ctx)
	if err != nil {
		return nil, err
	}
	defer r.close()
	c.live.enter(PhaseSafety)
	var found finding
	if c.opts.Recover != "" {
		err = r.resume()
	} else {
		found, err = r.initial()
	}
	if err != nil {
		return nil, err
	}
	// Started once level 0 is in place: resuming sets the run's start.
	defer c.startProgress(ctx, r.progress)()
	reason := ""
	if !found.ok {
		if reason, found, err = r.levels(); err != nil {
			return nil, err
		}
	}
	if found.ok {
		return c.finish(r.result(found))
	}
	return c.finish(r.conclude(reason))
}

// newBFSRun sets up a run: an empty visited set, trace log and levels,
// and the workers with their successor callbacks.
func (c *Checker[S]) newBFSRun(ctx context.Context) (*bfsRun[S], error) {
	start := time.Now()
	log, err := newTraceLog(c.opts.TraceDir)
	if err != nil {
		return nil, err
	}
	// Workers beyond the processors Go runs goroutines on would only take
	// turns on them, each turn a context switch and a colder cache.
	workers := min(c.opts.Workers, runtime.GOMAXPROCS(0))
	r := &bfsRun[S]{c: c, ctx: ctx, start: start, workers: workers, seen: newFPSet(partBits), log: log,
		level: &frontier[S]{dir: c.opts.TraceDir}, next: &frontier[S]{dir: c.opts.TraceDir},
		ws: make([]*bfsWorker[S], workers), owner: make([]int32, 1<<partBits), parts: make([]bfsPart, workers),
		peak:      newPeakMemory(),
		witnessed: make([]bool, len(c.props)), witnessFP: make([]uint64, len(c.props)),
		memLimit: c.opts.MemLimit, spillable: plainType(reflect.TypeFor[S]()),
		finishLevel: c.opts.CheckpointDir != "", yield: 2}
	if c.opts.ExpectStates > 0 {
		r.seen.reserve(c.opts.ExpectStates)
	}
	for p := range r.owner {
		r.owner[p] = int32(p % workers)
	}
	for i, p := range c.props {
		if p.Kind == Sometimes {
			r.sometimes = append(r.sometimes, i)
		}
	}
	for i := range r.ws {
		// buf: 256 bytes is a size class of whole cache lines, shared with
		// no other worker.
		w := &bfsWorker[S]{id: i, buf: make([]byte, 0, 256), succHint: 64, coverage: apart[uint64](len(c.kinds)),
			witness: apart[uint64](len(c.props)), out: apart[[]claim](workers), at: apart[int](workers)}
		w.emit = r.emitter(w)
		r.ws[i] = w
	}
	r.continueRun()
	r.team = newCrew(workers)
	return r, nil
}

// close stops the workers and removes the run's files.
func (r *bfsRun[S]) close() {
	r.team.stop()
	r.level.release(false)
	r.next.release(false)
	r.log.close()
}

// progress reads the live counters for a progress report.
func (r *bfsRun[S]) progress() Progress {
	l := &r.live
	return r.c.report(Progress{
		Depth: int(l.depth.Load()), Distinct: l.distinct.Load(), Generated: l.generated.Load(),
		// The queue, as TLC reports it: states of this level not yet
		// claimed plus states found so far for the next one.
		Queue:   int(max(l.level.Load()-l.done.Load()-r.cursor.Load(), 0)) + int(l.distinct.Load()-l.levelStart.Load()),
		Elapsed: time.Since(r.start),
	})
}

// initial builds level 0 from the initial states, in the order Init
// gives them. Invariant after it, as after every level: each state of
// the level is in the visited set, judged, and logged (parent 0).
func (r *bfsRun[S]) initial() (finding, error) {
	c, w0 := r.c, r.ws[0]
	for _, s := range c.m.Init() {
		r.generated++
		s = c.canonical(s)
		fp := c.fingerprint(s, &w0.buf)
		if r.seen.Insert(fp) {
			r.judge(w0, &s, fp, 0)
			r.level.add(entry[S]{fp: fp, s: s})
			r.records = appendRecord(r.records, fp, 0)
		}
	}
	if r.level.len() == 0 {
		return finding{}, fmt.Errorf("%w: no initial state", ErrModel)
	}
	r.log.write(r.records)
	r.records = r.records[:0]
	return r.settle(), nil
}

// resume loads the checkpoint in Options.Recover: the visited set, the
// trace log and the level it was about to expand, with the counters, so
// that the run goes on as if never interrupted.
func (r *bfsRun[S]) resume() error {
	ck, err := r.c.loadCheckpoint(r.c.opts.Recover, r.seen, r.log, r.level)
	if err != nil {
		return err
	}
	r.depth, r.generated = ck.Depth, ck.Generated
	// The run's time goes on from the checkpoint's, so that rates stay
	// true.
	r.start = r.start.Add(-time.Duration(ck.Elapsed * float64(time.Second)))
	copy(r.ws[0].coverage, ck.Coverage)
	copy(r.witnessFP, ck.WitnessFP)
	r.resumeFirsts(ck.Firsts)
	for i, fp := range r.witnessFP {
		r.witnessed[i] = fp != 0
	}
	r.live.distinct.Store(uint64(r.seen.Len()))
	r.live.levelStart.Store(uint64(r.seen.Len()))
	r.live.depth.Store(int64(r.depth + 1))
	r.live.generated.Store(r.generated)
	return nil
}

// levels expands level after level until none is left, one holds a
// violation, the depth bound is reached or the run is stopped; it
// returns the finding or why the run is incomplete. Invariant at the top
// of each iteration: levels 0..depth are whole (their states in the
// visited set, judged and logged, their findings settled) and r.level
// holds level depth in rank order, so a checkpoint may be taken there.
func (r *bfsRun[S]) levels() (reason string, found finding, err error) {
	c := r.c
	lastCheckpoint := time.Now()
	every := c.opts.CheckpointEvery
	if every <= 0 {
		every = DefaultCheckpointEvery
	}
	for r.level.len() > 0 {
		if c.opts.CheckpointDir != "" && (r.ctx.Err() != nil || time.Since(lastCheckpoint) >= every) {
			if err := r.checkpoint(); err != nil {
				return "", finding{}, err
			}
			lastCheckpoint = time.Now()
		}
		if r.ctx.Err() != nil {
			reason = "interrupted"
			if c.opts.CheckpointDir != "" {
				reason += "; checkpoint written to " + c.opts.CheckpointDir
			}
			return reason, finding{}, nil
		}
		completed, err := r.expandLevel()
		if err != nil {
			return "", finding{}, err
		}
		if !completed {
			if r.memStop != nil {
				return r.memStop.Error(), finding{}, nil
			}
			return "interrupted", finding{}, nil
		}
		r.advance()
		if found := r.settle(); found.ok {
			return "", found, nil
		}
		if r.bounded {
			for _, w := range r.ws {
				if w.cutoff {
					reason = fmt.Sprintf("depth bound %d reached", c.opts.MaxDepth)
				}
			}
			return reason, finding{}, nil
		}
	}
	return "", finding{}, nil
}

// checkpoint writes one at a level boundary, where every record is in
// the log.
func (r *bfsRun[S]) checkpoint() error {
	c := r.c
	return c.writeCheckpoint(c.opts.CheckpointDir, checkpointData{
		Depth: r.depth, Generated: c.totalGenerated(r.ws, r.generated), Coverage: c.totalCoverage(r.ws),
		WitnessFP: r.witnessFP, Firsts: r.checkpointFirsts(), Elapsed: time.Since(r.start).Seconds()}, r.seen, r.log, r.level)
}

// expandLevel expands r.level block by block into r.next; it reports
// false when the run halted before the level's end. Invariant after a
// whole level: every successor of the level is in the visited set, and
// those that were new are judged, in r.next and in the log in rank order.
func (r *bfsRun[S]) expandLevel() (bool, error) {
	r.live.level.Store(int64(r.level.len()))
	r.live.done.Store(0)
	r.bounded = r.c.opts.MaxDepth > 0 && r.depth >= r.c.opts.MaxDepth
	size, err := r.blockSize()
	if err != nil {
		return false, err
	}
	completed := true
	if err := r.level.blocks(size, func(base int, blk []entry[S]) bool {
		r.live.done.Store(int64(base))
		if r.workers == 1 {
			completed = r.blockOne(blk)
		} else {
			completed = r.blockMany(blk)
		}
		return completed
	}); err != nil {
		return false, err
	}
	if r.ioErr != nil {
		return false, r.ioErr
	}
	return completed, nil
}

// blockSize is how many states of the level are expanded at a time: all
// of them with one worker and without a memory cap. Several workers take
// sharedBlock at most. Under a cap, once the frontier has gone to disk or
// when this level takes half of what the cap leaves, the level goes to
// disk, to be read back a block at a time (the level being expanded
// cannot be let go of), and blocks are small enough that their new states
// fit in what the cap leaves beside the visited set and the levels.
func (r *bfsRun[S]) blockSize() (int, error) {
	most := math.MaxInt
	if r.workers > 1 {
		most = sharedBlock
	}
	if r.memLimit == 0 {
		return most, nil
	}
	if r.spillable && (r.spilled > 0 || r.level.memBytes() > (r.memLimit-min(r.memLimit, r.seen.Bytes()))/2) {
		r.spilled += uint64(len(r.level.mem))
		if err := r.level.spill(); err != nil {
			return 0, err
		}
	}
	head := r.memLimit - min(r.memLimit, r.used())
	return min(max(int(head/(16*succBytes[S]())), 16), spillBlock, most), nil
}

// sharedBlock is the most states several workers expand as one block.
// Their tables (each chunk's claims, which partitions found new, the
// block's trace records) grow with the block, and on a level of millions
// of states they would cost more per state than the visited set; a block
// of this size takes tens of milliseconds, so the wait for the last chunk
// at its end costs little.
const sharedBlock = 1 << 15

// advance makes the next level the current one, reusing the memory of
// the one just expanded (without a cap; under one it is given back).
func (r *bfsRun[S]) advance() {
	spare := r.level.release(!r.spillable)
	r.level, r.next = r.next, r.level
	if r.memLimit == 0 {
		r.next.mem = spare
	}
	if r.level.len() > 0 {
		r.depth++
	}
}

// settle ends a level: it returns the least finding of the workers and
// merges their witnesses, so that both are those of one worker.
func (r *bfsRun[S]) settle() finding {
	r.settleFirsts()
	found := finding{}
	for _, w := range r.ws {
		if w.found.less(found) {
			found = w.found
		}
		for i, fp := range w.witness {
			if fp != 0 && !r.witnessed[i] && (r.witnessFP[i] == 0 || fp < r.witnessFP[i]) {
				r.witnessFP[i] = fp
			}
			w.witness[i] = 0
		}
	}
	for i, fp := range r.witnessFP {
		r.witnessed[i] = fp != 0
	}
	r.live.distinct.Store(uint64(r.seen.Len()))
	r.live.levelStart.Store(uint64(r.seen.Len()))
	r.live.depth.Store(int64(r.depth + 1))
	r.peak.sample()
	return found
}

// conclude ends a run with no violation of a safety property (with
// Continue: a run that went on past them, which it now lists): Incomplete
// for reason, or else the Sometimes properties are judged (one that no
// state witnessed fails, the others get their shortest witness) and then
// the liveness properties.
func (r *bfsRun[S]) conclude(reason string) (*Result, error) {
	c := r.c
	r.peak.sample()
	res, err := r.result(finding{})
	if err == nil {
		err = r.safetyFailures(res)
	}
	if err != nil {
		return nil, err
	}
	if reason != "" {
		c.stopped(res, reason, Sometimes, Eventually, LeadsTo)
		return res, nil
	}
	res.SafetyComplete = true
	for i := range c.props {
		if p := c.props[i]; p.Kind == Sometimes && !r.witnessed[i] {
			res.fail(c.failure(i, nil))
			if !c.opts.Continue {
				res.Statuses = c.stoppedAtSometimes(res, r.witnessed)
				return res, nil
			}
		}
	}
	var names []string
	var fps []uint64
	for i, fp := range r.witnessFP {
		if fp != 0 {
			names, fps = append(names, c.props[i].Name), append(fps, fp)
		}
	}
	paths, err := r.log.paths(fps)
	if err != nil {
		return nil, err
	}
	for i, path := range paths {
		w, err := c.witness(names[i], path)
		if err != nil {
			return nil, err
		}
		res.Witnesses = append(res.Witnesses, w)
	}
	r.release()
	return c.checkLiveness(r.ctx, res)
}

// release lets go of what the search held in memory once it is over and
// its results are drawn (the visited set, the levels, the workers'
// buffers), so that the liveness check has the memory to itself.
func (r *bfsRun[S]) release() {
	r.seen = nil
	r.level.release(false)
	r.next.release(false)
	for _, w := range r.ws {
		w.spare, w.succs = nil, nil
	}
	r.spares.bufs = nil
	r.claims, r.fresh, r.held = nil, nil, nil
}

// result gathers the statistics and, for a finding, its counterexample.
func (r *bfsRun[S]) result(f finding) (*Result, error) {
	c := r.c
	generated := c.totalGenerated(r.ws, r.generated)
	distinct := uint64(r.seen.Len())
	res := &Result{Stats: Stats{
		Strategy: "bfs", Workers: len(r.ws), Distinct: distinct, Generated: generated, Depth: r.depth + 1,
		Coverage: c.coverage(c.totalCoverage(r.ws)), FingerprintBytes: r.seen.Bytes(),
		CollisionProbability: CollisionProbability(distinct, generated),
		PeakMemory:           r.peak.max, Spilled: r.spilled,
	}}
	if distinct == 0 {
		res.Stats.Depth = 0
	}
	if f.ok {
		t, err := r.counterexample(f.fp)
		if err != nil {
			return nil, err
		}
		res.fail(c.failure(f.prop, t))
	}
	res.Stats.Duration = time.Since(r.start)
	return res, nil
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

// witness replays the path fps to a witness of property and measures it.
func (c *Checker[S]) witness(property string, fps []uint64) (Witness, error) {
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
