package checker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Options configure a run. The zero value is a sensible default: one
// worker, no depth bound, deadlocks reported. Each verb reads only some
// fields and ignores the others; the fields are grouped by the verbs
// that read them:
//
//	fields                                     BFS  DFS  Simulate
//	Only, AllowDeadlock, NoSymmetry             x    x    x
//	MaxDepth, SkipLiveness                      x    x
//	Progress, ProgressEvery                     x    x
//	Workers, TraceDir, MemLimit, Continue,
//	ExpectStates                                x
//	CheckpointDir, CheckpointEvery, Recover,
//	Identity                                    x
//	Shuffle                                          x
//	Seed, Runs, Steps                                     x
//
// Recheck reads Only alone: it names the properties a trace may be
// checked against; CheckContract reads ContractStates alone.
type Options struct {
	// Every verb.

	// Only, when not empty, names the properties to check; the model's
	// other properties are ignored. Deadlock detection stays on unless
	// AllowDeadlock, so Only: {"deadlock"} checks for deadlocks alone. A
	// name the model does not have is an error wrapping
	// ErrUnknownProperty.
	Only []string
	// AllowDeadlock turns deadlock detection off.
	AllowDeadlock bool
	// NoSymmetry ignores the model's Symmetric interface and explores
	// every state, to check that the reduction changes no verdict.
	NoSymmetry bool

	// The searches: BFS and DFS.

	// MaxDepth bounds the search to states reached by at most MaxDepth
	// actions (0 = unbounded). A run that cut off unexplored states there
	// ends Incomplete.
	MaxDepth int
	// SkipLiveness leaves Eventually and LeadsTo properties unjudged: their
	// check explores the model again and builds the state graph (about 20
	// bytes a state and 8 an edge, in files under MemLimit), which a large
	// model may not want to wait for. Result.Unjudged lists them.
	// (Simulate never judges them.)
	SkipLiveness bool
	// Progress, when set, is called about every ProgressEvery (default 2s)
	// from a separate goroutine while the run lasts.
	Progress      func(Progress)
	ProgressEvery time.Duration

	// BFS alone.

	// Workers is the number of goroutines for breadth-first search (0 = 1),
	// at most runtime.GOMAXPROCS: more would only take turns on the same
	// processors. Stats.Workers says how many ran. Nothing a run reports
	// besides depends on it.
	Workers int
	// TraceDir is where breadth-first search keeps its log of parent
	// fingerprints, from which counterexamples are rebuilt, and the parts
	// of levels that MemLimit moves to disk (default: the system's
	// temporary directory). The files are removed when the run ends.
	TraceDir string
	// Continue makes breadth-first search go on past violations to the
	// end and report every violated property, each with its shortest
	// counterexample, in Result.Violations; Result.Verdict, Property and
	// Trace describe the first, as without Continue. A deadlock is one more
	// property, and the search goes on past violating states: the
	// properties it finds, and their counterexamples, are those that runs
	// checking each property alone (Only, and AllowDeadlock but for the
	// deadlock) find. The Sometimes and liveness properties are judged
	// once the search is done, so a run stopped at a limit lists them in
	// Result.Unjudged.
	Continue bool
	// MemLimit caps, in bytes, the memory breadth-first search's data may
	// take (0 = no cap): the visited set, the in-memory part of the
	// current and next levels, one block's candidates, and then the
	// liveness check's. Beyond it the next level moves to disk (TraceDir),
	// and so does the liveness check's graph; a run whose visited set and
	// current block alone pass the cap, or whose liveness check cannot
	// hold its work arrays, stops Incomplete, its Reason wrapping
	// ErrMemoryLimit's text.
	MemLimit uint64
	// ExpectStates, when not zero, sizes the visited set for this many
	// distinct states up front (TLC's -fpmem, given as a count), so that
	// it does not grow, and rehash, as the search goes on; a run that
	// finds more grows it as usual. Under MemLimit the reservation counts
	// against the cap from the start.
	ExpectStates uint64
	// CheckpointDir, when set, makes breadth-first search write a
	// checkpoint there every CheckpointEvery (default
	// DefaultCheckpointEvery) and when ctx is cancelled, at a level
	// boundary: an interrupted run first finishes its level.
	CheckpointDir   string
	CheckpointEvery time.Duration
	// Recover resumes breadth-first search from the checkpoint in this
	// directory; the run ends with the counts, verdict and trace an
	// uninterrupted run would have. Identity must match the checkpoint's.
	Recover string
	// Identity names the model, its parameters and bug in checkpoints, so
	// that a checkpoint is not resumed for another configuration.
	Identity string

	// DFS alone.

	// Shuffle, when not zero, makes depth-first search try each state's
	// successors in an order drawn from this seed instead of the model's
	// (swarm verification: differently ordered searches cover different
	// parts of a state space too large for one).
	Shuffle uint64

	// CheckContract alone.

	// ContractStates is how many states CheckContract examines (0 =
	// DefaultContractStates).
	ContractStates int

	// Simulate alone.

	// Runs random walks (default 1) of at most Steps actions (default
	// 100), the i-th seeded by (Seed, i) so that any single walk can be
	// reproduced.
	Seed  uint64
	Runs  int
	Steps int

	_ struct{} // forces keyed literals
}

