package handshake

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Bounds of the state's fixed-size arrays.
const (
	MaxCalls    = 3
	MaxWindow   = 2
	MaxNet      = 4 // packets in flight
	MaxRestarts = 2
	MaxExpiries = 2
)

// Params are the handshake model's parameters.
var Params = []spec.Param{
	{Name: "calls", Default: "2", Min: 1, Max: MaxCalls, Description: "calls the client's application makes in all (across restarts and connections)"},
	{Name: "window", Default: "1", Min: 1, Max: MaxWindow, Description: "calls the client may have in flight at once"},
	{Name: "client-restarts", Default: "1", Min: 0, Max: MaxRestarts, Description: "times the client process may crash and restart with a new incarnation"},
	{Name: "server-restarts", Default: "1", Min: 0, Max: MaxRestarts, Description: "times the server process may crash and restart with a new incarnation"},
	{Name: "closes", Default: "1", Min: 0, Max: 1, Description: "1: the client's application may close its connection (failing the calls in flight visibly); 0: it never does"},
	{Name: "hello", Default: "start", Choices: []string{"start", "incarnation"},
		Description: "how the server tells a duplicate HELLO and the client its WELCOME: by incarnation and seq start (start), or by incarnation alone (incarnation)"},
	{Name: "closed", Default: "remember", Choices: []string{"remember", "forget"},
		Description: "what the server keeps of a connection its client closed: its incarnation and seq start, so that a late HELLO of it is dropped (remember), or nothing (forget)"},
	{Name: "losses", Default: "1", Min: 0, Max: 2, Description: "fault budget: packets the network may lose"},
	{Name: "dups", Default: "1", Min: 0, Max: 2, Description: "fault budget: packets the network may duplicate"},
	{Name: "reorders", Default: "1", Min: 0, Max: 2, Description: "fault budget: packets the network may deliver ahead of earlier ones in their direction"},
	{Name: "expiries", Default: "0", Min: 0, Max: MaxExpiries, Description: "times the server may expire a connection whose client it has not heard from (time is abstract: at any moment)",
		OmitDefault: true}, // added after the traces: left out of them at 0
}

// Bugs is the model's catalogue (spec.HandshakeBugs).
var Bugs = spec.HandshakeBugs

// Packet kinds. HELLO, CALL and CLOSE go to the server, the others to the
// client.
const (
	Hello = iota + 1
	Welcome
	Call
	Result
	Reset
	Close
	Closed
)

// ToServer reports whether a packet of kind k travels to the server.
func ToServer(k uint8) bool { return k == Hello || k == Call || k == Close }

// Packet is one packet in flight. C and S are the client's and the
// server's incarnations as the sender has them (a HELLO's S is 0: not
// known yet); Seq is the seq start of a HELLO, WELCOME, CLOSE or CLOSED and
// the sequence number of a CALL or RESULT; Call is the call (plus one) a
// CALL carries or a RESULT answers, the payload that lets the properties
// tell one call's result from another's.
type Packet struct {
	Kind, C, S, Seq, Call uint8
}

// Client phases.
const (
	Idle = iota
	Connecting
	Established
	Closing
	ClosedPhase
)

// InFlight is a call the client sent and has not completed.
type InFlight struct {
	Seq, Call uint8 // Call is the call plus one; 0: the slot is free
}

// Client is the client process: its incarnation, its connection and its
// calls in flight.
type Client struct {
	Inc     uint8 // incarnation, from 1
	Phase   uint8
	Peer    uint8 // the server's incarnation as the connection has it; 0 while connecting
	Start   uint8 // the current connection's seq start
	NextSeq uint8
	Flight  [MaxWindow]InFlight // sorted by Seq, free slots last
}

// Entry is the server's connection-table entry for the client's address.
type Entry struct {
	State    uint8 // NoEntry, Open, ClosedEntry or ExpiredEntry
	C        uint8 // the client incarnation it belongs to
	Start    uint8
	RecvNext uint8
	Kept     [MaxCalls]uint8 // the call (plus one) run at seq Start+1+i: its kept result
}

// Entry states.
const (
	NoEntry = iota
	Open
	ClosedEntry  // closed by its client: remembered, so a late HELLO of it cannot open it again
	ExpiredEntry // expired by the server: remembered as closed, and a duplicate of its HELLO gets its WELCOME again
)

// Server is the server process.
type Server struct {
	Inc   uint8
	Entry Entry
}

// State is the whole system: the two processes, the network, the
// application's calls (which outlive restarts) and the budgets left.
type State struct {
	C      Client
	S      Server
	Net    [MaxNet]Packet
	N      uint8
	Issued uint8           // calls made so far
	Status [MaxCalls]uint8 // per call: 0 pending, 1 ok, 2 failed visibly
	By     [MaxCalls]uint8 // per call: the client incarnation that made it (ghost)
	Exec   [MaxCalls]uint8 // per call: times the server ran it (ghost)
	// Budgets left.
	Losses, Dups, Reorders, ClientRestarts, ServerRestarts, Closes, Expiries uint8
	Seen                                                                     uint8 // witnesses (bits)
	Bad                                                                      uint8 // safety properties broken (bits)
}

// Status values.
const (
	Pending = iota
	OK
	Failed
)

