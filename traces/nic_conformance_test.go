package traces

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
	implnic "github.com/daggercheck/daggercheck/impl/nic"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	modelnic "github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/spec"
)

// The NIC pipeline against the NIC model, step by step. rapid draws a
// configuration of model/nic (protocol or bug, flows, connections,
// request buffer, FIFO depth, batch, balancer, RPCs) and then, with
// t.Repeat, the model's actions — one Repeat action per action kind
// (arrive, balance, send, skip, open, close), each picking one of the
// kind's instances the model enables now — and runs each on impl/nic in
// step mode, which has a step for every model action:
//
//	arrive rpc conn response key   Arrive(an RPC on conn, a response or a
//	                               request whose first argument is key)
//	balance slot flow              Balance (under lb=random, Choose
//	                               returns the model's flow)
//	send flow n, skip flow         Schedule, whose Burst must be the
//	                               model's; the host then drains the RX
//	                               ring (the model abstracts the ring to
//	                               delivery)
//	open conn status, close ...    Open, Close: the status must be the
//	                               model's
//
// and after every step impl/nic's Abstract must equal the model's state,
// field for field (the model's ghosts, which judge properties, aside).
// The RX rings have 8 slots and are drained after every burst, so the
// scheduler never meets back-pressure, which the model does not have.
func TestNICConformsToNICModel(t *testing.T) {
	sink := &failureSink{dir: rapidDir("TestNICConformsToNICModel")}
	var walks, steps int
	defer logRate(t, time.Now(), &walks, &steps)
	rapid.Check(t, func(rt *rapid.T) {
		walks++
		steps += nicWalk(rt, nicDraw{}, sink)
	})
}

// nicDraw fixes what a walk would otherwise draw: the mutation check runs
// the model's credit protocol without a bug against an implementation
// with faults, with the parameters the fault needs.
type nicDraw struct {
	mutant *implnic.Faults
	params []string
}

type nicMove struct {
	a checker.Action
	s modelnic.State
}

func nicMoves(m *modelnic.Model, s modelnic.State, kind int) []nicMove {
	var moves []nicMove
	m.Next(s, func(a checker.Action, t modelnic.State) {
		if kind < 0 || a.Kind == kind {
			moves = append(moves, nicMove{a, t})
		}
	})
	return moves
}

// nicWalk draws a configuration and a walk and compares impl/nic with
// model/nic after every step; it returns the steps taken.
func nicWalk(rt *rapid.T, d nicDraw, sink *failureSink) int {
	protocol, bug := "credit", ""
	if d.mutant == nil {
		protocol = rapid.SampledFrom([]string{"credit", "dagger"}).Draw(rt, "protocol")
		if protocol == "credit" {
			bugs := append(bugNames(modelnic.Bugs), "", "", "", "", "", "", "", "")
			bug = rapid.SampledFrom(bugs).Draw(rt, "bug")
		}
	}
	params := []string{
		"protocol=" + protocol,
		fmt.Sprintf("flows=%d", rapid.IntRange(1, modelnic.MaxFlows).Draw(rt, "flows")),
		fmt.Sprintf("conns=%d", rapid.IntRange(1, modelnic.MaxConns).Draw(rt, "conns")),
		fmt.Sprintf("buffer=%d", rapid.IntRange(1, modelnic.MaxBuffer).Draw(rt, "buffer")),
		fmt.Sprintf("fifo=%d", rapid.IntRange(1, modelnic.MaxFIFO).Draw(rt, "fifo")),
		fmt.Sprintf("batch=%d", rapid.SampledFrom([]int{1, 2, 4}).Draw(rt, "batch")),
		"lb=" + rapid.SampledFrom([]string{"static", "round-robin", "random", "key-hash"}).Draw(rt, "lb"),
		fmt.Sprintf("rpcs=%d", rapid.IntRange(1, modelnic.MaxRPCs).Draw(rt, "rpcs")),
	}
	params = override(params, d.params)
	v, err := spec.ParseParams(modelnic.Params, params)
	if err != nil {
		rt.Fatal(err)
	}
	m, err := modelnic.New(v, bug)
	if err != nil {
		rt.Skip(err) // a combination the model refuses
	}
	faults, err := implnic.BugFaults(bug)
	if err != nil {
		rt.Fatal(err)
	}
	if d.mutant != nil {
		faults = *d.mutant
	}
	h, err := newNICHarness(m, faults)
	if err != nil {
		rt.Fatal(err)
	}
	s := m.Init()[0]
	w := newWalkLog("nic", v.Assignments(), bug, checker.New(m, checker.Options{}), m.Actions(), s)
	fail := func(format string, args ...any) {
		rt.Fatalf("%s\nconfiguration %s --bug %q, impl faults %s; %s", fmt.Sprintf(format, args...),
			strings.Join(params, " "), bug, faults, sink.keep(w))
	}
	if diff := h.compare(s); diff != "" {
		fail("initial states differ: %s", diff)
	}
	actions := map[string]func(*rapid.T){
		"": func(rt *rapid.T) {
			if diff := h.compare(s); diff != "" {
				fail("after step %d (%s): %s", len(w.walk)-1, w.walk[len(w.walk)-1].Label(), diff)
			}
		},
		// The model has stopped (every RPC arrived and delivered or
		// dropped; only the control plane could move): the walk ends.
		"quiescent": func(rt *rapid.T) {
			if len(nicMoves(m, s, -1)) > 0 {
				rt.Skip("the model can move")
			}
		},
	}
	for kind, k := range m.Actions() {
		actions[k.Name] = func(rt *rapid.T) {
			moves := nicMoves(m, s, kind)
			if len(moves) == 0 {
				rt.Skip("not enabled")
			}
			mv := moves[rapid.IntRange(0, len(moves)-1).Draw(rt, k.Name)]
			st := w.add(mv.a, mv.s)
			out := h.step(k.Name, mv.a)
			s = mv.s
			if strings.HasPrefix(out, "diverged") {
				fail("step %d (%s): the implementation %s", len(w.walk)-1, st.Label(), out)
			}
		}
	}
	rt.Repeat(actions)
	return len(w.walk) - 1
}

