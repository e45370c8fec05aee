package handshake

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	implhs "github.com/daggercheck/daggercheck/impl/handshake"
	modelhs "github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/trace"
)

// Replay replays a trace of the handshake model on impl/handshake's
// cores. The mapping (model step: what the implementation does):
//
//	open                  client core: EvOpen
//	hello-timeout         client core: EvTick (resends the HELLO)
//	close-timeout         client core: EvTick (resends the CLOSE)
//	close                 client core: EvClose with the calls in flight
//	client-restart        the application sees its calls fail; client
//	                      core: EvRestart with the next incarnation
//	server-restart        server core: EvRestart with the next incarnation
//	server-expire         server core: EvExpire with its connection's c_id
//	call                  the client's transport sends CALL on the core's
//	                      connection, with its incarnations
//	call-timeout seq      the client's transport resends that CALL
//	deliver, reorder p    packet p reaches its core: a control packet as
//	                      EvRecv, a data frame as EvData (delivered only
//	                      if the core says so, to the transport)
//	lose p, duplicate p   the network drops p, or appends a copy
//
// After every step the abstract state must equal the model's: the
// client core's incarnation and phase, the server incarnation and the
// seq start of its connection; the server core's incarnation and its
// connection (client incarnation, seq start) with the transport's
// recv-next and kept results; the packets in flight, in order, named as
// the model names them; every call's status, maker and runs. Incarnations
// are the model's numbers; a core's seq start (a hash of the incarnation
// and the handshake) is named by the model's start of the HELLO that
// carried it, a naming that must stay one-to-one.
//
// The implementation runs the trace's bug unless bug names another
// ("none": the correct cores). A trace followed to its end reproduces its
// violation when the harness sees the implementation break it too (a
// call run twice, run or completed in the wrong incarnation, lost
// silently) or, for a liveness property, by following its lasso.
func Replay(f *trace.File, bug string) (*bridge.ReplayResult, error) {
	p, err := bridge.Prepare(f, bug, bridge.Model[*modelhs.Model]{Params: modelhs.Params, New: modelhs.New})
	if err != nil {
		return nil, err
	}
	faults, err := faultsOf(p.Bug)
	if err != nil {
		return nil, err
	}
	h, err := newHarness(p.Model, faults)
	if err != nil {
		return nil, err
	}
	res := p.Result(faults.String())
	followed, err := bridge.ReplaySteps(res, f, p.Model, h.step, h.compare)
	if err != nil {
		return nil, err
	}
	res.Broken = h.broken
	if !followed {
		return res, nil
	}
	res.Outcome = bridge.Conformant
	judged := []string{"right-incarnation", "at-most-once", "no-silent-loss"}
	prop := p.Property
	if prop != "" && (f.Outcome.LoopStart >= 0 || !slices.Contains(judged, prop) || slices.Contains(h.broken, prop)) {
		res.Outcome = bridge.Reproduced
		if !slices.Contains(res.Broken, prop) {
			res.Broken = append(res.Broken, prop)
		}
	}
	return res, nil
}

// faultsOf are the cores' faults for bug ("none" or "": none).
func faultsOf(bug string) (implhs.Faults, error) {
	if bug == "none" {
		bug = ""
	}
	f, err := implhs.BugFaults(bug)
	if err != nil {
		return implhs.Faults{}, fmt.Errorf("%w --bug %s: %w", bridge.ErrUnsupported, bug, err)
	}
	return f, nil
}

// The two processes' addresses.
var (
	clientAddr = netip.MustParseAddrPort("10.0.0.1:4000")
	serverAddr = netip.MustParseAddrPort("10.0.0.2:5000")
)

// packet is one packet in flight: a control packet of a core, or a data
// frame of a connection's transport.
type packet struct {
	kind uint8 // the model's kind
	msg  implhs.Msg
	// A data frame: its connection, its sender's incarnation and the one
	// it names for the receiver, the sequence number (the model's) and the
	// call it carries or answers.
	conn         uint16
	inc, peerInc uint64
	seq, call    uint8
}

// inFlight is a call the client's transport has sent and not completed.
type inFlight struct{ seq, call uint8 }

// serverConn is the server transport of one connection.
type serverConn struct {
	start, recvNext uint8
	kept            [modelhs.MaxCalls]uint8
}

// harness is the implementation under replay: the two cores, the
// network, the transports the cores' effects drive, and the application's
// record of its calls.
type harness struct {
	m              *modelhs.Model
	client         *implhs.Client
	server         *implhs.Server
	net            []packet
	flight         []inFlight
	dataNext       uint8 // the client transport's next sequence number
	srv            map[uint16]*serverConn
	starts         map[[2]uint64]uint8 // (client incarnation, core's seq start) -> the model's start
	lastHello      uint64              // the client core's current HELLO's seq start
	issued         uint8
	status, by, ex [modelhs.MaxCalls]uint8
	broken         []string
	post           modelhs.State // the model's state after the step being run
	delivered      bool          // the core delivered the data frame that arrived
}

