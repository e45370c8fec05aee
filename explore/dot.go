package explore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// DotLimit is the most states WriteDot draws: a graph larger than that
// is no picture anyone can read, and Graphviz takes minutes on it.
const DotLimit = 10000

// ErrTooLarge reports a state graph above the limit WriteDot was given.
var ErrTooLarge = errors.New("state graph too large")

// WriteDot writes the session's whole state graph in Graphviz's DOT
// language, as TLC's -dump dot does: a node per state (labelled with its
// fields; initial states bold, states that break a property red, with
// the property named), an edge per action (labelled with it). States are
// the model's own, without symmetry reduction, numbered in breadth-first
// order. A graph of more than limit states is refused, with an error
// wrapping ErrTooLarge, before anything is written.
func (s *Session) WriteDot(ctx context.Context, w io.Writer, title string, limit int) error {
	type edge struct {
		from, to int
		label    string
	}
	index := map[uint64]int{}
	var states []any
	var edges []edge
	add := func(st any) (int, error) {
		fp := s.sp.fingerprint(st)
		if i, ok := index[fp]; ok {
			return i, nil
		}
		if len(states) >= limit {
			return 0, fmt.Errorf("%w: more than %d states (the limit)", ErrTooLarge, limit)
		}
		index[fp] = len(states)
		states = append(states, st)
		return len(states) - 1, nil
	}
	inits := 0
	for _, st := range s.sp.init() {
		if _, err := add(st); err != nil {
			return err
		}
		inits = len(states)
	}
	for i := 0; i < len(states); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		s.sp.next(states[i], func(a checker.Action, t any) {
			if err != nil {
				return
			}
			var j int
			if j, err = add(t); err == nil {
				edges = append(edges, edge{i, j, s.sp.label(a)})
			}
		})
		if err != nil {
			return err
		}
	}
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "digraph %s {\n", strconv.Quote(title))
	b.WriteString("  node [shape=box, fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"sans-serif\", fontsize=9];\n")
	for i, st := range states {
		v := s.view(st, nil)
		var lines []string
		for _, f := range v.Fields {
			lines = append(lines, f.Name+"="+f.Value)
		}
		attrs := ""
		if i < inits {
			attrs += ", style=bold"
		}
		if len(v.Broken) > 0 {
			lines = append(lines, "breaks "+strings.Join(v.Broken, ", "))
			attrs += ", color=red, fontcolor=red"
		}
		fmt.Fprintf(b, "  s%d [label=%s%s];\n", i, dotLabel(lines), attrs)
	}
	for _, e := range edges {
		fmt.Fprintf(b, "  s%d -> s%d [label=%s];\n", e.from, e.to, strconv.Quote(e.label))
	}
	b.WriteString("}\n")
	return b.Flush()
}

// dotLabel is a quoted DOT label of left-justified lines.
func dotLabel(lines []string) string {
	q := strconv.Quote(strings.Join(lines, "\n") + "\n")
	return strings.ReplaceAll(q, `\n`, `\l`)
}
