package ring

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// Replay drives impl in step mode along a trace of the ring model and
// compares, after every step, the implementation's abstract state with the
// model's. The implementation runs the trace's protocol and bug unless bug
// names another ("none": the correct implementation, the credit protocol
// without faults). Each model action maps to one implementation step; a
// producer's first store also runs Begin, its admission.
func Replay(f *trace.File, bug string) (*bridge.ReplayResult, error) {
	p, err := bridge.Prepare(f, bug, replayed)
	if err != nil {
		return nil, err
	}
	// The model's states, in full.
	full, err := checker.New[modelring.State](p.Model, checker.Options{}).Recheck(f.Trace(), p.Property)
	if err != nil {
		return nil, fmt.Errorf("the trace is not a counterexample of its model: %w", err)
	}
	faults, err := implFaults(p.Values, p.Bug)
	if err != nil {
		return nil, err
	}
	h, err := newHarness(p.Values, faults)
	if err != nil {
		return nil, err
	}
	res := p.Result(faults.String())
	for i, st := range full.Steps {
		rs := bridge.ReplayStep{Index: i, Action: st.Label(), Impl: "-"}
		if i > 0 {
			rs.Impl = h.step(st)
		}
		rs.Diff = h.compare(st.State)
		rs.State = h.abstract
		res.Steps = append(res.Steps, rs)
		if refused(rs.Impl) {
			res.Diverge(i, rs.Action, "the implementation "+rs.Impl)
			break
		}
		if rs.Diff != "" {
			res.Diverge(i, rs.Action, rs.Diff)
			break
		}
	}
	res.Broken = h.broken
	if res.Outcome == "" {
		res.Outcome = bridge.Conformant
		if p.Property != "" && (full.LoopStart >= 0 || !slices.Contains(judged, p.Property) || slices.Contains(h.broken, p.Property)) {
			// A lasso or a loss is reproduced by following it: the states
			// matched all the way; the others by breaking the property.
			res.Outcome = bridge.Reproduced
		}
	}
	return res, nil
}

// judged are the properties the harness judges on the implementation.
var judged = []string{"no-duplicate", "no-torn-read", "no-overwrite", "fifo-order"}

// refused reports whether the implementation's step (what step returned)
// refused what the model did.
func refused(impl string) bool {
	return strings.HasPrefix(impl, "refused") || strings.HasPrefix(impl, "cannot")
}

// replayed is the ring model as a replay builds it: impl/ring implements
// every interface of the model.
var replayed = bridge.Model[*modelring.Model]{Params: modelring.Params, New: modelring.New}

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
	switch {
	case v.String("dir") == "rx":
		return implring.DaggerRX, nil
	case v.String("interface") == "doorbell":
		return implring.DaggerDoorbell, nil
	case v.String("interface") == "mmio":
		return implring.DaggerMMIO, nil
	}
	return implring.DaggerTX, nil
}

// newHarness builds the implementation's rings for a ring model
// configuration, one per flow, with the given faults.
func newHarness(v spec.Values, faults implring.Faults) (*harness, error) {
	iface, err := implring.ParseInterface(v.String("interface"))
	if err != nil {
		return nil, err
	}
	h := &harness{rx: v.String("dir") == "rx", iface: iface, faults: faults, slots: v.Int("slots"), ids: v.Int("ids")}
	o := implring.Options{Faults: faults, Interface: iface, Batch: v.Int("batch")}
	for range v.Int("flows") {
		ring, err := implring.NewRingOpts(implring.NewArena(o.Lines(h.slots)), h.slots, o)
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
	iface  implring.Interface
	faults implring.Faults
	slots  int
	ids    int // rx: rpc_id values before the counter wraps
	flows  []*flowRun
	broken []string
	// abstract is the implementation's state at the last compare, as the
	// model's fields it has.
	abstract []checker.Field
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
	if h.iface == implring.MMIO {
		// The MMIO store's halves are words 0..3 and 4..7: the number
		// travels in the high half's last bytes too, where tagger reads
		// it, so that a window holding one RPC's low half and another's
		// high half reads as torn, as the model's mmio-write-lo leaves it.
		r.Argl = slot.ArgsSize
		binary.LittleEndian.PutUint32(r.Args[slot.ArgsSize-4:], uint32(k+1))
	}
	return r
}

func (h *harness) tagger() implring.Tagger {
	switch {
	case h.rx:
		return implring.Tagger{Header: func(w slot.HeaderWord) uint32 { return uint32(w.FrameID()) }, Args: implring.DefaultTags.Args}
	case h.iface == implring.MMIO:
		return implring.Tagger{Header: implring.DefaultTags.Header, Args: func(l *slot.Line) uint32 { return uint32(l[slot.Words-1] >> 32) }}
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
		out = append(out, fmt.Sprintf("hdr=%s args=%s", tagName(hd), tagName(a)))
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

// tagName names the RPC a tag stands for, as model/ring does: "rpc2",
// or "-" for nothing written.
func tagName(t uint32) string {
	if t == 0 {
		return "-"
	}
	return fmt.Sprintf("rpc%d", t-1)
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
	"fence": implring.StoreFence, "write-valid": implring.StoreValid,
	"mmio-write": implring.StoreWindow, "mmio-write-lo": implring.StoreLo, "mmio-write-hi": implring.StoreHi}

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
	case "doorbell":
		if err := p.RingDoorbell(); err != nil {
			return outcome(err)
		}
		return fmt.Sprintf("rang: %d announced", fr.r.AbstractWith(h.tagger()).Rung)
	case "dma-read", "mmio-take":
		fetch := c.DMARead
		if st.Name == "mmio-take" {
			fetch = c.TakeWindow
		}
		rpc, err := fetch()
		if err != nil {
			return outcome(err)
		}
		return h.consumed(fr, rpc)
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

// counter is a consumer's count (its position, its credit) as the model
// holds it: a byte, which wraps. Only a consumer that takes lines again
// and again (bugs phase-stuck and rx-no-phase) counts that far, and the
// model's lasso closes where its count wraps back; the implementation's
// 64-bit count runs on through the same behaviour.
func counter(n uint64) string { return strconv.FormatUint(n%256, 10) }

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
			impl[p+"host.next"] = counter(a.Next)
			impl[p+"host.load"] = a.Load.String()
			if a.Load != implring.LoadHeader {
				impl[p+"host.got"] = a.Got.String()
			} else {
				impl[p+"host.got"] = "-"
			}
			impl[p+"host.credit"] = counter(a.Credit) // compared where the model has a credit line
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
			impl[p+"nic.next"] = counter(a.Next)
		}
		impl[p+"nic.credit"] = counter(a.Credit)
		impl[p+"nic.rung"] = strconv.FormatUint(a.Rung, 10)
		impl[p+"nic.arrived"] = strconv.FormatUint(a.Arrived, 10)
		for _, q := range a.Read {
			read = append(read, q.Line.String())
		}
	}
	if !h.rx {
		impl["nic.read"] = "[" + strings.Join(read, "; ") + "]"
	}
	h.abstract = nil
	for _, fl := range fields {
		if v, ok := impl[fl.Name]; ok {
			h.abstract = append(h.abstract, checker.Field{Name: fl.Name, Value: v})
		}
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
			for _, b := range judged {
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
