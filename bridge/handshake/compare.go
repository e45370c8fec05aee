package handshake

import (
	"fmt"
	"slices"

	implhs "github.com/daggercheck/daggercheck/impl/handshake"
	modelhs "github.com/daggercheck/daggercheck/model/handshake"
)

// phases maps the client core's states to the model's phases.
var phases = map[implhs.ClientState]uint8{
	implhs.ClientIdle: modelhs.Idle, implhs.ClientHello: modelhs.Connecting, implhs.ClientOpen: modelhs.Established,
	implhs.ClientClosing: modelhs.Closing, implhs.ClientClosed: modelhs.ClosedPhase,
}

// compare is the implementation's abstract state against the model's s:
// "" when they agree, else the first part that differs.
func (h *harness) compare(s modelhs.State) string {
	h.checkLoss()
	for _, part := range []struct {
		name        string
		model, impl string
	}{
		{"client incarnation", fmt.Sprint(s.C.Inc), fmt.Sprint(h.client.Inc())},
		{"client phase", modelhs.PhaseName(s.C.Phase), h.phase()},
		{"client connection", h.modelConn(s), h.implConn()},
		{"calls in flight", fmt.Sprint(modelFlight(s)), fmt.Sprint(h.flight)},
		{"server incarnation", fmt.Sprint(s.S.Inc), fmt.Sprint(h.server.Inc())},
		{"server connection", modelEntry(s), h.implEntry()},
		{"packets in flight", fmt.Sprint(modelNet(s)), fmt.Sprint(h.implNet())},
		{"calls", modelCalls(s), h.implCalls()},
	} {
		if part.model != part.impl {
			return fmt.Sprintf("%s: model %s, impl %s", part.name, part.model, part.impl)
		}
	}
	return ""
}

// checkLoss records no-silent-loss broken when a call is neither in
// flight nor completed.
func (h *harness) checkLoss() {
	for k := range int(h.issued) {
		lost := h.status[k] == modelhs.Pending &&
			!slices.ContainsFunc(h.flight, func(f inFlight) bool { return int(f.call) == k+1 })
		if lost {
			h.breaks("no-silent-loss")
		}
	}
}

func (h *harness) phase() string {
	p, ok := phases[h.client.State()]
	if !ok {
		return h.client.State().String()
	}
	return modelhs.PhaseName(p)
}

// modelConn is the client's view of its connection: the server
// incarnation (once established) and the handshake's start.
func (h *harness) modelConn(s modelhs.State) string {
	switch s.C.Phase {
	case modelhs.Idle:
		return "-"
	case modelhs.Established, modelhs.Closing:
		return fmt.Sprintf("s=%d start=%d", s.C.Peer, s.C.Start)
	}
	return fmt.Sprintf("start=%d", s.C.Start)
}

func (h *harness) implConn() string {
	switch h.client.State() {
	case implhs.ClientIdle:
		return "-"
	case implhs.ClientOpen, implhs.ClientClosing:
		c := h.client.Conn()
		return fmt.Sprintf("s=%d start=%d", c.ServerInc, h.startOf(c.ClientInc, c.ClientSeq))
	}
	return fmt.Sprintf("start=%d", h.startOf(h.client.Inc(), h.lastHello))
}

func modelFlight(s modelhs.State) []inFlight {
	var out []inFlight
	for _, f := range s.C.Flight {
		if f.Call != 0 {
			out = append(out, inFlight{seq: f.Seq, call: f.Call})
		}
	}
	return out
}

func entry(c, start, recvNext uint8, kept []uint8) string {
	return fmt.Sprintf("open c=%d start=%d recv-next=%d kept=%v", c, start, recvNext, kept)
}

// modelEntry is the model's connection as the server core shows it: a
// closed connection, which the core keeps out of its table (remembering
// only its incarnation and start), reads as none.
func modelEntry(s modelhs.State) string {
	e := s.S.Entry
	if e.State != modelhs.Open {
		return "none"
	}
	return entry(e.C, e.Start, e.RecvNext, e.Kept[:])
}

func (h *harness) implEntry() string {
	conns := h.server.Conns()
	switch len(conns) {
	case 0:
		return "none"
	case 1:
	default:
		return fmt.Sprintf("%d connections", len(conns))
	}
	c := conns[0]
	sc := h.srv[c.ID]
	if sc == nil {
		return fmt.Sprintf("connection %d without a transport", c.ID)
	}
	return entry(uint8(c.ClientInc), h.startOf(c.ClientInc, c.ClientSeq), sc.recvNext, sc.kept[:])
}

// modelNet and implNet list the packets in flight, to the server first,
// each direction in order (the model keeps only that order).
func modelNet(s modelhs.State) []string {
	var out []string
	for _, p := range s.Net[:s.N] {
		out = append(out, p.String())
	}
	return out
}

func (h *harness) implNet() []string {
	var to, from []string
	for _, q := range h.net {
		p := h.abstract(q)
		if modelhs.ToServer(p.Kind) {
			to = append(to, p.String())
		} else {
			from = append(from, p.String())
		}
	}
	return append(to, from...)
}

func modelCalls(s modelhs.State) string {
	return calls(s.Issued, s.Status, s.By, s.Exec)
}

func (h *harness) implCalls() string { return calls(h.issued, h.status, h.by, h.ex) }

func calls(issued uint8, status, by, ex [modelhs.MaxCalls]uint8) string {
	var out []string
	for k := range int(issued) {
		out = append(out, fmt.Sprintf("%s(c=%d ran=%d)", [...]string{"pending", "ok", "failed"}[status[k]], by[k], ex[k]))
	}
	return fmt.Sprint(out)
}
