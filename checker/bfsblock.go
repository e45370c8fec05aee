package checker

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// This file expands one block of a breadth-first level: with one worker
// (blockOne), or with several (blockMany: layOut, then on every worker
// shareBlock, which generates chunks, answers claims and places chunks,
// then collect). The hot loops stay inside these phases, which are called
// once a chunk or a block; what runs once a state or a successor
// (expand, the successor callback, probe, judge) is a direct call or the
// callback made once per run, never a closure made per call.

// emitter makes w's successor callback, once per run, so that expanding
// a state allocates nothing. Every successor is counted and fingerprinted;
// at the depth bound it is only looked up. Otherwise one worker queues it
// for its probe, prefetching its line of the visited set, and several
// keep it in the chunk's successors, in rank order, and send its claim to
// the owner of its shard.
func (r *bfsRun[S]) emitter(w *bfsWorker[S]) func(Action, S) {
	c, seen, owner := r.c, r.seen, r.owner
	return func(a Action, s S) {
		w.n++
		c.checkKind(a)
		w.coverage[a.Kind]++
		w.generated++
		if c.canon != nil { // not c.canonical(s): that copies the state twice
			s = c.canon(s)
		}
		fp := c.fingerprintAt(&s, &w.buf)
		if r.bounded {
			if !seen.Contains(fp) {
				w.cutoff = true // beyond the bound: note it, explore nothing
			}
			return
		}
		if r.sharing {
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
			r.probe(w, q) // the oldest, whose line has had time to arrive
		} else {
			w.queued++
		}
		q.fp, q.parent, q.s = fp, w.pfp, s
		w.head++
	}
}

// expand generates the successors of a state and notes a deadlock.
func (r *bfsRun[S]) expand(w *bfsWorker[S], e *entry[S]) {
	c := r.c
	w.pfp, w.n = e.fp, 0
	c.m.Next(e.s, w.emit)
	if w.n == 0 && !c.opts.AllowDeadlock && (c.terminal == nil || !c.terminal(e.s)) {
		r.note(w, finding{depth: r.depth, prop: len(c.props), fp: e.fp, ok: true})
	}
}

// judge checks a state new to the visited set against the invariants,
// and notes it as a witness of the Sometimes properties that no earlier
// level witnessed. It takes the state by pointer: a state may be large,
// and every call that takes one by value copies it.
func (r *bfsRun[S]) judge(w *bfsWorker[S], s *S, fp uint64, depth int) {
	c := r.c
	if i := c.invariantFailure(s); i >= 0 {
		r.failed(w, s, i, fp, depth)
	}
	for _, i := range r.sometimes {
		if !r.witnessed[i] && (w.witness[i] == 0 || fp < w.witness[i]) && c.props[i].Holds(*s) {
			w.witness[i] = fp
		}
	}
}

// halted reports whether the level must stop where it is. A run that
// writes checkpoints finishes the level under way when it is
// interrupted, so that the checkpoint it then writes is consistent.
func (r *bfsRun[S]) halted() bool {
	return (r.ctx.Err() != nil && !r.finishLevel) || r.memStop != nil || r.ioErr != nil
}

// probe inserts a waiting successor (one worker): it expands in rank
// order, so the first insert of a fingerprint is its least rank.
func (r *bfsRun[S]) probe(w *bfsWorker[S], q *pendingSucc[S]) {
	if r.seen.Insert(q.fp) {
		r.judge(w, &q.s, q.fp, r.depth+1)
		r.next.add(entry[S]{fp: q.fp, s: q.s})
		r.records = appendRecord(r.records, q.fp, q.parent)
	}
}

// drain probes every waiting successor, oldest first.
func (r *bfsRun[S]) drain(w *bfsWorker[S]) {
	for ; w.queued > 0; w.queued-- {
		r.probe(w, &w.pending[(w.head-w.queued)%pendingDepth])
	}
}

