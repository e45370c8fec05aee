package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/explore"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// maxWorkers bounds --workers: more goroutines than that only cost memory.
const maxWorkers = 1024

// runFlags are the flags of check and simulate. Each command registers
// only the flags it honours, so that a flag it would ignore is an error.
type runFlags struct {
	params, only                               MultiFlag
	bug, traceOut, itfOut, traceFormat         string
	svgOut, dotOut                             string
	asJSON, progress, allowDeadlock            bool
	noSymmetry, noLiveness, continueRun        bool
	workers, maxDepth, runs, steps             int
	contractStates                             int
	strategy                                   string
	seed                                       uint64
	memLimit, checkpoint, recoverDir, shardArg string
	checkpointEvery                            time.Duration

	expectStates string

	limit  uint64     // --mem-limit in bytes
	expect uint64     // --expect-states
	shard  *shardSpec // --shard
}

func (e *Env) runFlagSet(name string, simulate bool) (*flag.FlagSet, *runFlags) {
	fs := e.Flags(name, "[MODEL] [flags]")
	f := &runFlags{workers: 1, strategy: "bfs", runs: 1, steps: 1, checkpointEvery: checker.DefaultCheckpointEvery}
	fs.Var(&f.params, "p", "model parameter `key=value` (repeatable)")
	fs.Var(&f.only, "property", "check only this property (repeatable; default: all)")
	fs.StringVar(&f.bug, "bug", "", "inject the named bug from the model's catalogue (with the parameters it needs, unless given)")
	fs.StringVar(&f.traceOut, "trace-out", "", "write the counterexample, if any, to this trace `file`")
	fs.StringVar(&f.itfOut, "itf-out", "", "write the counterexample, if any, as ITF JSON to this `file`")
	fs.StringVar(&f.svgOut, "svg-out", "", "write the counterexample, if any, as an SVG sequence diagram to this `file`")
	fs.StringVar(&f.traceFormat, "trace-format", "line", "how the text report shows a counterexample: line (a step a line) or fields (a field a line, values quoted)")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object instead of text")
	fs.BoolVar(&f.progress, "progress", false, "report progress on stderr even when it is not a terminal")
	fs.BoolVar(&f.allowDeadlock, "allow-deadlock", false, "do not report states without enabled actions")
	fs.BoolVar(&f.noSymmetry, "no-symmetry", false, "explore every state, ignoring the model's symmetry reduction")
	fs.IntVar(&f.contractStates, "contract-states", checker.DefaultContractStates, "before the run, check that the model keeps the checker's contract on its first `N` states (0: do not)")
	if simulate {
		f.runs, f.steps, f.seed = 1000, 100, 1
		fs.IntVar(&f.runs, "runs", 1000, "number of random walks")
		fs.IntVar(&f.steps, "steps", 100, "most actions per walk")
		fs.Uint64Var(&f.seed, "seed", 1, "seed; walk i draws from (seed, i)")
		return fs, f
	}
	fs.StringVar(&f.dotOut, "dot", "", fmt.Sprintf("before the search, write the model's state graph in Graphviz DOT to this `file` (refused, exit 3, above %d states)", explore.DotLimit))
	fs.IntVar(&f.workers, "workers", 0, "breadth-first search workers (0: one per processor)")
	fs.StringVar(&f.strategy, "strategy", "bfs", "search strategy: bfs or dfs")
	fs.IntVar(&f.maxDepth, "max-depth", 0, "explore at most this many actions deep (0 = no bound)")
	fs.BoolVar(&f.noLiveness, "no-liveness", false, "skip eventually and leads-to properties (their check builds the state graph after the safety search)")
	fs.BoolVar(&f.continueRun, "continue", false, "bfs: go on past violations and report every violated property, each with its shortest counterexample")
	fs.StringVar(&f.memLimit, "mem-limit", "", "bfs: keep the process within `SIZE` (e.g. 512MiB, 4GiB), the frontier and the liveness graph going to disk as its data nears it; stop incomplete if even that cannot hold")
	fs.StringVar(&f.expectStates, "expect-states", "", "bfs: size the visited set up front for `N` distinct states (e.g. 5M, 100M; TLC's -fpmem as a count), so that it never stops to grow")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "bfs: write a checkpoint to `DIR` every --checkpoint-every and on Ctrl-C or SIGTERM")
	fs.DurationVar(&f.checkpointEvery, "checkpoint-every", checker.DefaultCheckpointEvery, "bfs: time between checkpoints")
	fs.StringVar(&f.recoverDir, "recover", "", "bfs: resume from the checkpoint in `DIR` (same model, parameters, bug and options)")
	fs.StringVar(&f.shardArg, "shard", "", "swarm: run shard `i/N` (i from 0) of N diversified depth-first searches; merge their --json reports with the merge command")
	return fs, f
}

