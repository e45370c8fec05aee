package handshake

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

var kindNames = [...]string{"", "HELLO", "WELCOME", "CALL", "RESULT", "RESET", "CLOSE", "CLOSED"}

// KindName names a packet kind as docs/handshake.md does.
func KindName(k uint8) string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// String describes a packet: "c->s CALL c=1 s=1 seq=1 call0".
func (p Packet) String() string {
	route := "s->c"
	if ToServer(p.Kind) {
		route = "c->s"
	}
	out := fmt.Sprintf("%s %s c=%d s=%d", route, KindName(p.Kind), p.C, p.S)
	switch p.Kind {
	case Hello, Welcome:
		out += fmt.Sprintf(" start=%d", p.Seq)
	case Call, Result:
		out += fmt.Sprintf(" seq=%d", p.Seq)
	}
	if p.Call != 0 {
		out += fmt.Sprintf(" call%d", p.Call-1)
	}
	return out
}

var phaseNames = [...]string{"idle", "connecting", "established", "closing", "closed"}

// PhaseName names a client phase.
func PhaseName(p uint8) string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("phase(%d)", p)
}

var entryNames = [...]string{"none", "open", "closed", "expired"}

// Fields names the state's parts for traces.
func (m *Model) Fields(s State) []checker.Field {
	var out []checker.Field
	add := func(name, format string, args ...any) {
		out = append(out, checker.Field{Name: name, Value: fmt.Sprintf(format, args...)})
	}
	c, e := &s.C, &s.S.Entry
	add("c.inc", "%d", c.Inc)
	add("c.phase", "%s", PhaseName(c.Phase))
	add("c.conn", "s=%d start=%d next-seq=%d", c.Peer, c.Start, c.NextSeq)
	var fl []string
	for _, f := range c.Flight {
		if f.Call != 0 {
			fl = append(fl, fmt.Sprintf("seq%d:call%d", f.Seq, f.Call-1))
		}
	}
	add("c.in-flight", "[%s]", strings.Join(fl, " "))
	add("s.inc", "%d", s.S.Inc)
	entry := entryNames[e.State]
	if e.State != NoEntry {
		var kept []string
		for i, k := range e.Kept[:m.Calls] {
			if k != 0 {
				kept = append(kept, fmt.Sprintf("seq%d:call%d", int(e.Start)+1+i, k-1))
			}
		}
		entry += fmt.Sprintf(" c=%d start=%d recv-next=%d kept=[%s]", e.C, e.Start, e.RecvNext, strings.Join(kept, " "))
	}
	add("s.entry", "%s", entry)
	var calls []string
	for k := 0; k < m.Calls; k++ {
		st := "-"
		if k < int(s.Issued) {
			st = fmt.Sprintf("%s(c=%d ran=%d)", [...]string{"pending", "ok", "failed"}[s.Status[k]], s.By[k], s.Exec[k])
		}
		calls = append(calls, st)
	}
	add("calls", "[%s]", strings.Join(calls, " "))
	var net []string
	for _, p := range s.Net[:s.N] {
		net = append(net, p.String())
	}
	add("net", "[%s]", strings.Join(net, ", "))
	left := fmt.Sprintf("lose=%d dup=%d reorder=%d c-restart=%d s-restart=%d close=%d",
		s.Losses, s.Dups, s.Reorders, s.ClientRestarts, s.ServerRestarts, s.Closes)
	if m.Expiries > 0 {
		// Only where expiries are allowed, so that the traces of
		// configurations without them read as before.
		left += fmt.Sprintf(" expire=%d", s.Expiries)
	}
	add("left", "%s", left)
	var bad []string
	for i, name := range []string{"right-incarnation", "at-most-once"} {
		if s.Bad&(1<<i) != 0 {
			bad = append(bad, name)
		}
	}
	add("broken", "%s", strings.Join(bad, ","))
	return out
}

// FormatAction names an action: a client's step by its name ("call",
// "call-timeout seq=1"), a network step by the packet it moves ("deliver
// c->s HELLO c=1 s=0 start=0").
func (m *Model) FormatAction(a checker.Action) string {
	k := m.kinds[a.Kind]
	switch len(k.Params) {
	case 0:
		return k.Name
	case 1:
		return fmt.Sprintf("%s %s=%d", k.Name, k.Params[0], a.Args[0])
	}
	p := Packet{Kind: uint8(a.Args[0]), C: uint8(a.Args[1]), S: uint8(a.Args[2]), Seq: uint8(a.Args[3]), Call: uint8(a.Args[4])}
	return k.Name + " " + p.String()
}
