package checker_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
)

// This file holds the checker to a reference, in the spirit of pebble's
// metamorphic tests: random small models, each judged by the checker
// under every combination of options (breadth-first with 1, 2, 3 and 8
// workers, depth-first; with and without symmetry, a depth bound, a
// subset of the properties, deadlocks allowed or not, stopping at the
// first violation or going on past them) and by a reference
// checker written for clarity, not speed: a plain breadth-first search
// over an explicit set of states, and for liveness a brute-force search
// for fair cycles by transitive closure. Any difference fails with the
// model printed; rapid prints the seed that rebuilds it:
//
//	go test ./checker -run Differential -rapid.seed=N
//	go test ./checker -run Differential -rapid.checks=5000   # a longer campaign
//	DIFFERENTIAL_WIDE=50 go test ./checker -run WideLevels  # more wide models
//
// TestDifferentialAgainstReference judges models of up to 7³ states under
// every option set; TestDifferentialLiveness, ten models a check whose
// liveness properties alone are judged; and
// TestDifferentialWideLevelsAgreeAcrossWorkers, seeded models whose
// levels are wide enough that 8 workers contend for their least failing
// state, witness and parents.
//
// Breadth-first results must equal the reference's field by field:
// verdict, property, reason, counts, depth, coverage, the counterexample
// (states and actions: the least failing state by (depth, property,
// fingerprint), reached along the parents discovered first), every
// violation found (with Continue, each property's shortest), every
// witness with its costs, each property's status, the phase the run
// ended in, and the size of the liveness check's graph. A liveness counterexample is a lasso the
// reference checks on its own: a path of the model, closed, fair, and
// missing the goal. Depth-first results, which are not shortest, must be
// genuine counterexamples when they report one and the reference's
// verdict and counts when they explore everything. Results with several
// workers must equal those with one in every field but the timings.

// dMaxProcs is the most processes a random model has.
const dMaxProcs = 4

// dState is where each process is: a node of the model's graph. Slots
// past the model's K processes stay 0.
type dState [dMaxProcs]uint8

// dEdge is an edge of the graph: an action of kind Kind with argument
// Arg that moves one process to node To.
type dEdge struct{ To, Kind, Arg int }

// dPred is a predicate on states that renaming processes keeps: how
// many processes are at the nodes of Nodes is at least Min (or, with Neg,
// less than Min).
type dPred struct {
	Nodes uint16
	Min   int
	Neg   bool
}

func (p dPred) holds(k int, s dState) bool {
	n := 0
	for _, at := range s[:k] {
		if p.Nodes&(1<<at) != 0 {
			n++
		}
	}
	return (n >= p.Min) != p.Neg
}

func (p dPred) String() string {
	var nodes []string
	for v := range 16 {
		if p.Nodes&(1<<v) != 0 {
			nodes = append(nodes, strconv.Itoa(v))
		}
	}
	op := ">="
	if p.Neg {
		op = "<"
	}
	return fmt.Sprintf("#{%s}%s%d", strings.Join(nodes, ","), op, p.Min)
}

// dProp is a property of a random model. Goal is the invariant (always),
// the witness (sometimes) or the goal (eventually, leads-to); From is the
// trigger of a leads-to.
type dProp struct {
	Name       string
	Kind       checker.Kind
	From, Goal dPred
	Fair       []string
}

// dModel is a random model: K processes walk one random labelled graph
// of N nodes, one process a step; the action of an edge of kind k with
// argument x taken by process p is "k p=p x=x". Renaming processes maps
// behaviours to behaviours and keeps every predicate, so the model may
// declare the symmetry that sorts the processes' positions.
type dModel struct {
	N, K, Kinds int
	Edges       [][]dEdge // by node
	Inits       []dState
	Props       []dProp
	Terminal    *dPred // nil: not a Terminator
	Symmetric   bool
	// Contend, when set, makes Next yield the processor before it emits,
	// so that on a machine with few cores several workers expand each
	// level, and counts how many expand at once (most is the most seen).
	Contend        bool
	inflight, most atomic.Int32
}

var dKindNames = []string{"a", "b", "c"}

func (m *dModel) Init() []dState { return m.Inits }

func (m *dModel) Actions() []checker.ActionKind {
	out := make([]checker.ActionKind, m.Kinds)
	for k := range out {
		out[k] = checker.ActionKind{Name: dKindNames[k], Params: []string{"p", "x"}}
	}
	return out
}

func (m *dModel) Next(s dState, emit func(checker.Action, dState)) {
	if m.Contend {
		n := m.inflight.Add(1)
		defer m.inflight.Add(-1)
		for most := m.most.Load(); n > most && !m.most.CompareAndSwap(most, n); most = m.most.Load() {
		}
		runtime.Gosched()
	}
	for p := range m.K {
		for _, e := range m.Edges[s[p]] {
			t := s
			t[p] = uint8(e.To)
			emit(checker.Act(e.Kind, p, e.Arg), t)
		}
	}
}

func (m *dModel) Encode(buf []byte, s dState) []byte { return append(buf, s[:m.K]...) }

func (m *dModel) Properties() []checker.Property[dState] {
	var out []checker.Property[dState]
	for _, p := range m.Props {
		goal := func(s dState) bool { return p.Goal.holds(m.K, s) }
		doc := "doc of " + p.Name
		switch p.Kind {
		case checker.Always:
			out = append(out, checker.Invariant(p.Name, doc, goal))
		case checker.Sometimes:
			out = append(out, checker.Possible(p.Name, doc, goal))
		case checker.Eventually:
			out = append(out, checker.Finally(p.Name, doc, goal, p.Fair...))
		case checker.LeadsTo:
			from := func(s dState) bool { return p.From.holds(m.K, s) }
			out = append(out, checker.Leads(p.Name, doc, from, goal, p.Fair...))
		}
	}
	return out
}

func (m *dModel) Fields(s dState) []checker.Field {
	at := make([]string, m.K)
	for p := range m.K {
		at[p] = strconv.Itoa(int(s[p]))
	}
	return []checker.Field{{Name: "at", Value: strings.Join(at, " ")}}
}

// Measure counts the actions of each kind along a witness, and where it
// ends, so that witnesses reached by different actions cost differently.
func (m *dModel) Measure(states []dState, actions []checker.Action) []checker.Count {
	out := make([]checker.Count, m.Kinds)
	for k := range out {
		out[k].Name = dKindNames[k]
	}
	for _, a := range actions[1:] {
		out[a.Kind].N++
	}
	end := 0
	for _, at := range states[len(states)-1][:m.K] {
		end = end*16 + int(at)
	}
	return append(out, checker.Count{Name: "end", N: end})
}

