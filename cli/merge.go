package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// shardSpec is --shard i/N: shard i (from 0, as a Kubernetes Indexed
// Job's JOB_COMPLETION_INDEX) of N swarm searches.
type shardSpec struct{ i, n int }

func parseShard(s string) (*shardSpec, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return nil, errors.New("want i/N, as 3/16")
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	switch {
	case err1 != nil || err2 != nil:
		return nil, errors.New("want i/N with whole numbers, as 3/16")
	case n < 1 || n > 1<<20:
		return nil, fmt.Errorf("N=%d: want 1 to %d shards", n, 1<<20)
	case i < 0 || i >= n:
		return nil, fmt.Errorf("i=%d: want 0 to N-1=%d", i, n-1)
	}
	return &shardSpec{i, n}, nil
}

func (s *shardSpec) String() string { return fmt.Sprintf("%d/%d", s.i, s.n) }

// seed is the shard's successor-order seed: a splitmix64 hash of (i, N),
// so that every shard of every swarm tries successors in its own order,
// and the same shard always in the same one. Never 0 (the model's order).
func (s *shardSpec) seed() uint64 {
	z := uint64(s.n)<<32 | uint64(s.i) + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	if z == 0 {
		z = 1
	}
	return z
}

// depth is the shard's depth bound given the user's bound d: shards
// cycle through d, 7d/8, 3d/4 and 5d/8 (SPIN's swarm varies the depth
// bound as well as the search order: a shallower search finishes sooner
// and reaches other corners with the visited set it can afford). No
// bound stays no bound: every shard then explores the whole space, in its
// own order.
func (s *shardSpec) depth(d int) int {
	if d <= 0 {
		return 0
	}
	return max(d-(s.i%4)*d/8, 1)
}

// mergedReport is what `merge` prints with --json.
type mergedReport struct {
	Model    string            `json:"model"`
	Params   map[string]string `json:"params"`
	Bug      string            `json:"bug"`
	Result   string            `json:"result"`
	Reports  int               `json:"reports"`
	Complete int               `json:"complete"` // reports whose search explored everything
	Shards   []string          `json:"shards"`   // each report's shard ("" for a report of a whole search)
	// Violations: each violated property once, with the shortest
	// counterexample any report gave and every report that found it.
	Violations []mergedViolation `json:"violations"`
	// The sums count a state once per report that reached it.
	DistinctStates  uint64          `json:"distinct_states_sum"`
	GeneratedStates uint64          `json:"generated_states_sum"`
	Depth           int             `json:"depth"` // the deepest report's
	Seconds         float64         `json:"seconds_sum"`
	Coverage        []mergedCoverge `json:"coverage"`
}