// validate checks the flags against each other and reads --mem-limit and
// --shard; the error names the flag.
func (f *runFlags) validate() error {
	switch {
	case f.strategy != "bfs" && f.strategy != "dfs":
		return fmt.Errorf("--strategy %q: want bfs or dfs", f.strategy)
	case f.workers < 0 || f.workers > maxWorkers:
		return fmt.Errorf("--workers %d: want 0 (one per processor) to %d", f.workers, maxWorkers)
	case f.workers > 1 && f.strategy == "dfs":
		return fmt.Errorf("--workers %d: depth-first search runs on one worker", f.workers)
	case f.maxDepth < 0:
		return fmt.Errorf("--max-depth %d: want 0 (no bound) or more", f.maxDepth)
	case f.runs < 1:
		return fmt.Errorf("--runs %d: want at least 1", f.runs)
	case f.steps < 1:
		return fmt.Errorf("--steps %d: want at least 1", f.steps)
	case f.checkpointEvery <= 0:
		return fmt.Errorf("--checkpoint-every %s: want a positive duration", f.checkpointEvery)
	case f.strategy == "dfs" && (f.memLimit != "" || f.checkpoint != "" || f.recoverDir != ""):
		return errors.New("--mem-limit, --checkpoint and --recover apply to breadth-first search, not --strategy dfs")
	case f.traceFormat != "line" && f.traceFormat != "fields":
		return fmt.Errorf("--trace-format %q: want line or fields", f.traceFormat)
	case f.contractStates < 0:
		return fmt.Errorf("--contract-states %d: want 0 (no check) or more", f.contractStates)
	case f.continueRun && (f.strategy == "dfs" || f.shardArg != ""):
		return errors.New("--continue applies to breadth-first search, not --strategy dfs or --shard")
	}
	var err error
	if f.memLimit != "" {
		if f.limit, err = parseSize(strings.TrimSpace(f.memLimit)); err != nil {
			return fmt.Errorf("--mem-limit %q: %w", f.memLimit, err)
		}
	}
	if f.expectStates != "" {
		if f.strategy == "dfs" || f.shardArg != "" {
			return errors.New("--expect-states applies to breadth-first search, not --strategy dfs or --shard")
		}
		if f.expect, err = parseCount(strings.TrimSpace(f.expectStates)); err != nil {
			return fmt.Errorf("--expect-states %q: %w", f.expectStates, err)
		}
	}
	if f.shardArg != "" {
		if f.shard, err = parseShard(f.shardArg); err != nil {
			return fmt.Errorf("--shard %q: %w", f.shardArg, err)
		}
		switch {
		case f.workers > 1:
			return fmt.Errorf("--shard runs one depth-first search on one worker, not --workers %d", f.workers)
		case f.limit > 0 || f.checkpoint != "" || f.recoverDir != "":
			return errors.New("--shard runs a depth-first search: --mem-limit, --checkpoint and --recover apply to breadth-first search")
		}
		f.strategy = "dfs"
		f.maxDepth = f.shard.depth(f.maxDepth)
	}
	if f.workers == 0 {
		// One per processor Go runs goroutines on: several workers beat one
		// on an idle machine and hold their own on a busy one
		// (docs/checker.md).
		f.workers = runtime.GOMAXPROCS(0)
	}
	return nil
}

// options are the checker's options for the run, without Identity.
func (f *runFlags) options(e *Env) checker.Options {
	opts := checker.Options{
		Workers: f.workers, MaxDepth: f.maxDepth, AllowDeadlock: f.allowDeadlock, SkipLiveness: f.noLiveness, Continue: f.continueRun,
		Only: f.only, NoSymmetry: f.noSymmetry, Seed: f.seed, Runs: f.runs, Steps: f.steps,
		MemLimit: dataLimit(f.limit), ExpectStates: f.expect, CheckpointDir: f.checkpoint, CheckpointEvery: f.checkpointEvery, Recover: f.recoverDir,
	}
	if f.shard != nil {
		opts.Shuffle = f.shard.seed()
	}
	if f.progress || e.Terminal {
		opts.Progress = func(p checker.Progress) { printProgress(e.Stderr, p) }
	}
	return opts
}

