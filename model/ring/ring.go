package ring

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Bounds of the state's fixed-size arrays.
const (
	MaxFlows = 3
	MaxSlots = 8
	MaxBatch = 4
	MaxRPCs  = 8
)

// Params are the ring model's parameters.
var Params = []spec.Param{
	{Name: "dir", Default: "tx", Choices: []string{"tx", "rx"},
		Description: "which ring: tx (CPU produces, NIC polls and forwards) or rx (NIC produces, CPU polls and delivers)"},
	{Name: "protocol", Default: "credit", Choices: []string{"credit", "dagger"},
		Description: "credit (ours, docs/protocol.md) or dagger (as published)"},
	{Name: "flows", Default: "1", Min: 1, Max: MaxFlows, Description: "flows, each with its own ring"},
	{Name: "slots", Default: "2", Min: 1, Max: MaxSlots, Description: "64-byte slots per ring"},
	{Name: "rpcs", Default: "3", Min: 1, Max: MaxRPCs, Description: "RPCs each flow sends"},
	{Name: "batch", Default: "2", Min: 1, Max: MaxBatch, Description: "lines per NIC poll (tx); must divide slots"},
	{Name: "ids", Default: "16", Min: 1, Max: 16,
		Description: "rx: distinct rpc_id values before the counter wraps (response k carries k mod ids)"},
	{Name: "interface", Default: "coherent", Choices: []string{"coherent", "doorbell", "mmio"},
		Description: "tx: how the CPU hands RPCs to the NIC: coherent (the NIC polls the ring), doorbell (batch slots, then one MMIO doorbell; the NIC DMA-reads them) or mmio (one wide store per RPC into the NIC's window; needs slots=1)"},
}

// TLAConstants are the constants of tla/Ring.tla that give these
// parameters, the first the one every config of the spec sets.
var TLAConstants = []spec.TLAConstant{
	{Name: "RX", Param: "dir", Bool: [2]string{"tx", "rx"}},
	{Name: "Dagger", Param: "protocol", Bool: [2]string{"credit", "dagger"}},
	{Name: "Flows", Param: "flows"}, {Name: "Slots", Param: "slots"}, {Name: "RPCs", Param: "rpcs"},
	{Name: "Batch", Param: "batch"}, {Name: "IDs", Param: "ids"},
	{Name: "Interface", Param: "interface", String: true},
}

// Bugs is the model's catalogue (spec.RingBugs): mutations, each caught
// by the property it names.
var Bugs = spec.RingBugs

// rxBugs are the bugs that apply to the RX ring; the others apply to TX.
var rxBugs = []string{spec.BugRXEarlyCredit, spec.BugRXNoPhase}

// Line is one 64-byte slot as memory holds it. Payload contents are
// abstracted to the number of the RPC that wrote them, so a torn line is
// one whose header and arguments name different RPCs.
type Line struct {
	Valid uint8 // the valid bit
	Flag  uint8 // dagger: update_flag; credit: the lap's phase
	Hdr   uint8 // the RPC whose header the line holds, plus one (0: none yet)
	Args  uint8 // the RPC whose arguments the line holds, plus one
}

// Flow is one flow's ring with its producer and consumer state, and the
// history the properties judge.
type Flow struct {
	Ring [MaxSlots]Line
	// Producer.
	Sent  uint8 // RPCs whose write has begun
	Store uint8 // the next store of the RPC being written (0: none in progress)
	// Consumer.
	Seen   [MaxSlots]uint8 // dagger: tx NIC seen bits; rx host's last rpc_id+1 per slot
	Next   uint8           // RPCs consumed at the ring's position (its tail)
	Credit uint8           // the consumer's credit line, as last published
	Load   uint8           // rx host: its next load of the line being read (0: none)
	Got    Line            // rx host: what its loads returned so far
	// History, for the properties.
	Taken uint8 // bit r: RPC r has been consumed
	Last  uint8 // the RPC consumed most recently, plus one
	// Other interfaces.
	Rung    uint8 // doorbell: RPCs announced to the NIC by doorbells
	Arrived uint8 // mmio: writes into the NIC's window not yet taken
}

// State is the whole ring model's state.
type State struct {
	F [MaxFlows]Flow
	// The tx NIC poller: the batch it is reading and what it has read.
	PollFlow, PollSlot, PollRead uint8
	Buf                          [MaxBatch]Line
	// Seen-state writes not yet landed (dagger, late-seen): flow, slots
	// (or a count, for late-seen) and the values to write.
	PendFlow, PendMask, PendVal uint8
	// Bad holds a bit for each safety property a step has broken.
	Bad uint8
}

