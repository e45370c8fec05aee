package checker_test

import (
	"github.com/daggercheck/daggercheck/checker"
)

// This file holds small models built to have (or to lack) each kind of
// finding, so the checker's tests can predict its answers independently.

// jugs is the Die Hard water-jug puzzle: a small and a big jug, fill,
// empty and pour; the invariant "the big jug never holds goal gallons" is
// violated, and its shortest counterexample is the puzzle's solution.
type jugs struct{ small, big, goal int8 }

type jugState struct{ Small, Big int8 }

const (
	fillSmall = iota
	fillBig
	emptySmall
	emptyBig
	smallToBig
	bigToSmall
)

func (m jugs) Init() []jugState { return []jugState{{}} }

func (m jugs) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "fill-small"}, {Name: "fill-big"}, {Name: "empty-small"},
		{Name: "empty-big"}, {Name: "small-to-big"}, {Name: "big-to-small"}}
}

func (m jugs) Next(s jugState, emit func(checker.Action, jugState)) {
	emit(checker.Act(fillSmall), jugState{m.small, s.Big})
	emit(checker.Act(fillBig), jugState{s.Small, m.big})
	emit(checker.Act(emptySmall), jugState{0, s.Big})
	emit(checker.Act(emptyBig), jugState{s.Small, 0})
	pour := min(s.Small, m.big-s.Big)
	emit(checker.Act(smallToBig), jugState{s.Small - pour, s.Big + pour})
	pour = min(s.Big, m.small-s.Small)
	emit(checker.Act(bigToSmall), jugState{s.Small + pour, s.Big - pour})
}

func (m jugs) Encode(buf []byte, s jugState) []byte {
	return append(buf, byte(s.Small), byte(s.Big))
}

func (m jugs) Properties() []checker.Property[jugState] {
	return []checker.Property[jugState]{
		checker.Invariant("big-not-goal", "the big jug never holds the goal", func(s jugState) bool { return s.Big != m.goal }),
	}
}

// countdown counts from n down to 0, where nothing is enabled: a deadlock
// unless terminal marks 0 as a legal end.
type countdownModel struct{ n int }

func (m countdownModel) Init() []int { return []int{m.n} }
func (m countdownModel) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "dec"}}
}
func (m countdownModel) Next(s int, emit func(checker.Action, int)) {
	if s > 0 {
		emit(checker.Act(0), s-1)
	}
}
func (m countdownModel) Encode(buf []byte, s int) []byte { return append(buf, byte(s)) }
func (m countdownModel) Properties() []checker.Property[int] {
	return []checker.Property[int]{checker.Possible("zero", "the count reaches zero", func(s int) bool { return s == 0 })}
}

// terminalCountdown marks 0 as a legal end.
type terminalCountdown struct{ countdownModel }

func (terminalCountdown) Terminal(s int) bool { return s == 0 }

var _ checker.Terminator[int] = terminalCountdown{}

// chores: a worker that may spin through busy states 0→1→2→0 before it
// does its one piece of work (done). Whether "eventually done" holds
// depends on which actions are fair, which is what the liveness tests
// probe: spinning forever is unfair to work (enabled throughout, never
// taken) but fair to spin.
type chores struct {
	props []checker.Property[choreState]
}

type choreState struct {
	Busy int
	Done bool
}

func (m chores) Init() []choreState { return []choreState{{}} }
func (m chores) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "work"}, {Name: "spin"}}
}
func (m chores) Next(s choreState, emit func(checker.Action, choreState)) {
	if s.Done {
		return
	}
	emit(checker.Act(0), choreState{Busy: s.Busy, Done: true})
	emit(checker.Act(1), choreState{Busy: (s.Busy + 1) % 3})
}
func (m chores) Encode(buf []byte, s choreState) []byte {
	d := byte(0)
	if s.Done {
		d = 1
	}
	return append(buf, byte(s.Busy), d)
}
func (m chores) Properties() []checker.Property[choreState] { return m.props }
func (m chores) Terminal(s choreState) bool                 { return s.Done }

var _ checker.Terminator[choreState] = chores{}

func isDone(s choreState) bool { return s.Done }

// bag is a multiset of k values in 0..n, stored as k counters that may be
// renamed freely: the symmetric grid. Its canonical form sorts the
// counters, so the checker sees C(n+k, k) classes instead of (n+1)^k
// states.
type bag struct {
	k, n  int
	limit int // invariant: the counters' sum stays below limit (0: none)
}

