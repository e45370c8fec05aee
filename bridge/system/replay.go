package system

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	implnic "github.com/daggercheck/daggercheck/impl/nic"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/transport"
	modelsystem "github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// Replay replays a trace of the system model on the transports of
// impl/transport in step mode: one Reliable (or UDP) endpoint on each
// side of each connection, Window 1 (the model's stop-and-wait), a wire
// of encoded frames per channel, and the hosts' one-slot RX rings, one
// per client and one per server flow, that the endpoints deliver into. The mapping (model step: what the
// implementation does):
//
//	call, give-up          the application, which the harness plays from
//	                       the model: nothing for the transport
//	nic-send c, retry c    client c's endpoint: Send(the call), Outgoing
//	                       onto the wire
//	retransmit c           client c: Timeout, Outgoing
//	server-retransmit c    server end of c: Timeout, Outgoing
//	server-exec f          server flow f takes its RX ring: it must hold
//	                       the very call the model's ring holds
//	server-send f          the server end of the call's connection:
//	                       Send(the response), Outgoing
//	complete c             client c takes its RX ring, checked
//	deliver, reorder p     the wire gives frame p to its endpoint: Receive;
//	                       what it delivers goes to its RX ring (a server
//	                       flow's ring is shared by the connections c mod
//	                       server-flows: ReliableConfig.Room); then its
//	                       Outgoing (the ack) onto the wire
//	lose p, duplicate p    the wire drops p, or appends a copy of p
//
// After every step the implementation's abstract state must equal the
// model's: per connection and side, send-seq (Reliable.SendSeq), whether
// a frame is unacknowledged (Unacked), recv-next (RecvNext); the multiset
// of frames in flight, named as the model names its packets (kind,
// sequence number, call, result); every RX ring's content. The
// implementation runs the trace's bug unless bug names another ("none":
// the correct transport); the model always runs the trace's. A trace
// followed to its end reproduces its violation when the harness sees the
// implementation break it too (at-most-once: a handler took one call
// twice; response-matching: a client took another connection's
// response; a deadlock: nothing in flight, nothing unacknowledged or
// queued, every RX ring empty, so no timer or arrival can move it), or,
// for a property it does not judge (exactly-once of a call udp lost, a
// lasso), by following it.
//
// Not mapped: udp's frame counter (a raw frame's Seq) has no model
// counterpart, and the fault budget is the model's alone (the wire does
// what the trace says).
func Replay(f *trace.File, bug string) (*bridge.ReplayResult, error) {
	p, err := bridge.Prepare(f, bug, bridge.Model[*modelsystem.Model]{Params: modelsystem.Params, New: modelsystem.New})
	if err != nil {
		return nil, err
	}
	faults, err := systemFaultsOf(p.Model, p.Bug)
	if err != nil {
		return nil, err
	}
	h, err := newXport(p.Model, faults)
	if err != nil {
		return nil, err
	}
	res := p.Result(faults.String())
	followed, err := bridge.ReplaySteps(res, f, p.Model, h.step, h.compare)
	if err != nil {
		return nil, err
	}
	if !followed {
		res.Broken = h.broken
		return res, nil
	}
	prop := p.Property
	if prop == checker.DeadlockProperty && h.stuck() {
		h.breaks(checker.DeadlockProperty)
	}
	res.Broken = h.broken
	res.Outcome = bridge.Conformant
	judged := []string{"at-most-once", "response-matching", checker.DeadlockProperty}
	if prop != "" && (f.Outcome.LoopStart >= 0 || !slices.Contains(judged, prop) || slices.Contains(h.broken, prop)) {
		res.Outcome = bridge.Reproduced
		if !slices.Contains(res.Broken, prop) {
			res.Broken = append(res.Broken, prop)
		}
	}
	return res, nil
}

// systemFaults are what the implementation injects to behave as
// model/system with a bug: a fault of impl/transport's Reliable, or
// (response-misrouted) the client NIC placing a response by its
// round-robin balancer instead of on its connection's flow, which is
// impl/nic's ResponseBalanced.
type systemFaults struct {
	xport     transport.ReliableFaults
	misrouted bool
}

func (f systemFaults) String() string {
	if f.misrouted {
		return "response-misrouted (impl/nic response-balanced)"
	}
	return f.xport.String()
}