// Progress is a snapshot of a running search.
type Progress struct {
	Phase Phase
	// The safety search; they keep their last values in the phases after
	// it.
	Depth     int
	Distinct  uint64
	Generated uint64
	Queue     int // states waiting to be expanded
	// Building the graph: States and Edges added so far, of Total states
	// (0 when not known in advance: with symmetry the graph holds every
	// state, not one per class).
	//
	// Fair components: Property is being judged, the Index-th of Of
	// liveness properties; States counts its region (the states that miss
	// its goal, reachable through such states from where it starts),
	// Components the strongly connected components found in it so far,
	// and Examined those of them examined for a fair cycle.
	States, Edges, Total uint64
	Property             string
	Index, Of            int
	Components, Examined uint64
	Elapsed              time.Duration
}

// ErrUnknownProperty reports an Options.Only name the model lacks.
var ErrUnknownProperty = errors.New("unknown property")

// ErrModel reports a model that breaks the Model contract (unknown action
// kind, a nondeterministic Next, a malformed property).
var ErrModel = errors.New("checker: bad model")

// Checker explores one model. Build it with New, then call one verb: BFS,
// DFS or Simulate. A Checker may run several verbs in turn, not at once.
type Checker[S any] struct {
	m        Model[S]
	opts     Options
	kinds    []ActionKind
	props    []Property[S]
	canon    func(S) S
	terminal func(S) bool
	fields   func(S) []Field
	label    func(Action) string // nil: name param=value ...
	all      []Property[S]       // every property, when Options.Only selects some
	// plain: fingerprint states by their bytes (PlainStates); notPlain:
	// why the model asked for that and its state type does not allow it.
	plain    bool
	notPlain string
	screen   func(S) bool // nil: the model is not Screened
	always   []int        // indices of the Always properties in props
	live     liveCounters // the run's phase, and the liveness check's progress
}

// New prepares a checker for m with the given options.
func New[S any](m Model[S], opts Options) *Checker[S] {
	c := &Checker[S]{m: m, opts: opts, kinds: m.Actions(), props: m.Properties()}
	if len(opts.Only) > 0 {
		var only []Property[S]
		for _, p := range c.props {
			if slices.Contains(opts.Only, p.Name) {
				only = append(only, p)
			}
		}
		c.all, c.props = c.props, only
	}
	c.plain, c.notPlain = plainStates(m)
	if sc, ok := m.(Screened[S]); ok {
		c.screen = sc.InvariantsHold
	}
	for i, p := range c.props {
		if p.Kind == Always {
			c.always = append(c.always, i)
		}
	}
	if c.opts.Workers < 1 {
		c.opts.Workers = 1
	}
	if c.opts.ProgressEvery <= 0 {
		c.opts.ProgressEvery = 2 * time.Second
	}
	if sym, ok := m.(Symmetric[S]); ok && !opts.NoSymmetry {
		c.canon = sym.Canonical
	}
	if f, ok := m.(ActionFormatter); ok {
		c.label = f.FormatAction
	}
	if t, ok := m.(Terminator[S]); ok {
		c.terminal = t.Terminal
	}
	if f, ok := m.(Formatter[S]); ok {
		c.fields = f.Fields
	} else {
		c.fields = func(s S) []Field { return reflectFields(s) }
	}
	return c
}

// Properties describes the properties a run checks (all the model's, or
// those Options.Only selects).
func (c *Checker[S]) Properties() []PropertyInfo {
	out := make([]PropertyInfo, len(c.props))
	for i, p := range c.props {
		out[i] = PropertyInfo{Name: p.Name, Kind: p.Kind.String(), Doc: p.Doc}
	}
	return out
}

// Actions lists the model's action kinds.
func (c *Checker[S]) Actions() []ActionKind { return c.kinds }

// validate checks the model's declarations before a run.
func (c *Checker[S]) validate() error {
	for _, name := range c.opts.Only {
		if name == DeadlockProperty {
			continue // deadlock detection is on unless AllowDeadlock
		}
		if !slices.ContainsFunc(c.all, func(p Property[S]) bool { return p.Name == name }) {
			known := make([]string, len(c.all))
			for i, p := range c.all {
				known[i] = p.Name
			}
			return fmt.Errorf("%w %q (known: %s)", ErrUnknownProperty, name, strings.Join(known, ", "))
		}
	}
	if c.notPlain != "" {
		return fmt.Errorf("%w: it declares PlainStates, but its states cannot be compared by their bytes: %s", ErrModel, c.notPlain)
	}
	return c.validateDeclarations()
}