// check runs `check` (exhaustive search) or, with simulate, `simulate`.
func (e *Env) check(args []string, simulate bool) int {
	name := map[bool]string{false: "check", true: "simulate"}[simulate]
	fs, f := e.runFlagSet(name, simulate)
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if len(pos) > 1 {
		return e.Fail(fmt.Errorf("%s takes one model, got %q", name, pos))
	}
	modelName := e.Program.defaultModel()
	if len(pos) == 1 {
		modelName = pos[0]
	}
	if err := f.validate(); err != nil {
		return e.Fail(err)
	}
	if f.limit > 0 {
		// The cap is the whole process's: the Go runtime collects as the
		// process nears it (and gets its old limit back when the run is
		// over), and the checker keeps its data within seven eighths of it
		// (dataLimit), leaving the collector room for garbage between
		// collections. The runtime alone takes a few MiB: below 64 MiB the
		// cap bounds the checker's data, not the process.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(min(max(f.limit, 64<<20), math.MaxInt64/2))))
	}
	m, err := Lookup(e.Program.Models, modelName)
	if err != nil {
		return e.Fail(err)
	}
	v, added, err := m.Configure(f.params, f.bug)
	if err != nil {
		return e.Fail(err)
	}
	if err := f.checkOutputs(); err != nil {
		return e.Fail(err)
	}
	if len(added) > 0 {
		e.Warn("--bug %s shows only with -p %s, which this run adds", f.bug, strings.Join(added, " -p "))
	}
	if f.dotOut != "" {
		if code := e.writeDot(m, v, f); code != ExitOK {
			return code
		}
	}
	return e.search(m, v, f, simulate)
}

// search builds the checker, runs it and reports.
func (e *Env) search(m Model, v spec.Values, f *runFlags, simulate bool) int {
	opts := f.options(e)
	if f.checkpoint != "" || f.recoverDir != "" {
		// A checkpoint names what it explores, so that it is not resumed
		// for anything else.
		b := f.bug
		if b == "" {
			b = "none"
		}
		opts.Identity = strings.Join(append(append([]string{m.Name}, v.Assignments()...), "bug="+b), " ")
	}
	r, err := m.New(v, f.bug, opts)
	if err != nil {
		return e.Fail(err)
	}
	if code := e.checkContract(m, v, f); code != ExitOK {
		return code
	}
	var res *checker.Result
	switch {
	case simulate:
		res, err = r.Simulate(e.Ctx)
	case f.strategy == "dfs":
		res, err = r.DFS(e.Ctx)
	default:
		res, err = r.BFS(e.Ctx)
	}
	if err != nil {
		// The model broke its contract, the trace log or a checkpoint
		// failed, or a checkpoint belongs to another run: not a verdict.
		return e.Fail(err)
	}
	rep := newReport(m.Name, v.Map(), v.Assignments(), f.bug, res)
	if f.shard != nil {
		rep.Shard, rep.ShardSeed, rep.MaxDepth = f.shard.String(), opts.Shuffle, f.maxDepth
	}
	rep.properties, rep.allowDeadlock, rep.traceFormat = r.Properties(), f.allowDeadlock, f.traceFormat
	if f.continueRun {
		rep.setViolations(res)
	}
	if simulate {
		rep.Seed, rep.Runs, rep.Steps = &f.seed, f.runs, f.steps
	}
	if f.asJSON {
		if code := e.WriteJSON(rep); code != ExitOK {
			return code
		}
	} else {
		rep.print(e.Stdout, res)
	}
	if err := e.writeCounterexamples(f, m.Name, v, res); err != nil {
		return e.Fail(err)
	}
	return verdictExit(res.Verdict)
}

// checkContract checks, unless --contract-states is 0, that the model
// keeps the checker's contract on its first states, and if it does not,
// prints what it found on stderr and returns ExitUsage: a search of such
// a model could say ok over too few states. An interrupted check lets
// the run go on, to report the interruption.
func (e *Env) checkContract(m Model, v spec.Values, f *runFlags) int {
	if f.contractStates == 0 {
		return ExitOK
	}
	r, err := m.New(v, f.bug, checker.Options{ContractStates: f.contractStates})
	if err != nil {
		return e.Fail(err)
	}
	rep, err := r.CheckContract(e.Ctx)
	switch {
	case err != nil && e.Ctx.Err() != nil:
		return ExitOK
	case err != nil:
		return e.Fail(fmt.Errorf("model %s: %w", m.Name, err))
	case !rep.OK():
		e.Warn("model %s breaks the checker's contract (--contract-states 0 runs it anyway):\n%s", m.Name, strings.TrimSuffix(rep.String(), "\n"))
		return ExitUsage
	}
	return ExitOK
}