func newHarness(m *modelhs.Model, f implhs.Faults) (*harness, error) {
	tries := 1 << 30 // the model's timers fire without end
	c, err := implhs.NewClient(implhs.ClientConfig{Server: serverAddr, Inc: 1, MaxTries: tries, Faults: f})
	if err != nil {
		return nil, err
	}
	s, err := implhs.NewServer(implhs.ServerConfig{Inc: 1, MaxConns: 4, MaxTries: tries, Faults: f})
	if err != nil {
		return nil, err
	}
	return &harness{m: m, client: c, server: s, srv: map[uint16]*serverConn{}, starts: map[[2]uint64]uint8{}}, nil
}

// breaks records a property the implementation broke.
func (h *harness) breaks(p string) {
	if !slices.Contains(h.broken, p) {
		h.broken = append(h.broken, p)
	}
}

// step runs model action a, taken from state s, on the implementation.
func (h *harness) step(s modelhs.State, a checker.Action) string {
	for _, mv := range bridge.Moves(h.m, s, func(b checker.Action, _ modelhs.State) bool { return b == a }) {
		h.post = mv.To
	}
	name := h.m.Actions()[a.Kind].Name
	switch name {
	case "open":
		return h.clientStep(implhs.Event{Kind: implhs.EvOpen})
	case "hello-timeout", "close-timeout":
		return h.clientStep(implhs.Event{Kind: implhs.EvTick})
	case "close":
		return h.clientStep(implhs.Event{Kind: implhs.EvClose, InFlight: len(h.flight)})
	case "client-restart":
		h.failFlight() // the application sees the crash
		return h.clientStep(implhs.Event{Kind: implhs.EvRestart, Inc: h.client.Inc() + 1})
	case "server-restart":
		return h.serverStep(implhs.Event{Kind: implhs.EvRestart, Inc: h.server.Inc() + 1})
	case "server-expire":
		return h.expire()
	case "call":
		return h.call()
	case "call-timeout":
		return h.resend(uint8(a.Args[0]))
	}
	p := modelhs.Packet{Kind: uint8(a.Args[0]), C: uint8(a.Args[1]), S: uint8(a.Args[2]), Seq: uint8(a.Args[3]), Call: uint8(a.Args[4])}
	i := slices.IndexFunc(h.net, func(q packet) bool { return h.abstract(q) == p })
	if i < 0 {
		return "diverged: no packet " + p.String() + " in flight"
	}
	q := h.net[i]
	switch name {
	case "duplicate":
		h.net = append(h.net, q)
		return "the network duplicates " + p.String()
	case "lose":
		h.net = slices.Delete(h.net, i, i+1)
		return "the network loses " + p.String()
	}
	h.net = slices.Delete(h.net, i, i+1)
	h.delivered = false
	out := h.arrive(q)
	if why := h.admission(s, p); why != "" && !strings.HasPrefix(out, "diverged") {
		return "diverged: " + why
	}
	return out
}

// admission checks the core's verdict on a data frame against the
// model's: the frame reaches the connection's transport exactly when the
// model admits it, whether or not the transport then runs or completes
// anything.
func (h *harness) admission(s modelhs.State, p modelhs.Packet) string {
	var want bool
	switch p.Kind {
	case modelhs.Call:
		want = h.m.ServerAdmits(s, p)
	case modelhs.Result:
		want = h.m.ClientAdmits(s, p)
	default:
		return ""
	}
	if h.delivered == want {
		return ""
	}
	if want {
		return "dropped " + p.String() + ", which the model admits"
	}
	return "delivered " + p.String() + ", which the model drops"
}

// arrive gives packet q to its core.
func (h *harness) arrive(q packet) string {
	switch q.kind {
	case modelhs.Hello, modelhs.Close:
		return h.serverStep(implhs.Event{Kind: implhs.EvRecv, From: clientAddr, Msg: q.msg})
	case modelhs.Call:
		return h.serverStep(implhs.Event{Kind: implhs.EvData, From: clientAddr, Conn: q.conn, Inc: q.inc, PeerInc: q.peerInc}, q)
	case modelhs.Result:
		return h.clientStep(implhs.Event{Kind: implhs.EvData, From: serverAddr, Conn: q.conn, Inc: q.inc, PeerInc: q.peerInc}, q)
	}
	return h.clientStep(implhs.Event{Kind: implhs.EvRecv, From: serverAddr, Msg: q.msg})
}
