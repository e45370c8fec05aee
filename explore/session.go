package explore

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// Config names a model configuration: the model, its parameters
// (key=value, every one, in the model's order) and its bug ("" for none).
type Config struct {
	Model  string   `json:"model"`
	Params []string `json:"params"`
	Bug    string   `json:"bug"`
}

// Session is one model configuration's state graph, walked on demand:
// it stores no state, and finds the state at the end of a path of
// fingerprints by replaying the model from its initial states, so that
// any path a client names can be answered by any session of the same
// configuration. Its methods are safe for concurrent use.
type Session struct {
	Config Config
	sp     space
	kinds  []checker.ActionKind
	props  []Property
	lanes  []string
	role   func(checker.Action) checker.Role
}

// Property is one of the model's properties, as the page lists them.
type Property struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Doc  string `json:"doc,omitempty"`
	// Searchable: Search can look for a state that breaks (always) or
	// witnesses (sometimes) it; liveness properties need a whole check.
	Searchable bool `json:"searchable"`
	kind       checker.Kind
}

// New makes the session of model m, built for configuration cfg.
func New[S any](m checker.Model[S], cfg Config) *Session {
	s := &Session{Config: cfg, sp: newSpace(m), kinds: m.Actions()}
	for _, p := range m.Properties() {
		s.props = append(s.props, Property{Name: p.Name, Kind: p.Kind.String(), Doc: p.Doc, kind: p.Kind,
			Searchable: !p.Kind.Liveness()})
	}
	s.props = append(s.props, Property{Name: checker.DeadlockProperty, Kind: checker.Always.String(),
		Doc: "some action is enabled in every state that is not terminal", Searchable: true, kind: checker.Always})
	if a, ok := any(m).(checker.Actors); ok {
		s.lanes, s.role = a.Lanes(), a.Role
	} else {
		s.lanes, s.role = prefixLanes(s.kinds, cmp.Or(cfg.Model, "model"))
	}
	return s
}

// Properties lists the model's properties, deadlock freedom last.
func (s *Session) Properties() []Property { return s.props }

// Actions lists the model's kinds of action.
func (s *Session) Actions() []checker.ActionKind { return s.kinds }

// Lanes names the sequence diagram's lanes, left to right.
func (s *Session) Lanes() []string { return s.lanes }

// prefixLanes is the diagram of a model without checker.Actors: a lane
// per action-name prefix ("tm" of "tm-commit") when some prefix is
// shared by several kinds of action, else a single lane named single.
func prefixLanes(kinds []checker.ActionKind, single string) ([]string, func(checker.Action) checker.Role) {
	prefix := func(name string) string { p, _, _ := strings.Cut(name, "-"); return p }
	count := map[string]int{}
	var lanes []string
	for _, k := range kinds {
		p := prefix(k.Name)
		if count[p] == 0 {
			lanes = append(lanes, p)
		}
		count[p]++
	}
	if len(lanes) == len(kinds) || len(lanes) < 2 {
		return []string{single}, func(checker.Action) checker.Role { return checker.Role{Actor: single} }
	}
	return lanes, func(a checker.Action) checker.Role {
		if a.Kind < 0 || a.Kind >= len(kinds) {
			return checker.Role{Actor: lanes[0]}
		}
		return checker.Role{Actor: prefix(kinds[a.Kind].Name)}
	}
}

// Field is one field of a state, as the API writes it.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Arg is one argument of an action, as the API writes it.
type Arg struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

func fieldsOf(fs []checker.Field) []Field {
	out := make([]Field, len(fs))
	for i, f := range fs {
		out[i] = Field(f)
	}
	return out
}

// State is one state as the page shows it.
type State struct {
	FP     string  `json:"fp"`
	Fields []Field `json:"fields"`
	// Changed names the fields the step into this state changed.
	Changed []string `json:"changed,omitempty"`
	// Broken lists the invariants (and "deadlock") the state breaks;
	// Witnesses the sometimes properties it witnesses.
	Broken    []string `json:"broken,omitempty"`
	Witnesses []string `json:"witnesses,omitempty"`
	Terminal  bool     `json:"terminal,omitempty"`
}

// Step is one step of a path: the action into the state (none on the
// first step) and the state.
type Step struct {
	Action string `json:"action,omitempty"` // the kind's name
	Args   []Arg  `json:"args,omitempty"`
	Label  string `json:"label,omitempty"`
	Role   *Role  `json:"role,omitempty"`
	State  State  `json:"state"`
}

// Move is one action enabled at the end of a path, with the state it
// leads to: its fingerprint, the fields it changes (new values) and
// what the new state breaks or witnesses.
type Move struct {
	Action    string   `json:"action"`
	Args      []Arg    `json:"args,omitempty"`
	Label     string   `json:"label"`
	Role      Role     `json:"role"`
	FP        string   `json:"fp"`
	Changes   []Field  `json:"changes"`
	Broken    []string `json:"broken,omitempty"`
	Witnesses []string `json:"witnesses,omitempty"`
}

// Role is checker.Role as the API writes it.
type Role struct {
	Actor   string `json:"actor"`
	Peer    string `json:"peer,omitempty"`
	Receive bool   `json:"receive,omitempty"`
}

