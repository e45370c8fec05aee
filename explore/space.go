package explore

import (
	"context"
	"fmt"

	"github.com/daggercheck/daggercheck/checker"
)

// space is a model with its state type hidden: states travel as any,
// each holding an S. It is the one generic part of the package; the
// session above it is plain code.
type space interface {
	init() []any
	next(s any, emit func(checker.Action, any))
	fingerprint(s any) uint64
	fields(s any) []checker.Field
	holds(prop int, s any) bool
	terminal(s any) bool
	label(a checker.Action) string
	run(ctx context.Context, opts checker.Options) (*checker.Result, error)
}

// modelSpace adapts a checker.Model to space.
type modelSpace[S any] struct {
	m     checker.Model[S]
	props []checker.Property[S]
	c     *checker.Checker[S] // for FieldsOf: the form traces use
	kinds []checker.ActionKind
	fmt   checker.ActionFormatter
}

func newSpace[S any](m checker.Model[S]) *modelSpace[S] {
	sp := &modelSpace[S]{m: m, props: m.Properties(), c: checker.New(m, checker.Options{}), kinds: m.Actions()}
	sp.fmt, _ = any(m).(checker.ActionFormatter)
	return sp
}

func (sp *modelSpace[S]) init() []any {
	var out []any
	for _, s := range sp.m.Init() {
		out = append(out, s)
	}
	return out
}

func (sp *modelSpace[S]) next(s any, emit func(checker.Action, any)) {
	sp.m.Next(s.(S), func(a checker.Action, t S) { emit(a, t) })
}

// fingerprint hashes the state's own encoding, never its symmetry
// class's representative: the explorer shows states as they are.
func (sp *modelSpace[S]) fingerprint(s any) uint64 {
	return checker.Fingerprint(sp.m.Encode(nil, s.(S)))
}

func (sp *modelSpace[S]) fields(s any) []checker.Field { return sp.c.FieldsOf(s.(S)) }

func (sp *modelSpace[S]) holds(prop int, s any) bool { return sp.props[prop].Holds(s.(S)) }

func (sp *modelSpace[S]) terminal(s any) bool {
	t, ok := any(sp.m).(checker.Terminator[S])
	return ok && t.Terminal(s.(S))
}

func (sp *modelSpace[S]) label(a checker.Action) string {
	if a.Kind < 0 || a.Kind >= len(sp.kinds) {
		return fmt.Sprintf("action kind %d", a.Kind)
	}
	if sp.fmt != nil {
		return sp.fmt.FormatAction(a)
	}
	st := checker.Step{Name: sp.kinds[a.Kind].Name}
	for i, p := range sp.kinds[a.Kind].Params {
		st.Args = append(st.Args, checker.Arg{Name: p, Value: a.Args[i]})
	}
	return st.Label()
}

func (sp *modelSpace[S]) run(ctx context.Context, opts checker.Options) (*checker.Result, error) {
	return checker.New(sp.m, opts).BFS(ctx)
}