func (m *dModel) canonical(s dState) dState {
	slices.Sort(s[:m.K])
	return s
}

func (m *dModel) terminal(s dState) bool { return m.Terminal != nil && m.Terminal.holds(m.K, s) }

// The optional capabilities are found by type, so each combination is a
// type of its own.
type (
	dSym     struct{ *dModel }
	dTerm    struct{ *dModel }
	dSymTerm struct{ *dModel }
)

func (m dSym) Canonical(s dState) dState     { return m.canonical(s) }
func (m dTerm) Terminal(s dState) bool       { return m.terminal(s) }
func (m dSymTerm) Canonical(s dState) dState { return m.canonical(s) }
func (m dSymTerm) Terminal(s dState) bool    { return m.terminal(s) }

var (
	_ checker.Model[dState]      = (*dModel)(nil)
	_ checker.Formatter[dState]  = (*dModel)(nil)
	_ checker.Meter[dState]      = (*dModel)(nil)
	_ checker.Symmetric[dState]  = dSym{}
	_ checker.Terminator[dState] = dTerm{}
	_ checker.Symmetric[dState]  = dSymTerm{}
	_ checker.Terminator[dState] = dSymTerm{}
)

// checked is the model as the checker is given it, with the capabilities
// it declares.
func (m *dModel) checked() checker.Model[dState] {
	switch {
	case m.Symmetric && m.Terminal != nil:
		return dSymTerm{m}
	case m.Symmetric:
		return dSym{m}
	case m.Terminal != nil:
		return dTerm{m}
	}
	return m
}

func (m *dModel) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model: %d nodes, %d processes, kinds %s", m.N, m.K, strings.Join(dKindNames[:m.Kinds], " "))
	if m.Symmetric {
		b.WriteString(", symmetric")
	}
	if m.Terminal != nil {
		fmt.Fprintf(&b, ", terminal %v", *m.Terminal)
	}
	for v, es := range m.Edges {
		fmt.Fprintf(&b, "\n  node %d:", v)
		for _, e := range es {
			fmt.Fprintf(&b, " %s(%d)->%d", dKindNames[e.Kind], e.Arg, e.To)
		}
	}
	b.WriteString("\n  init:")
	for _, s := range m.Inits {
		fmt.Fprintf(&b, " [%s]", m.Fields(s)[0].Value)
	}
	for _, p := range m.Props {
		fmt.Fprintf(&b, "\n  %s %s: ", p.Kind, p.Name)
		if p.Kind == checker.LeadsTo {
			fmt.Fprintf(&b, "%v ~> ", p.From)
		}
		b.WriteString(p.Goal.String())
		if p.Kind.Liveness() {
			fmt.Fprintf(&b, " fair {%s}", strings.Join(p.Fair, " "))
		}
	}
	return b.String()
}

// drawer is where a random model's choices come from: rapid, or a seeded
// generator for the wide models.
type drawer interface {
	intn(lo, hi int, label string) int
}

type rapidDraw struct{ t *rapid.T }

func (d rapidDraw) intn(lo, hi int, label string) int { return rapid.IntRange(lo, hi).Draw(d.t, label) }

type seededDraw struct{ r *rand.Rand }

func (d seededDraw) intn(lo, hi int, _ string) int { return lo + d.r.IntN(hi-lo+1) }

// dShape bounds a random model.
type dShape struct {
	minNodes, maxNodes, minProcs, maxProcs, minDegree, maxDegree int
}

// smallShape has models of up to 7³ states, which the reference judges
// in well under a millisecond.
var smallShape = dShape{minNodes: 1, maxNodes: 7, minProcs: 1, maxProcs: 3, minDegree: 0, maxDegree: 3}

func drawPred(d drawer, n, k int, label string) dPred {
	return dPred{Nodes: uint16(d.intn(0, 1<<n-1, label+".nodes")), Min: d.intn(1, k, label+".min"),
		Neg: d.intn(0, 1, label+".neg") == 1}
}

func drawModel(d drawer, sh dShape) *dModel {
	m := &dModel{N: d.intn(sh.minNodes, sh.maxNodes, "nodes"), K: d.intn(sh.minProcs, sh.maxProcs, "procs"),
		Kinds: d.intn(1, len(dKindNames), "kinds")}
	m.Edges = make([][]dEdge, m.N)
	for v := range m.Edges {
		for range d.intn(sh.minDegree, sh.maxDegree, "degree") {
			m.Edges[v] = append(m.Edges[v], dEdge{To: d.intn(0, m.N-1, "to"), Kind: d.intn(0, m.Kinds-1, "kind"),
				Arg: d.intn(0, 1, "arg")})
		}
	}
	for range d.intn(1, 3, "inits") {
		var s dState
		for p := range m.K {
			s[p] = uint8(d.intn(0, m.N-1, "init.at"))
		}
		m.Inits = append(m.Inits, s)
	}
	for i := range d.intn(0, 6, "props") {
		p := dProp{Kind: checker.Kind(d.intn(0, 3, "prop.kind"))}
		p.Name = fmt.Sprintf("%s%d", []string{"inv", "some", "ev", "lt"}[p.Kind], i)
		p.Goal = drawPred(d, m.N, m.K, "prop.goal")
		if p.Kind.Liveness() && d.intn(0, 1, "prop.goal.small") == 1 {
			// A goal of one node leaves a large region that misses it, with
			// cycles to judge.
			p.Goal = dPred{Nodes: 1 << d.intn(0, m.N-1, "prop.goal.node"), Min: 1}
		}
		if p.Kind == checker.LeadsTo {
			p.From = drawPred(d, m.N, m.K, "prop.from")
		}
		if p.Kind.Liveness() {
			// Often every kind: a behaviour may stop wherever no fair
			// action is enabled, which would otherwise decide most cases
			// before the fair cycles are looked at.
			fair := 1<<m.Kinds - 1
			if d.intn(0, 1, "prop.all-fair") == 0 {
				fair = d.intn(0, 1<<m.Kinds-1, "prop.fair")
			}
			for k := range m.Kinds {
				if fair&(1<<k) != 0 {
					p.Fair = append(p.Fair, dKindNames[k])
				}
			}
		}
		m.Props = append(m.Props, p)
	}
	if d.intn(0, 1, "terminator") == 1 {
		t := drawPred(d, m.N, m.K, "terminal")
		m.Terminal = &t
	}
	m.Symmetric = m.K > 1 && d.intn(0, 1, "symmetric") == 1
	return m
}

// ---- The reference ----

