// Package lock is Peterson's mutual exclusion for two processes, as a
// model for the checker: each process raises its flag, gives the turn to
// the other, waits until the other's flag is down or the turn is its own,
// enters its critical section and leaves it lowering its flag. Two bugs
// break it: giving the turn before raising the flag lets both processes
// in, and leaving without lowering the flag starves the other one.
//
// It imports the checker and spec only; main.go next to it gives it the
// whole daggercheck command line through package cli.
package lock

import (
	"fmt"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Params: Peterson's lock has none; every run explores the same states.
var Params = []spec.Param{}

// The bug catalogue, each with the property that catches it.
var Bugs = []spec.Bug{
	{Name: "turn-first", Breaks: "mutual-exclusion",
		Description: "a process gives the turn away before it raises its flag, so both can find the way in clear"},
	{Name: "sticky-flag", Breaks: "starvation-free",
		Description: "a process leaves its critical section without lowering its flag, so the other waits for ever"},
}

// PC is where a process is in its loop.
type PC uint8

const (
	Idle     PC = iota // outside, not wanting in
	Flagged            // has done its first store
	Waiting            // has done both stores, waits for the way in
	Critical           // in its critical section
)

func (pc PC) String() string {
	return [...]string{"idle", "flagged", "waiting", "critical"}[pc]
}

// State is both processes and the shared variables.
type State struct {
	PC   [2]PC
	Flag [2]bool
	Turn uint8 // the process that waits when both want in
}

// Model is Peterson's lock, with a bug or none.
type Model struct{ bug string }

// The capabilities the model offers, checked by the compiler.
var (
	_ checker.Model[State]     = (*Model)(nil)
	_ checker.Formatter[State] = (*Model)(nil)
	_ checker.ActionFormatter  = (*Model)(nil)
)

// New builds the model; bug is "" or a name from Bugs.
func New(_ spec.Values, bug string) (*Model, error) {
	for _, b := range Bugs {
		if b.Name == bug {
			return &Model{bug: bug}, nil
		}
	}
	if bug != "" {
		return nil, fmt.Errorf("unknown bug %q", bug)
	}
	return &Model{}, nil
}

// The kinds of action, each taken by process i.
const (
	actWant  = iota // the first store: raise the flag (turn-first: give the turn)
	actYield        // the second store: give the turn (turn-first: raise the flag)
	actEnter
	actLeave
)

// Init: both processes idle, both flags down, the turn with process 0.
func (m *Model) Init() []State { return []State{{}} }

// Actions names the kinds of action; each takes the process.
func (m *Model) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "want", Params: []string{"p"}}, {Name: "yield", Params: []string{"p"}},
		{Name: "enter", Params: []string{"p"}}, {Name: "leave", Params: []string{"p"}}}
}

// Next emits each process's next step, if it can take one.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	for i := range 2 {
		j, t := 1-i, s
		switch s.PC[i] {
		case Idle:
			t.PC[i] = Flagged
			if m.bug == "turn-first" {
				t.Turn = uint8(j)
			} else {
				t.Flag[i] = true
			}
			emit(checker.Act(actWant, i), t)
		case Flagged:
			t.PC[i] = Waiting
			if m.bug == "turn-first" {
				t.Flag[i] = true
			} else {
				t.Turn = uint8(j)
			}
			emit(checker.Act(actYield, i), t)
		case Waiting:
			if !s.Flag[j] || s.Turn == uint8(i) {
				t.PC[i] = Critical
				emit(checker.Act(actEnter, i), t)
			}
		case Critical:
			t.PC[i] = Idle
			t.Flag[i] = m.bug == "sticky-flag"
			emit(checker.Act(actLeave, i), t)
		}
	}
}

// Encode writes every field, a byte each.
func (m *Model) Encode(buf []byte, s State) []byte {
	return append(buf, byte(s.PC[0]), byte(s.PC[1]), bit(s.Flag[0]), bit(s.Flag[1]), s.Turn)
}

func bit(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// Properties: at most one process in its critical section; the lock is
// contended sometimes (so the model cannot pass vacuously); a waiting
// process gets in, whatever the other does, as long as the processes
// keep taking the steps of the protocol (wanting in is optional). The
// protocol is symmetric, so process 0 stands for both in the liveness
// property.
func (m *Model) Properties() []checker.Property[State] {
	return []checker.Property[State]{
		checker.Invariant("mutual-exclusion", "at most one process is in its critical section",
			func(s State) bool { return s.PC[0] != Critical || s.PC[1] != Critical }),
		checker.Possible("contention", "some behaviour has one process in its critical section while the other waits",
			func(s State) bool { return s.PC[0] == Critical && s.PC[1] == Waiting }),
		checker.Leads("starvation-free", "process 0, once waiting, enters its critical section (yield, enter and leave weakly fair)",
			func(s State) bool { return s.PC[0] == Waiting }, func(s State) bool { return s.PC[0] == Critical },
			"yield", "enter", "leave"),
	}
}

// Fields shows the program counters, flags and turn.
func (m *Model) Fields(s State) []checker.Field {
	return []checker.Field{
		{Name: "p0", Value: s.PC[0].String()}, {Name: "p1", Value: s.PC[1].String()},
		{Name: "flag0", Value: fmt.Sprint(s.Flag[0])}, {Name: "flag1", Value: fmt.Sprint(s.Flag[1])},
		{Name: "turn", Value: fmt.Sprint(s.Turn)},
	}
}

// FormatAction says which process does what.
func (m *Model) FormatAction(a checker.Action) string {
	return fmt.Sprintf("p%d %s", a.Args[0], m.Actions()[a.Kind].Name)
}
