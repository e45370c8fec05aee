package cli

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/internal/textline"
)

// report is the outcome of check or simulate, as printed with --json. Its
// field names are the CLI contract (docs/checker.md); add, never rename.
type report struct {
	Model                string            `json:"model"`
	Params               map[string]string `json:"params"`
	Bug                  string            `json:"bug"`
	Result               string            `json:"result"`
	Property             string            `json:"property"`
	PropertyKind         string            `json:"property_kind,omitempty"`
	Description          string            `json:"description,omitempty"`
	Reason               string            `json:"reason,omitempty"`
	Strategy             string            `json:"strategy"`
	Workers              int               `json:"workers"`
	DistinctStates       uint64            `json:"distinct_states"`
	GeneratedStates      uint64            `json:"generated_states"`
	Depth                int               `json:"depth"`
	Seconds              float64           `json:"seconds"`
	StatesPerSecond      float64           `json:"states_per_second"` // generated states per second
	DistinctPerSecond    float64           `json:"distinct_per_second"`
	FingerprintBytes     uint64            `json:"fingerprint_bytes"`
	BytesPerState        float64           `json:"bytes_per_state"`
	CollisionProbability float64           `json:"collision_probability"`
	// MemoryBytes is what the Go runtime had obtained from the operating
	// system by the end of the run: a bound on the run's peak memory.
	MemoryBytes uint64 `json:"memory_bytes"`
	// PeakMemoryBytes is the most memory the process held (mapped by the
	// Go runtime, not returned to the OS) at the moments it was sampled:
	// every breadth-first level's end, and the end of the run.
	PeakMemoryBytes uint64 `json:"peak_memory_bytes"`
	// SpilledStates counts frontier states written to disk under --mem-limit.
	SpilledStates uint64 `json:"spilled_states,omitempty"`
	// The liveness check, when it ran: its time (part of seconds) and
	// the state graph it built, on disk under --mem-limit when the cap
	// could not hold it.
	LivenessSeconds float64 `json:"liveness_seconds,omitempty"`
	GraphStates     uint64  `json:"graph_states,omitempty"`
	GraphEdges      uint64  `json:"graph_edges,omitempty"`
	GraphBytes      uint64  `json:"graph_bytes,omitempty"`
	GraphOnDisk     bool    `json:"graph_on_disk,omitempty"`
	// Shard, ShardSeed and MaxDepth describe a swarm shard's search.
	Shard       string         `json:"shard,omitempty"`
	ShardSeed   uint64         `json:"shard_seed,omitempty"`
	MaxDepth    int            `json:"max_depth,omitempty"`
	Coverage    []coverageJSON `json:"coverage"`
	TraceLength int            `json:"trace_length"`
	Trace       *traceJSON     `json:"trace,omitempty"`
	Unwitnessed []string       `json:"unwitnessed,omitempty"`
	Unjudged    []string       `json:"unjudged,omitempty"`
	Witnesses   []witnessJSON  `json:"witnesses,omitempty"`
	// Violations, with --continue: every violated property, each with its
	// shortest counterexample; the first is the one the fields above
	// describe.
	Violations []violationJSON `json:"violations,omitempty"`
	// Phase is the part of the run it ended in ("safety search",
	// "building the graph", "fair components", or "done");
	// SafetyComplete says the safety search explored every reachable
	// state; Properties gives each property's status ("holds",
	// "violated", "not judged"), deadlock freedom included unless allowed.
	Phase          string       `json:"phase"`
	SafetyComplete bool         `json:"safety_complete"`
	Properties     []statusJSON `json:"properties"`
	Seed           *uint64      `json:"seed,omitempty"`
	Runs           int          `json:"runs,omitempty"`
	Steps          int          `json:"steps,omitempty"`

	assignments   []string
	properties    []checker.PropertyInfo
	allowDeadlock bool
	traceFormat   string // --trace-format: "line" or "fields"
	continued     bool   // --continue
}

// witnessJSON is a shortest behaviour witnessing a sometimes property,
// with what the model's meter counted along it and, when the meter counts
// "rpcs", those counts per RPC.
type witnessJSON struct {
	Property string             `json:"property"`
	Steps    int                `json:"steps"`
	Costs    map[string]int     `json:"costs,omitempty"`
	PerRPC   map[string]float64 `json:"per_rpc,omitempty"`
	costs    []checker.Count
}

// violationJSON is one violated property of a --continue run.
type violationJSON struct {
	Property     string     `json:"property"`
	Result       string     `json:"result"` // violation or deadlock
	PropertyKind string     `json:"property_kind"`
	Description  string     `json:"description"`
	Reason       string     `json:"reason,omitempty"`
	TraceLength  int        `json:"trace_length"`
	Trace        *traceJSON `json:"trace,omitempty"`
}

