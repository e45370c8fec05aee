package nic

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// String describes an RPC as the buffer holds it: "request conn0",
// "response conn1", "request conn0 key1" (keys are shown when not 0).
func (r RPC) String() string {
	kind := "request"
	if r.Response == 1 {
		kind = "response"
	}
	out := fmt.Sprintf("%s conn%d", kind, r.Conn)
	if r.Key != 0 {
		out += fmt.Sprintf(" key%d", r.Key)
	}
	return out
}

func slots(idx []uint8) string {
	out := make([]string, len(idx))
	for i, x := range idx {
		out[i] = fmt.Sprintf("buf%d", x)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// Fields names the state's parts for traces: the network's progress,
// each buffer slot, the balancer's queue and registers, each flow FIFO,
// the scheduler, the connection table, the counters and the ghosts.
func (m *Model) Fields(s State) []checker.Field {
	var out []checker.Field
	add := func(name, format string, args ...any) {
		out = append(out, checker.Field{Name: name, Value: fmt.Sprintf(format, args...)})
	}
	add("arrived", "%d of %d", s.Arrived, m.RPCs)
	referenced := uint8(0)
	for _, i := range s.Pending[:s.NPending] {
		referenced |= 1 << i
	}
	for f := 0; f < m.Flows; f++ {
		for _, i := range s.FIFO[f][:s.Len[f]] {
			referenced |= 1 << i
		}
	}
	for i := 0; i < m.Buffer; i++ {
		switch {
		case s.Free&(1<<i) != 0:
			add(fmt.Sprintf("buf%d", i), "free")
		case referenced&(1<<i) == 0:
			add(fmt.Sprintf("buf%d", i), "leaked")
		default:
			add(fmt.Sprintf("buf%d", i), "%s", s.Slot[i])
		}
	}
	add("lb.pending", "%s", slots(s.Pending[:s.NPending]))
	if m.LB == "round-robin" {
		add("lb.rr", "%d", s.RR)
	}
	for f := 0; f < m.Flows; f++ {
		add(fmt.Sprintf("fifo%d", f), "%s", slots(s.FIFO[f][:s.Len[f]]))
	}
	add("tx.next", "flow%d", s.Ptr)
	if m.flushes() && m.Batch > 1 {
		var passed []string
		for f := 0; f < m.Flows; f++ {
			if s.Aged&(1<<f) != 0 {
				passed = append(passed, fmt.Sprintf("flow%d", f))
			}
		}
		add("tx.passed-partial", "{%s}", strings.Join(passed, ","))
	}
	var open []string
	for c := 0; c < m.Conns; c++ {
		if s.Open&(1<<c) != 0 {
			open = append(open, fmt.Sprint(c))
		}
	}
	add("conns.open", "{%s}", strings.Join(open, ","))
	add("delivered", "%d", s.Delivered)
	add("dropped", "%d", m.Dropped(s))
	if m.LB == "round-robin" {
		add("ghost.rr-turn", "flow%d", s.Requests)
	}
	if m.LB == "key-hash" {
		keys := make([]string, Keys)
		for k := range keys {
			keys[k] = fmt.Sprintf("key%d:-", k)
			if s.KeyFlow[k] != 0 {
				keys[k] = fmt.Sprintf("key%d:flow%d", k, s.KeyFlow[k]-1)
			}
		}
		add("ghost.key-flow", "[%s]", strings.Join(keys, " "))
	}
	var bad []string
	for i, name := range badNames {
		if s.Bad&(1<<i) != 0 {
			bad = append(bad, name)
		}
	}
	add("broken", "%s", strings.Join(bad, ","))
	return out
}

// FormatAction describes an action in the pipeline's terms:
// "arrive rpc0: request conn1", "balance buf0 -> flow1",
// "send flow0: 2 entries", "skip flow1", "close conn2: IdWrong".
func (m *Model) FormatAction(a checker.Action) string {
	x := a.Args
	switch a.Kind {
	case actArrive:
		r := RPC{Conn: uint8(x[1]), Response: uint8(x[2]), Key: uint8(x[3])}
		return fmt.Sprintf("arrive rpc%d: %s", x[0], r)
	case actBalance:
		return fmt.Sprintf("balance buf%d -> flow%d", x[0], x[1])
	case actSend:
		if x[1] == 1 {
			return fmt.Sprintf("send flow%d: 1 entry", x[0])
		}
		return fmt.Sprintf("send flow%d: %d entries", x[0], x[1])
	case actSkip:
		return fmt.Sprintf("skip flow%d", x[0])
	case actOpen, actClose:
		op := OpOpen
		if a.Kind == actClose {
			op = OpClose
		}
		return fmt.Sprintf("%s conn%d: %s", op, x[0], spec.ConnStatus(x[1]))
	}
	return fmt.Sprintf("action(%d)", a.Kind)
}