const (
	badIncarnation = 1 << iota
	badTwice
)

const (
	seenServerRestartOK = 1 << iota
	seenClientRestartOK
	seenCleanClose
)

// Model is the handshake for one configuration.
type Model struct {
	Calls, Window                  int
	ClientRestarts, ServerRestarts int
	Closes, Losses, Dups, Reorders int
	Expiries                       int
	ByIncarnation                  bool // hello=incarnation
	ForgetClosed                   bool // closed=forget
	Bug                            string
	kinds                          []checker.ActionKind
	act                            map[string]int
}

var (
	_ checker.Model[State]      = (*Model)(nil)
	_ checker.Formatter[State]  = (*Model)(nil)
	_ checker.ActionFormatter   = (*Model)(nil)
	_ checker.Terminator[State] = (*Model)(nil)
)

// Action kinds: the client's, the server's and the network's (which name
// the packet they move).
var (
	clientActions  = []string{"open", "hello-timeout", "call", "call-timeout", "close", "close-timeout", "client-restart"}
	serverActions  = []string{"server-restart", "server-expire"}
	networkActions = []string{"deliver", "reorder", "lose", "duplicate"}
)

// New builds the model from parameters; bug is "" or a name from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	m := &Model{Calls: v.Int("calls"), Window: v.Int("window"), ClientRestarts: v.Int("client-restarts"),
		ServerRestarts: v.Int("server-restarts"), Closes: v.Int("closes"), Losses: v.Int("losses"),
		Dups: v.Int("dups"), Reorders: v.Int("reorders"), ByIncarnation: v.String("hello") == "incarnation",
		ForgetClosed: v.String("closed") == "forget", Expiries: v.Int("expiries"), Bug: bug}
	if bug != "" && !slices.ContainsFunc(Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
		return nil, fmt.Errorf("handshake: unknown bug %q", bug)
	}
	m.act = map[string]int{}
	add := func(name string, params ...string) {
		m.act[name] = len(m.kinds)
		m.kinds = append(m.kinds, checker.ActionKind{Name: name, Params: params})
	}
	for _, n := range clientActions {
		if n == "call-timeout" {
			add(n, "seq")
		} else {
			add(n)
		}
	}
	for _, n := range serverActions {
		add(n)
	}
	for _, n := range networkActions {
		add(n, "kind", "c", "s", "seq", "call")
	}
	return m, nil
}

// Actions lists the action kinds.
func (m *Model) Actions() []checker.ActionKind { return m.kinds }

// Init: both processes in their first incarnation, no connection, the
// whole budget left.
func (m *Model) Init() []State {
	return []State{{C: Client{Inc: 1}, S: Server{Inc: 1},
		Losses: uint8(m.Losses), Dups: uint8(m.Dups), Reorders: uint8(m.Reorders),
		ClientRestarts: uint8(m.ClientRestarts), ServerRestarts: uint8(m.ServerRestarts), Closes: uint8(m.Closes),
		Expiries: uint8(m.Expiries)}}
}

// Encode writes every field of the state in use.
func (m *Model) Encode(buf []byte, s State) []byte {
	c, e := &s.C, &s.S.Entry
	buf = append(buf, c.Inc, c.Phase, c.Peer, c.Start, c.NextSeq)
	for _, f := range c.Flight[:m.Window] {
		buf = append(buf, f.Seq, f.Call)
	}
	buf = append(buf, s.S.Inc, e.State, e.C, e.Start, e.RecvNext)
	buf = append(buf, e.Kept[:m.Calls]...)
	buf = append(buf, s.N)
	for _, p := range s.Net[:s.N] {
		buf = append(buf, p.Kind, p.C, p.S, p.Seq, p.Call)
	}
	buf = append(buf, s.Issued)
	buf = append(buf, s.Status[:m.Calls]...)
	buf = append(buf, s.By[:m.Calls]...)
	buf = append(buf, s.Exec[:m.Calls]...)
	buf = append(buf, s.Losses, s.Dups, s.Reorders, s.ClientRestarts, s.ServerRestarts, s.Closes, s.Seen, s.Bad)
	if m.Expiries > 0 {
		buf = append(buf, s.Expiries)
	}
	return buf
}

// send appends a packet to the network if it has room (a sender waits
// otherwise: back-pressure, not loss). A packet a delivery answers always
// has room: the delivery took one out.
func send(s *State, p Packet) bool {
	if int(s.N) == MaxNet {
		return false
	}
	s.Net[s.N] = p
	s.N++
	s.normalise()
	return true
}

// normalise orders the packets by direction, keeping each direction's
// order: only the order within a direction means anything.
func (s *State) normalise() {
	slices.SortStableFunc(s.Net[:s.N], func(a, b Packet) int { return dir(a) - dir(b) })
}

func dir(p Packet) int {
	if ToServer(p.Kind) {
		return 0
	}
	return 1
}

// remove takes packet i out of the network.
func (s *State) remove(i int) {
	copy(s.Net[i:], s.Net[i+1:s.N])
	s.N--
	s.Net[s.N] = Packet{}
}

// inFlight reports whether some packet in the network satisfies match.
func (s *State) inFlight(match func(Packet) bool) bool {
	return slices.ContainsFunc(s.Net[:s.N], match)
}
