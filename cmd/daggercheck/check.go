package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/traces"
)

// maxWorkers bounds --workers: more goroutines than that only cost memory.
const maxWorkers = 1024

// check runs `check` (exhaustive search) or, with simulate, `simulate`.
func (e env) check(args []string, simulate bool) int {
	name := "check"
	if simulate {
		name = "simulate"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var params, only multiFlag
	fs.Var(&params, "p", "model parameter `key=value` (repeatable)")
	fs.Var(&only, "property", "check only this property (repeatable; default: all)")
	bug := fs.String("bug", "", "inject the named bug from the model's catalogue")
	traceOut := fs.String("trace-out", "", "write the counterexample, if any, to this trace `file`")
	itfOut := fs.String("itf-out", "", "write the counterexample, if any, as ITF JSON to this `file`")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	progress := fs.Bool("progress", false, "report progress on stderr even when it is not a terminal")
	allowDeadlock := fs.Bool("allow-deadlock", false, "do not report states without enabled actions")
	noSymmetry := fs.Bool("no-symmetry", false, "explore every state, ignoring the model's symmetry reduction")
	// Each command registers only the flags it honours, so a flag that
	// would be ignored is an error instead.
	workers, strategy, maxDepth, noLiveness := new(int), new(string), new(int), new(bool)
	runs, steps, seed := new(int), new(int), new(uint64)
	memLimit, checkpoint, recoverDir, shard := new(string), new(string), new(string), new(string)
	checkpointEvery := new(time.Duration)
	*checkpointEvery = checker.DefaultCheckpointEvery
	if simulate {
		fs.IntVar(runs, "runs", 1000, "number of random walks")
		fs.IntVar(steps, "steps", 100, "most actions per walk")
		fs.Uint64Var(seed, "seed", 1, "seed; walk i draws from (seed, i)")
		*workers, *strategy, *runs = 1, "bfs", 1000
	} else {
		fs.IntVar(workers, "workers", 0, "breadth-first search workers (0: one per processor)")
		fs.StringVar(strategy, "strategy", "bfs", "search strategy: bfs or dfs")
		fs.IntVar(maxDepth, "max-depth", 0, "explore at most this many actions deep (0 = no bound)")
		fs.BoolVar(noLiveness, "no-liveness", false, "skip eventually and leads-to properties (their check builds the state graph after the safety search)")
		fs.StringVar(memLimit, "mem-limit", "", "bfs: keep the search's data within `SIZE` (e.g. 512MiB, 4GiB), the frontier and the liveness graph going to disk beyond it; stop incomplete if even that cannot hold")
		fs.StringVar(checkpoint, "checkpoint", "", "bfs: write a checkpoint to `DIR` every --checkpoint-every and on Ctrl-C or SIGTERM")
		fs.DurationVar(checkpointEvery, "checkpoint-every", checker.DefaultCheckpointEvery, "bfs: time between checkpoints")
		fs.StringVar(recoverDir, "recover", "", "bfs: resume from the checkpoint in `DIR` (same model, parameters, bug and options)")
		fs.StringVar(shard, "shard", "", "swarm: run shard `i/N` (i from 0) of N diversified depth-first searches; merge their --json reports with 'daggercheck merge'")
		*runs, *steps = 1, 1
	}
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: daggercheck %s [MODEL] [flags]\n", name)
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 1 {
		return e.usageError(fmt.Errorf("%s takes one model, got %q", name, pos))
	}
	modelName := model.Default
	if len(pos) == 1 {
		modelName = pos[0]
	}
	switch {
	case *strategy != "bfs" && *strategy != "dfs":
		return e.usageError(fmt.Errorf("--strategy %q: want bfs or dfs", *strategy))
	case *workers < 0 || *workers > maxWorkers:
		return e.usageError(fmt.Errorf("--workers %d: want 0 (one per processor) to %d", *workers, maxWorkers))
	case *workers > 1 && *strategy == "dfs":
		return e.usageError(fmt.Errorf("--workers %d: depth-first search runs on one worker", *workers))
	case *maxDepth < 0:
		return e.usageError(fmt.Errorf("--max-depth %d: want 0 (no bound) or more", *maxDepth))
	case *runs < 1:
		return e.usageError(fmt.Errorf("--runs %d: want at least 1", *runs))
	case *steps < 1:
		return e.usageError(fmt.Errorf("--steps %d: want at least 1", *steps))
	case *checkpointEvery <= 0:
		return e.usageError(fmt.Errorf("--checkpoint-every %s: want a positive duration", *checkpointEvery))
	case *strategy == "dfs" && (*memLimit != "" || *checkpoint != "" || *recoverDir != ""):
		return e.usageError(fmt.Errorf("--mem-limit, --checkpoint and --recover apply to breadth-first search, not --strategy dfs"))
	}
	var limit uint64
	if *memLimit != "" {
		if limit, err = parseSize(strings.TrimSpace(*memLimit)); err != nil {
			return e.usageError(fmt.Errorf("--mem-limit %q: %w", *memLimit, err))
		}
		// The cap covers the checker's data; let the Go runtime collect
		// harder as the whole process nears it, with room for the rest
		// (and give the process its old limit back when the run is over).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(min(limit+limit/4+64<<20, math.MaxInt64/2))))
	}
	var sh *shardSpec
	if *shard != "" {
		if sh, err = parseShard(*shard); err != nil {
			return e.usageError(fmt.Errorf("--shard %q: %w", *shard, err))
		}
		switch {
		case *workers > 1:
			return e.usageError(fmt.Errorf("--shard runs one depth-first search on one worker, not --workers %d", *workers))
		case limit > 0 || *checkpoint != "" || *recoverDir != "":
			return e.usageError(fmt.Errorf("--shard runs a depth-first search: --mem-limit, --checkpoint and --recover apply to breadth-first search"))
		}
		*strategy = "dfs"
		*maxDepth = sh.depth(*maxDepth)
	}
	if *workers == 0 {
		// One per processor Go runs goroutines on: several workers beat one
		// on an idle machine and hold their own on a busy one
		// (docs/checker.md).
		*workers = runtime.GOMAXPROCS(0)
	}
	en, err := model.Lookup(modelName)
	if err != nil {
		return e.usageError(err)
	}
	opts := checker.Options{
		Workers: *workers, MaxDepth: *maxDepth, AllowDeadlock: *allowDeadlock, SkipLiveness: *noLiveness, Only: only, NoSymmetry: *noSymmetry,
		Seed: *seed, Runs: *runs, Steps: *steps,
		MemLimit: limit, CheckpointDir: *checkpoint, CheckpointEvery: *checkpointEvery, Recover: *recoverDir,
	}
	if sh != nil {
		opts.Shuffle = sh.seed()
	}
	if *progress || e.terminal {
		opts.Progress = func(p checker.Progress) { printProgress(e.stderr, p) }
	}
	r, vals, err := en.Build(params, *bug, opts)
	if err != nil {
		return e.usageError(err)
	}
	if *checkpoint != "" || *recoverDir != "" {
		// A checkpoint names what it explores, so that it is not resumed
		// for anything else; Build checked the parameters, so build again
		// with the identity set.
		b := *bug
		if b == "" {
			b = "none"
		}
		opts.Identity = strings.Join(append(append([]string{en.Name}, vals.Assignments()...), "bug="+b), " ")
		if r, _, err = en.Build(params, *bug, opts); err != nil {
			return e.usageError(err)
		}
	}
	var res *checker.Result
	switch {
	case simulate:
		res, err = r.Simulate(e.ctx)
	case *strategy == "dfs":
		res, err = r.DFS(e.ctx)
	default:
		res, err = r.BFS(e.ctx)
	}
	if err != nil {
		// The model broke its contract, the trace log or a checkpoint
		// failed, or a checkpoint belongs to another run: not a verdict.
		fmt.Fprintf(e.stderr, "daggercheck: %v\n", err)
		return exitUsage
	}
	rep := newReport(en.Name, vals.Map(), vals.Assignments(), *bug, res)
	if sh != nil {
		rep.Shard, rep.ShardSeed, rep.MaxDepth = sh.String(), opts.Shuffle, *maxDepth
	}
	rep.properties, rep.allowDeadlock = r.Properties(), *allowDeadlock
	if simulate {
		rep.Seed, rep.Runs, rep.Steps = seed, *runs, *steps
	}
	if *asJSON {
		if err := writeJSON(e.stdout, rep); err != nil {
			fmt.Fprintf(e.stderr, "daggercheck: writing the report: %v\n", err)
			return exitUsage
		}
	} else {
		rep.print(e.stdout, res)
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{
		{*traceOut, func(w io.Writer) error {
			f, err := traces.FromResult(en.Name, vals.Assignments(), *bug, res)
			if err != nil {
				return err
			}
			return f.Format(w)
		}},
		{*itfOut, func(w io.Writer) error { return traces.WriteITF(w, en.Name, vals.Assignments(), *bug, res) }},
	} {
		if out.path == "" {
			continue
		}
		if err := writeCounterexample(out.path, res, out.write, e.stderr); err != nil {
			fmt.Fprintf(e.stderr, "daggercheck: %v\n", err)
			return exitUsage
		}
	}
	switch res.Verdict {
	case checker.OK:
		return exitOK
	case checker.Incomplete:
		return exitIncomplete
	default:
		return exitViolation
	}
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

// writeCounterexample writes the run's counterexample to path with write.
// A run without one writes nothing (and leaves any file there alone) and
// says so on stderr; its exit code already tells a script there is none.
func writeCounterexample(path string, res *checker.Result, write func(io.Writer) error, stderr io.Writer) error {
	if res.Trace == nil {
		fmt.Fprintf(stderr, "daggercheck: no counterexample, nothing written to %s\n", path)
		return nil
	}
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
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
