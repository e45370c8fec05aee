package traces

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/tlaplus"
	"github.com/daggercheck/daggercheck/trace"
)

var tlaModels = []struct {
	name   string
	consts []spec.TLAConstant
}{{"coherence", coherence.TLAConstants}, {"ring", ring.TLAConstants}}

// TLAParams maps the constants of a config of tla/Coherence.tla or
// tla/Ring.tla to the Go model, its parameters and its bug ("" for
// "none"). The model is the one whose constants the config sets.
func TLAParams(cfg *tlaplus.TLCConfig) (modelName string, params []string, bug string, err error) {
	var consts []spec.TLAConstant
	for _, m := range tlaModels {
		if _, ok := cfg.Constant(m.consts[0].Name); ok {
			modelName, consts = m.name, m.consts
		}
	}
	if modelName == "" {
		return "", nil, "", fmt.Errorf("%w: the config sets neither Lines (Coherence.tla) nor RX (Ring.tla)", tlaplus.ErrTLA)
	}
	if params, bug, err = tlaplus.Params(cfg, consts); err != nil {
		return "", nil, "", err
	}
	return modelName, params, bug, nil
}

// ConvertTLA turns a behaviour of tla/Coherence.tla or tla/Ring.tla into a
// trace file of the same behaviour of the Go model built from modelName,
// params and bug (TLAParams gives them for a TLC config). Every state must
// be the Go model's state that its predecessor leads to by one of the
// model's actions, which names the step. The outcome is the first of
// properties (TLA+ or Go names, in order: a TLC config's invariants and
// properties, say), or a deadlock, which TLC checks unless told not to,
// that the behaviour breaks, an error if it breaks none of them; with no
// properties, the first of the model's — an invariant
// failing in the last state, a deadlock, or, for a lasso, a liveness
// property — and "ok" if it breaks none.
func ConvertTLA(t *tlaplus.TLATrace, modelName string, params []string, bug string, properties []string) (*trace.File, error) {
	en, err := model.Lookup(modelName)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
	}
	v, err := spec.ParseParams(en.Params, params)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
	}
	var props []string
	for _, p := range properties {
		if p != "TypeOK" {
			props = append(props, tlaplus.GoPropertyName(p))
		}
	}
	switch modelName {
	case "coherence":
		m, err := coherence.New(v, bug)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
		}
		return convert(t, modelName, m, v, bug, props, decodeCoherence(m))
	case "ring":
		m, err := ring.New(v, bug)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
		}
		return convert(t, modelName, m, v, bug, props, decodeRing(m))
	}
	return nil, fmt.Errorf("%w: no TLA+ spec of model %s (tla/ has coherence and ring)", tlaplus.ErrTLA, modelName)
}

