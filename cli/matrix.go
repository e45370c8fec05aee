package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// Cell statuses of the matrix: what a configuration's check says of a
// property.
const (
	CellOK        = "ok"         // the property holds in every reachable state
	CellViolated  = "violated"   // a counterexample breaks it
	CellNotJudged = "not-judged" // the check stopped (budget, state limit) before it could say
	CellNone      = "none"       // the configuration has no such property (MSI has no Exclusive state)
)

// matrixReport is the matrix as --json prints it. Its field names are
// the CLI contract (docs/checker.md); add, never rename.
type matrixReport struct {
	Models  []matrixModel `json:"models"`
	Summary []knobLine    `json:"summary"`
}

// matrixModel is one model's table: its axes, its property columns, a
// row per configuration and the configurations it rejects.
type matrixModel struct {
	Model      string          `json:"model"`
	Axes       []string        `json:"axes"`
	Fixed      []string        `json:"fixed"`
	Properties []string        `json:"properties"`
	Rows       []matrixRow     `json:"rows"`
	Excluded   []matrixExclude `json:"excluded,omitempty"`
}

// matrixRow is one configuration's check.
type matrixRow struct {
	Model    string   `json:"model"`
	Config   string   `json:"config"`   // the settings, axis=value separated by spaces
	Settings []string `json:"settings"` // axis=value, one per axis
	Params   []string `json:"params"`   // every parameter the check ran with
	Result   string   `json:"result"`   // the run's verdict
	Reason   string   `json:"reason,omitempty"`
	// Cells has one entry per property column, in the columns' order.
	Cells          []matrixCell       `json:"cells"`
	DistinctStates uint64             `json:"distinct_states"`
	Seconds        float64            `json:"seconds"`
	PerRPC         map[string]float64 `json:"per_rpc,omitempty"` // what the model's meter counts per RPC on its shortest witness
}

// matrixCell is what one configuration's check says of one property.
type matrixCell struct {
	Property string `json:"property"`
	Status   string `json:"status"`           // ok, violated, not-judged or none
	Steps    int    `json:"steps,omitempty"`  // the counterexample's length
	Trace    string `json:"trace,omitempty"`  // the trace file, relative to --out's parent (in CONFIG.json, to --out)
	Result   string `json:"result,omitempty"` // violation or deadlock
	// Unwitnessed marks a sometimes property that no reachable state
	// witnesses: violated, with no counterexample to show.
	Unwitnessed bool `json:"unwitnessed,omitempty"`
}

// matrixExclude is a configuration the model rejects, and why.
type matrixExclude struct {
	Config string `json:"config"`
	Reason string `json:"reason"`
}

// matrixFlags are the matrix command's flags.
type matrixFlags struct {
	params, axes    MultiFlag
	asJSON, noTimes bool
	format, out     string
	workers         int
	budget          time.Duration
}

// matrixJob is one configuration to check.
type matrixJob struct {
	model   Model
	columns []string // the table's property columns
	config  spec.Config
	values  spec.Values
	row     *matrixRow
}