type statusJSON struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

type coverageJSON struct {
	Action string `json:"action"`
	Count  uint64 `json:"count"`
}

type traceJSON struct {
	// LoopStart is the step the lasso returns to; absent for finite traces.
	LoopStart *int       `json:"loop_start,omitempty"`
	Stutter   bool       `json:"stutter,omitempty"`
	Steps     []stepJSON `json:"steps"`
}

type stepJSON struct {
	Action string            `json:"action"`
	Args   map[string]int    `json:"args,omitempty"`
	State  map[string]string `json:"state"`
}

func newReport(name string, params map[string]string, assignments []string, bug string, res *checker.Result) *report {
	s := res.Stats
	r := &report{
		Model: name, Params: params, Bug: bug, Result: res.Verdict.String(),
		Property: res.Property, Description: res.Doc, Reason: res.Reason,
		Strategy: s.Strategy, Workers: s.Workers,
		DistinctStates: s.Distinct, GeneratedStates: s.Generated, Depth: s.Depth,
		Seconds: s.Duration.Seconds(), StatesPerSecond: s.StatesPerSecond(), DistinctPerSecond: s.DistinctPerSecond(),
		SpilledStates:   s.Spilled,
		LivenessSeconds: s.LivenessDuration.Seconds(), GraphStates: s.GraphStates, GraphEdges: s.GraphEdges,
		GraphBytes: s.GraphBytes, GraphOnDisk: s.GraphOnDisk,
		FingerprintBytes: s.FingerprintBytes, BytesPerState: s.BytesPerState(),
		CollisionProbability: s.CollisionProbability, Unwitnessed: res.Unwitnessed, Unjudged: res.Unjudged,
		TraceLength: res.Trace.Len(), assignments: assignments,
		Phase: res.Phase.String(), SafetyComplete: res.SafetyComplete,
	}
	for _, st := range res.Statuses {
		r.Properties = append(r.Properties, statusJSON{Name: st.Property, Kind: st.Kind.String(), Status: st.Status.String()})
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.MemoryBytes = ms.Sys
	r.PeakMemoryBytes = max(s.PeakMemory, ms.Sys-ms.HeapReleased)
	if res.Property != "" {
		r.PropertyKind = res.Kind.String()
	}
	for _, c := range s.Coverage {
		r.Coverage = append(r.Coverage, coverageJSON{Action: c.Action, Count: c.Count})
	}
	for _, w := range res.Witnesses {
		r.Witnesses = append(r.Witnesses, newWitness(w))
	}
	r.Trace = newTraceJSON(res.Trace)
	return r
}

// setViolations lists every violation of a --continue run.
func (r *report) setViolations(res *checker.Result) {
	r.continued, r.Violations = true, []violationJSON{}
	for _, f := range res.Violations {
		r.Violations = append(r.Violations, violationJSON{Property: f.Property, Result: f.Verdict.String(),
			PropertyKind: f.Kind.String(), Description: f.Doc, Reason: f.Reason, TraceLength: f.Trace.Len(),
			Trace: newTraceJSON(f.Trace)})
	}
	if len(r.Violations) == 0 {
		r.Violations = nil
	}
}

// newWitness is a witness with its costs, and per RPC when the meter
// counts "rpcs".
func newWitness(w checker.Witness) witnessJSON {
	wj := witnessJSON{Property: w.Property, Steps: w.Trace.Len(), costs: w.Costs}
	rpcs := 0
	for _, c := range w.Costs {
		if c.Name == "rpcs" {
			rpcs = c.N
		}
	}
	for _, c := range w.Costs {
		if wj.Costs == nil {
			wj.Costs, wj.PerRPC = map[string]int{}, map[string]float64{}
		}
		wj.Costs[c.Name] = c.N
		if rpcs > 0 && c.Name != "rpcs" {
			wj.PerRPC[c.Name] = float64(c.N) / float64(rpcs)
		}
	}
	if len(wj.PerRPC) == 0 {
		wj.PerRPC = nil
	}
	return wj
}

// newTraceJSON is a counterexample with every step's full state; nil for
// none.
func newTraceJSON(t *checker.Trace) *traceJSON {
	if t == nil {
		return nil
	}
	tj := &traceJSON{Stutter: t.Stutter}
	if t.LoopStart >= 0 {
		ls := t.LoopStart
		tj.LoopStart = &ls
	}
	for _, st := range t.Steps {
		sj := stepJSON{Action: st.Name, State: map[string]string{}}
		if len(st.Args) > 0 {
			sj.Args = map[string]int{}
			for _, a := range st.Args {
				sj.Args[a.Name] = a.Value
			}
		}
		for _, f := range st.State {
			sj.State[f.Name] = f.Value
		}
		tj.Steps = append(tj.Steps, sj)
	}
	return tj
}

// print writes the report for people: what ran, the verdict with its
// counterexample, the statistics, notes and costs, and the coverage.
func (r *report) print(w io.Writer, res *checker.Result) {
	bug := ""
	if r.Bug != "" {
		bug = "  --bug " + r.Bug
	}
	workers := fmt.Sprintf("%d worker", r.Workers)
	if r.Workers != 1 {
		workers += "s"
	}
	params := ""
	if len(r.assignments) > 0 {
		params = "  " + strings.Join(r.assignments, " ")
	}
	fmt.Fprintf(w, "model %s%s%s  (%s, %s)\n", r.Model, params, bug, r.Strategy, workers)
	if r.continued && len(res.Violations) > 0 {
		r.printViolations(w, res.Violations)
	} else {
		r.printVerdict(w, res.Verdict)
		r.printTrace(w, res.Trace)
	}
	r.printStats(w)
	r.printNotes(w)
	fmt.Fprintln(w, "coverage:")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, c := range r.Coverage {
		flag := ""
		if c.Count == 0 {
			flag = "\tnever fired"
		}
		fmt.Fprintf(tw, "  %s\t%d%s\n", c.Action, c.Count, flag)
	}
	tw.Flush()
}

// printVerdict writes the result line: the properties that hold, why the
// run is incomplete, or what it found.
func (r *report) printVerdict(w io.Writer, verdict checker.Verdict) {
	switch verdict {
	case checker.OK:
		var names []string
		for _, p := range r.properties {
			if !slices.Contains(r.Unwitnessed, p.Name) && !slices.Contains(r.Unjudged, p.Name) {
				names = append(names, p.Name)
			}
		}
		if !r.allowDeadlock {
			names = append(names, "no deadlock")
		}
		fmt.Fprintf(w, "result: ok: %s\n", strings.Join(names, ", "))
	case checker.Incomplete:
		r.printIncomplete(w)
	case checker.Deadlock:
		fmt.Fprintf(w, "result: deadlock: %s\n", r.Description)
	default:
		fmt.Fprintf(w, "result: violation of %s (%s): %s\n", r.Property, r.PropertyKind, r.Description)
		if r.Reason != "" {
			fmt.Fprintf(w, "  %s\n", r.Reason)
		}
	}
}

// printViolations writes every violation of a --continue run, each with
// its counterexample, after a result line that names them all.
func (r *report) printViolations(w io.Writer, vs []checker.Failure) {
	var names []string
	for _, f := range vs {
		names = append(names, f.Property)
	}
	what := "properties violated"
	if len(vs) == 1 {
		what = "property violated"
	}
	fmt.Fprintf(w, "result: %d %s: %s\n", len(vs), what, strings.Join(names, ", "))
	for _, f := range vs {
		if f.Verdict == checker.Deadlock {
			fmt.Fprintf(w, "deadlock: %s\n", f.Doc)
		} else {
			fmt.Fprintf(w, "violation of %s (%s): %s\n", f.Property, f.Kind, f.Doc)
		}
		if f.Reason != "" {
			fmt.Fprintf(w, "  %s\n", f.Reason)
		}
		r.printTrace(w, f.Trace)
	}
}

// printTrace writes a counterexample, if there is one, as --trace-format
// says.
func (r *report) printTrace(w io.Writer, t *checker.Trace) {
	switch {
	case t == nil:
	case r.traceFormat == "fields":
		printTraceFields(w, t)
	default:
		t.Format(w)
	}
}

// printStats writes the counts, time, memory and what the search kept.
func (r *report) printStats(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "  distinct states\t%d\n", r.DistinctStates)
	fmt.Fprintf(tw, "  generated states\t%d\n", r.GeneratedStates)
	fmt.Fprintf(tw, "  depth\t%d\n", r.Depth)
	liveness, graph := "", ""
	if r.GraphStates > 0 {
		liveness = fmt.Sprintf("; liveness check %.3fs", r.LivenessSeconds)
		graph = fmt.Sprintf("; liveness graph %.1f MiB (%d states, %d edges, %.1f bytes/state)",
			float64(r.GraphBytes)/(1<<20), r.GraphStates, r.GraphEdges, float64(r.GraphBytes)/float64(r.GraphStates))
		if r.GraphOnDisk {
			graph += " on disk"
		}
	}
	fmt.Fprintf(tw, "  time\t%.3fs (%s states/s%s)\n", r.Seconds, count(uint64(r.StatesPerSecond)), liveness)
	fmt.Fprintf(tw, "  memory\t%.1f MiB peak, %.1f MiB obtained from the OS%s\n", float64(r.PeakMemoryBytes)/(1<<20), float64(r.MemoryBytes)/(1<<20), graph)
	if r.SpilledStates > 0 {
		fmt.Fprintf(tw, "  spilled\t%d frontier states written to disk (--mem-limit)\n", r.SpilledStates)
	}

	if r.Shard != "" {
		depth := "no depth bound"
		if r.MaxDepth > 0 {
			depth = fmt.Sprintf("depth bound %d", r.MaxDepth)
		}
		fmt.Fprintf(tw, "  shard\t%s: successor order from seed %d, %s\n", r.Shard, r.ShardSeed, depth)
	}
	if r.Strategy != "simulate" {
		fmt.Fprintf(tw, "  visited set\t%d bytes (%.1f bytes/state)\n", r.FingerprintBytes, r.BytesPerState)
		fmt.Fprintf(tw, "  collision chance\t%.2g (optimistic estimate, as TLC's)\n", r.CollisionProbability)
	} else {
		fmt.Fprintf(tw, "  walks\t%d of at most %d steps, seed %d\n", r.Runs, r.Steps, *r.Seed)
	}
	tw.Flush()
}