// refGraph is every reachable state, each once, in breadth-first
// discovery order (so by depth), with its depth, the state it was first
// discovered from, and its successors in the order Next emits them.
// Symmetric: the states are the canonical ones.
type refGraph struct {
	m      *dModel
	canon  func(dState) dState
	states []dState
	depth  []int
	parent []int
	succ   [][]refEdge
}

type refEdge struct {
	a  checker.Action
	to int
}

func (m *dModel) explore(symmetric bool) *refGraph {
	g := &refGraph{m: m, canon: func(s dState) dState { return s }}
	if symmetric {
		g.canon = m.canonical
	}
	index := map[dState]int{}
	add := func(s dState, depth, parent int) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(g.states)
		g.states, g.depth, g.parent = append(g.states, s), append(g.depth, depth), append(g.parent, parent)
		return len(g.states) - 1
	}
	for _, s := range m.Init() {
		add(g.canon(s), 0, -1)
	}
	for i := 0; i < len(g.states); i++ {
		var out []refEdge
		m.Next(g.states[i], func(a checker.Action, t dState) {
			out = append(out, refEdge{a, add(g.canon(t), g.depth[i]+1, i)})
		})
		g.succ = append(g.succ, out)
	}
	return g
}

// counts are what a breadth-first search has seen once it has expanded
// the states of depth at most expanded and inserted those of depth at
// most inserted.
func (g *refGraph) counts(inserted, expanded int) checker.Stats {
	st := checker.Stats{Strategy: "bfs", Generated: uint64(len(g.m.Init()))}
	cov := make([]uint64, g.m.Kinds)
	for i := range g.states {
		if g.depth[i] <= inserted {
			st.Distinct++
			st.Depth = max(st.Depth, g.depth[i]+1)
		}
		if g.depth[i] <= expanded {
			for _, e := range g.succ[i] {
				st.Generated++
				cov[e.a.Kind]++
			}
		}
	}
	for k, n := range cov {
		st.Coverage = append(st.Coverage, checker.ActionCount{Action: dKindNames[k], Count: n})
	}
	st.CollisionProbability = checker.CollisionProbability(st.Distinct, st.Generated)
	return st
}

func (g *refGraph) fp(i int) uint64 { return checker.Fingerprint(g.m.Encode(nil, g.states[i])) }

// trace is the behaviour to state i along first-discovery parents,
// replayed as the checker replays it: from the first initial state, and
// at each step the first successor, in Next's order, whose class is the
// next state's.
func (g *refGraph) trace(i int) (*checker.Trace, []dState, []checker.Action) {
	var path []int
	for ; i >= 0; i = g.parent[i] {
		path = append([]int{i}, path...)
	}
	var cur dState
	for _, s := range g.m.Init() {
		if g.canon(s) == g.states[path[0]] {
			cur = s
			break
		}
	}
	tr := &checker.Trace{LoopStart: -1, Steps: []checker.Step{{Name: "init", State: g.m.Fields(cur)}}}
	states, acts := []dState{cur}, []checker.Action{{}}
	for _, want := range path[1:] {
		found := false
		g.m.Next(cur, func(a checker.Action, t dState) {
			if !found && g.canon(t) == g.states[want] {
				found, cur = true, t
				acts = append(acts, a)
			}
		})
		states = append(states, cur)
		a := acts[len(acts)-1]
		tr.Steps = append(tr.Steps, checker.Step{Action: a, Name: dKindNames[a.Kind],
			Args: []checker.Arg{{Name: "p", Value: a.Args[0]}, {Name: "x", Value: a.Args[1]}}, State: g.m.Fields(cur)})
	}
	return tr, states, acts
}

// path is trace(i)'s trace alone.
func (g *refGraph) path(i int) *checker.Trace {
	tr, _, _ := g.trace(i)
	return tr
}

// selected is the properties a run with these options checks, in order.
func (m *dModel) selected(o checker.Options) []dProp {
	if len(o.Only) == 0 {
		return m.Props
	}
	var out []dProp
	for _, p := range m.Props {
		if slices.Contains(o.Only, p.Name) {
			out = append(out, p)
		}
	}
	return out
}

const deadlockDoc = "a reachable state has no enabled action and is not terminal"

// expectBFS is the result breadth-first search must report, except the
// traces of liveness violations (nil here), which checkLasso judges.
func (m *dModel) expectBFS(o checker.Options) *checker.Result {
	g := m.explore(m.Symmetric && !o.NoSymmetry)
	props := m.selected(o)
	bound := len(g.states) // no state is deeper
	if o.MaxDepth > 0 {
		bound = o.MaxDepth
	}
	res := &checker.Result{}
	// Safety: for each invariant, and deadlock freedom (which ranks after
	// every property), its least failing state by (depth, fingerprint).
	var found []refFailure
	for pi := range len(props) + 1 {
		f := refFailure{state: -1, prop: pi}
		for i, s := range g.states {
			bad := false
			if pi < len(props) {
				bad = props[pi].Kind == checker.Always && !props[pi].Goal.holds(m.K, s)
			} else {
				bad = len(g.succ[i]) == 0 && !o.AllowDeadlock && !m.terminal(s)
			}
			if bad && g.depth[i] <= bound && (f.state < 0 || (refFailure{state: i, prop: pi}).less(g, f)) {
				f.state = i
			}
		}
		if f.state >= 0 {
			found = append(found, f)
		}
	}
	slices.SortFunc(found, func(a, b refFailure) int {
		if a.less(g, b) {
			return -1
		}
		return 1
	})
	if len(found) > 0 && !o.Continue {
		// The search stops at the end of the level in which it found the
		// first failure: an invariant is judged as its state is inserted,
		// while the level before is expanded; a deadlock as its state is
		// expanded, its successors inserted unless at the bound.
		f := found[0]
		d := g.depth[f.state]
		if f.prop < len(props) {
			res.Stats = g.counts(d, d-1)
		} else {
			res.Stats = g.counts(min(d+1, bound), d)
		}
		m.fail(res, props, f.prop, g.path(f.state))
		res.Statuses = m.statuses(props, o, res, nil)
		return res
	}
	// Past this point the search explored everything within the bound:
	// with Continue, it went on past each failure and lists them all.
	res.Stats = g.counts(bound, bound)
	for _, f := range found {
		m.fail(res, props, f.prop, g.path(f.state))
	}
	cutoff := false
	for i := range g.states {
		for _, e := range g.succ[i] {
			cutoff = cutoff || g.depth[i] == bound && g.depth[e.to] > bound
		}
	}
	if cutoff {
		if len(res.Violations) == 0 {
			res.Verdict, res.Reason = checker.Incomplete, fmt.Sprintf("depth bound %d reached", bound)
		}
		for _, p := range props {
			if len(res.Violations) > 0 && p.Kind != checker.Always {
				res.Unjudged = append(res.Unjudged, p.Name)
			}
		}
		res.Statuses = m.statuses(props, o, res, nil)
		return res
	}
	res.SafetyComplete = true
	// The sometimes properties no state witnesses fail (without
	// Continue, the first ends the run, with no witnesses shown); the
	// others get their shortest witness, the least by fingerprint.
	witness := map[string]int{}
	for pi, p := range props {
		if p.Kind != checker.Sometimes {
			continue
		}
		w := -1
		for i, s := range g.states {
			if p.Goal.holds(m.K, s) && (w < 0 || g.depth[i] == g.depth[w] && g.fp(i) < g.fp(w)) {
				w = i
			}
		}
		if w >= 0 {
			witness[p.Name] = w
			continue
		}
		m.fail(res, props, pi, nil)
		if !o.Continue {
			res.Statuses = m.statuses(props, o, res, nil)
			return res
		}
	}
	for _, p := range props {
		if w, ok := witness[p.Name]; ok {
			tr, states, acts := g.trace(w)
			res.Witnesses = append(res.Witnesses, checker.Witness{Property: p.Name, Trace: tr, Costs: m.Measure(states, acts)})
		}
	}
	m.expectLiveness(props, o, res)
	return res
}

