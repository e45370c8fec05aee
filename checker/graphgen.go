package checker

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// genEdge is a successor generated for the liveness graph, waiting for
// the builder to number it.
type genEdge[S any] struct {
	fp uint64
	a  Action
	s  S
}

// genChunk is what a run of states generated: their successors in emit
// order, and how many each state had.
type genChunk[S any] struct {
	out  []genEdge[S]
	rows []uint32
}

// graphGen expands the states of a level for the graph's builder on
// several workers. The model's Next is most of the work, and it does not
// depend on the order: helpers generate chunks of the block ahead while
// the builder numbers their successors in order (which the graph's
// numbering needs). The builder generates the next chunk itself when no
// helper has taken it, so it never waits for a helper that has not
// started, and a block gets done by the builder alone if need be.
type graphGen[S any] struct {
	c       *Checker[S]
	team    *crew
	ws      []*genWorker[S]
	blk     []entry[S]
	n       int          // chunks in the block
	cursor  atomic.Int64 // the next chunk nobody has taken
	done    atomic.Int64 // chunks numbered: helpers stay within genAhead of it
	ready   []atomic.Bool
	out     []*genChunk[S]
	spareMu sync.Mutex
	spare   []*genChunk[S]
	gate    gate
}

// genWorker is one worker's successor callback and buffers.
type genWorker[S any] struct {
	ch   *genChunk[S] // the chunk it is generating
	buf  []byte
	emit func(Action, S)
	_    [64]byte
}

const (
	genChunkStates = 128 // states a chunk
	genAhead       = 16  // chunks a helper may generate ahead of the builder
)

func newGraphGen[S any](c *Checker[S]) *graphGen[S] {
	workers := max(1, min(c.opts.Workers, runtime.GOMAXPROCS(0)))
	gg := &graphGen[S]{c: c, team: newCrew(workers)}
	for range workers {
		w := &genWorker[S]{buf: make([]byte, 0, 256)}
		w.emit = func(a Action, s S) {
			c.checkKind(a)
			w.ch.out = append(w.ch.out, genEdge[S]{fp: c.fingerprintAt(&s, &w.buf), a: a, s: s})
		}
		gg.ws = append(gg.ws, w)
	}
	return gg
}

func (gg *graphGen[S]) close() { gg.team.stop() }

// block expands blk: number is called on the calling goroutine with each
// chunk in order (lo: the index in blk of its first state), and stops
// the block when it returns false.
func (gg *graphGen[S]) block(blk []entry[S], number func(lo int, ch *genChunk[S]) bool) {
	gg.blk = blk
	gg.n = (len(blk) + genChunkStates - 1) / genChunkStates
	if cap(gg.ready) < gg.n {
		gg.ready, gg.out = make([]atomic.Bool, gg.n), make([]*genChunk[S], gg.n)
	}
	gg.ready, gg.out = gg.ready[:gg.n], gg.out[:gg.n]
	for k := range gg.ready {
		gg.ready[k].Store(false)
	}
	gg.cursor.Store(0)
	gg.done.Store(0)
	gg.team.run(func(id int) {
		if id == 0 {
			gg.lead(number)
		} else {
			gg.help(id)
		}
	})
	gg.blk = nil
}

// lead numbers the chunks in order, generating those nobody has taken.
func (gg *graphGen[S]) lead(number func(lo int, ch *genChunk[S]) bool) {
	for k := 0; k < gg.n; k++ {
		if !gg.ready[k].Load() {
			if gg.cursor.CompareAndSwap(int64(k), int64(k+1)) {
				gg.generate(0, k)
			} else {
				gg.gate.await(func() bool { return gg.ready[k].Load() })
			}
		}
		ch := gg.out[k]
		gg.out[k] = nil
		more := number(k*genChunkStates, ch)
		gg.give(ch)
		gg.done.Store(int64(k + 1))
		gg.gate.wake()
		if !more {
			gg.cursor.Store(int64(gg.n)) // the helpers stop taking chunks
			return
		}
	}
}

// help generates chunks ahead of the builder until none is left to take.
func (gg *graphGen[S]) help(id int) {
	for {
		k := gg.cursor.Load()
		if k >= int64(gg.n) {
			return
		}
		if k >= gg.done.Load()+genAhead {
			gg.gate.await(func() bool {
				k := gg.cursor.Load()
				return k >= int64(gg.n) || k < gg.done.Load()+genAhead
			})
			continue
		}
		if gg.cursor.CompareAndSwap(k, k+1) {
			gg.generate(id, int(k))
			gg.gate.wake()
		}
	}
}

// generate expands chunk k on worker id and publishes it.
func (gg *graphGen[S]) generate(id, k int) {
	w := gg.ws[id]
	w.ch = gg.take()
	states := gg.blk[k*genChunkStates : min((k+1)*genChunkStates, len(gg.blk))]
	for i := range states {
		before := len(w.ch.out)
		gg.c.m.Next(states[i].s, w.emit)
		w.ch.rows = append(w.ch.rows, uint32(len(w.ch.out)-before))
	}
	gg.out[k], w.ch = w.ch, nil
	gg.ready[k].Store(true)
}

func (gg *graphGen[S]) take() *genChunk[S] {
	gg.spareMu.Lock()
	defer gg.spareMu.Unlock()
	if n := len(gg.spare); n > 0 {
		ch := gg.spare[n-1]
		gg.spare = gg.spare[:n-1]
		return ch
	}
	return &genChunk[S]{}
}

func (gg *graphGen[S]) give(ch *genChunk[S]) {
	ch.out, ch.rows = ch.out[:0], ch.rows[:0]
	gg.spareMu.Lock()
	gg.spare = append(gg.spare, ch)
	gg.spareMu.Unlock()
}
