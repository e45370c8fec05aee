package checker

import (
	"context"
	"errors"
	"math/bits"
	"reflect"
	"unsafe"
)

// errStopped: the graph's builder stopped early, at ctx's end or at the
// memory cap.
var errStopped = errors.New("checker: stopped")

// graphBuilder explores the model again, breadth-first, to build the
// liveness check's graph. The graph keeps every state, not symmetry
// representatives: weak fairness is judged per action, and renaming
// processes would rename the actions along a loop, so the reduction is
// not sound here. Invariant: states are numbered in order of discovery
// and expanded in that order, so edges are appended row after row.
type graphBuilder[S any] struct {
	c       *Checker[S]
	g       *graph
	plan    graphPlan
	live    []Property[S]
	index   *graphIndex
	actions map[Action]uint32
	first   *column[uint64]
	fps     *column[uint64]
	to      *column[uint32]
	act     *column[uint32]
	parent  *column[uint32]
	next    *frontier[S] // the states found and not yet expanded
	buf     []byte
	err     error
}

// buildGraph builds the graph for the liveness properties live. It
// returns errStopped, with the graph as far as it got, when ctx ends or
// the memory cap is passed.
func (c *Checker[S]) buildGraph(ctx context.Context, live []int, plan graphPlan) (*graph, error) {
	b, err := c.newGraphBuilder(live, plan)
	if err != nil {
		return b.g, err
	}
	for _, s := range c.m.Init() {
		b.g.inits = append(b.g.inits, b.add(c.fingerprintAt(&s, &b.buf), &s, noState))
	}
	gen := newGraphGen(c)
	defer gen.close()
	expanded := 0
	var spare []entry[S] // the memory of the level before last, for the next
	for b.next.len() > 0 && b.err == nil {
		level := b.next
		b.next = &frontier[S]{dir: c.opts.TraceDir, mem: spare}
		err := level.blocks(sharedBlock, func(_ int, blk []entry[S]) bool {
			gen.block(blk, func(_ int, ch *genChunk[S]) bool { return b.number(ctx, ch, &expanded) })
			return b.err == nil
		})
		spare = level.release(false)
		if b.plan.limit > 0 {
			spare = nil // under a cap, the memory goes back
		}
		if err != nil {
			b.err = err
		}
	}
	b.next.release(false)
	if b.err != nil {
		return b.g, b.err
	}
	return b.g, b.freeze()
}

func (c *Checker[S]) newGraphBuilder(live []int, plan graphPlan) (*graphBuilder[S], error) {
	g := &graph{}
	b := &graphBuilder[S]{c: c, g: g, plan: plan, actions: map[Action]uint32{},
		next: &frontier[S]{dir: c.opts.TraceDir}}
	for _, i := range live {
		b.live = append(b.live, c.props[i])
		g.marks = append(g.marks, nil)
	}
	b.index = newGraphIndex(plan.states)
	dir, disk := c.opts.TraceDir, plan.onDisk
	var errs [5]error
	b.first, errs[0] = newColumn[uint64](dir, disk, plan.states+1)
	b.fps, errs[1] = newColumn[uint64](dir, disk, plan.states)
	b.to, errs[2] = newColumn[uint32](dir, disk, plan.edges)
	b.act, errs[3] = newColumn[uint32](dir, disk, plan.edges)
	b.parent, errs[4] = newColumn[uint32](dir, disk, plan.states)
	for j := range g.marks {
		g.marks[j] = make([]uint8, 0, plan.states)
	}
	for _, col := range []interface{ close() }{b.first, b.fps, b.to, b.act, b.parent} {
		if col != nil {
			g.closers = append(g.closers, col.close)
		}
	}
	return b, errors.Join(errs[:]...)
}

// number adds a chunk's states' rows to the graph, numbering their
// successors' targets in order; expanded counts the states whose rows
// are in. The index's line for each target is prefetched a few edges
// ahead of its probe, as in the safety search.
func (b *graphBuilder[S]) number(ctx context.Context, ch *genChunk[S], expanded *int) bool {
	j := 0
	for _, row := range ch.rows {
		if *expanded%4096 == 0 && !b.going(ctx, *expanded) {
			return false
		}
		from := uint32(*expanded)
		b.note(b.first.add(uint64(b.to.len())))
		for end := j + int(row); j < end; j++ {
			if a := j + pendingDepth; a < len(ch.out) {
				b.index.prefetch(ch.out[a].fp)
			}
			e := &ch.out[j]
			b.note(b.to.add(b.add(e.fp, &e.s, from)))
			b.note(b.act.add(b.action(e.a)))
		}
		*expanded++
	}
	return b.err == nil
}

