package ring

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// String describes a line as memory holds it: "empty", or its valid bit,
// flag and the RPCs whose header and arguments it holds ("rpc2" is the
// third RPC of the flow; "-" is nothing written yet).
func (l Line) String() string {
	if l == (Line{}) {
		return "empty"
	}
	return fmt.Sprintf("valid=%d flag=%d hdr=%s args=%s", l.Valid, l.Flag, rpcName(l.Hdr), rpcName(l.Args))
}

func rpcName(r uint8) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("rpc%d", r-1)
}

func set(mask uint8, n int) string {
	var out []string
	for i := 0; i < n; i++ {
		if mask&(1<<i) != 0 {
			out = append(out, fmt.Sprintf("rpc%d", i))
		}
	}
	return "{" + strings.Join(out, ",") + "}"
}

// Fields names the state's parts for traces: each slot of each ring, each
// agent's registers, what has been consumed and which properties broke.
func (m *Model) Fields(s State) []checker.Field {
	var out []checker.Field
	add := func(name, format string, args ...any) {
		out = append(out, checker.Field{Name: name, Value: fmt.Sprintf(format, args...)})
	}
	stores := m.stores()
	for f := 0; f < m.Flows; f++ {
		fl := &s.F[f]
		p := fmt.Sprintf("f%d.", f)
		for i := 0; i < m.Slots; i++ {
			add(fmt.Sprintf("%sslot%d", p, i), "%s", fl.Ring[i])
		}
		if m.RX {
			add(p+"nic.sent", "%d", fl.Sent)
			add(p+"host.next", "%d", fl.Next)
			load := [...]string{"header", "args", "recheck"}[fl.Load]
			add(p+"host.load", "%s", load)
			if fl.Load != loadIdle {
				add(p+"host.got", "%s", fl.Got)
			} else {
				add(p+"host.got", "-")
			}
			if m.Dagger {
				var ids []string
				for i := 0; i < m.Slots; i++ {
					if fl.Seen[i] == 0 {
						ids = append(ids, "-")
					} else {
						ids = append(ids, fmt.Sprint(fl.Seen[i]-1))
					}
				}
				add(p+"host.last-rpc-id", "[%s]", strings.Join(ids, " "))
			} else {
				add(p+"host.credit", "%d", fl.Credit)
			}
		} else {
			next := "-"
			if fl.Store != 0 {
				next = actNames[stores[fl.Store]]
				if m.Interface == "mmio" {
					next = "mmio-write-hi"
				}
			}
			add(p+"cpu.sent", "%d", fl.Sent)
			add(p+"cpu.next-store", "%s", next)
			if m.Dagger && m.Interface == "coherent" {
				bits := make([]string, m.Slots)
				for i := range bits {
					bits[i] = fmt.Sprint(fl.Seen[i])
				}
				add(p+"nic.seen", "[%s]", strings.Join(bits, " "))
			} else {
				add(p+"nic.next", "%d", fl.Next)
				if !m.Dagger {
					add(p+"nic.credit", "%d", fl.Credit)
				}
			}
			switch m.Interface {
			case "doorbell":
				add(p+"nic.rung", "%d", fl.Rung)
			case "mmio":
				add(p+"nic.arrived", "%d", fl.Arrived)
			}
		}
		add(p+"consumed", "%s", set(fl.Taken, m.RPCs))
	}
	if !m.RX && m.Interface == "coherent" {
		add("nic.poll", "f%d slots %d..%d, %d of %d read", s.PollFlow, s.PollSlot, int(s.PollSlot)+m.Batch-1, s.PollRead, m.Batch)
		var buf []string
		for j := 0; j < int(s.PollRead); j++ {
			buf = append(buf, s.Buf[j].String())
		}
		add("nic.read", "[%s]", strings.Join(buf, "; "))
		if m.Dagger || m.Bug == spec.BugLateSeen {
			pend := "-"
			if s.PendMask != 0 {
				pend = fmt.Sprintf("f%d mask=%b vals=%b", s.PendFlow, s.PendMask, s.PendVal)
				if !m.Dagger {
					pend = fmt.Sprintf("f%d next+=%d", s.PendFlow, s.PendMask)
				}
			}
			add("nic.pending-seen", "%s", pend)
		}
	}
	var bad []string
	for i, name := range []string{"no-duplicate", "no-torn-read", "no-overwrite", "no-loss", "fifo-order"} {
		if s.Bad&(1<<i) != 0 {
			bad = append(bad, name)
		}
	}
	add("broken", "%s", strings.Join(bad, ","))
	return out
}