func convert[S any](t *tlaplus.TLATrace, modelName string, m checker.Model[S], v spec.Values, bug string, props []string,
	decode func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) S) (*trace.File, error) {
	if len(t.States) == 0 {
		return nil, fmt.Errorf("%w: the trace has no states", tlaplus.ErrTLA)
	}
	ck := checker.New(m, checker.Options{})
	kinds := m.Actions()
	enc := func(s S) string { return string(m.Encode(nil, s)) }
	decoded := make([]S, len(t.States))
	for i, vars := range t.States {
		d := tlaplus.NewDecoder(i)
		decoded[i] = decode(d, vars)
		if d.Err() != nil {
			return nil, d.Err()
		}
	}
	// Walk the Go model along the decoded states, keeping the model's own
	// successors (never calling Next on a state only decoded).
	var states []S
	for _, s := range m.Init() {
		if enc(s) == enc(decoded[0]) {
			states = append(states, s)
			break
		}
	}
	if len(states) == 0 {
		return nil, fmt.Errorf("%w: state 0 is not an initial state of the Go model (%s)", tlaplus.ErrTLA, strings.Join(v.Assignments(), " "))
	}
	tr := &checker.Trace{LoopStart: -1, Steps: []checker.Step{{Name: "init", State: ck.FieldsOf(states[0])}}}
	targets := decoded[1:]
	if t.LoopStart >= 0 && !t.Stutter && enc(decoded[len(decoded)-1]) != enc(decoded[t.LoopStart]) {
		targets = append(targets, decoded[t.LoopStart]) // the closing step back into the loop
	}
	for i, want := range targets {
		var next S
		var act checker.Action
		found := false
		m.Next(states[len(states)-1], func(a checker.Action, s S) {
			if !found && enc(s) == enc(want) {
				next, act, found = s, a, true
			}
		})
		if !found {
			what := ""
			if i < len(t.Actions) && t.Actions[i] != "" {
				what = fmt.Sprintf(" (TLA+ action %s)", t.Actions[i])
			}
			return nil, fmt.Errorf("%w: state %d%s is not a successor of state %d in the Go model: the spec and the model differ there, or the constants do", tlaplus.ErrTLA, i+1, what, i)
		}
		st := checker.Step{Name: kinds[act.Kind].Name, State: ck.FieldsOf(next)}
		for j, p := range kinds[act.Kind].Params {
			st.Args = append(st.Args, checker.Arg{Name: p, Value: act.Args[j]})
		}
		tr.Steps = append(tr.Steps, st)
		states = append(states, next)
	}
	if t.LoopStart >= 0 {
		tr.LoopStart, tr.Stutter = t.LoopStart, t.Stutter
	}
	if t.Stutter {
		// TLA+ fairness is about steps that change the state (<<A>>_vars):
		// an action whose only step there leaves the state as it is does
		// not count as enabled, so TLC may end a lasso stuttering where
		// such an action is enabled. The Go checker's fairness counts it,
		// so the loop takes each of them once instead: the same states.
		last := states[len(states)-1]
		m.Next(last, func(a checker.Action, s S) {
			if enc(s) != enc(last) {
				return
			}
			st := checker.Step{Name: kinds[a.Kind].Name, State: ck.FieldsOf(s)}
			for j, p := range kinds[a.Kind].Params {
				st.Args = append(st.Args, checker.Arg{Name: p, Value: a.Args[j]})
			}
			tr.Steps = append(tr.Steps, st)
			tr.Stutter = false
		})
	}

	// The outcome: the property given, or the first one the behaviour breaks.
	candidates := slices.Clone(props)
	if len(props) > 0 && tr.LoopStart < 0 && !slices.Contains(props, checker.DeadlockProperty) {
		candidates = append(candidates, checker.DeadlockProperty) // TLC checks deadlock unless told not to
	}
	if len(props) == 0 {
		for _, p := range m.Properties() {
			if p.Kind.Liveness() == (tr.LoopStart >= 0) && p.Kind != checker.Sometimes {
				candidates = append(candidates, p.Name)
			}
		}
		if tr.LoopStart < 0 {
			candidates = append(candidates, checker.DeadlockProperty)
		}
	}
	res := &checker.Result{Verdict: checker.OK, Trace: tr}
	var firstErr error
	for _, p := range candidates {
		full, err := ck.Recheck(tr, p)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		res.Trace, res.Property, res.Verdict = full, p, checker.Violation
		if p == checker.DeadlockProperty {
			res.Verdict = checker.Deadlock
		}
		break
	}
	if res.Verdict == checker.OK {
		if len(props) > 0 {
			return nil, fmt.Errorf("%w: the behaviour breaks none of %s: %v", tlaplus.ErrTLA, strings.Join(candidates, ", "), firstErr)
		}
		full, err := ck.Recheck(tr, "")
		if err != nil {
			return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
		}
		res.Trace = full
		res.Trace.LoopStart, res.Trace.Stutter = -1, false // an "ok" behaviour is not a lasso
	}
	return trace.FromResult(modelName, v.Assignments(), bug, res)
}

