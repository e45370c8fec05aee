package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/explore"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// writeSVG draws behaviour t of model (with parameters v and bug) as
// the explorer's sequence diagram.
func (e *Env) writeSVG(w io.Writer, model string, v spec.Values, bug string, t *checker.Trace) error {
	m, err := Lookup(e.Program.Models, model)
	if err != nil {
		return err
	}
	sess, err := m.Explore(v, bug)
	if err != nil {
		return err
	}
	fps, err := sess.FollowTrace(t)
	if err != nil {
		return err
	}
	p, err := sess.Walk(fps)
	if err != nil {
		return err
	}
	return sess.Diagram(diagramTitle(model, v.Assignments(), bug), p).WriteSVG(w)
}

func diagramTitle(model string, params []string, bug string) string {
	t := strings.Join(append([]string{model}, params...), " ")
	if bug != "" {
		t += " --bug " + bug
	}
	return t
}

// writeDot writes --dot: the model's state graph, or, above
// explore.DotLimit states, nothing and a refusal (ExitIncomplete: the
// graph was stopped at a limit).
func (e *Env) writeDot(m Model, v spec.Values, f *runFlags) int {
	sess, err := m.Explore(v, f.bug)
	if err != nil {
		return e.Fail(err)
	}
	var b strings.Builder
	err = sess.WriteDot(e.Ctx, &b, diagramTitle(m.Name, v.Assignments(), f.bug), explore.DotLimit)
	if errors.Is(err, explore.ErrTooLarge) {
		e.Warn("--dot %s: refused: the state graph has %v; give the model smaller parameters (nothing written, no search run)", f.dotOut, strings.TrimPrefix(err.Error(), explore.ErrTooLarge.Error()+": "))
		return ExitIncomplete
	}
	if err != nil {
		return e.Fail(fmt.Errorf("--dot %s: %w", f.dotOut, err))
	}
	if err := os.WriteFile(f.dotOut, []byte(b.String()), 0o644); err != nil {
		return e.Fail(fmt.Errorf("--dot: writing %s: %w", f.dotOut, err))
	}
	return ExitOK
}

// writeTraceSVG writes recheck --svg-out: trace file f as a sequence
// diagram.
func (e *Env) writeTraceSVG(path string, f *trace.File) error {
	m, err := Lookup(e.Program.Models, f.Model)
	if err != nil {
		return err
	}
	v, _, err := m.Configure(f.Params, f.Bug)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := e.writeSVG(&b, m.Name, v, f.Bug, f.Trace()); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
