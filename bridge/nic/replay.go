package nic

import (
	"errors"
	"fmt"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	implnic "github.com/daggercheck/daggercheck/impl/nic"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	modelnic "github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// Replay replays a trace of the NIC model on impl/nic in step mode, one
// implementation step per model action, with a step for every action
// kind:
//
//	arrive rpc conn response key   Arrive(an RPC on conn, a response or a
//	                               request whose first argument is key)
//	balance slot flow              Balance (under lb=random, the balancer's
//	                               Choose returns the model's flow)
//	send flow n, skip flow         Schedule, whose Burst must be the
//	                               model's; the host then drains the RX
//	                               ring (the model abstracts the ring to
//	                               delivery)
//	open conn status, close ...    Open, Close: the status must be the
//	                               model's
//
// After every step impl/nic's Abstract must equal the model's state field
// for field (the model's ghosts, which judge the properties, aside). A
// trace followed to its end reproduces its violation: each step's visible
// outcome (the placement, the burst, the status) and the whole state
// matched the model's, so the implementation did what broke the property.
func Replay(f *trace.File, bug string) (*bridge.ReplayResult, error) {
	p, err := bridge.Prepare(f, bug, bridge.Model[*modelnic.Model]{Params: modelnic.Params, New: modelnic.New})
	if err != nil {
		return nil, err
	}
	m := p.Model
	var faults implnic.Faults
	dagger := m.Dagger
	switch p.Bug {
	case "none":
		dagger = false
	case "":
	default:
		if faults, err = implnic.BugFaults(p.Bug); err != nil {
			return nil, fmt.Errorf("--bug %s: %w", p.Bug, err)
		}
		dagger = false
	}
	h, err := newHarness(m, faults, dagger)
	if err != nil {
		return nil, err
	}
	res := p.Result(faults.String())
	if dagger {
		res.Faults = "dagger"
	}
	step := func(_ modelnic.State, a checker.Action) string { return h.step(m.Actions()[a.Kind].Name, a) }
	followed, err := bridge.ReplaySteps(res, f, m, step, h.compare)
	if err != nil {
		return nil, err
	}
	if !followed {
		return res, nil
	}
	res.Outcome = bridge.Conformant
	if p.Property != "" {
		res.Outcome = bridge.Reproduced
		res.Broken = []string{p.Property}
	}
	return res, nil
}

// moves lists the steps m enables in s (kind >= 0: of that kind only).
func moves(m *modelnic.Model, s modelnic.State, kind int) []bridge.Move[modelnic.State] {
	return bridge.Moves(m, s, func(a checker.Action, _ modelnic.State) bool { return kind < 0 || a.Kind == kind })
}

// harness is impl/nic in step mode for one model configuration.
type harness struct {
	m      *modelnic.Model
	n      *implnic.NIC
	choice int // the flow Choose returns: the model's, under lb=random
}

func newHarness(m *modelnic.Model, faults implnic.Faults, dagger bool) (*harness, error) {
	h := &harness{m: m}
	lb, err := implnic.ParseLB(m.LB)
	if err != nil {
		return nil, err
	}
	cfg := implnic.Config{Conns: m.Conns, OpenAll: true, Buffer: m.Buffer, FIFODepth: m.FIFODepth, Batch: m.Batch,
		LB: lb, Faults: faults, Choose: func(int) int { return h.choice }}
	if dagger {
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
func (h *harness) step(name string, a checker.Action) string {
	switch name {
	case "arrive":
		var args []byte
		if h.m.LB == "key-hash" {
			args = []byte{byte(a.Args[3])} // the key travels in the first argument byte
		}
		r, err := slot.NewRPC(uint8(a.Args[1]), uint32(a.Args[0]), 1, args)
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
			return fmt.Sprintf("diverged: status %s, the model's %s", st, spec.ConnStatus(a.Args[1]))
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
func (h *harness) compare(s modelnic.State) string {
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