// Property bits of State.Bad.
const (
	badDuplicate = 1 << iota
	badTorn
	badOverwrite
	badLoss
	badOrder
)

// Config is a parsed ring configuration.
type Config struct {
	RX                        bool
	Dagger                    bool
	Flows, Slots, RPCs, Batch int
	IDs                       int
	Interface                 string
	Bug                       string
}

// Model is the ring model for one configuration.
type Model struct {
	Config
	kinds []checker.ActionKind
	// act maps each action name to its kind's index in this
	// configuration (-1: not an action here). An array indexed by a
	// constant, not a map by name, because Next consults it for every
	// successor.
	act [numActNames]int
}

// The model is a checker.Model and declares the optional interfaces it
// implements, so that a slip in a method signature fails the build
// instead of silently turning a capability off.
var (
	_ checker.Model[State]      = (*Model)(nil)
	_ checker.Formatter[State]  = (*Model)(nil)
	_ checker.Meter[State]      = (*Model)(nil)
	_ checker.Screened[State]   = (*Model)(nil)
	_ checker.Terminator[State] = (*Model)(nil)
	_ checker.PlainStates       = (*Model)(nil)
)

// New builds the ring model from parameters; bug is "" or a name from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	c := Config{
		RX: v.String("dir") == "rx", Dagger: v.String("protocol") == "dagger",
		Flows: v.Int("flows"), Slots: v.Int("slots"), RPCs: v.Int("rpcs"), Batch: v.Int("batch"),
		IDs: v.Int("ids"), Interface: v.String("interface"), Bug: bug,
	}
	switch {
	case c.Interface != "coherent" && c.RX:
		return nil, fmt.Errorf("%w interface=%s: the interface is how the CPU hands RPCs to the NIC, so it needs dir=tx", spec.ErrParam, c.Interface)
	case c.Interface == "mmio" && (c.Slots != 1 || c.Batch != 1):
		return nil, fmt.Errorf("%w interface=mmio: the NIC's MMIO window holds one RPC per flow, so it needs slots=1 batch=1", spec.ErrParam)
	case c.Interface != "coherent" && bug != "" && bug != spec.BugCreditOverrun:
		// Behind a doorbell or in an MMIO window no poll can fall between
		// the producer's stores, so only the admission bug shows there.
		return nil, fmt.Errorf("%w interface=%s: bug %s mutates the coherent ring's stores or poller", spec.ErrParam, c.Interface, bug)
	}
	if c.Slots%c.Batch != 0 {
		return nil, fmt.Errorf("%w batch=%d: must divide slots=%d (a poll reads whole batches of a ring)", spec.ErrParam, c.Batch, c.Slots)
	}
	if bug != "" {
		if !slices.ContainsFunc(Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
			return nil, fmt.Errorf("ring: unknown bug %q", bug)
		}
		if c.Dagger {
			return nil, fmt.Errorf("%w protocol=dagger: the bug catalogue mutates the credit protocol", spec.ErrParam)
		}
		if rx := slices.Contains(rxBugs, bug); rx != c.RX {
			dir := map[bool]string{true: "rx", false: "tx"}[rx]
			return nil, fmt.Errorf("%w dir=%s: bug %s applies to dir=%s", spec.ErrParam, v.String("dir"), bug, dir)
		}
	}
	m := &Model{Config: c}
	for i := range m.act {
		m.act[i] = -1
	}
	for _, k := range m.actionKinds() {
		i := slices.Index(actNames[:], k.Name)
		if i < 0 {
			panic("ring: action " + k.Name + " missing from actNames")
		}
		m.act[i] = len(m.kinds)
		m.kinds = append(m.kinds, k)
	}
	return m, nil
}

func (m *Model) actionKinds() []checker.ActionKind {
	f := []string{"flow"}
	if m.RX {
		kinds := []checker.ActionKind{{Name: "nic-write", Params: f}, {Name: "load-header", Params: f}, {Name: "load-args", Params: f}}
		if !m.Dagger {
			kinds = append(kinds, checker.ActionKind{Name: "recheck", Params: f}, checker.ActionKind{Name: "return-credit", Params: f})
		}
		return kinds
	}
	var kinds []checker.ActionKind
	add := func(names ...string) {
		for _, n := range names {
			if n == "poll-line" {
				kinds = append(kinds, checker.ActionKind{Name: n, Params: []string{"flow", "slot"}})
			} else {
				kinds = append(kinds, checker.ActionKind{Name: n, Params: f})
			}
		}
	}
	switch m.Interface {
	case "mmio":
		if m.Dagger {
			add("mmio-write-lo", "mmio-write-hi")
		} else {
			add("mmio-write")
		}
		add("mmio-take")
	default:
		add("write-header", "write-args", "fence")
		if m.Dagger {
			add("write-valid")
		}
		if m.Interface == "doorbell" {
			add("doorbell", "dma-read")
		} else {
			add("poll-line", "process")
		}
	}
	if !m.Dagger {
		add("return-credit")
	}
	return kinds
}