// blockOne expands a block with one worker, a chunk at a time so that
// progress and the memory cap are looked at every few hundred states.
// Invariant after each chunk: its successors are all probed, so the new
// ones are judged and in the next level and the records in rank order.
func (r *bfsRun[S]) blockOne(block []entry[S]) bool {
	w := r.ws[0]
	const chunk = 256
	// Room for the block's new states up front: appended one by one,
	// the next level would be copied every time it grew by a quarter,
	// which took a sixth of a run on the ring model.
	first := len(r.next.mem)
	r.next.mem = reserve(r.next.mem, first+r.room(len(block)), first)
	defer func() { r.yield = float64(len(r.next.mem)-first) / float64(len(block)) }()
	for lo := 0; lo < len(block); lo += chunk {
		if r.halted() {
			return false
		}
		before := w.generated
		hi := min(lo+chunk, len(block))
		for i := lo; i < hi; i++ {
			r.expand(w, &block[i])
		}
		r.drain(w)
		r.cursor.Store(int64(hi))
		r.live.generated.Add(w.generated - before)
		r.live.distinct.Store(uint64(r.seen.Len()))
		if len(r.records) >= 1<<16 {
			r.log.write(r.records)
			r.records = r.records[:0]
		}
		if !r.fits() {
			return false
		}
	}
	r.log.write(r.records)
	r.records = r.records[:0]
	return true
}

// blockMany expands a block with several workers. Partition o (the
// shards p with p%workers == o) is worker o's to answer, and each worker
// places the chunks it generated, but any worker may answer any
// partition's claims or place any chunk when their own worker is late, so
// the block gets done by whichever workers are running. A block too small
// to be worth waking the others is expanded by worker 0 alone, in the
// same order.
func (r *bfsRun[S]) blockMany(block []entry[S]) bool {
	if len(block) < soloBlock {
		return r.blockOne(block)
	}
	r.layOut(block)
	r.sharing = true
	r.team.run(r.shareBlock)
	r.sharing = false
	return r.collect()
}

// soloBlock: a block of fewer states is expanded by worker 0 alone. It
// takes a few hundred microseconds, about what waking the other workers
// and waiting for the last of them at its end would cost.
const soloBlock = 512

// backlog is how many of its chunks a worker may hold unplaced before it
// stops generating and helps answer and place instead. A worker gets that
// far ahead only when a partition's worker is late, and then it is the
// successors held for those chunks that would grow without bound.
const backlog = 8

// keepSpare is how many emptied successor buffers a worker keeps for its
// next chunks: on an idle machine it places each chunk soon after
// generating it, so two or three are in use at a time.
const keepSpare = 4

// layOut cuts the block into chunks and readies the per-chunk tables.
// Chunks are small enough that every worker gets several (the block ends
// when its last chunk is placed) and that a chunk's successors stay in
// the cache until placed. Invariant after it: no chunk is claimed or
// sent, every partition owes every chunk its answer, and the next level's
// room is yet to be made (makeRoom).
func (r *bfsRun[S]) layOut(block []entry[S]) {
	workers := r.workers
	r.block = block
	r.chunk = min(128, max(16, len(block)/(8*workers)))
	r.nchunks = (len(block) + r.chunk - 1) / r.chunk
	n := r.nchunks
	if cap(r.ready) < n {
		r.ready, r.owed, r.taken = make([]atomic.Bool, n), make([]atomic.Int32, n), make([]atomic.Bool, n)
		r.held = make([][]succ[S], n)
		r.claims = slices.Grow(r.claims[:0], n*workers)
		r.fresh = slices.Grow(r.fresh[:0], n*workers)
		r.upTo = make([]int, n*workers)
	}
	r.ready, r.owed, r.taken, r.held = r.ready[:n], r.owed[:n], r.taken[:n], r.held[:n]
	r.claims, r.fresh, r.upTo = r.claims[:n*workers], r.fresh[:n*workers], r.upTo[:n*workers]
	for k := range r.ready {
		r.ready[k].Store(false)
		r.owed[k].Store(int32(workers))
		r.taken[k].Store(false)
	}
	for o := range r.parts {
		r.parts[o].next.Store(0)
	}
	r.placed.Store(0)
	r.first = len(r.next.mem)
	r.want = r.first + r.room(len(block))
	r.roomMade.Store(false)
	r.cursor.Store(0)
}

// room is how many new states n expanded states are expected to give:
// as many per state as the last block gave, and an eighth more.
func (r *bfsRun[S]) room(n int) int { return int(float64(n)*r.yield*1.125) + 64 }