// validateDeclarations checks the model's action kinds and properties.
func (c *Checker[S]) validateDeclarations() error {
	if len(c.kinds) == 0 {
		return fmt.Errorf("%w: no action kinds", ErrModel)
	}
	names := map[string]bool{}
	kinds := map[string]bool{}
	for _, k := range c.kinds {
		if len(k.Params) > MaxArgs {
			return fmt.Errorf("%w: action %q has %d parameters, at most %d", ErrModel, k.Name, len(k.Params), MaxArgs)
		}
		kinds[k.Name] = true
	}
	for _, p := range c.props {
		if p.Name == "" || names[p.Name] || p.Name == DeadlockProperty {
			return fmt.Errorf("%w: property name %q is empty, reserved or repeated", ErrModel, p.Name)
		}
		names[p.Name] = true
		if p.Kind < Always || p.Kind > LeadsTo {
			return fmt.Errorf("%w: property %q has unknown kind %d", ErrModel, p.Name, int(p.Kind))
		}
		if p.Holds == nil || (p.Kind == LeadsTo) != (p.From != nil) {
			return fmt.Errorf("%w: property %q lacks a predicate", ErrModel, p.Name)
		}
		for _, f := range p.Fair {
			if !kinds[f] {
				return fmt.Errorf("%w: property %q assumes fairness of unknown action %q", ErrModel, p.Name, f)
			}
		}
		if p.Kind.Liveness() && len(c.kinds) > 64 {
			return fmt.Errorf("%w: liveness checking supports at most 64 action kinds", ErrModel)
		}
	}
	return nil
}

// canonical returns the representative of s's symmetry class (s itself
// for a model without symmetry). The checker stores and fingerprints
// representatives only.
func (c *Checker[S]) canonical(s S) S {
	if c.canon != nil {
		return c.canon(s)
	}
	return s
}

// fingerprint hashes s's encoding, reusing buf; s must already be a
// representative.
func (c *Checker[S]) fingerprint(s S, buf *[]byte) uint64 {
	return c.fingerprintAt(&s, buf)
}

// fingerprintAt is fingerprint for a state the caller holds, which it
// does not copy when the states are plain (PlainStates).
func (c *Checker[S]) fingerprintAt(s *S, buf *[]byte) uint64 {
	if c.plain {
		return Fingerprint(stateBytes(s))
	}
	*buf = c.m.Encode((*buf)[:0], *s)
	return Fingerprint(*buf)
}

// checkKind validates an emitted action; a model that emits an unknown
// kind breaks its contract, which is a bug in the model, so it panics.
func (c *Checker[S]) checkKind(a Action) {
	if a.Kind < 0 || a.Kind >= len(c.kinds) {
		panic(fmt.Sprintf("checker: model emitted action kind %d, but declares %d kinds", a.Kind, len(c.kinds)))
	}
}

// coverage turns per-kind counters into the reported list.
func (c *Checker[S]) coverage(counts []uint64) []ActionCount {
	out := make([]ActionCount, len(c.kinds))
	for i, k := range c.kinds {
		out[i] = ActionCount{Action: k.Name, Count: counts[i]}
	}
	return out
}

// startProgress calls the Progress option periodically until stop is
// called; snap reads the live counters.
func (c *Checker[S]) startProgress(ctx context.Context, snap func() Progress) (stop func()) {
	if c.opts.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(c.opts.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				c.opts.Progress(snap())
			}
		}
	}()
	return func() { close(done); <-finished }
}

// invariantFailure returns the index of the first Always property s
// violates, or -1.
func (c *Checker[S]) invariantFailure(s *S) int {
	if len(c.always) == 0 || (c.screen != nil && c.screen(*s)) {
		return -1
	}
	for _, i := range c.always {
		if !c.props[i].Holds(*s) {
			return i
		}
	}
	return -1
}

// failure describes the violation of property prop (len(props) for a
// deadlock) that trace shows; a Sometimes property has no trace and one
// reason.
func (c *Checker[S]) failure(prop int, trace *Trace) Failure {
	f := Failure{Verdict: Violation, Trace: trace}
	if prop == len(c.props) {
		f.Verdict = Deadlock
	}
	f.Property, f.Doc, f.Kind = c.violation(prop)
	if f.Kind == Sometimes {
		f.Reason = "no reachable state witnesses it"
	}
	return f
}

func (c *Checker[S]) violation(prop int) (name, doc string, kind Kind) {
	if prop >= len(c.props) {
		// Deadlock freedom is an invariant: always, some action is enabled
		// or the state is terminal.
		return DeadlockProperty, "a reachable state has no enabled action and is not terminal", Always
	}
	p := c.props[prop]
	return p.Name, p.Doc, p.Kind
}

// Runner is a Checker with its state type hidden, so that tools can hold
// checkers of different models side by side. *Checker[S] implements it.
type Runner interface {
	BFS(ctx context.Context) (*Result, error)
	DFS(ctx context.Context) (*Result, error)
	Simulate(ctx context.Context) (*Result, error)
	Recheck(t *Trace, property string) (*Trace, error)
	CheckContract(ctx context.Context) (*ContractReport, error)
	Properties() []PropertyInfo
	Actions() []ActionKind
}

var _ Runner = (*Checker[int])(nil)