// Actions lists the action kinds of this configuration.
func (m *Model) Actions() []checker.ActionKind { return m.kinds }

// Init: empty rings, nothing sent.
func (m *Model) Init() []State { return []State{{}} }

// Next enumerates every enabled action. The helpers take s by pointer
// and build most successors in s itself, undoing each change after emit
// has copied the successor: a State is 182 bytes, and copying it for
// every successor (and again into every helper) was a fifth of the
// checker's time on the larger configurations. s is Next's own copy, so
// the caller's state is never touched.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	if m.RX {
		m.nextRX(&s, emit)
	} else {
		m.nextTX(&s, emit)
	}
}

// phase is the flag value the lap of RPC k carries: 1 on the first lap,
// then alternating, like Dagger's toggle bits (which start at 1).
func (m *Model) phase(k int) uint8 { return uint8((k/m.Slots + 1) % 2) }

// consume records that the consumer of flow f took line l, judging the
// safety properties.
func (m *Model) consume(s *State, f int, l Line) {
	fl := &s.F[f]
	if l.Hdr != l.Args || l.Hdr == 0 {
		s.Bad |= badTorn
	}
	r := l.Hdr - 1
	if l.Hdr == 0 {
		return
	}
	if fl.Taken&(1<<r) != 0 {
		s.Bad |= badDuplicate // a duplicate is that, not also a reordering
	} else if l.Hdr != fl.Last+1 {
		s.Bad |= badOrder
	}
	fl.Taken |= 1 << r
	fl.Last = l.Hdr
}

// overwrite judges the producer's first store of RPC k into its slot:
// the slot's occupant, RPC k-slots, must have been consumed; if it has
// not, and the consumer holds no complete copy (held), it is lost.
func (m *Model) overwrite(s *State, f, k int, held func(r uint8) bool) {
	if k < m.Slots {
		return
	}
	o := uint8(k - m.Slots)
	if s.F[f].Taken&(1<<o) != 0 {
		return
	}
	s.Bad |= badOverwrite
	if !held(o + 1) {
		s.Bad |= badLoss
	}
}

// PlainStates lets the checker fingerprint a state by its memory instead
// of Encode: State is bytes only, without padding, and the flows, slots
// and batch lines that the configuration does not use are never written,
// so they stay zero and two reachable states have equal bytes exactly
// when they encode equally.
func (m *Model) PlainStates() bool { return true }

// Encode writes the state's bytes for the flows and slots in use.
func (m *Model) Encode(buf []byte, s State) []byte {
	for f := 0; f < m.Flows; f++ {
		fl := &s.F[f]
		for i := 0; i < m.Slots; i++ {
			l := fl.Ring[i]
			buf = append(buf, l.Valid, l.Flag, l.Hdr, l.Args, fl.Seen[i])
		}
		buf = append(buf, fl.Sent, fl.Store, fl.Next, fl.Credit, fl.Load,
			fl.Got.Valid, fl.Got.Flag, fl.Got.Hdr, fl.Got.Args, fl.Taken, fl.Last, fl.Rung, fl.Arrived)
	}
	buf = append(buf, s.PollFlow, s.PollSlot, s.PollRead)
	for i := 0; i < m.Batch; i++ {
		l := s.Buf[i]
		buf = append(buf, l.Valid, l.Flag, l.Hdr, l.Args)
	}
	return append(buf, s.PendFlow, s.PendMask, s.PendVal, s.Bad)
}

// actName names an action independently of the configuration; Model.act
// turns it into the configuration's action kind.
type actName uint8

const (
	aWriteHeader actName = iota
	aWriteArgs
	aFence
	aWriteValid
	aDoorbell
	aDMARead
	aPollLine
	aProcess
	aReturnCredit
	aMMIOWriteLo
	aMMIOWriteHi
	aMMIOWrite
	aMMIOTake
	aNICWrite
	aLoadHeader
	aLoadArgs
	aRecheck
	numActNames
)

var actNames = [numActNames]string{"write-header", "write-args", "fence", "write-valid", "doorbell", "dma-read", "poll-line", "process", "return-credit", "mmio-write-lo", "mmio-write-hi", "mmio-write", "mmio-take", "nic-write", "load-header", "load-args", "recheck"}

func (m *Model) emit(emit func(checker.Action, State), kind actName, t State, args ...int) {
	emit(checker.Act(m.act[kind], args...), t)
}