// systemFaultsOf are the faults that make the implementation behave as
// model m with bug ("none" or "": the correct implementation).
func systemFaultsOf(m *modelsystem.Model, bug string) (systemFaults, error) {
	switch {
	case bug == "none" || bug == "":
		return systemFaults{}, nil
	case bug == "response-misrouted":
		if m.Clients < 2 {
			return systemFaults{}, fmt.Errorf("--bug %s: needs clients >= 2 (a balancer over one flow routes right)", bug)
		}
		return systemFaults{misrouted: true}, nil
	case !slices.ContainsFunc(modelsystem.Bugs, func(b spec.Bug) bool { return b.Name == bug }):
		return systemFaults{}, fmt.Errorf("--bug %s: not a bug of model/system's catalogue", bug)
	case m.UDP:
		return systemFaults{}, fmt.Errorf("--bug %s: the trace runs transport=udp, and the bug mutates the reliable transport", bug)
	}
	f, err := transport.BugFaults(bug)
	if err != nil {
		return systemFaults{}, fmt.Errorf("%w bug %s: %w", bridge.ErrUnsupported, bug, err)
	}
	return systemFaults{xport: f}, nil
}

// xportMoves lists the model's enabled moves that the implementation can
// follow (kind >= 0: of that kind only). It leaves out the one step
// whose mapping is not literal: the arrival of a data frame two or more
// behind its receiver's next expected sequence number. The model
// acknowledges it with its own number; Reliable's ack is cumulative
// (recv-next - 1), which may acknowledge a newer frame the sender still
// waits for, so the two part ways (TestTransportStaleDuplicateAck pins
// that difference). Such a frame can still be lost.
func xportMoves(m *modelsystem.Model, s modelsystem.State, kind int) []bridge.Move[modelsystem.State] {
	names := m.Actions()
	return bridge.Moves(m, s, func(a checker.Action, _ modelsystem.State) bool {
		if kind >= 0 && a.Kind != kind {
			return false
		}
		n := names[a.Kind].Name
		return !((n == "deliver" || n == "reorder") && a.Args[2] == xData && staleDuplicate(s, a.Args[0], a.Args[1], a.Args[3]))
	})
}

// staleDuplicate: a data frame with sequence number seq on channel (dir,
// conn) is two or more behind its receiver.
func staleDuplicate(s modelsystem.State, dir, conn, seq int) bool {
	recv := s.S[conn].End
	if dir == xToClient {
		recv = s.C[conn].End
	}
	return seq+1 < int(recv.RecvNext)
}

// Model directions and packet kinds (model/system's numbering).
const (
	xToServer = 0
	xToClient = 1
	xData     = 1
	xAck      = 2
	xReq      = 3
	xResp     = 4
)

// xportRing is a one-slot RX ring of a host: a client's, or a server
// flow's (shared by the connections c mod server-flows).
type xportRing struct {
	full bool
	p    transport.Packet
}

// xport is the implementation under test: both endpoints of every
// connection, the hosts' RX rings they deliver into, and the wire between
// them.
type xport struct {
	m        *modelsystem.Model
	udp      bool
	cli, srv []transport.Endpoint
	wire     [2][modelsystem.MaxClients][][]byte // [dir][conn]: frames in flight, oldest first
	rx       [modelsystem.MaxClients]xportRing   // client c's RX ring
	flow     [modelsystem.MaxClients]xportRing   // server flow f's RX ring
	execs    [modelsystem.MaxClients][modelsystem.MaxCalls]int
	broken   []string     // the properties the implementation broke, as the harness judges them
	cnic     *implnic.NIC // the client host's NIC: its response routing

	// With a FaultyNetwork, the frames go there instead of the wire, and
	// shadow is the multiset of them in flight, kept from what was sent
	// and what each Step took.
	net    *transport.FaultyNetwork
	shadow [2][modelsystem.MaxClients][]modelsystem.Packet
}

// xportNames are the FaultyNetwork's endpoint names of channel (dir,
// conn): from, to.
func xportNames(dir, conn int) (string, string) {
	c, s := fmt.Sprintf("c%d", conn), fmt.Sprintf("s%d", conn)
	if dir == xToClient {
		return s, c
	}
	return c, s
}

