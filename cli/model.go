package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/explore"
	"github.com/daggercheck/daggercheck/spec"
)

// Model is one model the command line can check: its name, a line
// saying what it is, its parameters, its bug catalogue and how to build
// a checker for it. Register makes one.
type Model struct {
	Name   string
	Doc    string
	Params []spec.Param
	Bugs   []spec.Bug
	// Space is the model's design space, the configurations the matrix
	// command checks; nil for none (WithSpace sets it).
	Space   *spec.Space
	build   func(v spec.Values, bug string, opts checker.Options) (checker.Runner, error)
	explore func(v spec.Values, bug string) (*explore.Session, error)
}

// Register makes the Model of a model whose package offers its
// parameters, its bug catalogue and a constructor. newModel gets every
// parameter (given or default) and the bug ("" for none, otherwise a name
// from bugs); an error wrapping spec.ErrParam, or any error, is bad input
// that the command line reports naming the model. S, the state type, is
// given explicitly:
//
//	cli.Register[mutex.State]("peterson", "Peterson's mutual exclusion",
//		mutex.Params, mutex.Bugs, mutex.New)
func Register[S any, M checker.Model[S]](name, doc string, params []spec.Param, bugs []spec.Bug,
	newModel func(v spec.Values, bug string) (M, error)) Model {
	return Model{Name: name, Doc: doc, Params: params, Bugs: bugs,
		build: func(v spec.Values, bug string, opts checker.Options) (checker.Runner, error) {
			m, err := newModel(v, bug)
			if err != nil {
				return nil, err
			}
			return checker.New[S](m, opts), nil
		},
		explore: func(v spec.Values, bug string) (*explore.Session, error) {
			m, err := newModel(v, bug)
			if err != nil {
				return nil, err
			}
			return explore.New[S](m, explore.Config{Model: name, Params: v.Assignments(), Bug: bug}), nil
		}}
}

// WithSpace is the model with design space s, which the matrix command
// checks.
func (m Model) WithSpace(s spec.Space) Model {
	m.Space = &s
	return m
}

// ErrUnknownModel and ErrUnknownBug report names that are not among the
// program's models or in the model's catalogue; both are bad input.
var (
	ErrUnknownModel = errors.New("unknown model")
	ErrUnknownBug   = errors.New("unknown bug")
)

// Lookup finds a model by name; the error names the known models.
func Lookup(models []Model, name string) (Model, error) {
	for _, m := range models {
		if m.Name == name {
			return m, nil
		}
	}
	known := make([]string, len(models))
	for i, m := range models {
		known[i] = m.Name
	}
	return Model{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownModel, name, strings.Join(known, ", "))
}

// Bug returns the catalogue's entry for name.
func (m Model) Bug(name string) (spec.Bug, bool) {
	i := slices.IndexFunc(m.Bugs, func(b spec.Bug) bool { return b.Name == name })
	if i < 0 {
		return spec.Bug{}, false
	}
	return m.Bugs[i], true
}

// Configure checks the bug's name and parses the parameter assignments,
// adding the parameters the bug needs to show (spec.Bug.Params) that the
// assignments leave out; added lists those, as key=value. A parameter
// that is given keeps its value, even one the bug does not show under.
func (m Model) Configure(assignments []string, bug string) (v spec.Values, added []string, err error) {
	if bug != "" {
		b, ok := m.Bug(bug)
		if !ok {
			known := make([]string, len(m.Bugs))
			for i, b := range m.Bugs {
				known[i] = b.Name
			}
			return spec.Values{}, nil, fmt.Errorf("model %s: %w %q (known: %s)", m.Name, ErrUnknownBug, bug, strings.Join(known, ", "))
		}
		for _, p := range b.Params {
			key, _, _ := strings.Cut(p, "=")
			if !slices.ContainsFunc(assignments, func(a string) bool { return paramKey(a) == key }) {
				added = append(added, p)
			}
		}
	}
	v, err = spec.ParseParams(m.Params, append(slices.Clone(assignments), added...))
	if err != nil {
		return spec.Values{}, nil, fmt.Errorf("model %s: %w", m.Name, err)
	}
	return v, added, nil
}

// paramKey is the key of an assignment key=value, as spec.ParseParams
// reads it.
func paramKey(assignment string) string {
	k, _, _ := strings.Cut(assignment, "=")
	return strings.TrimSpace(k)
}

// New builds a checker for the model with parameters v and bug.
func (m Model) New(v spec.Values, bug string, opts checker.Options) (checker.Runner, error) {
	r, err := m.build(v, bug, opts)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", m.Name, err)
	}
	return r, nil
}

// Explore builds the explorer's session of the model with parameters v
// and bug: its state graph, walked on demand.
func (m Model) Explore(v spec.Values, bug string) (*explore.Session, error) {
	if m.explore == nil {
		return nil, fmt.Errorf("model %s: not made by Register, it cannot be explored", m.Name)
	}
	s, err := m.explore(v, bug)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", m.Name, err)
	}
	return s, nil
}

// Build is Configure, then New: a checker for the model with the
// parameter assignments and bug, and the parameters it was built with.
func (m Model) Build(assignments []string, bug string, opts checker.Options) (checker.Runner, spec.Values, error) {
	v, _, err := m.Configure(assignments, bug)
	if err != nil {
		return nil, spec.Values{}, err
	}
	r, err := m.New(v, bug, opts)
	if err != nil {
		return nil, spec.Values{}, err
	}
	return r, v, nil
}