type bagState [4]int8

var (
	_ checker.Symmetric[bagState]  = bag{}
	_ checker.Terminator[bagState] = bag{}
)

func (m bag) Init() []bagState { return []bagState{{}} }
func (m bag) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "inc", Params: []string{"i"}}}
}
func (m bag) Next(s bagState, emit func(checker.Action, bagState)) {
	for i := 0; i < m.k; i++ {
		if int(s[i]) < m.n {
			t := s
			t[i]++
			emit(checker.Act(0, i), t)
		}
	}
}
func (m bag) Encode(buf []byte, s bagState) []byte {
	for i := 0; i < m.k; i++ {
		buf = append(buf, byte(s[i]))
	}
	return buf
}
func (m bag) Canonical(s bagState) bagState {
	for i := 1; i < m.k; i++ {
		for j := i; j > 0 && s[j-1] > s[j]; j-- {
			s[j-1], s[j] = s[j], s[j-1]
		}
	}
	return s
}
func (m bag) Terminal(bagState) bool { return true }
func (m bag) Properties() []checker.Property[bagState] {
	return []checker.Property[bagState]{checker.Invariant("sum-below-limit", "the counters' sum stays below limit", func(s bagState) bool {
		sum := 0
		for i := 0; i < m.k; i++ {
			sum += int(s[i])
		}
		return m.limit == 0 || sum < m.limit
	})}
}

// namedJugs describes its actions in words.
type namedJugs struct{ jugs }

var _ checker.ActionFormatter = namedJugs{}

func (namedJugs) FormatAction(a checker.Action) string {
	return [...]string{"fill the small jug", "fill the big jug", "empty the small jug",
		"empty the big jug", "pour small into big", "pour big into small"}[a.Kind]
}

// turns: process 0 ticks round a cycle forever; process 1 ticks up to 2
// and then finishes. Weak fairness per action (tick i=0 and tick i=1
// separately) makes process 1 finish; fairness of the kind tick as a whole
// would be satisfied by process 0's ticks alone and let process 1 starve.
type turns struct{}

type turnState struct {
	C    [2]int8
	Done bool
}

func (turns) Init() []turnState { return []turnState{{}} }
func (turns) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "tick", Params: []string{"p"}}, {Name: "finish", Params: []string{"p"}}}
}
func (turns) Next(s turnState, emit func(checker.Action, turnState)) {
	t := s
	t.C[0] = (s.C[0] + 1) % 3
	emit(checker.Act(0, 0), t)
	if s.C[1] < 2 {
		t = s
		t.C[1]++
		emit(checker.Act(0, 1), t)
	} else if !s.Done {
		t = s
		t.Done = true
		emit(checker.Act(1, 1), t)
	}
}
func (turns) Encode(buf []byte, s turnState) []byte {
	d := byte(0)
	if s.Done {
		d = 1
	}
	return append(buf, byte(s.C[0]), byte(s.C[1]), d)
}
func (turns) Properties() []checker.Property[turnState] {
	return []checker.Property[turnState]{checker.Finally("p1-finishes", "process 1 finishes",
		func(s turnState) bool { return s.Done }, "tick", "finish")}
}

// rounds: two processes, each stepping round 0→1→2→0; with step fair, is
// a state where both are at 2 eventually reached? No: they can go round
// out of step forever. sortedRounds adds symmetry (the processes may be
// renamed), which must not change the liveness verdict.
type rounds struct{}

func (rounds) Init() []bagState { return []bagState{{}} }
func (rounds) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "step", Params: []string{"p"}}}
}
func (rounds) Next(s bagState, emit func(checker.Action, bagState)) {
	for p := 0; p < 2; p++ {
		t := s
		t[p] = (s[p] + 1) % 3
		emit(checker.Act(0, p), t)
	}
}
func (rounds) Encode(buf []byte, s bagState) []byte { return append(buf, byte(s[0]), byte(s[1])) }
func (rounds) Properties() []checker.Property[bagState] {
	return []checker.Property[bagState]{checker.Finally("both-at-2", "", func(s bagState) bool { return s[0] == 2 && s[1] == 2 }, "step")}
}

type sortedRounds struct{ rounds }

var _ checker.Symmetric[bagState] = sortedRounds{}

func (sortedRounds) Canonical(s bagState) bagState {
	if s[0] > s[1] {
		s[0], s[1] = s[1], s[0]
	}
	return s
}