func (h *xport) track(dir, conn int, p modelsystem.Packet) {
	h.shadow[dir][conn] = append(h.shadow[dir][conn], p)
}

func (h *xport) untrack(dir, conn int, p modelsystem.Packet) {
	if i := slices.Index(h.shadow[dir][conn], p); i >= 0 {
		h.shadow[dir][conn] = slices.Delete(h.shadow[dir][conn], i, i+1)
	}
}

// newXport builds the endpoints of model m's configuration and the
// client host's NIC; faults go into every Reliable endpoint and the NIC.
func newXport(m *modelsystem.Model, faults systemFaults) (*xport, error) {
	h := &xport{m: m, udp: m.UDP}
	// The client host's NIC routes each response its transport delivers
	// to a client flow: one flow per client, connection c's home flow c;
	// the balancer, which a correct NIC uses for requests only, is
	// round-robin (the model's response-misrouted).
	cfg := implnic.Config{Conns: m.Clients, OpenAll: true, LB: implnic.LBRoundRobin,
		Faults: implnic.Faults{ResponseBalanced: faults.misrouted}}
	for range m.Clients {
		f, err := implring.NewFlow(8, implring.Faults{}, implring.Faults{})
		if err != nil {
			return nil, err
		}
		cfg.Flows = append(cfg.Flows, f)
	}
	var err error
	if h.cnic, err = implnic.New(cfg); err != nil {
		return nil, err
	}
	for c := 0; c < m.Clients; c++ {
		for _, ring := range []*xportRing{&h.rx[c], &h.flow[c%m.ServerFlows]} {
			// The endpoint delivers into its host's one-slot RX ring; the
			// endpoint's own queue of one packet is emptied into the ring
			// at once (receive).
			room := func() bool { return !ring.full }
			var ep transport.Endpoint
			var err error
			if m.UDP {
				ep, err = transport.NewUDP(transport.UDPConfig{Conn: uint16(c), RecvQueue: 1, Room: room})
			} else {
				// Window 1 is the model's stop-and-wait.
				ep, err = transport.NewReliable(transport.ReliableConfig{Conn: uint16(c), Window: 1, RecvQueue: 1, Room: room, Faults: faults.xport})
			}
			if err != nil {
				return nil, err
			}
			if ring == &h.rx[c] {
				h.cli = append(h.cli, ep)
			} else {
				h.srv = append(h.srv, ep)
			}
		}
	}
	return h, nil
}

// xportPacket is the Dagger packet of call (plus one) on connection conn,
// with a response's result (0 for a request): the call travels in rpc_id,
// the result in the first argument byte.
func xportPacket(conn int, call, result uint8) (transport.Packet, error) {
	r, err := slot.NewRPC(uint8(conn), uint32(call), 1, []byte{result})
	r.Response = result != 0
	return r, err
}

// xportResult is what the model's handler returns for call (plus one) of
// connection c (model/system's result).
func xportResult(c int, call uint8) uint8 { return uint8(c*modelsystem.MaxCalls) + call }

// abstract names a frame on channel (dir, conn) as the model names its
// packet.
func (h *xport) abstract(dir int, b []byte) (modelsystem.Packet, error) {
	f, err := transport.DecodeFrame(b)
	if err != nil {
		return modelsystem.Packet{}, err
	}
	p := modelsystem.Packet{Dir: uint8(dir), Conn: uint8(f.Conn)}
	switch f.Kind {
	case transport.KindAck:
		p.Kind = xAck
	case transport.KindData:
		p.Kind = xData
	case transport.KindRaw:
		p.Kind = map[int]uint8{xToServer: xReq, xToClient: xResp}[dir]
	}
	if f.Kind == transport.KindAck || f.Kind == transport.KindData {
		if f.Seq > 255 {
			return p, fmt.Errorf("seq %d past the model's range", f.Seq)
		}
		p.Seq = uint8(f.Seq)
	}
	if f.Kind != transport.KindAck {
		r := f.Packet
		p.Call = uint8(r.RPCID)
		if r.Response {
			p.Result = r.Args[0]
		}
	}
	return p, nil
}

