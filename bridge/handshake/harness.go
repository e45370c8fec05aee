package handshake

import (
	"fmt"
	"strings"

	implhs "github.com/daggercheck/daggercheck/impl/handshake"
	modelhs "github.com/daggercheck/daggercheck/model/handshake"
)

// unknownStart names a core's seq start no HELLO of the replay carried.
const unknownStart = 255

// kinds maps the cores' control kinds to the model's packet kinds.
var kinds = map[implhs.Kind]uint8{
	implhs.KindHello: modelhs.Hello, implhs.KindWelcome: modelhs.Welcome, implhs.KindReset: modelhs.Reset,
	implhs.KindClose: modelhs.Close, implhs.KindClosed: modelhs.Closed,
}

// clientStep runs ev on the client core and its effects on the client's
// side: packets onto the network, the transport's calls. data is the
// data frame ev brings, if any.
func (h *harness) clientStep(ev implhs.Event, data ...packet) string {
	fx := h.client.Step(ev)
	for _, e := range fx {
		switch e.Kind {
		case implhs.FxSend:
			if why := h.sendControl(e.Msg); why != "" {
				return "diverged: " + why
			}
		case implhs.FxOpened:
			h.dataNext = h.startOf(e.Conn.ClientInc, e.Conn.ClientSeq) + 1
		case implhs.FxFailCalls:
			h.failFlight()
		case implhs.FxDiscardCalls:
			h.flight = nil // forgotten: neither ok nor failed
		case implhs.FxDeliver:
			h.delivered = true
			h.complete(data[0])
		case implhs.FxFailed:
			return fmt.Sprintf("diverged: the client core failed the dial: %v", e.Err)
		}
	}
	return "client: " + effects(fx)
}

// serverStep runs ev on the server core and its effects on the server's
// side.
func (h *harness) serverStep(ev implhs.Event, data ...packet) string {
	fx := h.server.Step(ev)
	for _, e := range fx {
		switch e.Kind {
		case implhs.FxSend:
			if why := h.sendControl(e.Msg); why != "" {
				return "diverged: " + why
			}
		case implhs.FxOpened:
			if _, ok := h.srv[e.Conn.ID]; !ok || e.Conn.Fresh {
				start := h.startOf(e.Conn.ClientInc, e.Conn.ClientSeq)
				h.srv[e.Conn.ID] = &serverConn{start: start, recvNext: start + 1}
			}
		case implhs.FxClosed:
			delete(h.srv, e.Conn.ID)
		case implhs.FxDeliver:
			h.delivered = true
			if why := h.run(e.Conn, data[0]); why != "" {
				return "diverged: " + why
			}
		}
	}
	return "server: " + effects(fx)
}

// expire: the server's driver expires the one connection the model's
// server has open, by its c_id.
func (h *harness) expire() string {
	conns := h.server.Conns()
	if len(conns) != 1 {
		return fmt.Sprintf("diverged: the model's server expires its connection, the server core has %d", len(conns))
	}
	return h.serverStep(implhs.Event{Kind: implhs.EvExpire, Conn: conns[0].ID})
}

// effects describes a step's effects in a line.
func effects(fx []implhs.Effect) string {
	if len(fx) == 0 {
		return "nothing"
	}
	var out []string
	for _, e := range fx {
		out = append(out, e.String())
	}
	return strings.Join(out, "; ")
}

// sendControl puts a core's control packet on the network. A HELLO's
// seq start is named by the model's start for the handshake: the naming
// must stay one-to-one within an incarnation.
func (h *harness) sendControl(m implhs.Msg) string {
	k, ok := kinds[m.Kind]
	if !ok {
		return "a core sent " + m.String() + ", which the model has no packet for"
	}
	if m.Kind == implhs.KindHello {
		want := h.post.C.Start
		key := [2]uint64{m.Inc, m.Seq}
		if got, ok := h.starts[key]; ok && got != want {
			return fmt.Sprintf("the HELLO's seq start %d was the model's start %d, now %d", m.Seq, got, want)
		}
		for other, start := range h.starts {
			if other[0] == m.Inc && other[1] != m.Seq && start == want {
				return fmt.Sprintf("two seq starts, %d and %d, for the model's start %d", other[1], m.Seq, want)
			}
		}
		h.starts[key] = want
		h.lastHello = m.Seq
	}
	h.net = append(h.net, packet{kind: k, msg: m})
	return ""
}

// startOf names a core's seq start by the model's start.
func (h *harness) startOf(inc, seq uint64) uint8 {
	if s, ok := h.starts[[2]uint64{inc, seq}]; ok {
		return s
	}
	return unknownStart
}

