package grid

import (
	"fmt"
	"strconv"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// MaxDims is the most counters a grid may have.
const MaxDims = 8

// Params are the grid's parameters.
var Params = []spec.Param{
	{Name: "dims", Default: "3", Description: "number of counters", Min: 1, Max: MaxDims},
	{Name: "size", Default: "20", Description: "the largest value a counter takes", Min: 1, Max: 200},
}

// Bugs is the grid's bug catalogue.
var Bugs = []spec.Bug{
	{Name: "overflow", Breaks: "in-bounds",
		Description: "the increment guard is off by one (<= size instead of < size), so a counter can pass its bound"},
	{Name: "stuck", Breaks: checker.DeadlockProperty,
		Description: "counter 0 may not move once counter 1 has, so the walk can stop short of the corner"},
	{Name: "undo", Breaks: "reaches-corner",
		Description: "an undo action decrements a counter, so a fair behaviour can go back and forth forever"},
}

// State is a point of the grid.
type State struct {
	C [MaxDims]uint8
}

// Model is a grid of dims counters, each from 0 to size, that only count
// up, one counter at a time, until all of them reach size (the corner).
type Model struct {
	dims, size int
	bug        string
}

// The model is a checker.Model and declares the optional interfaces it
// implements, so that a slip in a method signature fails the build
// instead of silently turning a capability off.
var (
	_ checker.Model[State]      = (*Model)(nil)
	_ checker.Terminator[State] = (*Model)(nil)
	_ checker.Formatter[State]  = (*Model)(nil)
)

// New builds the grid from parameters; bug is "" or a name from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	if bug != "" && !known(bug) {
		return nil, fmt.Errorf("grid: unknown bug %q", bug)
	}
	m := &Model{dims: v.Int("dims"), size: v.Int("size"), bug: bug}
	if bug == "stuck" && m.dims < 2 {
		return nil, fmt.Errorf("%w dims=%d: bug stuck needs dims >= 2", spec.ErrParam, m.dims)
	}
	return m, nil
}

func known(bug string) bool {
	for _, b := range Bugs {
		if b.Name == bug {
			return true
		}
	}
	return false
}

const (
	actInc = iota
	actUndo
)

// Init is the origin.
func (m *Model) Init() []State { return []State{{}} }

// Actions are inc (and undo under the undo bug).
func (m *Model) Actions() []checker.ActionKind {
	kinds := []checker.ActionKind{{Name: "inc", Params: []string{"i"}}}
	if m.bug == "undo" {
		kinds = append(kinds, checker.ActionKind{Name: "undo", Params: []string{"i"}})
	}
	return kinds
}

// Next increments any counter below its bound.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	limit := m.size
	if m.bug == "overflow" {
		limit = m.size + 1 // the off-by-one: a counter at size may still move
	}
	for i := 0; i < m.dims; i++ {
		if int(s.C[i]) >= limit {
			continue
		}
		if i == 0 && m.bug == "stuck" && s.C[1] > 0 {
			continue
		}
		t := s
		t.C[i]++
		emit(checker.Act(actInc, i), t)
	}
	if m.bug == "undo" {
		for i := 0; i < m.dims; i++ {
			if s.C[i] > 0 && !m.corner(s) {
				t := s
				t.C[i]--
				emit(checker.Act(actUndo, i), t)
			}
		}
	}
}

// Encode writes one byte per counter.
func (m *Model) Encode(buf []byte, s State) []byte {
	return append(buf, s.C[:m.dims]...)
}

func (m *Model) corner(s State) bool {
	for i := 0; i < m.dims; i++ {
		if int(s.C[i]) != m.size {
			return false
		}
	}
	return true
}

// Terminal: the walk may stop at the corner.
func (m *Model) Terminal(s State) bool { return m.corner(s) }

// Properties of the grid.
func (m *Model) Properties() []checker.Property[State] {
	return []checker.Property[State]{
		checker.Invariant("in-bounds", "every counter stays within 0..size", func(s State) bool {
			for i := 0; i < m.dims; i++ {
				if int(s.C[i]) > m.size {
					return false
				}
			}
			return true
		}),
		checker.Possible("corner-reachable", "some behaviour brings every counter to size", m.corner),
		checker.Finally("reaches-corner", "every behaviour in which inc is weakly fair reaches the corner", m.corner, "inc"),
	}
}

// Fields shows the counters in use.
func (m *Model) Fields(s State) []checker.Field {
	out := make([]checker.Field, m.dims)
	for i := range out {
		out[i] = checker.Field{Name: "c[" + strconv.Itoa(i) + "]", Value: strconv.Itoa(int(s.C[i]))}
	}
	return out
}