// put moves an endpoint's outgoing frames onto channel (dir, conn).
func (h *xport) put(dir, conn int, frames []transport.Frame) error {
	for _, f := range frames {
		b, err := transport.EncodeFrame(f)
		if err != nil {
			return err
		}
		if h.net == nil {
			h.wire[dir][conn] = append(h.wire[dir][conn], b)
			continue
		}
		p, err := h.abstract(dir, b)
		if err != nil {
			return err
		}
		from, to := xportNames(dir, conn)
		if err := h.net.Send(from, to, f); err != nil {
			return err
		}
		h.track(dir, conn, p)
	}
	return nil
}

// unacked counts the frames the endpoints have sent and not had
// acknowledged.
func (h *xport) unacked() int {
	n := 0
	for c := range h.cli {
		n += h.cli[c].Unacked() + h.srv[c].Unacked()
	}
	return n
}

// endpoint is the receiving end of channel (dir, conn).
func (h *xport) endpoint(dir, conn int) transport.Endpoint {
	if dir == xToServer {
		return h.srv[conn]
	}
	return h.cli[conn]
}

// sendEnd is the sending end of channel (dir, conn).
func (h *xport) sendEnd(dir, conn int) transport.Endpoint { return h.endpoint(1-dir, conn) }

// send is a sender's Send of one packet and the Outgoing that follows.
func (h *xport) send(dir, conn int, call, result uint8) string {
	p, err := xportPacket(conn, call, result)
	if err != nil {
		return "diverged: cannot build the packet: " + err.Error()
	}
	ep := h.sendEnd(dir, conn)
	if err := ep.Send(p); err != nil {
		return "diverged: Send refused: " + err.Error()
	}
	return h.flush(dir, conn)
}

// flush puts a sender's Outgoing on the wire.
func (h *xport) flush(dir, conn int) string {
	out := h.sendEnd(dir, conn).Outgoing()
	if err := h.put(dir, conn, out); err != nil {
		return "diverged: " + err.Error()
	}
	if len(out) == 1 {
		return "sent 1 frame"
	}
	return fmt.Sprintf("sent %d frames", len(out))
}

// receive gives frame f to the receiving endpoint of channel (dir, conn)
// and moves what it delivers into its RX ring: the server flow
// conn mod server-flows, or client conn's. The endpoint's Room is that
// ring's, so it delivers at most one packet, and only into an empty ring.
func (h *xport) receive(dir, conn int, f transport.Frame) string {
	ep := h.endpoint(dir, conn)
	if err := ep.Receive(f); err != nil && !errors.Is(err, transport.ErrBadAck) {
		return "diverged: Receive: " + err.Error()
	}
	ring := &h.rx[conn]
	if dir == xToServer {
		ring = &h.flow[conn%h.m.ServerFlows]
	}
	ps := ep.Deliveries()
	switch {
	case len(ps) == 0:
		return "received"
	case len(ps) > 1 || ring.full:
		return fmt.Sprintf("diverged: delivered %d packets into a one-slot RX ring (full=%t)", len(ps), ring.full)
	case dir == xToServer:
		ring.full, ring.p = true, ps[0]
		return "delivered"
	}
	return h.route(ps[0])
}

// route is the client NIC placing a delivered response in a client's RX
// ring: Arrive, Balance (a correct NIC sends a response to its
// connection's flow; ResponseBalanced to the round-robin balancer's),
// Schedule until the flow's RX ring has it, and the host's poller moves
// it into the client's one-slot ring.
//
// The model's misrouting balancer also turns for a response its
// transport then drops (a duplicate, or one without room); this one
// turns only for a delivered response, so the two agree while every
// response that arrives is delivered, as in the catalogue's
// counterexample.
func (h *xport) route(p transport.Packet) string {
	r := p
	if err := h.cnic.Arrive(&r); err != nil {
		return "diverged: the client NIC: Arrive: " + err.Error()
	}
	pl, err := h.cnic.Balance()
	if err != nil {
		return "diverged: the client NIC: Balance: " + err.Error()
	}
	for range h.m.Clients {
		b, err := h.cnic.Schedule()
		if err != nil {
			return "diverged: the client NIC: Schedule: " + err.Error()
		}
		if b.Sent > 0 {
			break
		}
	}
	got, err := h.cnic.Flow(pl.Flow).RX.Consumer().Receive()
	if err != nil {
		return fmt.Sprintf("diverged: the client NIC placed the response on flow %d, whose RX ring has nothing: %v", pl.Flow, err)
	}
	ring := &h.rx[pl.Flow]
	if ring.full {
		return fmt.Sprintf("diverged: the client NIC placed the response on flow %d, whose one-slot ring is full", pl.Flow)
	}
	ring.p = got
	ring.full = true
	if pl.Flow != int(r.ConnID) {
		return fmt.Sprintf("delivered to c%d", pl.Flow)
	}
	return "delivered"
}

