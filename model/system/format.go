package system

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

var kindNames = [...]string{"", "data", "ack", "req", "resp"}

// String describes a packet: "c1->s data seq=0 call0" or "s->c0 ack seq=1".
func (p Packet) String() string {
	route := fmt.Sprintf("c%d->s", p.Conn)
	if p.Dir == toClient {
		route = fmt.Sprintf("s->c%d", p.Conn)
	}
	out := route + " " + kindNames[p.Kind]
	if p.Kind == kindData || p.Kind == kindAck {
		out += fmt.Sprintf(" seq=%d", p.Seq)
	}
	if p.Call != 0 {
		out += fmt.Sprintf(" call%d", p.Call-1)
	}
	if p.Result != 0 {
		out += fmt.Sprintf(" result=%s", resultName(p.Result))
	}
	return out
}

// resultName names a result by the call it answers: "c1.call0".
func resultName(r uint8) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("c%d.call%d", (r-1)/MaxCalls, (r-1)%MaxCalls)
}

func callName(k uint8) string {
	if k == 0 {
		return "-"
	}
	return fmt.Sprintf("call%d", k-1)
}

func (e End) String() string {
	return fmt.Sprintf("send-seq=%d unacked=%s recv-next=%d", e.SendSeq, callName(e.Unacked), e.RecvNext)
}

// Fields names the state's parts for traces.
func (m *Model) Fields(s State) []checker.Field {
	var out []checker.Field
	add := func(name, format string, args ...any) {
		out = append(out, checker.Field{Name: name, Value: fmt.Sprintf(format, args...)})
	}
	for c := 0; c < m.Clients; c++ {
		cl, sv := &s.C[c], &s.S[c]
		p := fmt.Sprintf("c%d.", c)
		var calls []string
		for k := 0; k < m.Calls; k++ {
			st := [...]string{"pending", "ok", "timeout"}[cl.Status[k]]
			if cl.Status[k] == 1 {
				st += "(" + resultName(cl.Got[k]) + ")"
			}
			if k >= int(cl.Issued) {
				st = "-"
			}
			calls = append(calls, st)
		}
		add(p+"calls", "[%s]", strings.Join(calls, " "))
		add(p+"waiting", "%s", callName(cl.Waiting))
		add(p+"tx-ring", "%s", callName(cl.TxRing))
		rx := callName(cl.RxRing)
		if cl.RxRing != 0 {
			rx += " result=" + resultName(cl.RxRes)
		}
		add(p+"rx-ring", "%s", rx)
		if m.UDP {
			add(p+"retries", "%d", cl.Retries)
		} else {
			add(p+"nic", "%s", cl.End)
		}
		q := fmt.Sprintf("s.conn%d.", c)
		var exec []string
		for k := 0; k < m.Calls; k++ {
			exec = append(exec, fmt.Sprint(sv.Exec[k]))
		}
		add(q+"executed", "[%s]", strings.Join(exec, " "))
		if !m.UDP {
			add(q+"nic", "%s", sv.End)
		}
	}
	for i := 0; i < m.ServerFlows; i++ {
		fl := &s.F[i]
		ring := func(conn, call uint8) string {
			if call == 0 {
				return "-"
			}
			return fmt.Sprintf("c%d.%s", conn, callName(call))
		}
		add(fmt.Sprintf("s.flow%d.rx-ring", i), "%s", ring(fl.RxConn, fl.RxCall))
		add(fmt.Sprintf("s.flow%d.tx-ring", i), "%s", ring(fl.TxConn, fl.TxCall))
	}
	var net []string
	for _, p := range s.Net[:s.N] {
		net = append(net, p.String())
	}
	add("net", "[%s]", strings.Join(net, ", "))
	add("faults-left", "lose=%d dup=%d reorder=%d", s.Losses, s.Dups, s.Reorders)
	var bad []string
	for i, name := range []string{"response-matching", "at-most-once"} {
		if s.Bad&(1<<i) != 0 {
			bad = append(bad, name)
		}
	}
	add("broken", "%s", strings.Join(bad, ","))
	return out
}

// FormatAction names an action in the model's terms: a client's step as
// "call c0", a network step by the packet it moves, "deliver c0->s data
// seq=0 call0".
func (m *Model) FormatAction(a checker.Action) string {
	name := m.kinds[a.Kind].Name
	if len(m.kinds[a.Kind].Params) == 1 {
		if m.kinds[a.Kind].Params[0] == "flow" {
			return fmt.Sprintf("%s flow%d", name, a.Args[0])
		}
		return fmt.Sprintf("%s c%d", name, a.Args[0])
	}
	p := Packet{Dir: uint8(a.Args[0]), Conn: uint8(a.Args[1]), Kind: uint8(a.Args[2]), Seq: uint8(a.Args[3]), Call: uint8(a.Args[4])}
	return name + " " + p.String()
}