// matrix runs the matrix command: every configuration of each named
// model's design space (every model that has one, if none is named).
func (e *Env) matrix(args []string) int {
	fs := e.Flags("matrix", "[MODEL...] [flags]")
	f := &matrixFlags{}
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object instead of Markdown (as --format json)")
	fs.StringVar(&f.format, "format", "markdown", "output: markdown, json or html")
	fs.StringVar(&f.out, "out", "", "write each configuration's result (`DIR`/MODEL/CONFIG.json) and each counterexample (CONFIG.PROPERTY.trace) there, and skip the configurations already judged there")
	fs.IntVar(&f.workers, "workers", 0, "configurations checked at once (0 = one per CPU); the output does not depend on it")
	fs.DurationVar(&f.budget, "budget", 0, "the most time one configuration's check may take (0 = no limit); a check stopped by it leaves its properties not judged")
	fs.Var(&f.params, "p", "one model: a parameter `key=value` every configuration has, over the space's fixed ones; a knob's setting still overrides it (repeatable)")
	fs.Var(&f.axes, "axis", "one model: a knob `NAME=V1,V2,...` whose values replace the space's for NAME, or a new knob over parameter NAME (repeatable)")
	fs.BoolVar(&f.noTimes, "no-times", false, "leave the seconds out of the Markdown and HTML tables (for output that a test compares)")
	names, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if f.asJSON {
		f.format = "json"
	}
	switch {
	case f.format != "markdown" && f.format != "json" && f.format != "html":
		return e.Fail(fmt.Errorf("--format %q: want markdown, json or html", f.format))
	case f.workers < 0 || f.workers > maxWorkers:
		return e.Fail(fmt.Errorf("--workers %d: want 0 (one per CPU) to %d", f.workers, maxWorkers))
	case f.budget < 0:
		return e.Fail(fmt.Errorf("--budget %s: want a positive duration, or 0 for no limit", f.budget))
	}
	if f.workers == 0 {
		f.workers = runtime.NumCPU()
	}
	models, err := e.matrixModels(names)
	if err != nil {
		return e.Fail(err)
	}
	if len(f.params) > 0 || len(f.axes) > 0 {
		if len(names) != 1 {
			return e.Fail(errors.New("-p and --axis reshape one model's design space: name the model"))
		}
		s, err := reshape(*models[0].Space, f.params, f.axes)
		if err != nil {
			return e.Fail(err)
		}
		models[0].Space = &s
	}
	rep, jobs, err := planMatrix(models)
	if err != nil {
		return e.Fail(err)
	}
	if err := e.runMatrix(jobs, f); err != nil {
		return e.Fail(err)
	}
	rep.Summary = summarize(rep.Models)
	switch f.format {
	case "json":
		if code := e.WriteJSON(rep); code != ExitOK {
			return code
		}
	case "html":
		writeMatrixHTML(e.Stdout, rep, !f.noTimes)
	default:
		writeMatrixMarkdown(e.Stdout, rep, !f.noTimes)
	}
	for _, m := range rep.Models {
		for _, r := range m.Rows {
			if r.Result == checker.Incomplete.String() {
				return ExitIncomplete
			}
		}
	}
	return ExitOK
}