// take is the application taking an RX ring (a client's, or a server
// flow's): it must hold call (plus one) of connection conn, and, for a
// response, result (the model's, which a misrouted response differs
// from: the harness judges response-matching by the connection).
func (h *xport) take(ring *xportRing, conn int, call, result uint8) string {
	if !ring.full {
		return fmt.Sprintf("diverged: the RX ring is empty where the model's holds conn %d call%d", conn, call-1)
	}
	ring.full = false
	r := ring.p
	switch {
	case int(r.ConnID) != conn || uint8(r.RPCID) != call || (result != 0 && r.Args[0] != result):
		return fmt.Sprintf("diverged: took %s, the model's ring holds conn %d call%d result %d", r, conn, call-1, result)
	}
	return "took " + r.String()
}

// step runs the implementation's side of model action a from state s.
func (h *xport) step(s modelsystem.State, a checker.Action) string {
	name := h.m.Actions()[a.Kind].Name
	c := a.Args[0]
	switch name {
	case "call", "give-up":
		return "the application"
	case "nic-send":
		return h.send(xToServer, c, s.C[c].TxRing, 0)
	case "retry":
		return h.send(xToServer, c, s.C[c].Waiting, 0)
	case "retransmit", "server-retransmit":
		dir := map[string]int{"retransmit": xToServer, "server-retransmit": xToClient}[name]
		h.sendEnd(dir, c).Timeout()
		return h.flush(dir, c)
	case "server-exec":
		fl := s.F[c]
		out := h.take(&h.flow[c], int(fl.RxConn), fl.RxCall, 0)
		if !strings.HasPrefix(out, "diverged") {
			if h.execs[fl.RxConn][fl.RxCall-1]++; h.execs[fl.RxConn][fl.RxCall-1] > 1 {
				h.breaks("at-most-once")
			}
		}
		return out
	case "server-send":
		fl := s.F[c]
		return h.send(xToClient, int(fl.TxConn), fl.TxCall, xportResult(int(fl.TxConn), fl.TxCall))
	case "complete":
		cl := s.C[c]
		out := h.take(&h.rx[c], int(cl.RxRes-1)/modelsystem.MaxCalls, cl.RxRing, cl.RxRes)
		if !strings.HasPrefix(out, "diverged") && int(cl.RxRes-1)/modelsystem.MaxCalls != c && cl.RxRing == cl.Waiting {
			h.breaks("response-matching") // the application took another connection's response for its call
		}
		return out
	}
	// A network step: args dir, conn, kind, seq, call.
	dir, conn := a.Args[0], a.Args[1]
	want := modelsystem.Packet{Dir: uint8(dir), Conn: uint8(conn), Kind: uint8(a.Args[2]), Seq: uint8(a.Args[3]), Call: uint8(a.Args[4])}
	ch := h.wire[dir][conn]
	i := slices.IndexFunc(ch, func(b []byte) bool {
		p, err := h.abstract(dir, b)
		p.Result = 0 // the action does not name the result
		return err == nil && p == want
	})
	if i < 0 {
		return fmt.Sprintf("diverged: no frame %s on the wire", want)
	}
	b := ch[i]
	switch name {
	case "duplicate":
		h.wire[dir][conn] = append(ch, slices.Clone(b))
		return "duplicated"
	case "lose":
		h.wire[dir][conn] = slices.Delete(ch, i, i+1)
		return "lost"
	}
	h.wire[dir][conn] = slices.Delete(ch, i, i+1)
	f, err := transport.DecodeFrame(b)
	if err != nil {
		return "diverged: " + err.Error()
	}
	out := h.receive(dir, conn, f)
	if strings.HasPrefix(out, "diverged") {
		return out
	}
	// The receiver answers at once (the model's receive sends its ack in
	// the same step).
	return out + "; " + h.flush(1-dir, conn)
}