// call: the application makes its next call on the client core's open
// connection.
func (h *harness) call() string {
	if h.client.State() != implhs.ClientOpen {
		return "diverged: a call on a connection in state " + h.client.State().String()
	}
	k := h.issued
	h.flight = append(h.flight, inFlight{seq: h.dataNext, call: k + 1})
	h.by[k] = uint8(h.client.Conn().ClientInc)
	h.issued++
	h.sendCall(h.dataNext, k+1)
	h.dataNext++
	return fmt.Sprintf("transport: CALL seq=%d call%d", h.dataNext-1, k)
}

// resend: the client transport's timer resends call seq.
func (h *harness) resend(seq uint8) string {
	for _, f := range h.flight {
		if f.seq == seq {
			h.sendCall(seq, f.call)
			return fmt.Sprintf("transport: CALL seq=%d call%d again", seq, f.call-1)
		}
	}
	return fmt.Sprintf("diverged: no call with seq %d in flight", seq)
}

func (h *harness) sendCall(seq, call uint8) {
	c := h.client.Conn()
	h.net = append(h.net, packet{kind: modelhs.Call, conn: c.ID, inc: c.ClientInc, peerInc: c.ServerInc, seq: seq, call: call})
}

// failFlight fails every call in flight visibly.
func (h *harness) failFlight() {
	for _, f := range h.flight {
		h.status[f.call-1] = modelhs.Failed
	}
	h.flight = nil
}

// complete: a RESULT the client core delivered completes the call in
// flight with its seq, if any.
func (h *harness) complete(q packet) {
	for i, f := range h.flight {
		if f.seq != q.seq {
			continue
		}
		if f.call != q.call {
			h.breaks("right-incarnation") // another call's result
		}
		if h.ex[f.call-1] == 0 {
			h.breaks("no-silent-loss") // completed ok, never ran
		}
		h.status[f.call-1] = modelhs.OK
		h.flight = append(h.flight[:i], h.flight[i+1:]...)
		return
	}
}

// run: a CALL the server core delivered to connection c's transport runs
// if it is the next expected, is answered from the kept result if it
// ran, and is dropped otherwise.
func (h *harness) run(c implhs.Conn, q packet) string {
	sc := h.srv[c.ID]
	if sc == nil {
		return fmt.Sprintf("the server core delivered a frame to connection %d, which it never opened", c.ID)
	}
	answer := func(call uint8) {
		h.net = append(h.net, packet{kind: modelhs.Result, conn: c.ID, inc: h.server.Inc(), peerInc: q.inc, seq: q.seq, call: call})
	}
	i := int(q.seq) - int(sc.start) - 1
	switch {
	case q.seq == sc.recvNext && i >= 0 && i < modelhs.MaxCalls:
		k := q.call - 1
		if h.by[k] != uint8(c.ClientInc) {
			h.breaks("right-incarnation") // a call of another incarnation
		}
		if h.ex[k]++; h.ex[k] > 1 {
			h.breaks("at-most-once")
		}
		sc.kept[i] = q.call
		sc.recvNext++
		answer(q.call)
	case i >= 0 && q.seq < sc.recvNext && sc.kept[i] != 0:
		answer(sc.kept[i])
	}
	return ""
}

// abstract names a packet as the model does.
func (h *harness) abstract(q packet) modelhs.Packet {
	m := q.msg
	switch q.kind {
	case modelhs.Hello:
		return modelhs.Packet{Kind: q.kind, C: uint8(m.Inc), S: uint8(m.PeerInc), Seq: h.startOf(m.Inc, m.Seq)}
	case modelhs.Welcome:
		return modelhs.Packet{Kind: q.kind, C: uint8(m.PeerInc), S: uint8(m.Inc), Seq: h.startOf(m.PeerInc, m.Echo)}
	case modelhs.Close:
		return modelhs.Packet{Kind: q.kind, C: uint8(m.Inc), S: uint8(m.PeerInc)}
	case modelhs.Reset, modelhs.Closed:
		return modelhs.Packet{Kind: q.kind, C: uint8(m.PeerInc), S: uint8(m.Inc)}
	case modelhs.Call:
		return modelhs.Packet{Kind: q.kind, C: uint8(q.inc), S: uint8(q.peerInc), Seq: q.seq, Call: q.call}
	}
	return modelhs.Packet{Kind: q.kind, C: uint8(q.peerInc), S: uint8(q.inc), Seq: q.seq, Call: q.call}
}
