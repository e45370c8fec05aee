package checker

import "slices"

// This file is breadth-first search's Options.Continue: instead of
// stopping at the end of the first level with a violation, the search
// goes on to the end and keeps, for every property, its least finding in
// the first level where it is violated. That finding's state is a
// shortest counterexample's, and the least by fingerprint among them, as
// a run checking that property alone (Options.Only) reports it; like
// every finding, it does not depend on the number of workers.
//
// The search goes on past violating states as well, exploring their
// successors: a run checking another property alone would, and its
// shortest counterexample may pass through them. A deadlock is one more
// property: its first stuck state is kept, and the search goes on
// elsewhere.

// continueRun readies the per-property findings; nothing without
// Continue.
func (r *bfsRun[S]) continueRun() {
	if !r.c.opts.Continue {
		return
	}
	r.firsts = make([]finding, len(r.c.props)+1) // the last: deadlock
	for _, w := range r.ws {
		w.each = apart[finding](len(r.c.props) + 1)
	}
}

// note keeps a finding of worker w: the least of the level or, with
// Continue, the least of the level for its property.
func (r *bfsRun[S]) note(w *bfsWorker[S], f finding) {
	if w.each != nil {
		if f.less(w.each[f.prop]) {
			w.each[f.prop] = f
		}
		return
	}
	if f.less(w.found) {
		w.found = f
	}
}

// failed notes that s breaks invariant i and, with Continue, every later
// invariant it breaks as well (without Continue the least is enough).
func (r *bfsRun[S]) failed(w *bfsWorker[S], s *S, i int, fp uint64, depth int) {
	r.note(w, finding{depth: depth, prop: i, fp: fp, ok: true})
	if w.each == nil {
		return
	}
	c := r.c
	for _, j := range c.always {
		if j > i && !c.props[j].Holds(*s) {
			r.note(w, finding{depth: depth, prop: j, fp: fp, ok: true})
		}
	}
}

// settleFirsts ends a level for Continue: each property first violated
// in it keeps the least of the workers' findings, which is what one
// worker finds.
func (r *bfsRun[S]) settleFirsts() {
	if r.firsts == nil {
		return
	}
	for _, w := range r.ws {
		for p, f := range w.each {
			if !r.firsts[p].ok || r.firsts[p].depth == f.depth {
				if f.less(r.firsts[p]) {
					r.firsts[p] = f
				}
			}
			w.each[p] = finding{}
		}
	}
}

// safetyFailures adds to res, with Continue, the invariant violations
// and deadlock found, in the order of their findings (shortest first),
// so that the first is the one a run without Continue reports.
func (r *bfsRun[S]) safetyFailures(res *Result) error {
	var fs []finding
	for _, f := range r.firsts {
		if f.ok {
			fs = append(fs, f)
		}
	}
	slices.SortFunc(fs, func(a, b finding) int {
		if a.less(b) {
			return -1
		}
		return 1
	})
	for _, f := range fs {
		t, err := r.counterexample(f.fp)
		if err != nil {
			return err
		}
		res.fail(r.c.failure(f.prop, t))
	}
	return nil
}

// counterexample rebuilds the path to the state fp from the trace log.
func (r *bfsRun[S]) counterexample(fp uint64) (*Trace, error) {
	fps, err := r.log.path(fp)
	if err != nil {
		return nil, err
	}
	t, _, err := r.c.replay(fps, nil)
	return t, err
}

// stopped ends a run at a limit: Incomplete for reason, unless it found
// violations (with Continue), which stand; it then lists in Unjudged the
// properties of the given kinds, which are judged only at the end.
func (c *Checker[S]) stopped(res *Result, reason string, kinds ...Kind) {
	if len(res.Violations) == 0 {
		res.Verdict, res.Reason = Incomplete, reason
		return
	}
	for _, p := range c.props {
		if slices.Contains(kinds, p.Kind) {
			res.Unjudged = append(res.Unjudged, p.Name)
		}
	}
}

// checkpointFirsts is what a checkpoint keeps of the per-property
// findings: [property, depth, fingerprint] for each property violated.
func (r *bfsRun[S]) checkpointFirsts() [][3]uint64 {
	var out [][3]uint64
	for p, f := range r.firsts {
		if f.ok {
			out = append(out, [3]uint64{uint64(p), uint64(f.depth), f.fp})
		}
	}
	return out
}

// resumeFirsts restores the per-property findings from a checkpoint.
func (r *bfsRun[S]) resumeFirsts(saved [][3]uint64) {
	for _, v := range saved {
		if r.firsts != nil && v[0] < uint64(len(r.firsts)) {
			r.firsts[v[0]] = finding{prop: int(v[0]), depth: int(v[1]), fp: v[2], ok: true}
		}
	}
}
