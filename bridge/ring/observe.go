package ring

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/runlog"
	"github.com/daggercheck/daggercheck/spec"
)

// Validate explains a run log of the ring model (RingRunLog makes one
// from impl/ring's Recorder) by a behaviour of the model; see
// bridge.Follow.
func Validate(l *runlog.RunLog, opts bridge.ValidateOptions) (*bridge.ValidateResult, error) {
	return bridge.Validate(l, opts, bridge.Model[*modelring.Model]{Params: modelring.Params, New: modelring.New}, observer)
}

// The ring's run log, as impl/ring's Recorder sees a free-running run
// (RingRunLog writes it):
//
//	event send flow=F rpc=K            the producer made flow F's RPC K visible
//	event take flow=F hdr=K,… args=K,… the consumer took lines, in order: the
//	                                   RPC each header and each argument block
//	                                   belongs to ("-": none), equal unless torn
//	event credit flow=F credit=C       the consumer published credit C
//
// RPCs are numbered per flow from 0, as in the model, and carried in the
// implementation's lines as replay's harness writes them (gen, tagger).

// observer maps the ring model's steps to those events. A producer's
// last store (the one that makes the RPC visible; the RX NIC's single
// write; the MMIO store, or its second half) logs a send; a consumer step
// that consumes lines logs a take (TX: process, dma-read, mmio-take; RX:
// recheck, or Dagger's load-args); return-credit logs a credit. Every
// other step — earlier stores, doorbells, polls, loads, a process or a
// recheck that took nothing — is internal.
func observer(m *modelring.Model) bridge.Observer[modelring.State] {
	kinds := m.Actions()
	name := func(a checker.Action) string { return kinds[a.Kind].Name }
	// sent: the step finishes writing an RPC; the flow and its number.
	sent := func(a checker.Action, pre, post *modelring.State) (int, int, bool) {
		switch n := name(a); n {
		case "write-header", "write-args", "fence", "write-valid", "nic-write", "mmio-write", "mmio-write-lo", "mmio-write-hi":
			f := a.Args[0]
			if post.F[f].Store == 0 && (n == "nic-write" || n == "mmio-write" || pre.F[f].Store != 0) {
				return f, int(post.F[f].Sent) - 1, true
			}
		}
		return 0, 0, false
	}
	// taken: the lines a consumer step took (nil: none, or not a take).
	taken := func(a checker.Action, pre, post *modelring.State) (int, []modelring.Line) {
		f := a.Args[0]
		pf, tf := &pre.F[f], &post.F[f]
		switch name(a) {
		case "process":
			if pf.Taken == tf.Taken && pf.Last == tf.Last && pre.Bad == post.Bad {
				return f, nil
			}
			// The lines process took are among the batch it read; which
			// ones, the ghost history (taken set, last taken) tells.
			var lines []modelring.Line
			for j := 0; j < m.Batch; j++ {
				if l := pre.Buf[j]; l.Hdr != 0 && (tf.Taken&(1<<(l.Hdr-1)) != 0 && pf.Taken&(1<<(l.Hdr-1)) == 0 || l.Hdr == tf.Last && pf.Last != tf.Last) {
					lines = append(lines, l)
				}
			}
			return f, lines
		case "recheck":
			if tf.Next != pf.Next {
				return f, []modelring.Line{pf.Got}
			}
		case "dma-read": // the line the doorbell announced, as it is now
			return f, []modelring.Line{pf.Ring[int(pf.Next)%m.Slots]}
		case "mmio-take": // the window, as it is now
			return f, []modelring.Line{pf.Ring[0]}
		case "load-args":
			if tf.Next != pf.Next { // Dagger's host takes the line here
				l := pf.Got
				l.Args = pf.Ring[int(pf.Next)%m.Slots].Args
				return f, []modelring.Line{l}
			}
		}
		return 0, nil
	}
	return bridge.Observer[modelring.State]{
		Internal: func(a checker.Action, pre, post *modelring.State) bool {
			if _, _, ok := sent(a, pre, post); ok {
				return false
			}
			if _, lines := taken(a, pre, post); lines != nil {
				return false
			}
			return name(a) != "return-credit"
		},
		Explains: func(ev *runlog.Observation, a checker.Action, pre, post *modelring.State) (bool, error) {
			flow, err := ev.Int("flow")
			if err != nil {
				return false, err
			}
			switch ev.Name {
			case "send":
				k, err := ev.Int("rpc")
				if err != nil {
					return false, err
				}
				f, got, ok := sent(a, pre, post)
				return ok && f == flow && got == k, nil
			case "take":
				hdr, args, err := takeFields(ev)
				if err != nil {
					return false, err
				}
				f, lines := taken(a, pre, post)
				if f != flow || len(lines) != len(hdr) {
					return false, nil
				}
				for i, l := range lines {
					if int(l.Hdr) != hdr[i] || int(l.Args) != args[i] {
						return false, nil
					}
				}
				return true, nil
			case "credit":
				c, err := ev.Int("credit")
				if err != nil {
					return false, err
				}
				return name(a) == "return-credit" && a.Args[0] == flow && int(post.F[flow].Credit) == c, nil
			}
			return false, fmt.Errorf("unknown ring event %q (want send, take or credit)", ev.Name)
		},
		Describe: func(a checker.Action, pre, post *modelring.State) string {
			if f, k, ok := sent(a, pre, post); ok {
				return fmt.Sprintf("send flow=%d rpc=%d", f, k)
			}
			if f, lines := taken(a, pre, post); lines != nil {
				return takeEvent(f, lines).String()
			}
			f := a.Args[0]
			return fmt.Sprintf("credit flow=%d credit=%d", f, post.F[f].Credit)
		},
	}
}