// matrixModels are the named models, or every model with a design space.
func (e *Env) matrixModels(names []string) ([]Model, error) {
	if len(names) == 0 {
		var out []Model
		for _, m := range e.Program.Models {
			if m.Space != nil {
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			return nil, errors.New("matrix: no model declares a design space")
		}
		return out, nil
	}
	var out []Model
	for _, n := range names {
		m, err := Lookup(e.Program.Models, n)
		if err != nil {
			return nil, err
		}
		if m.Space == nil {
			return nil, fmt.Errorf("matrix: model %s declares no design space", n)
		}
		out = append(out, m)
	}
	return out, nil
}

// reshape is space with the assignments params over its fixed ones (a
// setting that stands for one of those parameters still sets it: MMIO
// keeps its one slot) and the knobs axes (NAME=V1,V2,...) in place of the
// space's of the same name, or after them.
func reshape(space spec.Space, params, axes []string) (spec.Space, error) {
	out := spec.Space{Fixed: slices.Clone(space.Fixed), Axes: slices.Clone(space.Axes)}
	for _, a := range axes {
		name, list, ok := strings.Cut(a, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.TrimSpace(list) == "" {
			return spec.Space{}, fmt.Errorf("--axis %q: want NAME=V1,V2,...", a)
		}
		knob := spec.Knob(name)
		i := slices.IndexFunc(out.Axes, func(x spec.Axis) bool { return x.Name == name })
		for _, v := range strings.Split(list, ",") {
			v = strings.TrimSpace(v)
			set := spec.Setting{Value: v}
			if i >= 0 {
				// A value the space has keeps what it stands for.
				if k := slices.IndexFunc(out.Axes[i].Values, func(s spec.Setting) bool { return s.Value == v }); k >= 0 {
					set = out.Axes[i].Values[k]
				}
			}
			knob.Values = append(knob.Values, set)
		}
		if i >= 0 {
			out.Axes[i] = knob
		} else {
			out.Axes = append(out.Axes, knob)
		}
	}
	out.Fixed = spec.Override(append(out.Fixed, params...))
	return out, nil
}

// planMatrix lays out the tables, a row per configuration the model
// accepts, and the jobs that fill them; a configuration the model
// rejects with spec.ErrParam is listed as excluded.
func planMatrix(models []Model) (*matrixReport, []matrixJob, error) {
	rep := &matrixReport{Models: make([]matrixModel, len(models))}
	var jobs []matrixJob
	for i, m := range models {
		mm := &rep.Models[i]
		mm.Model, mm.Fixed = m.Name, m.Space.Fixed
		for _, a := range m.Space.Axes {
			mm.Axes = append(mm.Axes, a.Name)
		}
		for _, c := range m.Space.Configs() {
			v, _, err := m.Configure(c.Params, "")
			var r checker.Runner
			if err == nil {
				r, err = m.New(v, "", checker.Options{})
			}
			if errors.Is(err, spec.ErrParam) {
				mm.Excluded = append(mm.Excluded, matrixExclude{Config: c.String(), Reason: strings.TrimPrefix(err.Error(), "model "+m.Name+": ")})
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("model %s, %s: %w", m.Name, c, err)
			}
			for _, p := range r.Properties() {
				if !slices.Contains(mm.Properties, p.Name) {
					mm.Properties = append(mm.Properties, p.Name)
				}
			}
			mm.Rows = append(mm.Rows, matrixRow{Model: m.Name, Config: c.String(), Settings: c.Settings, Params: v.Assignments()})
		}
	}
	// The jobs point into the rows, which no longer move.
	for i, m := range models {
		mm := &rep.Models[i]
		mm.Properties = append(mm.Properties, checker.DeadlockProperty)
		for j := range mm.Rows {
			row := &mm.Rows[j]
			v, _, _ := m.Configure(row.Params, "")
			jobs = append(jobs, matrixJob{model: m, columns: mm.Properties, config: spec.Config{Settings: row.Settings, Params: row.Params}, values: v, row: row})
		}
	}
	return rep, jobs, nil
}

// runMatrix checks the jobs on f.workers goroutines, each job filling
// its own row, so the tables do not depend on the workers or the order.
func (e *Env) runMatrix(jobs []matrixJob, f *matrixFlags) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     = make(chan matrixJob)
	)
	for range min(f.workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if err := e.runCell(j, f); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return firstErr
}

// cellBase is where a configuration's files go under --out, without the
// extension: MODEL/VALUE-VALUE-...
func cellBase(out string, row *matrixRow) string {
	vals := make([]string, len(row.Settings))
	for i, s := range row.Settings {
		_, vals[i], _ = strings.Cut(s, "=")
	}
	name := strings.Join(vals, "-")
	if name == "" {
		name = "default"
	}
	return filepath.Join(out, row.Model, name)
}

// runCell fills a job's row: from its file under --out if a complete
// check of the same parameters and properties left one there, else by
// checking it (and, with --out, writing the row and its
// counterexamples). The file names the traces relative to --out, the
// row relative to its parent, so that a renamed directory still resumes.
func (e *Env) runCell(j matrixJob, f *matrixFlags) error {
	base := ""
	if f.out != "" {
		base = cellBase(f.out, j.row)
		if done, ok := readCell(base+".json", j); ok {
			*j.row = done
			linkTraces(j.row, f.out)
			return nil
		}
	}
	res, props, stopped, err := e.checkCell(j, f.budget)
	if err != nil {
		return err
	}
	fillRow(j.row, j.columns, props, res, stopped)
	if base == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	if err := writeCellTraces(j, base, f.out, res); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(j.row, "", "  ")
	if err != nil {
		return err
	}
	linkTraces(j.row, f.out)
	return os.WriteFile(base+".json", append(raw, '\n'), 0o644)
}

// checkCell checks the model's contract on the configuration's first
// states, then searches it within budget; stopped says the budget (or
// an interruption) ended the search.
func (e *Env) checkCell(j matrixJob, budget time.Duration) (res *checker.Result, props []checker.PropertyInfo, stopped bool, err error) {
	where := fmt.Sprintf("model %s, %s", j.model.Name, j.row.Config)
	cr, err := j.model.New(j.values, "", checker.Options{ContractStates: checker.DefaultContractStates})
	if err != nil {
		return nil, nil, false, err
	}
	rep, err := cr.CheckContract(e.Ctx)
	switch {
	case err != nil && e.Ctx.Err() == nil:
		return nil, nil, false, fmt.Errorf("%s: %w", where, err)
	case err == nil && !rep.OK():
		return nil, nil, false, fmt.Errorf("%s breaks the checker's contract:\n%s", where, strings.TrimSuffix(rep.String(), "\n"))
	}
	ctx := e.Ctx
	if budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, budget)
		defer cancel()
	}
	r, err := j.model.New(j.values, "", checker.Options{Workers: 1, Continue: true})
	if err != nil {
		return nil, nil, false, err
	}
	if res, err = r.BFS(ctx); err != nil {
		return nil, nil, false, fmt.Errorf("%s: %w", where, err)
	}
	// A run stopped by the budget after it found violations keeps them
	// as its verdict; what it did not find, it did not judge. The checker
	// then lists the sometimes and liveness properties as unjudged; with
	// none of those, an expired budget is all there is to go by.
	props = r.Properties()
	late := slices.ContainsFunc(props, func(p checker.PropertyInfo) bool { return p.Kind != checker.Always.String() })
	stopped = ctx.Err() != nil && (len(res.Unjudged) > 0 || !late)
	return res, props, stopped, nil
}

