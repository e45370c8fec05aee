package system

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Bounds of the state's fixed-size arrays.
const (
	MaxClients = 3
	MaxCalls   = 3
	MaxNet     = 5 // packets in flight
)

// Params are the system model's parameters.
var Params = []spec.Param{
	{Name: "transport", Default: "reliable", Choices: []string{"reliable", "udp"},
		Description: "reliable (sequence numbers, acknowledgements, retransmission, receiver de-duplication) or udp (best effort; the RPC layer retries on timeout)"},
	{Name: "clients", Default: "2", Min: 1, Max: MaxClients, Description: "client hosts, each with one connection to the server"},
	{Name: "calls", Default: "1", Min: 1, Max: MaxCalls, Description: "calls each client makes, one at a time"},
	{Name: "losses", Default: "1", Min: 0, Max: 3, Description: "fault budget: packets the network may lose"},
	{Name: "dups", Default: "1", Min: 0, Max: 3, Description: "fault budget: packets the network may duplicate"},
	{Name: "reorders", Default: "1", Min: 0, Max: 3, Description: "fault budget: packets the network may deliver ahead of earlier ones on their channel"},
	{Name: "retries", Default: "1", Min: 0, Max: 2, Description: "udp: times the client's RPC layer resends a call on timeout before it gives up"},
	{Name: "server-flows", Default: "1", Min: 1, Max: MaxClients,
		Description: "server threads, each with its own RX and TX ring of one slot; connection c is served by flow c mod server-flows (1, or clients, for the symmetry reduction)"},
}

// Bugs is the model's catalogue (spec.SystemBugs): mutations, each caught
// by the property it names.
var Bugs = spec.SystemBugs

// Packet kinds.
const (
	kindData = iota + 1 // reliable: a call or a response, with a sequence number
	kindAck             // reliable: acknowledges a sequence number
	kindReq             // udp: a call
	kindResp            // udp: a response
)

// Directions.
const (
	toServer = 0
	toClient = 1
)

// Packet is one packet in flight. Conn is the connection (the client's
// index); Call the call it carries (plus one); Result a response's result.
type Packet struct {
	Dir, Kind, Conn, Seq, Call, Result uint8
}

// End is one side of a reliable connection: stop-and-wait, one packet
// unacknowledged at a time.
type End struct {
	SendSeq  uint8 // the sequence number of the next (or unacknowledged) packet
	Unacked  uint8 // the call (plus one) sent and not yet acknowledged; 0: none
	Result   uint8 // a response's result, with Unacked
	RecvNext uint8 // the next sequence number the receiver expects
}

// Client is one client host: its application, its rings and its end of
// the connection.
type Client struct {
	Issued  uint8           // calls issued so far
	TxRing  uint8           // a call (plus one) written to the TX ring, not yet sent
	RxRing  uint8           // a response's call (plus one) in the RX ring
	RxRes   uint8           // its result
	Waiting uint8           // the call (plus one) the application waits for
	Retries uint8           // udp: resends of the waiting call
	Status  [MaxCalls]uint8 // per call: 0 pending, 1 ok, 2 timeout
	Got     [MaxCalls]uint8 // per call: the result it completed with
	End     End             // the client NIC's end of the connection
}

// Server is the server's state for one connection: the handler's record
// and the server NIC's end of the connection.
type Server struct {
	Exec [MaxCalls]uint8 // per call: times the handler ran it (ghost)
	End  End
}

// Flow is one server thread's pair of one-slot rings: the call delivered
// to it and the response it wrote, each with its connection.
type Flow struct {
	RxConn, RxCall uint8 // a call (plus one) delivered, not yet executed
	TxConn, TxCall uint8 // a response's call (plus one) to send
}

// State is the whole system.
type State struct {
	C                      [MaxClients]Client
	S                      [MaxClients]Server
	F                      [MaxClients]Flow
	Net                    [MaxNet]Packet
	N                      uint8 // packets in flight
	Losses, Dups, Reorders uint8 // fault budget left
	RR                     uint8 // response-misrouted: the balancer's counter
	Bad                    uint8 // safety properties broken (bits)
}

const (
	badMatch = 1 << iota
	badAtMostOnce
	badCompleteTwice
)