// takeFields reads a take's hdr and args lists as the model numbers them
// (RPC number plus one; 0 for "-").
func takeFields(ev *runlog.Observation) (hdr, args []int, err error) {
	list := func(key string) ([]int, error) {
		v, ok := ev.Get(key)
		if !ok || v == "" {
			return nil, fmt.Errorf("take: no field %s", key)
		}
		var out []int
		for _, w := range strings.Split(v, ",") {
			if w == "-" {
				out = append(out, 0)
				continue
			}
			n, err := strconv.Atoi(w)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("take: field %s=%q: want RPC numbers or -, separated by commas", key, v)
			}
			out = append(out, n+1)
		}
		return out, nil
	}
	if hdr, err = list("hdr"); err != nil {
		return nil, nil, err
	}
	if args, err = list("args"); err != nil {
		return nil, nil, err
	}
	if len(hdr) != len(args) {
		return nil, nil, fmt.Errorf("take: %d headers but %d argument blocks", len(hdr), len(args))
	}
	return hdr, args, nil
}

// takeEvent is the take of lines (numbered as the model: RPC plus one).
func takeEvent(flow int, lines []modelring.Line) runlog.Observation {
	num := func(n uint8) string {
		if n == 0 {
			return "-"
		}
		return strconv.Itoa(int(n) - 1)
	}
	var hdr, args []string
	for _, l := range lines {
		hdr, args = append(hdr, num(l.Hdr)), append(args, num(l.Args))
	}
	return runlog.Observe("take", "flow", strconv.Itoa(flow), "hdr", strings.Join(hdr, ","), "args", strings.Join(args, ","))
}

// RingRunLog turns the events impl/ring's Recorder collected from a
// free-running run of the ring model's configuration params (whose RPCs
// were made by RingRPC) into a run log for Validate.
func RingRunLog(params []string, events []implring.Event) (*runlog.RunLog, error) {
	v, err := spec.ParseParams(modelring.Params, params)
	if err != nil {
		return nil, fmt.Errorf("ring run log: %w", err)
	}
	h, err := numbering(v)
	if err != nil {
		return nil, fmt.Errorf("ring run log: %w", err)
	}
	tag := h.tagger()
	l := &runlog.RunLog{Model: "ring", Params: params}
	for _, e := range events {
		flow := strconv.Itoa(e.Flow)
		switch e.Kind {
		case implring.EventSend:
			hd := tag.Header(e.Lines[0].Header())
			l.Events = append(l.Events, runlog.Observe("send", "flow", flow, "rpc", strconv.Itoa(int(hd)-1)))
		case implring.EventTake:
			var lines []modelring.Line
			for i := range e.Lines {
				lines = append(lines, modelring.Line{Hdr: uint8(tag.Header(e.Lines[i].Header())), Args: uint8(tag.Args(&e.Lines[i]))})
			}
			l.Events = append(l.Events, takeEvent(e.Flow, lines))
		case implring.EventCredit:
			l.Events = append(l.Events, runlog.Observe("credit", "flow", flow, "credit", strconv.FormatUint(e.Credit, 10)))
		}
	}
	return l, nil
}

// RingRPC is RPC k of a ring model configuration's flow, as the
// implementation carries it (the numbering replay and RingRunLog read).
func RingRPC(params []string, k int) (slot.RPC, error) {
	v, err := spec.ParseParams(modelring.Params, params)
	if err != nil {
		return slot.RPC{}, err
	}
	h, err := numbering(v)
	if err != nil {
		return slot.RPC{}, err
	}
	return h.gen(k), nil
}

// numbering is a harness that only numbers RPCs (gen, tagger) as replay
// does for the configuration v.
func numbering(v spec.Values) (*harness, error) {
	iface, err := implring.ParseInterface(v.String("interface"))
	if err != nil {
		return nil, err
	}
	return &harness{rx: v.String("dir") == "rx", iface: iface, ids: v.Int("ids")}, nil
}