// printNotes writes what the run could not judge, and what the shortest
// witnesses cost.
func (r *report) printNotes(w io.Writer) {
	for _, u := range r.Unwitnessed {
		fmt.Fprintf(w, "  note: no walk witnessed %s (simulation cannot refute a sometimes property)\n", u)
	}
	for _, u := range r.Unjudged {
		fmt.Fprintf(w, "  note: %s was not judged (%s)\n", u, unjudgedWhy(r.Strategy))
	}
	for _, wj := range r.Witnesses {
		if len(wj.costs) == 0 {
			continue
		}
		var parts []string
		for _, c := range wj.costs {
			if c.Name == "rpcs" {
				continue
			}
			if per, ok := wj.PerRPC[c.Name]; ok {
				parts = append(parts, fmt.Sprintf("%d %s (%.2f per RPC)", c.N, c.Name, per))
			} else {
				parts = append(parts, fmt.Sprintf("%d %s", c.N, c.Name))
			}
		}
		fmt.Fprintf(w, "cost of the shortest behaviour witnessing %s (%d steps):\n  %s\n", wj.Property, wj.Steps, strings.Join(parts, "\n  "))
	}
}

func unjudgedWhy(strategy string) string {
	if strategy == "simulate" {
		return "simulation does not judge liveness"
	}
	return "--no-liveness"
}