// verdictExit is the exit code of a run that ended with verdict.
func verdictExit(verdict checker.Verdict) int {
	switch verdict {
	case checker.OK:
		return ExitOK
	case checker.Incomplete:
		return ExitIncomplete
	default:
		return ExitViolation
	}
}

// writeCounterexamples writes --trace-out and --itf-out.
func (e *Env) writeCounterexamples(f *runFlags, model string, v spec.Values, res *checker.Result) error {
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{
		{f.traceOut, func(w io.Writer) error {
			tf, err := trace.FromResult(model, v.Assignments(), f.bug, res)
			if err != nil {
				return err
			}
			return tf.Format(w)
		}},
		{f.itfOut, func(w io.Writer) error { return trace.WriteITF(w, model, v.Assignments(), f.bug, res) }},
		{f.svgOut, func(w io.Writer) error { return e.writeSVG(w, model, v, f.bug, res.Trace) }},
	} {
		if out.path == "" {
			continue
		}
		if err := writeCounterexample(out.path, res, out.write, e); err != nil {
			return err
		}
	}
	return nil
}

// printProgress writes one progress line, naming the run's phase.
func printProgress(w io.Writer, p checker.Progress) {
	at := p.Elapsed.Truncate(time.Second)
	switch p.Phase {
	case checker.PhaseGraph:
		of := ""
		if p.Total > 0 {
			of = " of " + count(p.Total)
		}
		fmt.Fprintf(w, "progress: %s  building the graph  states %s%s  edges %s\n", at, count(p.States), of, count(p.Edges))
	case checker.PhaseComponents:
		fmt.Fprintf(w, "progress: %s  fair components  %s (%d of %d)  region %s states  components %s  examined %s\n",
			at, p.Property, p.Index, p.Of, count(p.States), count(p.Components), count(p.Examined))
	default:
		rate := 0.0
		if s := p.Elapsed.Seconds(); s > 0 {
			rate = float64(p.Generated) / s
		}
		fmt.Fprintf(w, "progress: %s  safety search  depth %d  distinct %s  generated %s  queue %s  %s states/s\n",
			at, p.Depth, count(p.Distinct), count(p.Generated), count(uint64(p.Queue)), count(uint64(rate)))
	}
}

// count formats a number compactly: 950, 12.3k, 4.56M, 123.5M. It picks
// the unit after rounding, so a number just below a boundary reads 1.00M,
// never 1000.0k.
func count(n uint64) string {
	if n < 10_000 {
		return fmt.Sprint(n)
	}
	if t := roundDiv(n, 100); t < 10_000 {
		return fmt.Sprintf("%d.%dk", t/10, t%10)
	}
	if h := roundDiv(n, 10_000); h < 1_000 {
		return fmt.Sprintf("%d.%02dM", h/100, h%100)
	}
	t := roundDiv(n, 100_000)
	return fmt.Sprintf("%d.%dM", t/10, t%10)
}

// roundDiv is n/d rounded half up, without overflow.
func roundDiv(n, d uint64) uint64 {
	q := n / d
	if n%d >= (d+1)/2 {
		q++
	}
	return q
}

// dataLimit is the part of a --mem-limit cap the checker's data may
// take; the rest is the collector's room for garbage and the process's
// other memory. Seven eighths: with less room the collector runs so often
// that a run near the cap slows down, with more the process passes it
// (a run whose data filled the cap peaked at a quarter more).
func dataLimit(limit uint64) uint64 { return limit - limit/8 }

// parseCount reads a count of states: a whole number with an optional
// K, M or G (thousands, millions, billions).
func parseCount(s string) (uint64, error) {
	num := strings.TrimRight(s, "KMGkmg")
	mult := map[string]uint64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[strings.ToLower(s[len(num):])]
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || mult == 0 || n == 0 || n > math.MaxUint64/mult {
		return 0, errors.New("want a count above zero such as 5000000, 5M or 2G")
	}
	return n * mult, nil
}

// parseSize reads a byte count: a whole number with an optional unit
// B, K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB or TiB (all powers of 1024).
func parseSize(s string) (uint64, error) {
	num := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.TrimSpace(s[len(num):])
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, errors.New("want a size such as 512MiB or 4GiB")
	}
	shift := map[string]uint{"": 0, "b": 0, "k": 10, "kb": 10, "kib": 10, "m": 20, "mb": 20, "mib": 20,
		"g": 30, "gb": 30, "gib": 30, "t": 40, "tb": 40, "tib": 40}
	sh, ok := shift[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q: want B, KiB, MiB, GiB or TiB", unit)
	}
	if n == 0 || n > math.MaxUint64>>sh {
		return 0, errors.New("want a size above zero that fits in 64 bits")
	}
	return n << sh, nil
}
