package checker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Simulate runs Options.Runs random walks of at most Options.Steps actions
// each. Walk i draws its choices from a generator seeded with (Seed, i),
// so the same seed on the same commit repeats the same walks. Each walk
// checks the invariants and deadlock freedom at every state; a walk ends
// early where no action is enabled (a deadlock unless the state is
// terminal). The first walk that breaks a property ends the run, and its
// behaviour is shrunk (see shrink.go) before it is reported: loops cut,
// actions dropped, then a bounded breadth-first search for a shorter
// one; Result.Reason says how long the walk was. Simulation cannot prove
// anything: it cannot refute a Sometimes property, so those it never
// witnessed are listed in Result.Unwitnessed, and it does not judge
// liveness.
func (c *Checker[S]) Simulate(ctx context.Context) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c.finish(c.simulate(ctx))
}

// simulate is the walks of Simulate.
func (c *Checker[S]) simulate(ctx context.Context) (*Result, error) {
	runs, steps := max(c.opts.Runs, 1), c.opts.Steps
	if steps <= 0 {
		steps = 100
	}
	start := time.Now()
	seen := newFPSet(0)
	counts := make([]uint64, len(c.kinds))
	witnessed := make([]bool, len(c.props))
	var generated uint64
	var buf []byte
	maxDepth := 0
	inits := c.m.Init()
	if len(inits) == 0 {
		return nil, fmt.Errorf("%w: no initial state", ErrModel)
	}
	res := &Result{}
	var succ []successor[S]
	var walk []successor[S]

	stats := func() Stats {
		distinct := uint64(seen.Len())
		return Stats{Strategy: "simulate", Workers: 1, Distinct: distinct, Generated: generated, Depth: maxDepth,
			Coverage: c.coverage(counts), FingerprintBytes: seen.Bytes(),
			CollisionProbability: CollisionProbability(distinct, generated), Duration: time.Since(start)}
	}
	// fail reports the walk's violation, with the walk shrunk.
	fail := func(prop, run int) (*Result, error) {
		short := c.shrink(ctx, walk, prop)
		t := &Trace{LoopStart: -1}
		for i, w := range short {
			t.Steps = append(t.Steps, c.step(w.a, w.s, i == 0))
		}
		f := c.failure(prop, t)
		f.Reason = fmt.Sprintf("random walk %d of seed %d", run, c.opts.Seed)
		if len(short) < len(walk) {
			f.Reason += fmt.Sprintf(", shrunk from %d to %d steps", len(walk)-1, len(short)-1)
		}
		res.fail(f)
		maxDepth = max(maxDepth, len(walk))
		res.Stats = stats()
		return res, nil
	}
	// check judges one state of walk run.
	check := func(s S) int {
		seen.Insert(c.fingerprint(c.canonical(s), &buf))
		for i := range c.props {
			if p := &c.props[i]; p.Kind == Sometimes && !witnessed[i] && p.Holds(s) {
				witnessed[i] = true
			}
		}
		return c.invariantFailure(&s)
	}

	for run := 0; run < runs; run++ {
		if ctx.Err() != nil {
			res.Verdict, res.Reason = Incomplete, "interrupted"
			break
		}
		rng := rand.New(rand.NewPCG(c.opts.Seed, uint64(run)))
		s := inits[rng.IntN(len(inits))]
		generated++
		walk = append(walk[:0], successor[S]{s: s})
		if i := check(s); i >= 0 {
			return fail(i, run)
		}
		for step := 0; step < steps; step++ {
			succ = succ[:0]
			c.m.Next(s, func(a Action, t S) {
				c.checkKind(a)
				generated++
				succ = append(succ, successor[S]{a: a, s: t})
			})
			if len(succ) == 0 {
				if !c.opts.AllowDeadlock && (c.terminal == nil || !c.terminal(s)) {
					return fail(len(c.props), run)
				}
				break
			}
			x := succ[rng.IntN(len(succ))]
			counts[x.a.Kind]++
			s = x.s
			walk = append(walk, x)
			if i := check(s); i >= 0 {
				return fail(i, run)
			}
		}
		maxDepth = max(maxDepth, len(walk))
	}
	res.Stats = stats()
	if res.Verdict == OK {
		res.Phase = PhaseDone
	}
	for i, p := range c.props {
		if p.Kind == Sometimes && !witnessed[i] {
			res.Unwitnessed = append(res.Unwitnessed, p.Name)
		}
		if p.Kind.Liveness() {
			res.Unjudged = append(res.Unjudged, p.Name)
		}
	}
	return res, nil
}
