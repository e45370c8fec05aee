package nic

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Bounds of the state's fixed-size arrays.
const (
	MaxFlows  = 3
	MaxConns  = 3
	MaxBuffer = 4
	MaxFIFO   = 4
	MaxRPCs   = 6
	// Keys is how many request keys the key-hash balancer sees: two are
	// enough to tell a balancer that keeps each key on one flow from one
	// that does not. Under the other policies keys do not matter and every
	// RPC carries key 0.
	Keys = 2
)

// keyHash is the balancer's hash of each key before the modulo (a fixed
// table, like the tabulation hash of Dagger's hash_load_balancing branch):
// the two keys land on different flows for flows=2 and flows=3.
var keyHash = [Keys]int{0x9e, 0x37}

// Params are the NIC model's parameters.
var Params = []spec.Param{
	{Name: "protocol", Default: "credit", Choices: []string{"credit", "dagger"},
		Description: "credit (ours: partial batches are flushed, FIFO overflow frees its buffer slot, queued RPCs of a closed connection are dropped) or dagger (as published)"},
	{Name: "flows", Default: "2", Min: 1, Max: MaxFlows, Description: "host flows, each with its own FIFO in the NIC"},
	{Name: "conns", Default: "2", Min: 1, Max: MaxConns,
		Description: "connections in the table; connection c's home flow (its client_flow_id) is c mod flows"},
	{Name: "buffer", Default: "3", Min: 1, Max: MaxBuffer, Description: "slots in the request buffer"},
	{Name: "fifo", Default: "2", Min: 1, Max: MaxFIFO, Description: "depth of each flow's FIFO of buffer indices"},
	{Name: "batch", Default: "1", Choices: []string{"1", "2", "4"},
		Description: "entries the TX scheduler writes to a flow per burst; at most fifo and buffer (a burst must fit)"},
	{Name: "lb", Default: "round-robin", Choices: []string{"static", "round-robin", "random", "key-hash"},
		Description: "how requests are balanced: static (the connection's flow), round-robin, random (any flow) or key-hash (hash of the key mod flows); responses always go to the connection's flow"},
	{Name: "rpcs", Default: "3", Min: 1, Max: MaxRPCs,
		Description: "RPCs that arrive from the network in all, each a request or a response on any connection"},
}

// Bugs is the model's catalogue (spec.NICBugs): mutations, each caught
// by the property it names.
var Bugs = spec.NICBugs

// Action kinds; Action.Kind indexes actionKinds.
const (
	actArrive = iota
	actBalance
	actSend
	actSkip
	actOpen
	actClose
)

var actionKinds = []checker.ActionKind{
	actArrive:  {Name: "arrive", Params: []string{"rpc", "conn", "response", "key"}},
	actBalance: {Name: "balance", Params: []string{"slot", "flow"}},
	actSend:    {Name: "send", Params: []string{"flow", "n"}},
	actSkip:    {Name: "skip", Params: []string{"flow"}},
	actOpen:    {Name: "open", Params: []string{"conn", "status"}},
	actClose:   {Name: "close", Params: []string{"conn", "status"}},
}

// RPC is an RPC as the request buffer holds it: what the pipeline needs
// to route it. Its arguments are abstracted away.
type RPC struct {
	Conn     uint8 // c_id
	Response uint8 // 1: a response, 0: a request
	Key      uint8 // the key the key-hash balancer hashes (0 under other policies)
}

// State is the whole NIC pipeline: the network's progress, the request
// buffer and its free list, the RPCs waiting for the balancer, the flow
// FIFOs, the balancer's and the scheduler's registers, the connection
// table, and the ghost history the properties judge. Arrays beyond the
// configuration's sizes, and beyond each queue's length, stay zero.
type State struct {
	Arrived uint8 // RPCs the network has handed to the NIC (the next is RPC number Arrived)
	// Request buffer: the slots and the free list (bit i: slot i is free).
	// An arrival takes the lowest free slot.
	Slot [MaxBuffer]RPC
	Free uint8
	// Slots written but not yet balanced (Dagger's two-cycle gap between
	// the buffer write and the FIFO push), oldest first.
	Pending  [MaxBuffer]uint8
	NPending uint8
	// Per flow, the FIFO of buffer indices waiting for the TX scheduler.
	FIFO [MaxFlows][MaxFIFO]uint8
	Len  [MaxFlows]uint8
	RR   uint8 // the round-robin balancer's counter (lb_flow_cnt)
	// The TX scheduler: the flow it looks at next, and (credit) bit f set
	// when it has passed over flow f's partial batch once.
	Ptr  uint8
	Aged uint8
	Open uint8 // the connection table: bit c set while connection c is open
	// Ghosts, for the properties.
	Delivered uint8       // RPCs written into host flows
	Requests  uint8       // requests balanced so far, mod flows (round-robin-fair)
	KeyFlow   [Keys]uint8 // key-hash: 1 + the flow key k's requests go to (0: none yet)
	Bad       uint8       // a bit for each safety property a step has broken
}

// Property bits of State.Bad.
const (
	badRange = 1 << iota
	badResponse
	badKey
	badRR
	badConn
)

