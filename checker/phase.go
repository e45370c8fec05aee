package checker

import (
	"fmt"
	"slices"
	"sync/atomic"
)

// Phase is a part of a run, as progress reports and results name it. A
// search runs the safety search, then, when the model has liveness
// properties and the search found no violation, the liveness check:
// building the state graph, then looking for fair strongly connected
// components that miss each property's goal.
type Phase int

const (
	// PhaseSafety: exploring the states, judging invariants, reachability
	// (Sometimes) and deadlock freedom on each.
	PhaseSafety Phase = iota
	// PhaseGraph: building the state graph the liveness check needs.
	PhaseGraph
	// PhaseComponents: finding the strongly connected components of
	// states that miss a liveness property's goal, and whether one is
	// fair.
	PhaseComponents
	// PhaseDone: every phase ran to its end.
	PhaseDone
)

var phaseNames = [...]string{"safety search", "building the graph", "fair components", "done"}

func (p Phase) String() string {
	if p < 0 || int(p) >= len(phaseNames) {
		return fmt.Sprintf("phase(%d)", int(p))
	}
	return phaseNames[p]
}

// Status is what a run found out about one property.
type Status int

const (
	// NotJudged: the run ended (at a violation of another property, a
	// limit, an interrupt) before it could tell, or was told to skip it.
	NotJudged Status = iota
	// Holds in every reachable state or behaviour.
	Holds
	// Violated: Result.Property names it, Result.Trace shows how.
	Violated
)

var statusNames = [...]string{"not judged", "holds", "violated"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusNames[s]
}

// PropertyStatus is one property's outcome. Deadlock freedom is the
// property named DeadlockProperty, of kind Always.
type PropertyStatus struct {
	Property string
	Kind     Kind
	Status   Status
}

// liveCounters are what progress reports read once the safety search is
// over; the liveness check updates them every few thousand states.
type liveCounters struct {
	phase      atomic.Int32
	property   atomic.Int32  // the liveness property being judged, an index into props
	states     atomic.Uint64 // graph: states added; components: states of the region found
	edges      atomic.Uint64 // graph: edges added
	total      atomic.Uint64 // graph: the states it will hold (0 if not known)
	components atomic.Uint64 // components: strongly connected components found
	examined   atomic.Uint64 // components: of those, how many were examined for fairness
}

// enter starts a phase of the run; its counters start from zero.
func (l *liveCounters) enter(p Phase) {
	l.states.Store(0)
	l.edges.Store(0)
	l.components.Store(0)
	l.examined.Store(0)
	l.phase.Store(int32(p))
}

// report fills in p's phase and, past the safety search, the liveness
// check's counters (the safety search's stay as they ended).
func (c *Checker[S]) report(p Progress) Progress {
	l := &c.live
	p.Phase = Phase(l.phase.Load())
	if p.Phase == PhaseSafety {
		return p
	}
	p.States, p.Edges, p.Total = l.states.Load(), l.edges.Load(), l.total.Load()
	p.Components, p.Examined = l.components.Load(), l.examined.Load()
	if p.Phase == PhaseComponents {
		i := int(l.property.Load())
		p.Property = c.props[i].Name
		for j, q := range c.props {
			if q.Kind.Liveness() {
				p.Of++
				if j <= i {
					p.Index++
				}
			}
		}
	}
	return p
}

// statuses says, for every property the run checked and for deadlock
// freedom unless it is allowed, whether the run showed it holds, found
// it violated or could not tell. held lists the liveness properties the
// liveness check showed to hold.
func (c *Checker[S]) statuses(res *Result, held []string) []PropertyStatus {
	var out []PropertyStatus
	add := func(name string, kind Kind) {
		st := NotJudged
		switch {
		case slices.ContainsFunc(res.Violations, func(f Failure) bool { return f.Property == name }):
			st = Violated
		case kind.Liveness() && slices.Contains(held, name):
			st = Holds
		case !kind.Liveness() && res.SafetyComplete:
			st = Holds
		}
		out = append(out, PropertyStatus{Property: name, Kind: kind, Status: st})
	}
	for _, p := range c.props {
		add(p.Name, p.Kind)
	}
	if !c.opts.AllowDeadlock {
		add(DeadlockProperty, Always)
	}
	return out
}

// stoppedAtSometimes is statuses for a run that stopped at the first
// Sometimes property no state witnesses: a later one that no state
// witnesses either was not judged (it is no violation the run reports),
// and does not hold. witnessed is indexed as the properties.
func (c *Checker[S]) stoppedAtSometimes(res *Result, witnessed []bool) []PropertyStatus {
	st := c.statuses(res, nil)
	for i, p := range c.props {
		if p.Kind == Sometimes && !witnessed[i] && st[i].Status == Holds {
			st[i].Status = NotJudged
		}
	}
	return st
}

// finish completes a verb's result with every property's status, unless
// the liveness check has set them.
func (c *Checker[S]) finish(res *Result, err error) (*Result, error) {
	if res != nil && res.Statuses == nil {
		res.Statuses = c.statuses(res, nil)
	}
	return res, err
}