// action is a's number, given in order of first use.
func (b *graphBuilder[S]) action(a Action) uint32 {
	ai, ok := b.actions[a]
	if !ok {
		g := b.g
		ai = uint32(len(g.actions))
		b.actions[a] = ai
		g.actions = append(g.actions, a)
		g.kinds = append(g.kinds, uint8(a.Kind))
	}
	return ai
}

// add numbers s, if it is new to the graph: its fingerprint, parent and
// marks are noted, and it waits in next to be expanded.
func (b *graphBuilder[S]) add(fp uint64, s *S, parent uint32) uint32 {
	g := b.g
	v, isNew := b.index.insert(fp, uint32(g.n))
	if !isNew {
		return v
	}
	if g.n == noState-1 {
		panic("checker: the liveness graph holds at most 2^32-2 states")
	}
	g.n++
	b.note(b.fps.add(fp))
	b.note(b.parent.add(parent))
	for j, p := range b.live {
		var m uint8
		if !p.Holds(*s) {
			m |= markMiss
		}
		if p.Kind == LeadsTo && p.From(*s) {
			m |= markTrigger
		}
		g.marks[j] = append(g.marks[j], m)
	}
	b.next.add(entry[S]{fp: fp, s: *s})
	return v
}

func (b *graphBuilder[S]) note(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

// going reports the progress and says whether to go on: not once ctx is
// done, nor when the memory cap is passed even with the states waiting
// to be expanded on disk.
func (b *graphBuilder[S]) going(ctx context.Context, expanded int) bool {
	l := &b.c.live
	l.states.Store(uint64(expanded))
	l.edges.Store(uint64(b.to.len()))
	if ctx.Err() != nil {
		b.err = errStopped
		return false
	}
	if b.plan.limit == 0 || b.used() <= b.plan.limit {
		return true
	}
	if plainType(reflect.TypeFor[S]()) {
		b.note(b.next.spill())
	}
	if b.used() > b.plan.limit {
		b.note(errStopped)
		return false
	}
	return true
}

// used is the memory the builder holds.
func (b *graphBuilder[S]) used() uint64 {
	u := b.index.bytes() + b.next.memBytes()
	for _, m := range b.g.marks {
		u += uint64(cap(m))
	}
	return u + b.first.bytes() + b.fps.bytes() + b.to.bytes() + b.act.bytes() + b.parent.bytes()
}

// freeze ends the build: the last row's end, and the columns ready to be
// read.
func (b *graphBuilder[S]) freeze() error {
	g := b.g
	if err := b.first.add(uint64(b.to.len())); err != nil {
		return err
	}
	b.index = nil
	var errs [5]error
	g.first, errs[0] = b.first.freeze()
	g.fps, errs[1] = b.fps.freeze()
	g.to, errs[2] = b.to.freeze()
	g.act, errs[3] = b.act.freeze()
	g.parent, errs[4] = b.parent.freeze()
	return errors.Join(errs[:]...)
}

// graphIndex numbers the graph's states by fingerprint while it is built:
// open addressing with linear probing, at most three quarters full. A
// slot is picked by multiply-shift, which needs no power-of-two size, so
// a table sized for the expected states wastes no more than a quarter.
type graphIndex struct {
	keys  []uint64
	vals  []uint32
	count int
}

func newGraphIndex(hint int) *graphIndex {
	// At most three quarters full with hint numbers in: the index never
	// grows, doubling itself at the end of the build, when the hint is
	// right.
	size := (max(hint, 1024)*4 + 2) / 3
	return &graphIndex{keys: make([]uint64, size), vals: make([]uint32, size)}
}

// insert returns the number stored for fp, storing v if fp is new.
func (x *graphIndex) insert(fp uint64, v uint32) (uint32, bool) {
	n := uint64(len(x.keys))
	h, _ := bits.Mul64(fp, n)
	for {
		switch x.keys[h] {
		case fp:
			return x.vals[h], false
		case 0:
			x.keys[h], x.vals[h] = fp, v
			if x.count++; x.count*4 > len(x.keys)*3 {
				x.grow()
			}
			return v, true
		}
		if h++; h == n {
			h = 0
		}
	}
}

func (x *graphIndex) grow() {
	keys, vals := x.keys, x.vals
	n := len(keys) + len(keys)/2
	x.keys, x.vals, x.count = make([]uint64, n), make([]uint32, n), 0
	for h, fp := range keys {
		if fp != 0 {
			x.insert(fp, vals[h])
		}
	}
}

func (x *graphIndex) bytes() uint64 { return uint64(len(x.keys)) * 12 }

// prefetch starts loading the line where fp's probe begins.
func (x *graphIndex) prefetch(fp uint64) {
	h, _ := bits.Mul64(fp, uint64(len(x.keys)))
	prefetch(uintptr(unsafe.Pointer(&x.keys[h])))
}