// refFailure is a state that fails a property (len(props): deadlock
// freedom).
type refFailure struct{ state, prop int }

// less orders failures as the checker reports them: by the state's
// depth, then the property, then the state's fingerprint.
func (f refFailure) less(g *refGraph, h refFailure) bool {
	if g.depth[f.state] != g.depth[h.state] {
		return g.depth[f.state] < g.depth[h.state]
	}
	if f.prop != h.prop {
		return f.prop < h.prop
	}
	return g.fp(f.state) < g.fp(h.state)
}

// fail records that property pi (len(props): deadlock freedom) fails,
// shown by tr; the first failure is the run's verdict.
func (m *dModel) fail(res *checker.Result, props []dProp, pi int, tr *checker.Trace) {
	f := checker.Failure{Verdict: checker.Violation, Trace: tr}
	if pi == len(props) {
		f.Verdict, f.Property, f.Kind, f.Doc = checker.Deadlock, checker.DeadlockProperty, checker.Always, deadlockDoc
	} else {
		p := props[pi]
		f.Property, f.Kind, f.Doc = p.Name, p.Kind, "doc of "+p.Name
		if p.Kind == checker.Sometimes {
			f.Reason = "no reachable state witnesses it"
		}
	}
	if len(res.Violations) == 0 {
		res.Verdict, res.Property, res.Kind, res.Doc, res.Reason, res.Trace = f.Verdict, f.Property, f.Kind, f.Doc, f.Reason, f.Trace
	}
	res.Violations = append(res.Violations, f)
}

// statuses is what a run with result res knows of each property: violated
// if it reported it; an invariant, deadlock freedom or a witnessed
// sometimes property holds once the search explored everything; a
// liveness property holds if the liveness check showed it (held); any
// other was not judged.
func (m *dModel) statuses(props []dProp, o checker.Options, res *checker.Result, held []string) []checker.PropertyStatus {
	g := m.explore(false)
	var out []checker.PropertyStatus
	add := func(name string, kind checker.Kind, witnessed bool) {
		st := checker.NotJudged
		switch {
		case slices.ContainsFunc(res.Violations, func(f checker.Failure) bool { return f.Property == name }):
			st = checker.Violated
		case kind.Liveness():
			if slices.Contains(held, name) {
				st = checker.Holds
			}
		case res.SafetyComplete && (kind != checker.Sometimes || witnessed):
			st = checker.Holds
		}
		out = append(out, checker.PropertyStatus{Property: name, Kind: kind, Status: st})
	}
	for _, p := range props {
		add(p.Name, p.Kind, slices.ContainsFunc(g.states, func(s dState) bool { return p.Goal.holds(m.K, s) }))
	}
	if !o.AllowDeadlock {
		add(checker.DeadlockProperty, checker.Always, false)
	}
	return out
}

// expectLiveness judges the liveness properties of a run that explored
// everything and found every other property holding (with Continue: that
// explored everything).
func (m *dModel) expectLiveness(props []dProp, o checker.Options, res *checker.Result) {
	var live []dProp
	for _, p := range props {
		if p.Kind.Liveness() {
			live = append(live, p)
		}
	}
	if len(live) == 0 || o.SkipLiveness {
		for _, p := range live {
			res.Unjudged = append(res.Unjudged, p.Name)
		}
		res.Phase = checker.PhaseDone
		res.Statuses = m.statuses(props, o, res, nil)
		return
	}
	g := m.explore(false) // fairness is per action: no symmetry
	res.Stats.GraphStates = uint64(len(g.states))
	for _, succ := range g.succ {
		res.Stats.GraphEdges += uint64(len(succ))
	}
	var held []string
	for _, p := range live {
		if !g.fairlyMisses(p) {
			held = append(held, p.Name)
			continue
		}
		m.fail(res, props, slices.IndexFunc(props, func(q dProp) bool { return q.Name == p.Name }), nil)
		if !o.Continue {
			res.Phase = checker.PhaseComponents
			res.Statuses = m.statuses(props, o, res, held)
			return
		}
	}
	res.Phase = checker.PhaseDone
	res.Statuses = m.statuses(props, o, res, held)
}