// printTraceFields writes a counterexample a field a line: each step's
// action, then the fields it changed (all of them for the initial state),
// each value quoted unless it is a plain word, so that a value with
// spaces or "=" in it cannot be read as the next field.
func printTraceFields(w io.Writer, t *checker.Trace) {
	if t.Len() == 1 {
		fmt.Fprintf(w, "counterexample, 1 step:\n")
	} else {
		fmt.Fprintf(w, "counterexample, %d steps:\n", t.Len())
	}
	for i, st := range t.Steps {
		var prev *checker.Step
		if i > 0 {
			prev = &t.Steps[i-1]
		}
		mark := ""
		if i == t.LoopStart && !t.Stutter {
			mark = "  <- loop starts here"
		}
		fmt.Fprintf(w, "  %3d  %s%s\n", i, st.Label(), mark)
		for _, f := range st.Changed(prev) {
			fmt.Fprintf(w, "         %s=%s\n", f.Name, textline.QuoteValue(f.Value))
		}
	}
	switch {
	case t.Stutter:
		fmt.Fprintf(w, "  then stays in step %d's state forever: no fair action is enabled there\n", t.LoopStart)
	case t.LoopStart >= 0:
		fmt.Fprintf(w, "  then back to step %d's state, and round the loop forever\n", t.LoopStart)
	}
}

// printIncomplete writes the result of a run stopped before its end. One
// stopped after its safety search says what that search established.
func (r *report) printIncomplete(w io.Writer) {
	if !r.SafetyComplete {
		fmt.Fprintf(w, "result: incomplete: %s; no violation found so far\n", r.Reason)
		return
	}
	fmt.Fprintf(w, "result: incomplete: %s\n", r.Reason)
	fmt.Fprintf(w, "  the safety search explored every reachable state\n")
	var holds, open []string
	for _, p := range r.Properties {
		name := p.Name
		if name == checker.DeadlockProperty {
			name = "no deadlock"
		}
		if p.Status == checker.Holds.String() {
			holds = append(holds, name)
		} else {
			open = append(open, name)
		}
	}
	if len(holds) > 0 {
		fmt.Fprintf(w, "  holds: %s\n", strings.Join(holds, ", "))
	}
	if len(open) > 0 {
		fmt.Fprintf(w, "  not judged: %s\n", strings.Join(open, ", "))
	}
}