// makeRoom gives the next level room for as many new states as the last
// block's yield predicts, once a block, so that it seldom moves while
// workers write it. Worker 0 makes it as it starts the block while the
// others generate their first chunks: a level's memory is megabytes,
// zeroed and faulted in as it is allocated, and made before the workers
// start it would be time when only one of them works.
func (r *bfsRun[S]) makeRoom() {
	if r.roomMade.Load() {
		return
	}
	r.moving.Lock()
	if !r.roomMade.Load() {
		r.next.mem = reserve(r.next.mem, r.want, r.first)
		r.roomMade.Store(true)
	}
	r.moving.Unlock()
}

// shareBlock is worker id's part of a block, until every chunk is placed.
// It claims chunks in order and generates each, answers its partition's
// claims and places its own chunks as far as they are ready. When it has
// no chunk left to take, or holds backlog chunks unplaced, it helps:
// answers the other partitions and places the others' chunks. When
// nothing is left that it can do, it waits for another worker's progress.
// Invariant: each partition answers claims in chunk order, so it sees its
// fingerprints in rank order, and every chunk's new states go where one
// worker would have put them.
func (r *bfsRun[S]) shareBlock(id int) {
	w := r.ws[id]
	w.mine, w.placedMine, w.scan = w.mine[:0], 0, 0
	if id == 0 {
		r.makeRoom()
	}
	for r.placed.Load() < int32(r.nchunks) {
		seen := r.gate.events.Load()
		did := false
		if len(w.mine)-w.placedMine < backlog && r.cursor.Load() < int64(len(r.block)) {
			if lo := int(r.cursor.Add(int64(r.chunk))) - r.chunk; lo < len(r.block) {
				r.generate(w, lo)
				did = true
			}
		}
		generated := did
		did = r.answer(id) || did
		did = r.placeMine(w) || did
		if !generated {
			for o := range r.parts {
				did = o != id && r.answer(o) || did
			}
			did = r.placeOthers(w) || did
		}
		if !did && r.placed.Load() < int32(r.nchunks) {
			r.gate.await(func() bool { return r.gate.events.Load() != seen })
		}
	}
}

// generate expands the chunk that starts at index lo of the block. It
// keeps the successors in rank order (held[k]) and sends their claims to
// their partitions. Every chunk is sent, empty once the run is halted, so
// that no partition waits for one forever.
func (r *bfsRun[S]) generate(w *bfsWorker[S], lo int) {
	k := lo / r.chunk
	if n := len(w.spare); n > 0 {
		w.succs, w.spare = w.spare[n-1], w.spare[:n-1]
	} else if w.succs = r.spares.take(); w.succs == nil {
		w.succs = make([]succ[S], 0, w.succHint)
	}
	sent := r.claims[k*r.workers : (k+1)*r.workers]
	for o := range w.out {
		w.out[o] = sent[o][:0]
	}
	if !r.halted() {
		before := w.generated
		states := r.block[lo:min(lo+r.chunk, len(r.block))]
		for i := range states {
			r.expand(w, &states[i])
		}
		r.live.generated.Add(w.generated - before)
	}
	copy(sent, w.out)
	w.succHint = max(w.succHint, len(w.succs)+len(w.succs)/4)
	r.held[k], w.succs = w.succs, nil
	w.mine = append(w.mine, k)
	r.ready[k].Store(true)
	r.gate.wake()
}

// answer answers partition o's claims in chunk order as far as they are
// sent, unless another worker is answering them; it reports whether it
// answered any. The partition's lock makes the worker that holds it the
// only one to touch the partition's shards.
func (r *bfsRun[S]) answer(o int) bool {
	p := &r.parts[o]
	did := false
	for k := int(p.next.Load()); k < r.nchunks && r.ready[k].Load(); k = int(p.next.Load()) {
		if !p.lock.CompareAndSwap(false, true) {
			return did // its holder looks again once it lets go
		}
		for k = int(p.next.Load()); k < r.nchunks && r.ready[k].Load(); k++ {
			r.insertClaims(o, k)
			p.next.Store(int32(k + 1))
			did = true
		}
		p.lock.Store(false)
	}
	return did
}