// readCell reads a row a previous run wrote, if it is a complete check
// of the job's parameters with the job's columns.
func readCell(path string, j matrixJob) (matrixRow, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return matrixRow{}, false
	}
	var done matrixRow
	if json.Unmarshal(raw, &done) != nil || !slices.Equal(done.Params, j.row.Params) ||
		done.Result == checker.Incomplete.String() || len(done.Cells) != len(j.columns) {
		return matrixRow{}, false
	}
	for i, c := range done.Cells {
		if c.Property != j.columns[i] || c.Status == CellNotJudged {
			return matrixRow{}, false
		}
	}
	// What the row is comes from the plan; the file gives what was found.
	done.Model, done.Config, done.Settings = j.row.Model, j.row.Config, j.row.Settings
	return done, true
}

// linkTraces turns the row's trace paths, relative to out, into paths
// relative to out's parent, which the tables link.
func linkTraces(row *matrixRow, out string) {
	for i := range row.Cells {
		if row.Cells[i].Trace != "" {
			row.Cells[i].Trace = filepath.ToSlash(filepath.Join(filepath.Base(filepath.Clean(out)), row.Cells[i].Trace))
		}
	}
}

// fillRow sets a row's cells, counts and costs from its check.
func fillRow(row *matrixRow, columns []string, props []checker.PropertyInfo, res *checker.Result, stopped bool) {
	row.Result, row.Reason = res.Verdict.String(), ""
	switch {
	case res.Verdict == checker.Incomplete:
		row.Reason = res.Reason
	case stopped:
		row.Result, row.Reason = checker.Incomplete.String(), "stopped at --budget after finding violations"
	}
	row.DistinctStates, row.Seconds = res.Stats.Distinct, res.Stats.Duration.Seconds()
	has := map[string]bool{checker.DeadlockProperty: true}
	for _, p := range props {
		has[p.Name] = true
	}
	complete := res.Verdict != checker.Incomplete && !stopped
	row.Cells = make([]matrixCell, len(columns))
	for i, n := range columns {
		c := matrixCell{Property: n, Status: CellOK}
		switch k := slices.IndexFunc(res.Violations, func(v checker.Failure) bool { return v.Property == n }); {
		case !has[n]:
			c.Status = CellNone
		case k >= 0:
			v := res.Violations[k]
			c.Status, c.Steps, c.Result, c.Unwitnessed = CellViolated, v.Trace.Len(), v.Verdict.String(), v.Trace == nil
		case !complete || slices.Contains(res.Unjudged, n):
			c.Status = CellNotJudged
		}
		row.Cells[i] = c
	}
	for _, w := range res.Witnesses {
		if pr := newWitness(w).PerRPC; pr != nil {
			row.PerRPC = pr
			break
		}
	}
}

// writeCellTraces writes each violation's counterexample next to the
// row's file and names it in its cell, relative to out.
func writeCellTraces(j matrixJob, base, out string, res *checker.Result) error {
	for i := range j.row.Cells {
		c := &j.row.Cells[i]
		if c.Status != CellViolated {
			continue
		}
		k := slices.IndexFunc(res.Violations, func(v checker.Failure) bool { return v.Property == c.Property })
		v := res.Violations[k]
		if v.Trace == nil {
			continue // a Sometimes property without a witness has no trace
		}
		one := *res
		one.Verdict, one.Property, one.Kind, one.Doc, one.Reason, one.Trace = v.Verdict, v.Property, v.Kind, v.Doc, v.Reason, v.Trace
		tf, err := trace.FromResult(j.model.Name, j.row.Params, "", &one)
		if err != nil {
			return err
		}
		path := base + "." + c.Property + ".trace"
		w, err := os.Create(path)
		if err != nil {
			return err
		}
		err = tf.Format(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		rel, err := filepath.Rel(out, path)
		if err != nil {
			return err
		}
		c.Trace = filepath.ToSlash(rel)
	}
	return nil
}