// bugNames lists the bug names of a catalogue.
func bugNames(bugs []spec.Bug) []string {
	var out []string
	for _, b := range bugs {
		out = append(out, b.Name)
	}
	return out
}

// nicHarness is impl/nic in step mode for one model configuration.
type nicHarness struct {
	m      *modelnic.Model
	n      *implnic.NIC
	choice int // the flow Choose returns: the model's, under lb=random
}

func newNICHarness(m *modelnic.Model, faults implnic.Faults) (*nicHarness, error) {
	h := &nicHarness{m: m}
	lb, err := implnic.ParseLB(m.LB)
	if err != nil {
		return nil, err
	}
	cfg := implnic.Config{Conns: m.Conns, OpenAll: true, Buffer: m.Buffer, FIFODepth: m.FIFODepth, Batch: m.Batch,
		LB: lb, Faults: faults, Choose: func(int) int { return h.choice }}
	if m.Dagger {
		cfg.Profile = implnic.ProfileDagger
	}
	for range m.Flows {
		f, err := implring.NewFlow(8, implring.Faults{}, implring.Faults{})
		if err != nil {
			return nil, err
		}
		cfg.Flows = append(cfg.Flows, f)
	}
	if h.n, err = implnic.New(cfg); err != nil {
		return nil, err
	}
	return h, nil
}

// step runs the implementation's step for model action a (kind name).
func (h *nicHarness) step(name string, a checker.Action) string {
	switch name {
	case "arrive":
		var args []byte
		if h.m.LB == "key-hash" {
			args = []byte{byte(a.Args[3])} // the key travels in the first argument byte
		}
		r, err := implring.NewRPC(uint8(a.Args[1]), uint32(a.Args[0]), 1, args)
		if err != nil {
			return "diverged: " + err.Error()
		}
		r.Response = a.Args[2] == 1
		err = h.n.Arrive(&r)
		if err != nil && !errors.Is(err, implnic.ErrConnClosed) && !errors.Is(err, implnic.ErrBufferFull) {
			return "diverged: Arrive: " + err.Error()
		}
		return outcomeOf(err)
	case "balance":
		h.choice = a.Args[1]
		p, err := h.n.Balance()
		switch {
		case err != nil && !errors.Is(err, implnic.ErrFIFOFull) && !errors.Is(err, implnic.ErrBadFlow):
			return "diverged: Balance: " + err.Error()
		case p.Slot != a.Args[0] || p.Flow != a.Args[1]:
			return fmt.Sprintf("diverged: Balance placed slot %d on flow %d", p.Slot, p.Flow)
		}
		return outcomeOf(err)
	case "send", "skip":
		b, err := h.n.Schedule()
		if err != nil {
			return "diverged: Schedule: " + err.Error()
		}
		want := implnic.Burst{Flow: a.Args[0], Skipped: name == "skip"}
		if name == "send" {
			want.Sent = a.Args[1]
		}
		if b != want {
			return fmt.Sprintf("diverged: Schedule did %+v", b)
		}
		// The host takes what the burst wrote (the model's delivery).
		c := h.n.Flow(b.Flow).RX.Consumer()
		for {
			if _, err := c.Receive(); errors.Is(err, implring.ErrEmpty) {
				break
			} else if err != nil {
				return "diverged: the RX ring: " + err.Error()
			}
		}
		return "ok"
	case "open", "close":
		op := h.n.Open
		if name == "close" {
			op = h.n.Close
		}
		if st := op(a.Args[0]); int(st) != a.Args[1] {
			return fmt.Sprintf("diverged: status %s, the model's %s", st, modelnic.Status(a.Args[1]))
		}
		return "ok"
	}
	return "diverged: no step for " + name
}