// insertClaims inserts the fingerprints that chunk k sent to partition o,
// in rank order, prefetching the visited set's lines a few ahead, and
// notes which were new. Invariant after it: fresh[j] holds the indices of
// the new ones in order and upTo[j] counts o's new states in chunks 0..k.
func (r *bfsRun[S]) insertClaims(o, k int) {
	j := k*r.workers + o
	seen := r.seen
	cl, f := r.claims[j], r.fresh[j][:0]
	for i := range cl {
		if a := i + pendingDepth; a < len(cl) {
			seen.prefetch(cl[a].fp)
		}
		if seen.Insert(cl[i].fp) {
			f = append(f, cl[i].i)
		}
	}
	r.fresh[j] = f
	n := len(f)
	if k > 0 {
		n += r.upTo[j-r.workers]
	}
	r.upTo[j] = n
	if r.owed[k].Add(-1) == 0 {
		r.gate.wake()
	}
}

// placeMine places w's chunks in order as far as every partition has
// answered them; it reports whether any left its backlog, placed by it or
// by a helper (either way it may generate again). A partition answers in
// chunk order, so the answered chunks are a prefix of the block.
func (r *bfsRun[S]) placeMine(w *bfsWorker[S]) bool {
	did := false
	for w.placedMine < len(w.mine) && r.owed[w.mine[w.placedMine]].Load() == 0 {
		k := w.mine[w.placedMine]
		w.placedMine++
		if r.taken[k].CompareAndSwap(false, true) {
			r.place(w, k)
		}
		did = true
	}
	if w.placedMine == len(w.mine) {
		w.mine, w.placedMine = w.mine[:0], 0
	}
	return did
}

// placeOthers places any answered chunk that nobody has taken yet.
func (r *bfsRun[S]) placeOthers(w *bfsWorker[S]) bool {
	did := false
	for ; w.scan < r.nchunks && r.owed[w.scan].Load() == 0; w.scan++ {
		if r.taken[w.scan].CompareAndSwap(false, true) {
			r.place(w, w.scan)
			did = true
		}
	}
	return did
}

// place judges chunk k's new states and writes them, in rank order, to
// the next level after those of chunks 0..k-1, and their trace records to
// w's buffer (records of one level may reach the log in any order: only
// a parent's must come before its child's, and it is of the level before).
// Invariant: the owners' running counts give the places, and merging
// their answers by index restores rank order, so each state lands where
// one worker would have put it.
func (r *bfsRun[S]) place(w *bfsWorker[S], k int) {
	workers, first, depth := r.workers, r.first, r.depth+1
	at, n := 0, 0
	for o := range workers {
		if k > 0 {
			at += r.upTo[(k-1)*workers+o]
		}
		n += len(r.fresh[k*workers+o])
		w.at[o] = 0
	}
	r.makeRoom()
	r.moving.RLock()
	for first+at+n > cap(r.next.mem) {
		r.moving.RUnlock()
		r.moving.Lock()
		r.next.mem = reserve(r.next.mem, first+at+n, cap(r.next.mem))
		r.moving.Unlock()
		r.moving.RLock()
	}
	mem := r.next.mem[:cap(r.next.mem)]
	news := r.fresh[k*workers : (k+1)*workers]
	ss := r.held[k]
	for end := at + n; at < end; at++ {
		o := -1
		for x, f := range news {
			if w.at[x] < len(f) && (o < 0 || f[w.at[x]] < news[o][w.at[o]]) {
				o = x
			}
		}
		q := &ss[news[o][w.at[o]]]
		w.at[o]++
		r.judge(w, &q.s, q.fp, depth)
		mem[first+at] = entry[S]{fp: q.fp, s: q.s}
		w.records = appendRecord(w.records, q.fp, q.parent)
	}
	r.moving.RUnlock()
	if len(w.records) >= 1<<16 {
		r.log.write(w.records)
		w.records = w.records[:0]
	}
	r.live.distinct.Add(uint64(n)) // for progress reports, as the level goes
	if !r.spillable {
		clear(ss) // drop what the states point to, for the collector
	}
	if len(w.spare) < keepSpare {
		w.spare = append(w.spare, ss[:0])
	} else {
		r.spares.give(ss[:0], backlog*r.workers) // a helper's: to a worker that runs short
	}
	r.held[k] = nil
	if r.placed.Add(1) == int32(r.nchunks) {
		r.gate.wake() // the block is done
	}
}

