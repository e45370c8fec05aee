package traces

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/model"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// Replay outcomes, as DESIGN.md §6 names them.
const (
	Reproduced = "reproduced" // the implementation followed every step and broke the same property
	Conformant = "conformant" // it followed every step, and the trace's violation did not happen
	Diverged   = "diverged"   // it refused a step, or its state differs from the model's
)

// ErrUnsupported reports a trace whose component impl does not have yet.
var ErrUnsupported = errors.New("cannot replay")

// ReplayStep is one step of a replay: the model's action, what the
// implementation did, and whether their states agree afterwards.
type ReplayStep struct {
	Index  int    `json:"step"`
	Action string `json:"action"`
	Impl   string `json:"impl"`
	Diff   string `json:"diff,omitempty"` // the first field that differs, if any
}

// ReplayResult is what a replay found.
type ReplayResult struct {
	Outcome  string       `json:"result"`
	Property string       `json:"property"` // the trace's violated property
	Faults   string       `json:"faults"`   // the implementation's injected faults
	Step     int          `json:"diverged_at,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Broken   []string     `json:"impl_broken"` // the properties the implementation broke
	Steps    []ReplayStep `json:"steps"`
}

// Replay drives impl in step mode along a trace of the ring model and
// compares, after every step, the implementation's abstract state with the
// model's. The implementation runs the trace's protocol and bug unless bug
// names another ("none": the correct implementation, the credit protocol
// without faults). Each model action maps to one implementation step; a
// producer's first store also runs Begin, its admission.
func Replay(f *File, bug string) (*ReplayResult, error) {
	switch f.Model {
	case "ring":
	case "nic":
		return replayNICTrace(f, bug)
	case "system":
		return replaySystemTrace(f, bug)
	default:
		return nil, fmt.Errorf("%w a %s trace: impl replays ring, nic and system traces (the coherence handshake is the interconnect's, not impl's)", ErrUnsupported, f.Model)
	}
	v, err := spec.ParseParams(modelring.Params, f.Params)
	if err != nil {
		return nil, fmt.Errorf("trace parameters: %w", err)
	}
	if i := v.String("interface"); i != "coherent" {
		return nil, fmt.Errorf("%w interface=%s: impl/ring implements the coherent ring", ErrUnsupported, i)
	}
	// The model's states, in full, and the property the trace breaks.
	en, err := model.Lookup("ring")
	if err != nil {
		return nil, err
	}
	r, _, err := en.Build(f.Params, f.Bug, checker.Options{})
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	prop := f.Outcome.Property // "" for a behaviour without violation
	if f.Outcome.Result == "deadlock" {
		prop = checker.DeadlockProperty
	}
	full, err := r.Recheck(f.Trace(), prop)
	if err != nil {
		return nil, fmt.Errorf("the trace is not a counterexample of its model: %w", err)
	}

	if bug == "" {
		bug = f.Bug
	}
	faults, err := implFaults(v, bug)
	if err != nil {
		return nil, err
	}
	h, err := newHarness(v, faults)
	if err != nil {
		return nil, err
	}
	res := &ReplayResult{Property: prop, Faults: faults.String()}
	for i, st := range full.Steps {
		rs := ReplayStep{Index: i, Action: st.Label(), Impl: "-"}
		if i > 0 {
			rs.Impl = h.step(st)
		}
		rs.Diff = h.compare(st.State)
		res.Steps = append(res.Steps, rs)
		if strings.HasPrefix(rs.Impl, "refused") || strings.HasPrefix(rs.Impl, "cannot") {
			res.Outcome, res.Step, res.Reason = Diverged, i, fmt.Sprintf("step %d (%s): the implementation %s", i, rs.Action, rs.Impl)
			break
		}
		if rs.Diff != "" {
			res.Outcome, res.Step, res.Reason = Diverged, i, fmt.Sprintf("step %d (%s): %s", i, rs.Action, rs.Diff)
			break
		}
	}
	res.Broken = h.broken
	if res.Outcome == "" {
		res.Outcome = Conformant
		computed := []string{"no-duplicate", "no-torn-read", "no-overwrite", "fifo-order"}
		if prop != "" && (full.LoopStart >= 0 || !slices.Contains(computed, prop) || slices.Contains(h.broken, prop)) {
			// A lasso or a loss is reproduced by following it: the states
			// matched all the way; the others by breaking the property.
			res.Outcome = Reproduced
		}
	}
	return res, nil
}

// implFaults are the faults that make impl/ring behave as the model with
// parameters v and bug: Dagger's published behaviours for protocol=dagger,
// the bug's mutation, or none ("none": the correct implementation).
func implFaults(v spec.Values, bug string) (implring.Faults, error) {
	if bug == "none" {
		return implring.Faults{}, nil
	}
	if bug != "" {
		f, err := implring.BugFaults(bug)
		if err != nil {
			return f, fmt.Errorf("--bug %s: %w", bug, err)
		}
		return f, nil
	}
	if v.String("protocol") != "dagger" {
		return implring.Faults{}, nil
	}
	if v.String("dir") == "rx" {
		return implring.DaggerRX, nil
	}
	return implring.DaggerTX, nil
}

// newHarness builds the implementation's rings for a ring model
// configuration, one per flow, with the given faults.
func newHarness(v spec.Values, faults implring.Faults) (*harness, error) {
	h := &harness{rx: v.String("dir") == "rx", faults: faults, slots: v.Int("slots"), ids: v.Int("ids")}
	for range v.Int("flows") {
		ring, err := implring.NewRing(h.slots, faults)
		if err != nil {
			return nil, err
		}
		h.flows = append(h.flows, &flowRun{r: ring, taken: map[uint32]bool{}})
	}
	return h, nil
}

// harness runs the implementation's rings and judges what their consumers
// take, as model/ring's consume does.
type harness struct {
	rx     bool
	faults implring.Faults
	slots  int
	ids    int // rx: rpc_id values before the counter wraps
	flows  []*flowRun
	broken []string
}

type flowRun struct {
	r     *implring.Ring
	taken map[uint32]bool
	last  uint32
}

// gen is model RPC k: its number travels in args[0:4] and, in the header
// word, in rpc_id (TX) or frame_id (RX, whose rpc_ids wrap).
func (h *harness) gen(k int) slot.RPC {
	r := slot.RPC{RPCID: uint32(k + 1), FnID: 1, Argl: 4}
	if h.rx {
		// rpc_id wraps as the model's does (k mod ids), so the RPC's
		// number travels in frame_id; see tagger.
		r.RPCID, r.FrameID = uint32(k%h.ids), uint8(k+1)
	}
	binary.LittleEndian.PutUint32(r.Args[:4], uint32(k+1))
	return r
}

func (h *harness) tagger() implring.Tagger {
	if h.rx {
		return implring.Tagger{Header: func(w slot.HeaderWord) uint32 { return uint32(w.FrameID()) }, Args: implring.DefaultTags.Args}
	}
	return implring.DefaultTags
}

func (h *harness) breaks(name string) {
	if !slices.Contains(h.broken, name) {
		h.broken = append(h.broken, name)
	}
}

func (h *harness) consumed(fr *flowRun, rpcs ...slot.RPC) string {
	if len(rpcs) == 0 {
		return "took nothing"
	}
	var out []string
	for _, r := range rpcs {
		var sl slot.Slot
		if err := r.Encode(&sl, 0, true); err != nil {
			return "cannot: " + err.Error()
		}
		l := slot.LineOf(&sl)
		hd, a := h.tagger().Header(l.Header()), h.tagger().Args(&l)
		out = append(out, fmt.Sprintf("hdr=rpc%d args=rpc%d", int(hd)-1, int(a)-1))
		if hd != a || hd == 0 {
			h.breaks("no-torn-read")
		}
		switch {
		case hd == 0:
		case fr.taken[hd]:
			h.breaks("no-duplicate")
		case hd != fr.last+1:
			h.breaks("fifo-order")
		}
		if hd != 0 {
			fr.taken[hd] = true
			fr.last = hd
		}
	}
	return "took " + strings.Join(out, ", ")
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, implring.ErrRingFull):
		return "refused: no credit (ring full)"
	case errors.Is(err, implring.ErrEmpty):
		return "found nothing fresh"
	}
	return "cannot: " + err.Error()
}

// begin admits the flow's next RPC, judging no-overwrite.
func (h *harness) begin(fr *flowRun) error {
	p := fr.r.Producer()
	k := int(p.Sent())
	if err := p.Begin(h.gen(k)); err != nil {
		return err
	}
	if o := k - h.slots; o >= 0 && !fr.taken[uint32(o+1)] {
		h.breaks("no-overwrite")
	}
	return nil
}

var stores = map[string]implring.Store{"write-header": implring.StoreHeader, "write-args": implring.StoreArgs,
	"fence": implring.StoreFence, "write-valid": implring.StoreValid}

// step runs the implementation's step for one model step.
func (h *harness) step(st checker.Step) string {
	arg := func(name string) int {
		for _, a := range st.Args {
			if a.Name == name {
				return a.Value
			}
		}
		return -1
	}
	f := arg("flow")
	if f < 0 || f >= len(h.flows) {
		return fmt.Sprintf("cannot: it has no flow %d", f)
	}
	fr := h.flows[f]
	p, c := fr.r.Producer(), fr.r.Consumer()
	if s, ok := stores[st.Name]; ok {
		if p.NextStore() == implring.StoreNone {
			if err := h.begin(fr); err != nil {
				return outcome(err)
			}
		}
		if next := p.NextStore(); next != s {
			return fmt.Sprintf("cannot: its next store is %s", next)
		}
		_, err := p.Step()
		return outcome(err)
	}
	switch st.Name {
	case "nic-write":
		if err := h.begin(fr); err != nil {
			return outcome(err)
		}
		for p.NextStore() != implring.StoreNone {
			if _, err := p.Step(); err != nil {
				return outcome(err)
			}
		}
		return "ok"
	case "poll-line":
		l, err := c.PollLine(arg("slot"))
		if err != nil {
			return outcome(err)
		}
		return "read " + h.tagger().State(&l).String()
	case "process":
		// One NIC pipeline serves every flow: the late bookkeeping of the
		// previous batch lands now, whichever flow it was for.
		for _, other := range h.flows {
			if other != fr {
				other.r.Consumer().LandLate()
			}
		}
		rpcs, err := c.Process(nil)
		if err != nil {
			return outcome(err)
		}
		return h.consumed(fr, rpcs...)
	case "return-credit":
		c.ReturnCredit()
		return fmt.Sprintf("credit=%d", fr.r.Credit())
	case "load-header":
		if err := c.LoadHeader(); err != nil {
			if errors.Is(err, implring.ErrEmpty) {
				return "found nothing fresh" // the model's load-header changes nothing too
			}
			return outcome(err)
		}
		return "fresh"
	case "load-args", "recheck":
		load := c.LoadArgs
		if st.Name == "recheck" {
			load = c.Recheck
		}
		rpc, took, err := load()
		switch {
		case err != nil:
			return outcome(err)
		case took:
			return h.consumed(fr, rpc)
		case st.Name == "recheck":
			return "header changed: copy discarded"
		}
		return "copied"
	}
	return "cannot: it has no step for " + st.Name
}

// compare checks the implementation's abstract state against the model's
// fields that both have, and returns the first difference.
func (h *harness) compare(fields []checker.Field) string {
	impl := map[string]string{}
	var read []string
	for f, fr := range h.flows {
		a := fr.r.AbstractWith(h.tagger())
		p := fmt.Sprintf("f%d.", f)
		for i, l := range a.Lines {
			impl[fmt.Sprintf("%sslot%d", p, i)] = l.String()
		}
		var taken []string
		for k := uint32(1); k <= 64; k++ {
			if fr.taken[k] {
				taken = append(taken, fmt.Sprintf("rpc%d", k-1))
			}
		}
		impl[p+"consumed"] = "{" + strings.Join(taken, ",") + "}"
		if h.rx {
			impl[p+"nic.sent"] = strconv.FormatUint(a.Sent, 10)
			impl[p+"host.next"] = strconv.FormatUint(a.Next, 10)
			impl[p+"host.load"] = a.Load.String()
			if a.Load != implring.LoadHeader {
				impl[p+"host.got"] = a.Got.String()
			} else {
				impl[p+"host.got"] = "-"
			}
			impl[p+"host.credit"] = strconv.FormatUint(a.Credit, 10) // compared where the model has a credit line
			continue
		}
		impl[p+"cpu.sent"] = strconv.FormatUint(a.Sent, 10)
		impl[p+"cpu.next-store"] = a.NextStore.String()
		// Each field is compared where the model has it too: seen bits
		// only when the implementation keeps them; the consumed count and
		// the credit line where the model's protocol has them.
		if h.faults.SeenBits {
			bits := make([]string, len(a.Seen))
			for i, b := range a.Seen {
				bits[i] = strconv.Itoa(int(b))
			}
			impl[p+"nic.seen"] = "[" + strings.Join(bits, " ") + "]"
		} else {
			impl[p+"nic.next"] = strconv.FormatUint(a.Next, 10)
		}
		impl[p+"nic.credit"] = strconv.FormatUint(a.Credit, 10)
		for _, q := range a.Read {
			read = append(read, q.Line.String())
		}
	}
	if !h.rx {
		impl["nic.read"] = "[" + strings.Join(read, "; ") + "]"
	}
	for _, fl := range fields {
		if fl.Name == "broken" {
			var want []string
			for _, b := range strings.Split(fl.Value, ",") {
				if b != "" && b != "no-loss" { // the harness does not judge losses
					want = append(want, b)
				}
			}
			var got []string
			for _, b := range []string{"no-duplicate", "no-torn-read", "no-overwrite", "fifo-order"} {
				if slices.Contains(h.broken, b) {
					got = append(got, b)
				}
			}
			if strings.Join(want, ",") != strings.Join(got, ",") {
				return fmt.Sprintf("broken: model {%s}, impl {%s}", strings.Join(want, ","), strings.Join(got, ","))
			}
			continue
		}
		if v, ok := impl[fl.Name]; ok && v != fl.Value {
			return fmt.Sprintf("%s: model %q, impl %q", fl.Name, fl.Value, v)
		}
	}
	return ""
}

// steppedModel is what replaySteps needs of a model: its moves, and how
// it names an action for people.
type steppedModel[S any] interface {
	Init() []S
	Actions() []checker.ActionKind
	Next(s S, emit func(checker.Action, S))
	FormatAction(a checker.Action) string
}

// replaySteps drives an implementation along f's steps, as the NIC and
// system replays do: each trace step is found among the model's enabled
// moves, run on the implementation by step (given the model's state
// before it; it returns what the implementation did, "diverged: ..."
// when it refused or did otherwise), and then the implementation's
// abstract state is compared with the model's by compare ("" when
// equal). It records every step in res and, at the first divergence,
// sets res's outcome, step and reason and stops. It returns whether the
// implementation followed the whole trace. A step the model does not
// enable is an error: the trace is not a behaviour of its model.
func replaySteps[S any](res *ReplayResult, f *File, m steppedModel[S], step func(s S, a checker.Action) string, compare func(S) string) (bool, error) {
	diverge := func(i int, action, why string) (bool, error) {
		res.Outcome, res.Step, res.Reason = Diverged, i, fmt.Sprintf("step %d (%s): %s", i, action, why)
		return false, nil
	}
	s := m.Init()[0]
	rs := ReplayStep{Index: 0, Action: "init", Impl: "-", Diff: compare(s)}
	res.Steps = append(res.Steps, rs)
	if rs.Diff != "" {
		return diverge(0, "init", rs.Diff)
	}
	type move struct {
		a checker.Action
		t S
	}
	var moves []move
	for i, st := range f.Steps[1:] {
		moves = moves[:0]
		m.Next(s, func(a checker.Action, t S) { moves = append(moves, move{a, t}) })
		mv, err := findMove(m.Actions(), moves, func(x move) checker.Action { return x.a }, st)
		if err != nil {
			return false, fmt.Errorf("the trace is not a behaviour of its model: step %d (line %d): %w", i+1, st.Line, err)
		}
		label := m.FormatAction(mv.a)
		out := step(s, mv.a)
		s = mv.t
		rs := ReplayStep{Index: i + 1, Action: label, Impl: out}
		if !strings.HasPrefix(out, "diverged") {
			rs.Diff = compare(s)
		}
		res.Steps = append(res.Steps, rs)
		switch {
		case strings.HasPrefix(out, "diverged"):
			return diverge(i+1, label, "the implementation "+strings.TrimPrefix(out, "diverged: "))
		case rs.Diff != "":
			return diverge(i+1, label, rs.Diff)
		}
	}
	return true, nil
}