// Model is the end-to-end system for one configuration.
type Model struct {
	UDP                     bool
	Clients, Calls, Retries int
	ServerFlows             int
	Losses, Dups, Reorders  int
	Bug                     string
	kinds                   []checker.ActionKind
	act                     map[string]int
}

// The model is a checker.Model and declares the optional interfaces it
// implements, so that a slip in a method signature fails the build
// instead of silently turning a capability off.
var (
	_ checker.Model[State]      = (*Model)(nil)
	_ checker.Symmetric[State]  = (*Model)(nil)
	_ checker.Formatter[State]  = (*Model)(nil)
	_ checker.ActionFormatter   = (*Model)(nil)
	_ checker.Terminator[State] = (*Model)(nil)
)

// New builds the system model from parameters; bug is "" or a name from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	m := &Model{UDP: v.String("transport") == "udp", Clients: v.Int("clients"), Calls: v.Int("calls"),
		Retries: v.Int("retries"), Losses: v.Int("losses"), Dups: v.Int("dups"), Reorders: v.Int("reorders"),
		ServerFlows: v.Int("server-flows"), Bug: bug}
	if m.ServerFlows > m.Clients {
		return nil, fmt.Errorf("%w server-flows=%d: at most clients=%d (a flow serves connections)", spec.ErrParam, m.ServerFlows, m.Clients)
	}
	if bug != "" {
		if !slices.ContainsFunc(Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
			return nil, fmt.Errorf("system: unknown bug %q", bug)
		}
		if m.UDP && bug != spec.BugResponseMisrouted {
			return nil, fmt.Errorf("%w transport=udp: bug %s mutates the reliable transport", spec.ErrParam, bug)
		}
		if bug == spec.BugResponseMisrouted && m.Clients < 2 {
			return nil, fmt.Errorf("%w clients=%d: bug response-misrouted needs clients >= 2", spec.ErrParam, m.Clients)
		}
	}
	m.act = map[string]int{}
	names := []string{"call", "nic-send", "server-exec", "server-send", "deliver", "reorder", "lose", "duplicate", "complete"}
	// (server-exec and server-send name a server flow; the others a client.)
	if m.UDP {
		names = append(names, "retry", "give-up")
	} else {
		names = append(names, "retransmit", "server-retransmit")
	}
	for _, n := range names {
		params := []string{"client"}
		if n == "server-exec" || n == "server-send" {
			params = []string{"flow"}
		}
		if n == "deliver" || n == "reorder" || n == "lose" || n == "duplicate" {
			params = []string{"dir", "conn", "kind", "seq", "call"}
		}
		m.act[n] = len(m.kinds)
		m.kinds = append(m.kinds, checker.ActionKind{Name: n, Params: params})
	}
	return m, nil
}

// Actions lists the action kinds.
func (m *Model) Actions() []checker.ActionKind { return m.kinds }

// Init: nothing issued, the whole fault budget left.
func (m *Model) Init() []State {
	return []State{{Losses: uint8(m.Losses), Dups: uint8(m.Dups), Reorders: uint8(m.Reorders)}}
}

// result is what the handler returns for call k of client c: distinct for
// every call, so a response delivered to the wrong call shows.
func result(c, k int) uint8 { return uint8(c*MaxCalls + k + 1) }

func (m *Model) emit(emit func(checker.Action, State), name string, t State, args ...int) {
	emit(checker.Act(m.act[name], args...), t)
}

// send appends a packet to the network, if it has room (the NIC waits
// otherwise: back-pressure, not loss).
func send(s *State, p Packet) bool {
	if int(s.N) == MaxNet {
		return false
	}
	s.Net[s.N] = p
	s.N++
	s.normalise()
	return true
}

// normalise orders the packets by channel (direction, connection),
// keeping each channel's order: only the order within a channel means
// anything, so equal networks get equal states.
func (s *State) normalise() {
	slices.SortStableFunc(s.Net[:s.N], func(a, b Packet) int {
		return int(a.Dir)*MaxClients + int(a.Conn) - (int(b.Dir)*MaxClients + int(b.Conn))
	})
}

// remove takes packet i out of the network.
func (s *State) remove(i int) {
	copy(s.Net[i:], s.Net[i+1:s.N])
	s.N--
	s.Net[s.N] = Packet{}
}
