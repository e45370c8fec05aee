package coherence

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// String is the copy's state with its value where it keeps one: "I",
// "M(2)", "MI_A(1)".
func (cl CacheLine) String() string {
	if cl.St.hasData() {
		return fmt.Sprintf("%s(%d)", cl.St, cl.Val)
	}
	return cl.St.String()
}

func holders(mask uint8) string {
	var names []string
	for c := 0; c < 2; c++ {
		if mask&bit(c) != 0 {
			names = append(names, agentNames[c])
		}
	}
	return strings.Join(names, ",")
}

var busyNames = [...]string{"", "FwdGetS", "FwdGetM", "Inv", "Inv"}

// String is the directory entry: "I", "S{cpu,nic}", "EM(cpu)", and while
// busy what it serves and awaits: "EM(cpu) busy: GetS from nic, awaits
// SnoopResp".
func (d DirLine) String() string {
	var out string
	switch d.St {
	case DirI:
		out = "I"
	case DirS:
		out = "S{" + holders(d.Holders) + "}"
	default:
		out = "EM(" + holders(d.Holders) + ")"
	}
	if d.Busy != Idle {
		req := map[Busy]string{WaitFwdS: "GetS", WaitFwdM: "GetM", WaitInvGetM: "GetM", WaitInvUpg: "Upg"}[d.Busy]
		ans := "SnoopResp"
		if d.Busy == WaitInvGetM || d.Busy == WaitInvUpg {
			ans = "InvAck"
		}
		out += fmt.Sprintf(" busy: %s from %s, awaits %s", req, agentNames[d.Req], ans)
	}
	return out
}

// Fields names the state's parts for traces: per line each cache's copy,
// the directory entry, memory and the last value written; then the
// stores left, the network and the ghosts.
func (m *Model) Fields(s State) []checker.Field {
	var out []checker.Field
	add := func(name, value string) { out = append(out, checker.Field{Name: name, Value: value}) }
	for l := 0; l < m.Lines; l++ {
		add(fmt.Sprintf("cpu.line[%d]", l), s.Cache[CPU][l].String())
		add(fmt.Sprintf("nic.line[%d]", l), s.Cache[NIC][l].String())
		add(fmt.Sprintf("dir.line[%d]", l), s.Dir[l].String())
		add(fmt.Sprintf("mem[%d]", l), fmt.Sprint(s.Dir[l].Mem))
		last := fmt.Sprint(s.Last[l])
		if s.Writer[l] != 0 {
			last += " by " + agentNames[s.Writer[l]-1]
		}
		add(fmt.Sprintf("last[%d]", l), last)
	}
	add("cpu.writes", fmt.Sprint(s.Writes[CPU]))
	add("nic.writes", fmt.Sprint(s.Writes[NIC]))
	msgs := make([]string, s.N)
	for i, x := range s.Net[:s.N] {
		msgs[i] = x.String()
	}
	add("net", "["+strings.Join(msgs, ", ")+"]")
	var seen []string
	for c := 0; c < 2; c++ {
		if s.Seen&(1<<c) != 0 {
			seen = append(seen, fmt.Sprintf("%s read %s's write", agentNames[c], agentNames[other(c)]))
		}
	}
	add("seen", "{"+strings.Join(seen, ", ")+"}")
	var bad []string
	if s.Bad&badStale != 0 {
		bad = append(bad, "stale read")
	}
	if s.Bad&badUnexpected != 0 {
		bad = append(bad, "unexpected message")
	}
	add("bad", "{"+strings.Join(bad, ", ")+"}")
	return out
}

// FormatAction describes an action with agent and message names:
// "cpu store-miss line0", "home receives GetM cpu->home line0",
// "cpu receives DataM(0) home->cpu line0 and stores 2".
func (m *Model) FormatAction(a checker.Action) string {
	c, l := a.Args[0], a.Args[1]
	switch a.Kind {
	case actLoad:
		return fmt.Sprintf("%s load line%d", agentNames[c], l)
	case actStore:
		return fmt.Sprintf("%s store %d line%d", agentNames[c], a.Args[2], l)
	case actLoadMiss:
		return fmt.Sprintf("%s load-miss line%d", agentNames[c], l)
	case actStoreMiss:
		return fmt.Sprintf("%s store-miss line%d", agentNames[c], l)
	case actEvict:
		return fmt.Sprintf("%s evict line%d", agentNames[c], l)
	case actHomeRecv:
		x := Msg{From: uint8(c), To: Home, Type: MsgType(a.Args[1]), Line: uint8(a.Args[2]), Val: uint8(a.Args[3])}
		return "home receives " + x.String()
	case actCacheRecv:
		typ := MsgType(a.Args[1])
		x := Msg{From: Home, To: uint8(c), Type: typ, Line: uint8(a.Args[2])}
		if typ == DataM || typ == UpgAck {
			return fmt.Sprintf("%s receives %s and stores %d", agentNames[c], x.Type.String()+
				fmt.Sprintf(" home->%s line%d", agentNames[c], x.Line), a.Args[3])
		}
		x.Val = uint8(a.Args[3])
		return fmt.Sprintf("%s receives %s", agentNames[c], x)
	}
	return fmt.Sprintf("action(%d)", a.Kind)
}