type mergedViolation struct {
	Property     string     `json:"property"`
	Result       string     `json:"result"` // violation or deadlock
	PropertyKind string     `json:"property_kind,omitempty"`
	Description  string     `json:"description,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	FoundBy      []string   `json:"found_by"` // the reports' files
	TraceLength  int        `json:"trace_length"`
	Trace        *traceJSON `json:"trace,omitempty"`
	from         string
}

type mergedCoverge struct {
	Action  string `json:"action"`
	Count   uint64 `json:"count"`   // summed over the reports
	Reports int    `json:"reports"` // reports in which it fired
}

// merge runs `merge REPORT...`: the union of swarm shards' (or any
// check runs') --json reports of one model configuration.
func (e *Env) merge(args []string) int {
	fs := e.Flags("merge", "REPORT... [--json]")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	files, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if len(files) == 0 {
		return e.Fail(errors.New("merge needs at least one report (the --json output of check)"))
	}
	g := &merger{cover: map[string]*mergedCoverge{}, byProp: map[string]*mergedViolation{}}
	for _, file := range files {
		r, err := readReport(file, e.name())
		if err != nil {
			return e.Fail(err)
		}
		if err := g.add(file, r); err != nil {
			return e.Fail(err)
		}
	}
	m, code := g.finish()
	if *asJSON {
		if c := e.WriteJSON(m); c != ExitOK {
			return c
		}
		return code
	}
	m.print(e.Stdout)
	return code
}

// merger unites reports, the first of which sets the configuration.
type merger struct {
	m      *mergedReport
	first  string // the first report's file
	cover  map[string]*mergedCoverge
	byProp map[string]*mergedViolation
}

// add merges the report r, read from file; an error names what makes it
// another configuration's, or not a report.
func (g *merger) add(file string, r *report) error {
	if g.m == nil {
		g.m = &mergedReport{Model: r.Model, Params: r.Params, Bug: r.Bug, Shards: []string{}, Violations: []mergedViolation{}}
		g.first = file
		for _, c := range r.Coverage {
			g.cover[c.Action] = &mergedCoverge{Action: c.Action}
			g.m.Coverage = append(g.m.Coverage, mergedCoverge{Action: c.Action})
		}
	}
	m := g.m
	switch {
	case r.Model != m.Model:
		return fmt.Errorf("%s: field model is %q, but %s has %q: merge reports of one configuration", file, r.Model, g.first, m.Model)
	case r.Bug != m.Bug:
		return fmt.Errorf("%s: field bug is %q, but %s has %q: merge reports of one configuration", file, r.Bug, g.first, m.Bug)
	case !maps.Equal(r.Params, m.Params):
		return fmt.Errorf("%s: field params is %v, but %s has %v: merge reports of one configuration", file, r.Params, g.first, m.Params)
	}
	m.Reports++
	m.Shards = append(m.Shards, r.Shard)
	m.DistinctStates += r.DistinctStates
	m.GeneratedStates += r.GeneratedStates
	m.Depth = max(m.Depth, r.Depth)
	m.Seconds += r.Seconds
	for _, c := range r.Coverage {
		mc, ok := g.cover[c.Action]
		if !ok {
			return fmt.Errorf("%s: coverage names action %q, which %s lacks", file, c.Action, g.first)
		}
		mc.Count += c.Count
		if c.Count > 0 {
			mc.Reports++
		}
	}
	switch r.Result {
	case "ok":
		m.Complete++
	case "incomplete":
	case "violation", "deadlock":
		if len(r.Violations) == 0 { // a run without --continue: its one violation
			r.Violations = []violationJSON{{Property: r.Property, Result: r.Result, PropertyKind: r.PropertyKind,
				Description: r.Description, Reason: r.Reason, TraceLength: r.TraceLength, Trace: r.Trace}}
		}
		for _, v := range r.Violations {
			g.violation(file, mergedViolation{Property: v.Property, Result: v.Result, PropertyKind: v.PropertyKind,
				Description: v.Description, Reason: v.Reason, TraceLength: v.TraceLength, Trace: v.Trace})
		}
	default:
		return fmt.Errorf("%s: field result is %q: want ok, violation, deadlock or incomplete", file, r.Result)
	}
	return nil
}

// violation adds one violation that file reports, keeping the shortest
// counterexample of each property.
func (g *merger) violation(file string, v mergedViolation) {
	have, ok := g.byProp[v.Property]
	if !ok {
		v.from = file
		have = &v
		g.byProp[v.Property] = have
	} else if v.Trace != nil && (have.Trace == nil || v.TraceLength < have.TraceLength) {
		have.TraceLength, have.Trace, have.Reason, have.from = v.TraceLength, v.Trace, v.Reason, file
	}
	have.FoundBy = append(have.FoundBy, file)
}

// finish is the merged report and its exit code: a violation if any
// report found one, ok if some search explored everything, incomplete
// otherwise.
func (g *merger) finish() (*mergedReport, int) {
	m := g.m
	for i := range m.Coverage {
		m.Coverage[i] = *g.cover[m.Coverage[i].Action]
	}
	for _, p := range slices.Sorted(maps.Keys(g.byProp)) {
		m.Violations = append(m.Violations, *g.byProp[p])
	}
	switch {
	case len(m.Violations) > 0:
		m.Result = "violation"
		return m, ExitViolation
	case m.Complete > 0:
		// One search that explored everything and found nothing settles it.
		m.Result = "ok"
		return m, ExitOK
	}
	m.Result = "incomplete"
	return m, ExitIncomplete
}

// readReport reads one --json report; errors name the file and, for bad
// JSON, the line.
func readReport(file, prog string) (*report, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var r report
	if err := dec.Decode(&r); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s:%d: %v", file, lineOf(raw, se.Offset), err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s:%d: field %s: %v", file, lineOf(raw, te.Offset), te.Field, err)
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("%s: empty: want the --json output of %s check", file, prog)
		}
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if r.Model == "" || r.Result == "" {
		return nil, fmt.Errorf("%s: no model or result field: want the --json output of %s check", file, prog)
	}
	return &r, nil
}

// lineOf is the 1-based line of byte offset off in raw.
func lineOf(raw []byte, off int64) int {
	return bytes.Count(raw[:min(int(off), len(raw))], []byte("\n")) + 1
}

// print writes the merged report for people.
func (m *mergedReport) print(w io.Writer) {
	var params []string
	for _, k := range slices.Sorted(maps.Keys(m.Params)) {
		params = append(params, k+"="+m.Params[k])
	}
	bug := ""
	if m.Bug != "" {
		bug = "  --bug " + m.Bug
	}
	what := m.Model
	if len(params) > 0 {
		what += "  " + strings.Join(params, " ")
	}
	fmt.Fprintf(w, "merged %d reports: model %s%s\n", m.Reports, what, bug)
	switch m.Result {
	case "ok":
		fmt.Fprintf(w, "result: ok: %d of %d searches explored every state and found no violation\n", m.Complete, m.Reports)
	case "incomplete":
		fmt.Fprintf(w, "result: incomplete: no violation found; every search stopped at a limit\n")
	default:
		fmt.Fprintf(w, "result: violation: %d of the model's properties violated\n", len(m.Violations))
	}
	for _, v := range m.Violations {
		what := "deadlock"
		if v.Result != "deadlock" {
			what = fmt.Sprintf("violation of %s (%s)", v.Property, v.PropertyKind)
		}
		fmt.Fprintf(w, "%s: %s\n  found by %d report(s): %s\n", what, v.Description, len(v.FoundBy), strings.Join(v.FoundBy, " "))
		if v.Trace == nil {
			fmt.Fprintf(w, "  %s\n", v.Reason)
			continue
		}
		fmt.Fprintf(w, "  shortest counterexample, %d steps, from %s:\n", v.TraceLength, v.from)
		for i, st := range v.Trace.Steps {
			label := st.Action
			for _, k := range slices.Sorted(maps.Keys(st.Args)) {
				label += fmt.Sprintf(" %s=%d", k, st.Args[k])
			}
			fmt.Fprintf(w, "  %3d  %s\n", i, label)
		}
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "  distinct states\t%d (summed over reports)\n", m.DistinctStates)
	fmt.Fprintf(tw, "  generated states\t%d (summed over reports)\n", m.GeneratedStates)
	fmt.Fprintf(tw, "  depth\t%d (the deepest report's)\n", m.Depth)
	tw.Flush()
	fmt.Fprintln(w, "coverage:")
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, c := range m.Coverage {
		flag := ""
		if c.Count == 0 {
			flag = "\tnever fired"
		}
		fmt.Fprintf(tw, "  %s\t%d\tin %d of %d reports%s\n", c.Action, c.Count, c.Reports, m.Reports, flag)
	}
	tw.Flush()
}