// stuck: the implementation cannot move by itself any more: no frame on
// the wire, none unacknowledged (no timer to fire) or queued, no packet
// in an RX ring for an application to take.
func (h *xport) stuck() bool {
	for dir := range h.wire {
		for _, ch := range h.wire[dir] {
			if len(ch) > 0 {
				return false
			}
		}
	}
	for c := range h.cli {
		for _, ep := range []transport.Endpoint{h.cli[c], h.srv[c]} {
			if r, ok := ep.(*transport.Reliable); ok && r.Queued() > 0 {
				return false
			}
		}
	}
	for i := range h.rx {
		if h.rx[i].full || h.flow[i].full {
			return false
		}
	}
	return h.unacked() == 0
}

func (h *xport) breaks(prop string) {
	if !slices.Contains(h.broken, prop) {
		h.broken = append(h.broken, prop)
	}
}

// compare checks the implementation's abstract state against model state
// s and returns the first difference.
func (h *xport) compare(s modelsystem.State) string {
	var model, impl []string
	for _, p := range s.Net[:s.N] {
		model = append(model, p.String())
	}
	for dir := range h.wire {
		for conn, ch := range h.wire[dir] {
			for _, b := range ch {
				p, err := h.abstract(dir, b)
				if err != nil {
					return fmt.Sprintf("wire %d/%d: %v", dir, conn, err)
				}
				impl = append(impl, p.String())
			}
			for _, p := range h.shadow[dir][conn] {
				impl = append(impl, p.String())
			}
		}
	}
	if h.net != nil && h.net.InFlight() != len(impl) {
		return fmt.Sprintf("the FaultyNetwork has %d frames in flight, the test counted %d", h.net.InFlight(), len(impl))
	}
	slices.Sort(model)
	slices.Sort(impl)
	if !slices.Equal(model, impl) {
		return fmt.Sprintf("frames in flight: model [%s], impl [%s]", strings.Join(model, ", "), strings.Join(impl, ", "))
	}
	// The RX rings: each server flow's, each client's.
	for f := 0; f < h.m.ServerFlows; f++ {
		fl := s.F[f]
		if d := ringDiff(fmt.Sprintf("s.flow%d.rx-ring", f), &h.flow[f], int(fl.RxConn), fl.RxCall, 0); d != "" {
			return d
		}
	}
	for c := 0; c < h.m.Clients; c++ {
		cl := s.C[c]
		if d := ringDiff(fmt.Sprintf("c%d.rx-ring", c), &h.rx[c], int(cl.RxRes-1)/modelsystem.MaxCalls, cl.RxRing, cl.RxRes); d != "" {
			return d
		}
	}
	if h.udp {
		return ""
	}
	for c := 0; c < h.m.Clients; c++ {
		for _, e := range []struct {
			name string
			ep   transport.Endpoint
			end  modelsystem.End
		}{{fmt.Sprintf("c%d.nic", c), h.cli[c], s.C[c].End}, {fmt.Sprintf("s.conn%d.nic", c), h.srv[c], s.S[c].End}} {
			r := e.ep.(*transport.Reliable)
			if r.SendSeq() != uint64(e.end.SendSeq) || (r.Unacked() == 1) != (e.end.Unacked != 0) || r.Unacked() > 1 || r.RecvNext() != uint64(e.end.RecvNext) {
				return fmt.Sprintf("%s: model %s, impl send-seq=%d unacked=%d recv-next=%d", e.name, e.end, r.SendSeq(), r.Unacked(), r.RecvNext())
			}
		}
	}
	return ""
}

// ringDiff compares an RX ring with the model's: empty when call is 0,
// else holding call (plus one) of connection conn with result (0: a
// request).
func ringDiff(name string, ring *xportRing, conn int, call, result uint8) string {
	if !ring.full || call == 0 {
		if ring.full != (call != 0) {
			return fmt.Sprintf("%s: model full=%t, impl full=%t", name, call != 0, ring.full)
		}
		return ""
	}
	r := ring.p
	if int(r.ConnID) != conn || uint8(r.RPCID) != call || (result != 0 && r.Args[0] != result) {
		return fmt.Sprintf("%s: model conn %d call%d result %d, impl %s", name, conn, call-1, result, r)
	}
	return ""
}