func outcomeOf(err error) string {
	if err != nil {
		return "dropped: " + err.Error()
	}
	return "ok"
}

// compare checks impl/nic's Abstract against model state s, field for
// field in the model's vocabulary, and returns the first difference.
func (h *nicHarness) compare(s modelnic.State) string {
	a, err := h.n.Abstract()
	if err != nil {
		return err.Error()
	}
	m := h.m
	type field struct {
		name        string
		model, impl any
	}
	fields := []field{
		{"arrived", s.Arrived, a.Arrived},
		{"free", s.Free, a.Free},
		{"pending", fmt.Sprint(s.Pending[:s.NPending]), fmt.Sprint(a.Pending[:a.NPending])},
		{"rr", s.RR, a.RR},
		{"ptr", s.Ptr, a.Ptr},
		{"aged", s.Aged, a.Aged},
		{"open", s.Open, a.Open},
		{"delivered", s.Delivered, a.Delivered},
	}
	for i := 0; i < m.Buffer; i++ {
		r := s.Slot[i]
		fields = append(fields, field{fmt.Sprintf("slot%d", i), fmt.Sprint([3]uint8{r.Conn, r.Response, r.Key}),
			fmt.Sprint([3]uint8{a.Slot[i].Conn, a.Slot[i].Response, a.Slot[i].Key})})
	}
	for f := 0; f < m.Flows; f++ {
		fields = append(fields, field{fmt.Sprintf("fifo%d", f), fmt.Sprint(s.FIFO[f][:s.Len[f]]), fmt.Sprint(a.FIFO[f][:a.Len[f]])})
	}
	for _, f := range fields {
		if f.model != f.impl {
			return fmt.Sprintf("%s: model %v, impl %v (impl %s)", f.name, f.model, f.impl, a)
		}
	}
	return ""
}

// replayNIC drives impl/nic along a NIC trace and compares after every
// step, as the rapid test does; it returns the first divergence.
func replayNIC(f *File) error {
	v, err := spec.ParseParams(modelnic.Params, f.Params)
	if err != nil {
		return fmt.Errorf("trace parameters: %w", err)
	}
	m, err := modelnic.New(v, f.Bug)
	if err != nil {
		return err
	}
	faults, err := implnic.BugFaults(f.Bug)
	if err != nil {
		return err
	}
	h, err := newNICHarness(m, faults)
	if err != nil {
		return err
	}
	s := m.Init()[0]
	if d := h.compare(s); d != "" {
		return fmt.Errorf("initial states differ: %s", d)
	}
	for i, st := range f.Steps[1:] {
		mv, err := findMove(m.Actions(), nicMoves(m, s, -1), func(x nicMove) checker.Action { return x.a }, st)
		if err != nil {
			return fmt.Errorf("step %d (line %d): %w", i+1, st.Line, err)
		}
		if out := h.step(st.Action, mv.a); strings.HasPrefix(out, "diverged") {
			return fmt.Errorf("step %d (line %d, %s): the implementation %s", i+1, st.Line, st.Action, out)
		}
		s = mv.s
		if d := h.compare(s); d != "" {
			return fmt.Errorf("step %d (line %d, %s): %s", i+1, st.Line, st.Action, d)
		}
	}
	return nil
}