// The names tla/Coherence.tla gives the model's enumerations, in the Go
// constants' order.
var (
	tlaLineStates = []string{"I", "S", "E", "M", "IS_D", "IM_D", "SM_A", "MI_A", "EI_A", "SI_A", "II_A"}
	tlaDirStates  = []string{"I", "S", "EM"}
	tlaBusy       = []string{"Idle", "WaitFwdS", "WaitFwdM", "WaitInvGetM", "WaitInvUpg"}
	tlaMsgTypes   = []string{"?", "GetS", "GetM", "Upg", "PutS", "PutE", "PutM", "InvAck", "SnoopResp", "SnoopAck",
		"DataS", "DataE", "DataM", "UpgAck", "Inv", "FwdGetS", "FwdGetM", "PutAck"}
	// bad's elements are State.Bad's bits: stale 1, unexpected 2.
	tlaCoherenceBad = []string{"stale", "unexpected"}
	// bad's elements are ring's State.Bad bits, in order from bit 0.
	tlaRingBad = []string{"duplicate", "torn", "overwrite", "loss", "order"}
)

// decodeCoherence reads a state of tla/Coherence.tla (its variables:
// cache, dir, net, writes, last, writer, seen, bad).
func decodeCoherence(m *coherence.Model) func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) coherence.State {
	return func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) coherence.State {
		var s coherence.State
		cache, dir := d.Root(vars, "cache"), d.Root(vars, "dir")
		last, writer := d.Root(vars, "last"), d.Root(vars, "writer")
		for l := 0; l < m.Lines; l++ {
			for c := 0; c < 2; c++ {
				cl := d.At(d.At(cache, c), l)
				s.Cache[c][l] = coherence.CacheLine{
					St:  coherence.LineState(d.Str(d.At(cl, "st"), tlaLineStates)),
					Val: d.U8(d.At(cl, "val"), 0, coherence.MaxValues),
				}
			}
			dl := d.At(dir, l)
			s.Dir[l] = coherence.DirLine{
				St:      coherence.DirState(d.Str(d.At(dl, "st"), tlaDirStates)),
				Holders: d.Bits(d.At(dl, "holders"), 1),
				Mem:     d.U8(d.At(dl, "mem"), 0, coherence.MaxValues),
				Busy:    coherence.Busy(d.Str(d.At(dl, "busy"), tlaBusy)),
				Req:     d.U8(d.At(dl, "req"), 0, 1),
			}
			s.Last[l] = d.U8(d.At(last, l), 0, coherence.MaxValues)
			s.Writer[l] = d.U8(d.At(writer, l), 0, 2)
		}
		writes := d.Root(vars, "writes")
		for c := 0; c < 2; c++ {
			s.Writes[c] = d.U8(d.At(writes, c), 0, coherence.MaxWrites)
		}
		s.Seen = d.Bits(d.Root(vars, "seen"), 1)
		s.Bad = d.Flags(d.Root(vars, "bad"), tlaCoherenceBad)

		msg := func(n tlaplus.Node) coherence.Msg {
			return coherence.Msg{
				From: d.U8(d.At(n, "from"), 0, 2), To: d.U8(d.At(n, "to"), 0, 2),
				Type: coherence.MsgType(d.Str(d.At(n, "type"), tlaMsgTypes)),
				Line: d.U8(d.At(n, "line"), 0, m.Lines-1), Val: d.U8(d.At(n, "val"), 0, coherence.MaxValues),
			}
		}
		var msgs []coherence.Msg
		net := d.Root(vars, "net")
		add := func(n tlaplus.Node, x coherence.Msg) {
			if len(msgs) == coherence.MaxMsgs {
				d.Fail(n, "more than %d messages in flight", coherence.MaxMsgs)
				return
			}
			msgs = append(msgs, x)
		}
		if m.Ordered {
			// A FIFO per channel; the Go network groups the channels in
			// ascending order, each oldest first.
			for ch := 0; ch < 24 && d.Err() == nil; ch++ {
				for _, e := range d.Elems(d.At(net, ch), tlaplus.TLASeq) {
					add(e, msg(e))
				}
			}
		} else if net.OK && (net.Value.Kind == tlaplus.TLAFunc || (net.Value.Kind == tlaplus.TLAList || net.Value.Kind == tlaplus.TLASeq) && len(net.Value.Elems) == 0) {
			// (TLC writes the empty function as an empty array.)
			// A multiset: message -> multiplicity; Go keeps it sorted.
			for i, k := range net.Value.Keys {
				n := tlaplus.Node{Value: k, Path: fmt.Sprintf("net[%s]", k), OK: true}
				x := msg(n)
				count := d.Int(tlaplus.Node{Value: net.Value.Vals[i], Path: n.Path, OK: true}, 1, coherence.MaxMsgs)
				for j := 0; j < count && d.Err() == nil; j++ {
					add(n, x)
				}
			}
			slices.SortFunc(msgs, func(a, b coherence.Msg) int {
				return cmpMsg(a, b)
			})
		} else if net.OK {
			d.Fail(net, "want a function (message -> multiplicity), got %s", net.Value)
		}
		copy(s.Net[:], msgs)
		s.N = uint8(len(msgs))
		return s
	}
}