// Path is a behaviour from an initial state, with the actions enabled
// at its end.
type Path struct {
	Steps []Step `json:"steps"`
	Moves []Move `json:"moves"`
}

// FPs is the path's fingerprints, first state first.
func (p *Path) FPs() []uint64 {
	out := make([]uint64, len(p.Steps))
	for i, st := range p.Steps {
		out[i], _ = parseFP(st.State.FP)
	}
	return out
}

// ErrUnknownState is wrapped by Walk's error when a fingerprint names
// no initial state or no successor of the state before it.
var ErrUnknownState = errors.New("unknown state")

// Initial lists the initial states.
func (s *Session) Initial() []State {
	var out []State
	for _, st := range s.sp.init() {
		out = append(out, s.view(st, nil))
	}
	return out
}

// Walk follows fps from an initial state and returns the path, with the
// actions enabled at its end. The error wraps ErrUnknownState and names
// the first fingerprint that leads nowhere.
func (s *Session) Walk(fps []uint64) (*Path, error) {
	states, steps, err := s.resolve(fps)
	if err != nil {
		return nil, err
	}
	return &Path{Steps: steps, Moves: s.moves(states[len(states)-1])}, nil
}

// resolve replays fps, returning the states and the path's steps.
func (s *Session) resolve(fps []uint64) ([]any, []Step, error) {
	if len(fps) == 0 {
		return nil, nil, fmt.Errorf("%w: an empty path names no state", ErrUnknownState)
	}
	var cur any
	for _, st := range s.sp.init() {
		if s.sp.fingerprint(st) == fps[0] {
			cur = st
			break
		}
	}
	if cur == nil {
		return nil, nil, fmt.Errorf("%w: no initial state has fingerprint %s", ErrUnknownState, formatFP(fps[0]))
	}
	states := []any{cur}
	steps := []Step{{State: s.view(cur, nil)}}
	for i, want := range fps[1:] {
		var next any
		var act checker.Action
		s.sp.next(cur, func(a checker.Action, t any) {
			if next == nil && s.sp.fingerprint(t) == want {
				next, act = t, a
			}
		})
		if next == nil {
			return nil, nil, fmt.Errorf("%w: step %d: no action of state %s leads to fingerprint %s",
				ErrUnknownState, i+1, formatFP(fps[i]), formatFP(want))
		}
		steps = append(steps, s.step(act, cur, next))
		states = append(states, next)
		cur = next
	}
	return states, steps, nil
}

// step describes the action a from prev into st.
func (s *Session) step(a checker.Action, prev, st any) Step {
	role := Role(s.role(a))
	return Step{Action: s.kinds[a.Kind].Name, Args: s.args(a), Label: s.sp.label(a), Role: &role, State: s.view(st, prev)}
}

func (s *Session) args(a checker.Action) []Arg {
	var out []Arg
	for i, p := range s.kinds[a.Kind].Params {
		out = append(out, Arg{Name: p, Value: a.Args[i]})
	}
	return out
}

// moves lists the actions enabled in st.
func (s *Session) moves(st any) []Move {
	out := []Move{}
	before := s.sp.fields(st)
	s.sp.next(st, func(a checker.Action, t any) {
		if a.Kind < 0 || a.Kind >= len(s.kinds) {
			return // a model that breaks its contract; check reports it
		}
		v := s.view(t, nil)
		after := s.sp.fields(t)
		out = append(out, Move{Action: s.kinds[a.Kind].Name, Args: s.args(a), Label: s.sp.label(a), Role: Role(s.role(a)),
			FP: v.FP, Changes: fieldsOf(changes(before, after)), Broken: v.Broken, Witnesses: v.Witnesses})
	})
	return out
}

// view describes st; prev, when not nil, is the state before it.
func (s *Session) view(st, prev any) State {
	fields := s.sp.fields(st)
	v := State{FP: formatFP(s.sp.fingerprint(st)), Fields: fieldsOf(fields), Terminal: s.sp.terminal(st)}
	if prev != nil {
		for _, f := range changes(s.sp.fields(prev), fields) {
			v.Changed = append(v.Changed, f.Name)
		}
	}
	for i, p := range s.props[:len(s.props)-1] {
		switch {
		case p.kind == checker.Always && !s.sp.holds(i, st):
			v.Broken = append(v.Broken, p.Name)
		case p.kind == checker.Sometimes && s.sp.holds(i, st):
			v.Witnesses = append(v.Witnesses, p.Name)
		}
	}
	if s.deadlocked(st) {
		v.Broken = append(v.Broken, checker.DeadlockProperty)
	}
	return v
}

func (s *Session) deadlocked(st any) bool {
	n := 0
	s.sp.next(st, func(checker.Action, any) { n++ })
	return n == 0 && !s.sp.terminal(st)
}

// changes is the fields of after whose values differ from before's.
func changes(before, after []checker.Field) []checker.Field {
	old := make(map[string]string, len(before))
	for _, f := range before {
		old[f.Name] = f.Value
	}
	out := []checker.Field{}
	for _, f := range after {
		if v, ok := old[f.Name]; !ok || v != f.Value {
			out = append(out, f)
		}
	}
	return out
}

// property finds a property by name.
func (s *Session) property(name string) (int, bool) {
	i := slices.IndexFunc(s.props, func(p Property) bool { return p.Name == name })
	return i, i >= 0
}
