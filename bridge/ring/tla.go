package ring

import (
	"github.com/daggercheck/daggercheck/bridge"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/tlaplus"
)

// tlaRingBad are the elements of tla/Ring.tla's bad, model/ring's
// State.Bad bits in order from bit 0.
var tlaRingBad = []string{"duplicate", "torn", "overwrite", "loss", "order"}

// DecodeTLA reads a state of tla/Ring.tla (its variables: ring, sent,
// store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend,
// bad, rung, arrived) as model m's state.
func DecodeTLA(m *modelring.Model) bridge.Decode[modelring.State] {
	return func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) modelring.State {
		var s modelring.State
		line := func(n tlaplus.Node) modelring.Line {
			return modelring.Line{Valid: d.U8(d.At(n, "valid"), 0, 1), Flag: d.U8(d.At(n, "flag"), 0, 1),
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