// collect ends a block once every worker is done with it. Invariant
// after it: the next level's length covers exactly the block's new states
// (the partitions' final counts), so the next block continues where one
// worker would have, and their records are in the log.
func (r *bfsRun[S]) collect() bool {
	block := r.block
	r.block = nil // the level's memory may be released before the next block
	for _, w := range r.ws {
		r.log.write(w.records)
		w.records = w.records[:0]
	}
	if r.halted() || r.bounded {
		return !r.halted()
	}
	n := 0
	for o := range r.workers {
		n += r.upTo[(r.nchunks-1)*r.workers+o]
	}
	r.next.mem = r.next.mem[:r.first+n]
	r.yield = float64(n) / float64(len(block))
	if r.memLimit > 0 { // under a cap, give the memory back
		for _, w := range r.ws {
			w.spare = nil
		}
		r.spares.bufs = nil
		r.claims, r.fresh = nil, nil
		r.ready, r.owed, r.held, r.upTo = nil, nil, nil, nil
	}
	return r.fits()
}

// succBytes is the size of one held successor.
func succBytes[S any]() uint64 { return uint64(unsafe.Sizeof(succ[S]{})) }

// used is the memory the run's data takes.
func (r *bfsRun[S]) used() uint64 {
	u := r.seen.Bytes() + r.level.memBytes() + r.next.memBytes()
	for _, w := range r.ws {
		for _, b := range w.spare {
			u += uint64(cap(b)) * succBytes[S]()
		}
	}
	for _, b := range r.spares.bufs {
		u += uint64(cap(b)) * succBytes[S]()
	}
	for i := range r.claims {
		u += uint64(cap(r.claims[i]))*uint64(unsafe.Sizeof(claim{})) + uint64(cap(r.fresh[i]))*4
	}
	return u
}

// fits keeps the data within the cap, spilling the next level if it
// must, and reports false (with memStop set) when it cannot.
func (r *bfsRun[S]) fits() bool {
	if r.memLimit == 0 {
		return true
	}
	u := r.used()
	if u <= r.memLimit {
		return true
	}
	if r.spillable && len(r.next.mem) > 0 {
		r.spilled += uint64(len(r.next.mem))
		if r.ioErr = r.next.spill(); r.ioErr != nil {
			return false
		}
		if u = r.used(); u <= r.memLimit {
			return true
		}
	}
	why := "the frontier"
	if !r.spillable {
		why = "the frontier (this model's states hold pointers, so they cannot go to disk)"
	}
	r.memStop = fmt.Errorf("%w: the data may take %d bytes, the visited set needs %d and %s %d more",
		ErrMemoryLimit, r.memLimit, r.seen.Bytes(), why, u-r.seen.Bytes())
	return false
}

// reserve makes room for at least n elements in s's capacity, keeping
// its first keep elements of that capacity (other workers' places may lie
// past its length); it grows by a quarter at least, so that moves are
// rare and the room left over at the end of a level is small.
func reserve[E any](s []E, n, keep int) []E {
	if n <= cap(s) {
		return s
	}
	t := make([]E, len(s), max(n, cap(s)+cap(s)/4))
	copy(t[:keep], s[:keep])
	return t
}

// succPool holds emptied successor buffers that the workers which placed
// them had no room for, for the workers that generate.
type succPool[S any] struct {
	mu   sync.Mutex
	bufs [][]succ[S]
}

func (p *succPool[S]) take() []succ[S] {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.bufs)
	if n == 0 {
		return nil
	}
	b := p.bufs[n-1]
	p.bufs = p.bufs[:n-1]
	return b
}

// give keeps b unless the pool already holds most buffers, which are only
// needed while a worker is late.
func (p *succPool[S]) give(b []succ[S], most int) {
	p.mu.Lock()
	if len(p.bufs) < most {
		p.bufs = append(p.bufs, b)
	}
	p.mu.Unlock()
}