// fairlyMisses reports whether some behaviour that is weakly fair to
// p's fair actions misses p's goal forever (from the start, or after a
// trigger), by brute force: such a behaviour ends in a state where it
// may stop (no fair action enabled), or goes round a strongly connected
// set of states missing the goal in which every fair action that is
// enabled in all of them is taken between two of them.
func (g *refGraph) fairlyMisses(p dProp) bool {
	n := len(g.states)
	miss := func(i int) bool { return !p.Goal.holds(g.m.K, g.states[i]) }
	fair := func(a checker.Action) bool { return slices.Contains(p.Fair, dKindNames[a.Kind]) }
	// The region: states missing the goal, reached through such states
	// from a start (an initial state, or a trigger).
	region := make([]bool, n)
	var todo []int
	for i := range g.states {
		start := g.depth[i] == 0
		if p.Kind == checker.LeadsTo {
			start = p.From.holds(g.m.K, g.states[i])
		}
		if start && miss(i) {
			region[i] = true
			todo = append(todo, i)
		}
	}
	for len(todo) > 0 {
		v := todo[0]
		todo = todo[1:]
		for _, e := range g.succ[v] {
			if miss(e.to) && !region[e.to] {
				region[e.to] = true
				todo = append(todo, e.to)
			}
		}
	}
	// reach[v][w]: a path of at least one step leads from v to w inside
	// the region.
	reach := make([][]bool, n)
	for v := range n {
		reach[v] = make([]bool, n)
		if !region[v] {
			continue
		}
		todo = []int{v}
		for len(todo) > 0 {
			u := todo[0]
			todo = todo[1:]
			for _, e := range g.succ[u] {
				if region[e.to] && !reach[v][e.to] {
					reach[v][e.to] = true
					todo = append(todo, e.to)
				}
			}
		}
	}
	enables := func(u int, a checker.Action) bool {
		return slices.ContainsFunc(g.succ[u], func(e refEdge) bool { return e.a == a })
	}
	for v := range n {
		if !region[v] {
			continue
		}
		if !slices.ContainsFunc(g.succ[v], func(e refEdge) bool { return fair(e.a) }) {
			return true // it may stop here
		}
		if !reach[v][v] {
			continue
		}
		var comp []int
		for w := range n {
			if reach[v][w] && reach[w][v] {
				comp = append(comp, w)
			}
		}
		ok := true
		for _, u := range comp {
			for _, e := range g.succ[u] {
				if !fair(e.a) {
					continue
				}
				always := !slices.ContainsFunc(comp, func(w int) bool { return !enables(w, e.a) })
				taken := slices.ContainsFunc(comp, func(w int) bool {
					return slices.ContainsFunc(g.succ[w], func(f refEdge) bool { return f.a == e.a && reach[v][f.to] && reach[f.to][v] })
				})
				ok = ok && (!always || taken)
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// replayTrace rebuilds the concrete states of a trace, checking that it
// is a behaviour of the model; it returns the states or what is wrong.
func (m *dModel) replayTrace(tr *checker.Trace) ([]dState, string) {
	if tr == nil || len(tr.Steps) == 0 || tr.Steps[0].Name != "init" {
		return nil, "no trace, or it does not start with init"
	}
	var states []dState
	for _, s := range m.Init() {
		if reflect.DeepEqual(m.Fields(s), tr.Steps[0].State) {
			states = append(states, s)
			break
		}
	}
	if len(states) == 0 {
		return nil, "step 0 is not an initial state"
	}
	for i, st := range tr.Steps[1:] {
		found := false
		m.Next(states[i], func(a checker.Action, t dState) {
			if !found && a == st.Action && reflect.DeepEqual(m.Fields(t), st.State) {
				found = true
				states = append(states, t)
			}
		})
		if !found {
			return nil, fmt.Sprintf("step %d (%s) is not a transition of the model", i+1, st.Label())
		}
	}
	return states, ""
}

// checkLasso says what is wrong with a counterexample to liveness
// property p, or "" if it is one: a behaviour of the model that ends in a
// loop (or stops where no fair action is enabled), is weakly fair, and
// misses the goal from the start (eventually) or from a trigger (leads-to).
func (m *dModel) checkLasso(tr *checker.Trace, p dProp, reason string) string {
	states, bad := m.replayTrace(tr)
	if bad != "" {
		return bad
	}
	last := len(states) - 1
	if tr.LoopStart < 0 || tr.LoopStart > last {
		return fmt.Sprintf("loop start %d is not a step of the trace", tr.LoopStart)
	}
	fair := func(a checker.Action) bool { return slices.Contains(p.Fair, dKindNames[a.Kind]) }
	var enabled [][]checker.Action
	for _, s := range states {
		var as []checker.Action
		m.Next(s, func(a checker.Action, _ dState) {
			if fair(a) {
				as = append(as, a)
			}
		})
		enabled = append(enabled, as)
	}
	if tr.Stutter {
		if tr.LoopStart != last || len(enabled[last]) > 0 {
			return fmt.Sprintf("it stutters at step %d of %d, where fair actions %v are enabled", tr.LoopStart, last, enabled[last])
		}
		if reason != "the behaviour stops in a state that misses the goal, with no fair action enabled" {
			return "reason " + strconv.Quote(reason) + " for a stutter"
		}
	} else {
		if tr.LoopStart == last || states[tr.LoopStart] != states[last] {
			return fmt.Sprintf("the loop from step %d does not close at step %d", tr.LoopStart, last)
		}
		for _, a := range enabled[tr.LoopStart] {
			always := true
			for j := tr.LoopStart; j <= last; j++ {
				always = always && slices.Contains(enabled[j], a)
			}
			taken := slices.ContainsFunc(tr.Steps[tr.LoopStart+1:], func(st checker.Step) bool { return st.Action == a })
			if always && !taken {
				return fmt.Sprintf("fair action %v stays enabled round the loop and is never taken", a)
			}
		}
		if reason != "a fair cycle of states misses the goal forever" {
			return "reason " + strconv.Quote(reason) + " for a loop"
		}
	}
	from := 0
	if p.Kind == checker.LeadsTo {
		from = -1
		for i := tr.LoopStart; i >= 0; i-- {
			if !p.Goal.holds(m.K, states[i]) && p.From.holds(m.K, states[i]) {
				from = i
			}
			if p.Goal.holds(m.K, states[i]) {
				break
			}
		}
		if from < 0 {
			return "no trigger state after the goal's last visit before the loop"
		}
	}
	for i := from; i <= last; i++ {
		if p.Goal.holds(m.K, states[i]) {
			return fmt.Sprintf("step %d reaches the goal", i)
		}
	}
	return ""
}

// ---- Comparing results ----

// diffResults names each field in which got differs from want, which
// leaves out the traces of liveness violations (checkLasso judges them)
// and what depends on the run's time, machine or data structures.
func diffResults(got, want *checker.Result) []string {
	var out []string
	field := func(name string, g, w any) {
		if !reflect.DeepEqual(g, w) {
			out = append(out, fmt.Sprintf("%s: got %v, want %v", name, g, w))
		}
	}
	field("verdict", got.Verdict, want.Verdict)
	field("property", got.Property, want.Property)
	field("kind", got.Kind, want.Kind)
	field("doc", got.Doc, want.Doc)
	field("unwitnessed", got.Unwitnessed, want.Unwitnessed)
	field("unjudged", got.Unjudged, want.Unjudged)
	field("phase", got.Phase, want.Phase)
	field("safety complete", got.SafetyComplete, want.SafetyComplete)
	field("statuses", got.Statuses, want.Statuses)
	g, w := got.Stats, want.Stats
	field("strategy", g.Strategy, w.Strategy)
	field("distinct", g.Distinct, w.Distinct)
	field("generated", g.Generated, w.Generated)
	field("depth", g.Depth, w.Depth)
	field("coverage", g.Coverage, w.Coverage)
	field("collision probability", g.CollisionProbability, w.CollisionProbability)
	field("spilled", g.Spilled, w.Spilled)
	field("liveness graph states", g.GraphStates, w.GraphStates)
	field("liveness graph edges", g.GraphEdges, w.GraphEdges)
	if len(got.Violations) != len(want.Violations) {
		out = append(out, fmt.Sprintf("violations: got %d, want %d", len(got.Violations), len(want.Violations)))
	}
	for i := range min(len(got.Violations), len(want.Violations)) {
		gv, wv := got.Violations[i], want.Violations[i]
		if wv.Kind.Liveness() {
			gv.Reason, gv.Trace = "", nil // checkLasso judges them
		}
		if !reflect.DeepEqual(gv, wv) {
			out = append(out, fmt.Sprintf("violation %d: got %s %s %q %q\n%v\nwant %s %s %q %q\n%v",
				i, gv.Verdict, gv.Property, gv.Doc, gv.Reason, gv.Trace, wv.Verdict, wv.Property, wv.Doc, wv.Reason, wv.Trace))
		}
	}
	if len(got.Violations) > 0 && (got.Trace != got.Violations[0].Trace || got.Reason != got.Violations[0].Reason) {
		out = append(out, "the result's trace or reason is not its first violation's")
	}
	if !want.Kind.Liveness() || want.Verdict != checker.Violation {
		field("reason", got.Reason, want.Reason)
		if !reflect.DeepEqual(got.Trace, want.Trace) {
			out = append(out, fmt.Sprintf("trace: got\n%v\nwant\n%v", got.Trace, want.Trace))
		}
	}
	if len(got.Witnesses) != len(want.Witnesses) {
		out = append(out, fmt.Sprintf("witnesses: got %d, want %d", len(got.Witnesses), len(want.Witnesses)))
	}
	for i := range min(len(got.Witnesses), len(want.Witnesses)) {
		gw, ww := got.Witnesses[i], want.Witnesses[i]
		if !reflect.DeepEqual(gw, ww) {
			out = append(out, fmt.Sprintf("witness %d: got %s costs %v\n%v\nwant %s costs %v\n%v",
				i, gw.Property, gw.Costs, gw.Trace, ww.Property, ww.Costs, ww.Trace))
		}
	}
	return out
}

// checkLassos judges each liveness violation's counterexample on its own.
func (m *dModel) checkLassos(res *checker.Result) []string {
	var out []string
	for _, v := range res.Violations {
		if !v.Kind.Liveness() {
			continue
		}
		p := m.Props[slices.IndexFunc(m.Props, func(p dProp) bool { return p.Name == v.Property })]
		if bad := m.checkLasso(v.Trace, p, v.Reason); bad != "" {
			out = append(out, fmt.Sprintf("liveness counterexample to %s: %s\n%v", p.Name, bad, v.Trace))
		}
	}
	return out
}

// sameRun compares two runs that must agree in every field but the
// timings and the number of workers: the whole Result, so that a field
// added later is compared too.
func sameRun(got, want *checker.Result) []string {
	untimed := func(r *checker.Result) checker.Result {
		c := *r
		c.Stats.Workers, c.Stats.Duration, c.Stats.PeakMemory, c.Stats.LivenessDuration = 0, 0, 0, 0
		return c
	}
	if reflect.DeepEqual(untimed(got), untimed(want)) {
		return nil
	}
	out := diffResults(got, want)
	if got.Reason != want.Reason || !reflect.DeepEqual(got.Violations, want.Violations) {
		out = append(out, fmt.Sprintf("reason or violations: got %q %v, want %q %v", got.Reason, got.Violations, want.Reason, want.Violations))
	}
	if got.Stats.FingerprintBytes != want.Stats.FingerprintBytes {
		out = append(out, fmt.Sprintf("fingerprint bytes: got %d, want %d", got.Stats.FingerprintBytes, want.Stats.FingerprintBytes))
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("got %+v\nwant %+v", untimed(got), untimed(want)))
	}
	return out
}

func (m *dModel) run(t checker.TestingT, o checker.Options, verb string) *checker.Result {
	t.Helper()
	c := checker.New(m.checked(), o)
	var res *checker.Result
	var err error
	if verb == "dfs" {
		res, err = c.DFS(ctx)
	} else {
		res, err = c.BFS(ctx)
	}
	if err != nil {
		t.Fatalf("%v\noptions %s: %s: %v", m, describeOptions(o), verb, err)
	}
	return res
}

func describeOptions(o checker.Options) string {
	return fmt.Sprintf("{Workers: %d, NoSymmetry: %v, MaxDepth: %d, Only: %q, AllowDeadlock: %v, SkipLiveness: %v, Continue: %v}",
		o.Workers, o.NoSymmetry, o.MaxDepth, o.Only, o.AllowDeadlock, o.SkipLiveness, o.Continue)
}

// allWorkers is the numbers of workers every breadth-first result is
// compared across.
var allWorkers = []int{1, 2, 3, 8}

// judge runs the checker on m with options o, breadth-first with each
// number of workers (the first is held to the reference, the others to
// the first) and depth-first, and fails t with the model at the first
// difference from the reference or between the runs.
func (m *dModel) judge(t checker.TestingT, o checker.Options, workers []int) {
	t.Helper()
	fail := func(verb string, problems ...string) {
		t.Helper()
		t.Fatalf("%v\noptions %s, %s:\n  %s", m, describeOptions(o), verb, strings.Join(problems, "\n  "))
	}
	want := m.expectBFS(o)
	var base *checker.Result
	for _, n := range workers {
		o.Workers = n
		got := m.run(t, o, "bfs")
		verb := fmt.Sprintf("bfs with %d workers", n)
		if base != nil {
			if d := sameRun(got, base); len(d) > 0 {
				fail(verb+", against 1 worker", d...)
			}
			continue
		}
		base = got
		if d := append(diffResults(got, want), m.checkLassos(got)...); len(d) > 0 {
			fail(verb+", against the reference", d...)
		}
	}
	if o.Continue {
		return // depth-first search does not read it
	}
	o.Workers = 0
	m.judgeDFS(t, o, m.run(t, o, "dfs"), fail)
}

// judgeDFS holds a depth-first result to the reference: a safety
// counterexample must be genuine (depth-first ones are not shortest, and
// which one is found depends on the order), a run that stopped at the
// bound must say so, and a run that explored everything must have the
// reference's verdict and counts.
func (m *dModel) judgeDFS(t checker.TestingT, o checker.Options, got *checker.Result, fail func(string, ...string)) {
	t.Helper()
	props := m.selected(o)
	switch {
	case got.Verdict == checker.Incomplete:
		if want := fmt.Sprintf("depth bound %d reached", o.MaxDepth); o.MaxDepth == 0 || got.Reason != want {
			fail("dfs", fmt.Sprintf("incomplete (%s) with depth bound %d", got.Reason, o.MaxDepth))
		}
		if want := m.statuses(props, o, &checker.Result{}, nil); !reflect.DeepEqual(got.Statuses, want) || len(got.Violations) > 0 {
			fail("dfs", fmt.Sprintf("incomplete, with statuses %v (want %v) and violations %v", got.Statuses, want, got.Violations))
		}
	case got.Verdict == checker.Deadlock || got.Verdict == checker.Violation && got.Kind == checker.Always:
		states, bad := m.replayTrace(got.Trace)
		if bad == "" && o.MaxDepth > 0 && len(states)-1 > o.MaxDepth {
			bad = fmt.Sprintf("%d steps, beyond the depth bound", len(states)-1)
		}
		// Every state is judged as it is first reached: the last one
		// violates the reported invariant, the first it violates, and the
		// others none (a deadlocked state none either).
		for i := 0; bad == "" && i < len(states); i++ {
			for _, p := range props {
				if p.Kind != checker.Always || p.Goal.holds(m.K, states[i]) {
					continue
				}
				if i < len(states)-1 || got.Verdict == checker.Deadlock || p.Name != got.Property {
					bad = fmt.Sprintf("step %d violates %s", i, p.Name)
				}
				break
			}
		}
		if bad == "" && got.Verdict == checker.Deadlock {
			end := states[len(states)-1]
			enabled := false
			m.Next(end, func(checker.Action, dState) { enabled = true })
			if enabled || m.terminal(end) || o.AllowDeadlock || got.Property != checker.DeadlockProperty {
				bad = "the last state is not a deadlock"
			}
		}
		if bad == "" && got.Verdict == checker.Violation && !slices.ContainsFunc(props, func(p dProp) bool { return p.Name == got.Property }) {
			bad = "it is not a property the run checks"
		}
		if bad != "" {
			fail("dfs", fmt.Sprintf("counterexample to %s: %s\n%v", got.Property, bad, got.Trace))
		}
		stopped := &checker.Result{Violations: []checker.Failure{{Verdict: got.Verdict, Property: got.Property,
			Kind: got.Kind, Doc: got.Doc, Reason: got.Reason, Trace: got.Trace}}}
		if !reflect.DeepEqual(got.Violations, stopped.Violations) || got.SafetyComplete || got.Phase != checker.PhaseSafety {
			fail("dfs", fmt.Sprintf("stopped at a violation, but violations %v, safety complete %v, phase %v",
				got.Violations, got.SafetyComplete, got.Phase))
		}
		if want := m.statuses(props, o, stopped, nil); !reflect.DeepEqual(got.Statuses, want) {
			fail("dfs", fmt.Sprintf("statuses %v, want %v", got.Statuses, want))
		}
	default:
		// Complete: the reference's verdict on the whole state space,
		// without breadth-first search's witnesses.
		o.MaxDepth = 0
		want := m.expectBFS(o)
		want.Stats.Strategy, want.Stats.Depth, want.Witnesses = "dfs", got.Stats.Depth, nil
		for i := range want.Violations {
			if want.Violations[i].Kind == checker.Always {
				want.Violations[i].Trace = nil
			}
		}
		if want.Verdict != checker.Violation || want.Kind == checker.Always {
			want.Trace = nil
		}
		if d := append(diffResults(got, want), m.checkLassos(got)...); len(d) > 0 {
			fail("dfs, against the reference", d...)
		}
	}
}

// optionSets is every combination of the options the reference models:
// symmetry on and off, no bound and the given one, all properties, the
// given subset and the liveness properties alone (which random safety
// properties would otherwise often keep from being judged), deadlocks
// reported and allowed, stopping at the first violation and going on
// past them (Continue, breadth-first only).
func optionSets(m *dModel, bound int, only []string, skipLiveness bool) []checker.Options {
	live := []string{checker.DeadlockProperty}
	for _, p := range m.Props {
		if p.Kind.Liveness() {
			live = append(live, p.Name)
		}
	}
	var out []checker.Options
	for _, noSym := range []bool{false, true} {
		for _, depth := range []int{0, bound} {
			for _, sel := range [][]string{nil, only, live} {
				for _, allow := range []bool{false, true} {
					for _, cont := range []bool{false, true} {
						out = append(out, checker.Options{NoSymmetry: noSym, MaxDepth: depth, Only: sel,
							AllowDeadlock: allow, SkipLiveness: skipLiveness, Continue: cont})
					}
				}
			}
		}
	}
	return out
}

// TestDifferentialAgainstReference judges random small models with the
// checker under every option combination and with the reference.
func TestDifferentialAgainstReference(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		d := rapidDraw{rt}
		m := drawModel(d, smallShape)
		names := []string{checker.DeadlockProperty}
		for _, p := range m.Props {
			names = append(names, p.Name)
		}
		var only []string
		for _, name := range names {
			if d.intn(0, 1, "only."+name) == 1 {
				only = append(only, name)
			}
		}
		bound := d.intn(1, 6, "max-depth")
		skip := d.intn(0, 3, "skip-liveness") == 0
		// Every option set with one worker; with 1, 2, 3 and 8 workers
		// the ones drawn (several workers cost more to start than these
		// models cost to check). The runs draw every combination of
		// options and workers many times over. These models' levels are
		// below the 512 states from which workers share a level: the
		// wide models are where they contend.
		sets := optionSets(m, bound, only, skip)
		many := map[int]bool{}
		for range 3 {
			many[d.intn(0, len(sets)-1, "compared-across-workers")] = true
		}
		for i, o := range sets {
			if many[i] {
				m.judge(rt, o, allWorkers)
			} else {
				m.judge(rt, o, allWorkers[:1])
			}
		}
	})
}

// fairShape has models where every node has an edge, with one or two
// processes: fair cycles, not dead ends, decide their liveness.
var fairShape = dShape{minNodes: 1, maxNodes: 7, minProcs: 1, maxProcs: 2, minDegree: 1, maxDegree: 3}

// TestDifferentialLiveness judges the liveness properties of random
// models alone (with their deadlocks reported or allowed), ten models a
// check: a cycle that weak fairness allows, or forbids, is a rare shape,
// and these models cost little to check.
func TestDifferentialLiveness(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		for range 10 {
			m := drawModel(rapidDraw{rt}, fairShape)
			live := []string{checker.DeadlockProperty}
			for _, p := range m.Props {
				if p.Kind.Liveness() {
					live = append(live, p.Name)
				}
			}
			for _, allow := range []bool{false, true} {
				m.judge(rt, checker.Options{Only: live, AllowDeadlock: allow}, allWorkers[:1])
			}
		}
	})
}

