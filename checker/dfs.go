package checker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// successor is an action and the (canonical) state it leads to.
type successor[S any] struct {
	a  Action
	s  S
	fp uint64
}

// dfsFrame is a state on the search stack and the successors still to try.
type dfsFrame[S any] struct {
	fp   uint64
	s    S
	succ []successor[S]
	next int
	done bool // successors generated
}

// DFS explores the model depth-first. It uses less memory than BFS for
// deep models and finds deep violations sooner, but its counterexamples
// are not the shortest ones. With a depth bound, a state first reached
// deep may be cut off although a shorter path reaches it: the run then
// ends Incomplete rather than claiming the model correct.
func (c *Checker[S]) DFS(ctx context.Context) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	c.live.enter(PhaseSafety)
	return c.finish(c.dfs(ctx))
}

// dfs is the search of DFS.
func (c *Checker[S]) dfs(ctx context.Context) (*Result, error) {
	start := time.Now()
	seen := newFPSet(0)
	counts := make([]uint64, len(c.kinds))
	witnessed := make([]bool, len(c.props))
	var generated uint64
	var buf []byte
	var stack []dfsFrame[S]
	var spare [][]successor[S] // successor slices, reused by depth
	maxDepth := 0
	reason := ""
	steps := 0
	// With Shuffle, successors are tried in an order drawn from the seed,
	// the same on every run with that seed.
	var rng *rand.Rand
	if c.opts.Shuffle != 0 {
		rng = rand.New(rand.NewPCG(c.opts.Shuffle, 0x5741524d)) // "SWARM"
	}

	stats := func() Stats {
		distinct := uint64(seen.Len())
		return Stats{Strategy: "dfs", Workers: 1, Distinct: distinct, Generated: generated, Depth: maxDepth,
			Coverage: c.coverage(counts), FingerprintBytes: seen.Bytes(),
			CollisionProbability: CollisionProbability(distinct, generated), Duration: time.Since(start)}
	}
	fail := func(prop int) (*Result, error) {
		res := &Result{Stats: stats()}
		fps := make([]uint64, len(stack))
		for i := range stack {
			fps[i] = stack[i].fp
		}
		t, _, err := c.replay(fps, nil)
		if err != nil {
			return nil, err
		}
		res.fail(c.failure(prop, t))
		res.Stats.Duration = time.Since(start)
		return res, nil
	}
	// visit pushes a state that is new to the visited set and checks it.
	visit := func(s S, fp uint64) int {
		stack = append(stack, dfsFrame[S]{fp: fp, s: s})
		maxDepth = max(maxDepth, len(stack))
		for i := range c.props {
			if p := &c.props[i]; p.Kind == Sometimes && !witnessed[i] && p.Holds(s) {
				witnessed[i] = true
			}
		}
		return c.invariantFailure(&s)
	}
	var live struct{ distinct, generated, depth atomic.Int64 }
	defer c.startProgress(ctx, func() Progress {
		return c.report(Progress{Depth: int(live.depth.Load()), Distinct: uint64(live.distinct.Load()),
			Generated: uint64(live.generated.Load()), Elapsed: time.Since(start)})
	})()

	for _, s0 := range c.m.Init() {
		generated++
		s0 = c.canonical(s0)
		fp := c.fingerprint(s0, &buf)
		if !seen.Insert(fp) {
			continue
		}
		if i := visit(s0, fp); i >= 0 {
			return fail(i)
		}
		for len(stack) > 0 {
			if steps++; steps%4096 == 0 {
				if ctx.Err() != nil {
					reason = "interrupted"
					break
				}
				live.distinct.Store(int64(seen.Len()))
				live.generated.Store(int64(generated))
				live.depth.Store(int64(len(stack)))
			}
			top := &stack[len(stack)-1]
			depth := len(stack) - 1
			if !top.done {
				top.done = true
				for len(spare) <= depth {
					spare = append(spare, nil)
				}
				succ := spare[depth][:0]
				c.m.Next(top.s, func(a Action, s S) {
					c.checkKind(a)
					counts[a.Kind]++
					generated++
					s = c.canonical(s)
					succ = append(succ, successor[S]{a: a, s: s, fp: c.fingerprint(s, &buf)})
				})
				if rng != nil {
					rng.Shuffle(len(succ), func(i, j int) { succ[i], succ[j] = succ[j], succ[i] })
				}
				spare[depth] = succ
				top.succ = succ
				if len(succ) == 0 && !c.opts.AllowDeadlock && (c.terminal == nil || !c.terminal(top.s)) {
					return fail(len(c.props))
				}
				if c.opts.MaxDepth > 0 && depth >= c.opts.MaxDepth {
					for _, x := range succ {
						if !seen.Contains(x.fp) {
							reason = fmt.Sprintf("depth bound %d reached", c.opts.MaxDepth)
						}
					}
					top.next = len(succ)
				}
			}
			if top.next == len(top.succ) {
				stack = stack[:len(stack)-1]
				continue
			}
			x := top.succ[top.next]
			top.next++
			if seen.Insert(x.fp) {
				if i := visit(x.s, x.fp); i >= 0 {
					return fail(i)
				}
			}
		}
		if reason == "interrupted" {
			break
		}
	}
	res := &Result{Stats: stats()}
	if reason != "" {
		res.Verdict, res.Reason = Incomplete, reason
		return res, nil
	}
	res.SafetyComplete = true
	for i, p := range c.props {
		if p.Kind == Sometimes && !witnessed[i] {
			res.fail(c.failure(i, nil))
			res.Statuses = c.stoppedAtSometimes(res, witnessed)
			return res, nil
		}
	}
	return c.checkLiveness(ctx, res)
}
