package coherence

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/bridge"
	modelcoherence "github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/tlaplus"
)

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
)

// DecodeTLA reads a state of tla/Coherence.tla (its variables: cache,
// dir, net, writes, last, writer, seen, bad) as model m's state.
func DecodeTLA(m *modelcoherence.Model) bridge.Decode[modelcoherence.State] {
	return func(d *tlaplus.Decoder, vars map[string]tlaplus.TLAValue) modelcoherence.State {
		var s modelcoherence.State
		cache, dir := d.Root(vars, "cache"), d.Root(vars, "dir")
		last, writer := d.Root(vars, "last"), d.Root(vars, "writer")
		for l := 0; l < m.Lines; l++ {
			for c := 0; c < 2; c++ {
				cl := d.At(d.At(cache, c), l)
				s.Cache[c][l] = modelcoherence.CacheLine{
					St:  modelcoherence.LineState(d.Str(d.At(cl, "st"), tlaLineStates)),
					Val: d.U8(d.At(cl, "val"), 0, modelcoherence.MaxValues),
				}
			}
			dl := d.At(dir, l)
			s.Dir[l] = modelcoherence.DirLine{
				St:      modelcoherence.DirState(d.Str(d.At(dl, "st"), tlaDirStates)),
				Holders: d.Bits(d.At(dl, "holders"), 1),
				Mem:     d.U8(d.At(dl, "mem"), 0, modelcoherence.MaxValues),
				Busy:    modelcoherence.Busy(d.Str(d.At(dl, "busy"), tlaBusy)),
				Req:     d.U8(d.At(dl, "req"), 0, 1),
			}
			s.Last[l] = d.U8(d.At(last, l), 0, modelcoherence.MaxValues)
			s.Writer[l] = d.U8(d.At(writer, l), 0, 2)
		}
		writes := d.Root(vars, "writes")
		for c := 0; c < 2; c++ {
			s.Writes[c] = d.U8(d.At(writes, c), 0, modelcoherence.MaxWrites)
		}
		s.Seen = d.Bits(d.Root(vars, "seen"), 1)
		s.Bad = d.Flags(d.Root(vars, "bad"), tlaCoherenceBad)

		msg := func(n tlaplus.Node) modelcoherence.Msg {
			return modelcoherence.Msg{
				From: d.U8(d.At(n, "from"), 0, 2), To: d.U8(d.At(n, "to"), 0, 2),
				Type: modelcoherence.MsgType(d.Str(d.At(n, "type"), tlaMsgTypes)),
				Line: d.U8(d.At(n, "line"), 0, m.Lines-1), Val: d.U8(d.At(n, "val"), 0, modelcoherence.MaxValues),
			}
		}
		var msgs []modelcoherence.Msg
		net := d.Root(vars, "net")
		add := func(n tlaplus.Node, x modelcoherence.Msg) {
			if len(msgs) == modelcoherence.MaxMsgs {
				d.Fail(n, "more than %d messages in flight", modelcoherence.MaxMsgs)
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
				count := d.Int(tlaplus.Node{Value: net.Value.Vals[i], Path: n.Path, OK: true}, 1, modelcoherence.MaxMsgs)
				for j := 0; j < count && d.Err() == nil; j++ {
					add(n, x)
				}
			}
			slices.SortFunc(msgs, func(a, b modelcoherence.Msg) int {
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
func cmpMsg(a, b modelcoherence.Msg) int {
	for _, p := range [][2]uint8{{a.From, b.From}, {a.To, b.To}, {uint8(a.Type), uint8(b.Type)}, {a.Line, b.Line}, {a.Val, b.Val}} {
		if p[0] != p[1] {
			return int(p[0]) - int(p[1])
		}
	}
	return 0
}