// wideShape has models of a few thousand states whose levels hold
// hundreds: several workers share a level only from 512 states on (a
// smaller one is worker 0's alone), and then cut it into many chunks, so
// that the least failure, witness and parent of a state are each
// contended for by several workers.
var wideShape = dShape{minNodes: 8, maxNodes: 8, minProcs: 4, maxProcs: 4, minDegree: 0, maxDegree: 3}

// TestDifferentialWideLevelsAgreeAcrossWorkers judges models whose levels
// are wide, with properties drawn so that the level where each first
// fails or is witnessed holds hundreds of states and several candidates,
// which several workers find in competing chunks: every field of the
// result must be the reference's, whatever the number of workers. It
// runs a few seeded models; DIFFERENTIAL_WIDE sets how many.
func TestDifferentialWideLevelsAgreeAcrossWorkers(t *testing.T) {
	n := 4
	if s := os.Getenv("DIFFERENTIAL_WIDE"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("DIFFERENTIAL_WIDE=%q: %v", s, err)
		}
	}
	for seed := uint64(1); seed <= uint64(n); seed++ {
		r := rand.New(rand.NewPCG(seed, 0x77696465))
		m := drawModel(seededDraw{r}, wideShape)
		// Three edges a node, two of them fixed so that every node is
		// reached, whatever was drawn: all 8⁴ states are reachable.
		for v := range m.Edges {
			m.Edges[v] = append(m.Edges[v][:min(len(m.Edges[v]), 1)],
				dEdge{To: (v + 1) % m.N, Kind: v % m.Kinds}, dEdge{To: (v + 3) % m.N, Kind: (v + 1) % m.Kinds, Arg: 1})
		}
		g := m.explore(false)
		m.Props = nil
		for i, kind := range []checker.Kind{checker.Always, checker.Always, checker.Sometimes, checker.Sometimes} {
			p := dProp{Name: fmt.Sprintf("%s%d", []string{"inv", "some"}[kind], i), Kind: kind, Goal: g.contestedPred(r)}
			if kind == checker.Always {
				p.Goal.Neg = true // it fails where the drawn predicate holds
			}
			m.Props = append(m.Props, p)
		}
		only := []string{m.Props[2].Name, m.Props[3].Name}
		for _, o := range []checker.Options{{}, {NoSymmetry: true}, {Only: only}, {Only: only, NoSymmetry: true},
			{Continue: true, NoSymmetry: true}} {
			want := m.expectBFS(o)
			width, rivals := m.contest(o, want)
			t.Logf("seed %d, options %s: %v %s, %d distinct; the deciding level holds %d states, %d of them candidates",
				seed, describeOptions(o), want.Verdict, want.Property, want.Stats.Distinct, width, rivals)
			if (o.NoSymmetry || !m.Symmetric) && (width < 8*16 || rivals < 8) { // the symmetric runs' levels are too small to share
				t.Fatalf("%v\noptions %s: the deciding level is too narrow for 8 workers to contend", m, describeOptions(o))
			}
			m.Contend = true
			m.most.Store(0)
			m.judge(t, o, allWorkers)
			m.Contend = false
			if (o.NoSymmetry || !m.Symmetric) && m.most.Load() < 2 {
				t.Fatalf("%v\noptions %s: no two workers ever expanded states at once", m, describeOptions(o))
			}
		}
	}
}