// badNames names the bits of State.Bad, in bit order.
var badNames = []string{"lb-in-range", "response-affinity", "key-affinity", "round-robin-fair", "connection-safety"}

// Config is a parsed NIC configuration.
type Config struct {
	Dagger                                 bool
	Flows, Conns, Buffer, FIFODepth, Batch int
	RPCs                                   int
	LB                                     string
	Bug                                    string
	keys                                   int // keys an RPC may carry: Keys under key-hash, else 1
}

// Model is the NIC model for one configuration.
type Model struct {
	Config
}

// The model is a checker.Model and declares the optional interfaces it
// implements, so that a slip in a method signature fails the build
// instead of silently turning a capability off.
var (
	_ checker.Model[State]     = (*Model)(nil)
	_ checker.Formatter[State] = (*Model)(nil)
	_ checker.ActionFormatter  = (*Model)(nil)
)

// New builds the NIC model from parameters; bug is "" or a name from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	c := Config{
		Dagger: v.String("protocol") == "dagger",
		Flows:  v.Int("flows"), Conns: v.Int("conns"), Buffer: v.Int("buffer"), FIFODepth: v.Int("fifo"),
		Batch: v.Int("batch"), RPCs: v.Int("rpcs"), LB: v.String("lb"), Bug: bug, keys: 1,
	}
	if c.LB == "key-hash" {
		c.keys = Keys
	}
	if c.Batch > c.FIFODepth || c.Batch > c.Buffer {
		return nil, fmt.Errorf("%w batch=%d: a burst must fit in a flow FIFO (fifo=%d) and in the request buffer (buffer=%d), or a full batch could never form",
			spec.ErrParam, c.Batch, c.FIFODepth, c.Buffer)
	}
	if bug != "" {
		if !slices.ContainsFunc(Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
			return nil, fmt.Errorf("nic: unknown bug %q", bug)
		}
		if c.Dagger {
			return nil, fmt.Errorf("%w protocol=dagger: the bug catalogue mutates the credit protocol", spec.ErrParam)
		}
		switch {
		case bug == spec.BugNoFlush && c.Batch == 1:
			return nil, fmt.Errorf("%w batch=1: bug no-flush needs batch > 1 (with batch=1 there is no partial batch)", spec.ErrParam)
		case (bug == spec.BugRRWrapLate || bug == spec.BugRRWrapEarly) && c.LB != "round-robin":
			return nil, fmt.Errorf("%w lb=%s: bug %s mutates the round-robin balancer", spec.ErrParam, c.LB, bug)
		case bug == spec.BugRRWrapEarly && c.Flows == 1:
			return nil, fmt.Errorf("%w flows=1: bug rr-wrap-early needs flows > 1", spec.ErrParam)
		case bug == spec.BugRehashOnFull && c.LB != "key-hash":
			return nil, fmt.Errorf("%w lb=%s: bug rehash-on-full mutates the key-hash balancer", spec.ErrParam, c.LB)
		case bug == spec.BugResponseBalanced && c.LB == "static":
			return nil, fmt.Errorf("%w lb=static: bug response-balanced needs a policy that may send a request away from its connection's flow", spec.ErrParam)
		}
	}
	return &Model{Config: c}, nil
}

// Actions lists the model's action kinds.
func (m *Model) Actions() []checker.ActionKind { return actionKinds }

// Init: nothing has arrived, every buffer slot is free, every connection
// is open (set up before traffic starts) and every register is zero.
func (m *Model) Init() []State {
	return []State{{Free: uint8(1<<m.Buffer - 1), Open: uint8(1<<m.Conns - 1)}}
}

// Next enumerates every enabled action: the network's next arrival, the
// balancer's push of the oldest pending RPC, the TX scheduler's step at
// its flow, and the control plane's open and close of any connection id
// (and of the first id past the table).
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	m.arrive(s, emit)
	m.balance(s, emit)
	m.schedule(s, emit)
	m.control(s, emit)
}

// home is connection c's flow (its client_flow_id).
func (m *Model) home(c uint8) int { return int(c) % m.Flows }

// Encode writes the state's bytes for the buffer slots, flows,
// connections and keys in use.
func (m *Model) Encode(buf []byte, s State) []byte {
	buf = append(buf, s.Arrived, s.Free, s.NPending)
	for i := 0; i < m.Buffer; i++ {
		r := s.Slot[i]
		buf = append(buf, r.Conn, r.Response, r.Key)
	}
	buf = append(buf, s.Pending[:s.NPending]...)
	for f := 0; f < m.Flows; f++ {
		buf = append(buf, s.Len[f])
		buf = append(buf, s.FIFO[f][:s.Len[f]]...)
	}
	buf = append(buf, s.RR, s.Ptr, s.Aged, s.Open, s.Delivered, s.Requests)
	buf = append(buf, s.KeyFlow[:m.keys]...)
	return append(buf, s.Bad)
}

func emitAct(emit func(checker.Action, State), kind int, t State, args ...int) {
	emit(checker.Act(kind, args...), t)
}