// cmpMsg orders messages as the Go model's unordered network does: by
// source, destination, type, line, value.
func cmpMsg(a, b coherence.Msg) int {
	for _, p := range [][2]uint8{{a.From, b.From}, {a.To, b.To}, {uint8(a.Type), uint8(b.Type)}, {a.Line, b.Line}, {a.Val, b.Val}} {
		if p[0] != p[1] {
			return int(p[0]) - int(p[1])
		}
	}
	return 0
}

// decodeRing reads a state of tla/Ring.tla (its variables: ring, sent,
// store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend,
// bad, rung, arrived).
func decodeRing(m *ring.Model) func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) ring.State {
	return func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) ring.State {
		var s ring.State
		line := func(n tlaplus.Node) ring.Line {
			return ring.Line{Valid: d.U8(d.At(n, "valid"), 0, 1), Flag: d.U8(d.At(n, "flag"), 0, 1),
				Hdr: d.U8(d.At(n, "hdr"), 0, m.RPCs), Args: d.U8(d.At(n, "args"), 0, m.RPCs)}
		}
		rg, seen := d.Root(vars, "ring"), d.Root(vars, "seenb")
		for f := 0; f < m.Flows; f++ {
			fl := &s.F[f]
			for i := 0; i < m.Slots; i++ {
				fl.Ring[i] = line(d.At(d.At(rg, f), i))
				fl.Seen[i] = d.U8(d.At(d.At(seen, f), i), 0, 255)
			}
			fl.Sent = d.U8(d.At(d.Root(vars, "sent"), f), 0, m.RPCs)
			fl.Store = d.U8(d.At(d.Root(vars, "store"), f), 0, 3)
			fl.Next = d.U8(d.At(d.Root(vars, "next"), f), 0, 255)
			fl.Credit = d.U8(d.At(d.Root(vars, "credit"), f), 0, 255)
			fl.Load = d.U8(d.At(d.Root(vars, "load"), f), 0, 2)
			fl.Got = line(d.At(d.Root(vars, "got"), f))
			fl.Taken = d.Bits(d.At(d.Root(vars, "taken"), f), m.RPCs-1)
			fl.Last = d.U8(d.At(d.Root(vars, "lastc"), f), 0, m.RPCs)
			fl.Rung = d.U8(d.At(d.Root(vars, "rung"), f), 0, m.RPCs)
			fl.Arrived = d.U8(d.At(d.Root(vars, "arrived"), f), 0, 2*m.RPCs)
		}
		poll := d.Root(vars, "poll")
		s.PollFlow = d.U8(d.At(poll, "flow"), 0, m.Flows-1)
		s.PollSlot = d.U8(d.At(poll, "slot"), 0, m.Slots-1)
		s.PollRead = d.U8(d.At(poll, "read"), 0, m.Batch)
		buf := d.Root(vars, "buf")
		for j := 0; j < m.Batch; j++ {
			s.Buf[j] = line(d.At(buf, j))
		}
		pend := d.Root(vars, "pend")
		s.PendFlow = d.U8(d.At(pend, "flow"), 0, m.Flows-1)
		if m.Dagger {
			s.PendMask = d.Bits(d.At(pend, "mask"), m.Slots-1)
			s.PendVal = d.Bits(d.At(pend, "val"), m.Slots-1)
		} else {
			// Go's PendMask holds late-seen's count in the credit protocol.
			s.PendMask = d.U8(d.At(pend, "count"), 0, 255)
		}
		s.Bad = d.Flags(d.Root(vars, "bad"), tlaRingBad)
		return s
	}
}