// contestedPred draws predicates until one first holds, at least two
// steps from the start, in at least 8 states but not all of a level of at
// least 128 (16 chunks of 8 workers), found by expanding a level that
// several workers share (of at least 512 states).
func (g *refGraph) contestedPred(r *rand.Rand) dPred {
	for range 10000 {
		p := dPred{Nodes: uint16(r.IntN(1 << g.m.N)), Min: 1 + r.IntN(g.m.K)}
		first := -1
		for i, s := range g.states {
			if p.holds(g.m.K, s) {
				first = g.depth[i]
				break
			}
		}
		if first < 2 {
			continue
		}
		width, holds, before := 0, 0, 0
		for i, s := range g.states {
			switch g.depth[i] {
			case first - 1:
				before++
			case first:
				width++
				if p.holds(g.m.K, s) {
					holds++
				}
			}
		}
		if before >= 512 && width >= 8*16 && holds >= 8 && holds < width {
			return p
		}
	}
	panic("no contested predicate in 10000 draws")
}

// contest measures the level that decided a result: how many states it
// holds and how many of them are candidates for what was reported (the
// failing states of its property, or the witnesses of its first
// witnessed property).
func (m *dModel) contest(o checker.Options, res *checker.Result) (width, rivals int) {
	g := m.explore(m.Symmetric && !o.NoSymmetry)
	var tr *checker.Trace
	var is func(dState) bool
	switch {
	case res.Trace != nil && res.Property == checker.DeadlockProperty:
		tr = res.Trace
		is = m.deadlocked
	case res.Trace != nil:
		tr = res.Trace
		p := m.Props[slices.IndexFunc(m.Props, func(p dProp) bool { return p.Name == res.Property })]
		is = func(s dState) bool { return !p.Goal.holds(m.K, s) }
	case len(res.Witnesses) > 0:
		tr = res.Witnesses[0].Trace
		p := m.Props[slices.IndexFunc(m.Props, func(p dProp) bool { return p.Name == res.Witnesses[0].Property })]
		is = func(s dState) bool { return p.Goal.holds(m.K, s) }
	default:
		return 0, 0
	}
	for i, s := range g.states {
		if g.depth[i] == tr.Len() {
			width++
			if is(s) {
				rivals++
			}
		}
	}
	return width, rivals
}

// deadlocked reports whether no action is enabled in s and it is not
// terminal.
func (m *dModel) deadlocked(s dState) bool {
	enabled := false
	m.Next(s, func(checker.Action, dState) { enabled = true })
	return !enabled && !m.terminal(s)
}
