package coherence

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Bounds of the state's fixed-size arrays.
const (
	MaxLines  = 3
	MaxValues = 3
	MaxWrites = 4
	// MaxMsgs bounds the network. Per line at most eight messages are in
	// flight: each cache has one request or write-back and one response
	// outstanding, and the home has at most a grant, a snoop or
	// invalidation, and a write-back acknowledgement towards each cache —
	// and never all of them at once.
	MaxMsgs = 8 * MaxLines
)

// Params are the coherence model's parameters.
var Params = []spec.Param{
	{Name: "lines", Default: "1", Min: 1, Max: MaxLines,
		Description: "cache lines, each with its own directory entry and memory word"},
	{Name: "values", Default: "2", Min: 1, Max: MaxValues,
		Description: "distinct values a store may write (memory starts at 0)"},
	{Name: "writes", Default: "2", Min: 1, Max: MaxWrites,
		Description: "stores each cache may perform in all (a store miss reserves one)"},
	{Name: "protocol", Default: "mesi", Choices: []string{"mesi", "msi"},
		Description: "mesi (a lone reader gets the line Exclusive and may write it silently) or msi"},
	{Name: "channels", Default: "unordered", Choices: []string{"unordered", "ordered"},
		Description: "unordered (any message in flight may arrive next) or ordered (FIFO per source, destination and network: requests and responses to the home travel apart)"},
}

// TLAConstants are the constants of tla/Coherence.tla that give these
// parameters, the first the one every config of the spec sets.
var TLAConstants = []spec.TLAConstant{
	{Name: "Lines", Param: "lines"}, {Name: "Values", Param: "values"}, {Name: "Writes", Param: "writes"},
	{Name: "MSI", Param: "protocol", Bool: [2]string{"mesi", "msi"}},
	{Name: "Ordered", Param: "channels", Bool: [2]string{"unordered", "ordered"}},
}

// Bugs is the model's catalogue (spec.CoherenceBugs): mutations, each caught
// by the property it names.
var Bugs = spec.CoherenceBugs

// LineState is a cache's state for one line: the stable MESI states and
// the transient states of a cache waiting for the home (named as in Sorin,
// Hill and Wood's primer: IS_D is "was I, going to S, waiting for Data").
type LineState uint8

const (
	I   LineState = iota
	S             // shared: may load
	E             // exclusive clean (MESI): may load, may store silently
	M             // modified: may load and store
	ISd           // IS_D: sent GetS, waiting for data
	IMd           // IM_D: sent GetM, waiting for data
	SMa           // SM_A: sent Upg from S, waiting for the grant; may still load
	MIa           // MI_A: sent PutM, waiting for PutAck; answers snoops
	EIa           // EI_A: sent PutE, waiting for PutAck; answers snoops
	SIa           // SI_A: sent PutS, waiting for PutAck; answers invalidations
	IIa           // II_A: lost the line while its write-back was in flight
	numLineStates
)

var lineStateNames = [numLineStates]string{"I", "S", "E", "M", "IS_D", "IM_D", "SM_A", "MI_A", "EI_A", "SI_A", "II_A"}

func (st LineState) String() string {
	if st >= numLineStates {
		return fmt.Sprintf("state(%d)", uint8(st))
	}
	return lineStateNames[st]
}

// readable: a load hits.
func (st LineState) readable() bool { return st == S || st == E || st == M || st == SMa }

// hasData: the cache keeps the line's value (to read it or to answer a
// snoop); in every other state CacheLine.Val is 0.
func (st LineState) hasData() bool { return st.readable() || st == MIa || st == EIa }

// transient: a request or write-back of this cache is outstanding.
func (st LineState) transient() bool { return st >= ISd }

// CacheLine is one cache's copy of one line.
type CacheLine struct {
	St  LineState
	Val uint8
}

// DirState is the home's record of a line.
type DirState uint8

const (
	DirI  DirState = iota // no cache holds the line; memory is current
	DirS                  // Holders share it read-only; memory is current
	DirEM                 // one cache (Holders) owns it, Exclusive or Modified: the home cannot tell
)

// Busy says what the home is waiting for on a line. While it waits it
// leaves every request and write-back for the line in the network and
// takes only the awaited response from the other cache.
type Busy uint8

const (
	Idle        Busy = iota
	WaitFwdS         // serving GetS: sent FwdGetS to the owner, waits for its data
	WaitFwdM         // serving GetM: sent FwdGetM to the owner, waits for its data
	WaitInvGetM      // serving GetM: sent Inv to the sharer, waits for InvAck
	WaitInvUpg       // serving Upg: sent Inv to the other sharer, waits for InvAck
)

// DirLine is the home's directory entry and memory word for one line.
type DirLine struct {
	St      DirState
	Holders uint8 // bit c: cache c shares (DirS) or owns (DirEM) the line
	Mem     uint8
	Busy    Busy
	Req     uint8 // the cache whose request a busy home serves (0 when idle)
}

// State is the whole system: both caches, the home, the network and the
// ghost variables the properties judge.
type State struct {
	Cache [2][MaxLines]CacheLine
	Dir   [MaxLines]DirLine
	// Net holds the N messages in flight in canonical order (see send).
	Net [MaxMsgs]Msg
	N   uint8
	// Writes are the stores each cache may still perform; a store miss
	// reserves its store when it is issued.
	Writes [2]uint8
	// Ghosts. Last is the value last written to each line, Writer who
	// wrote it (0 nobody, 1 cpu, 2 nic); Seen bit c: cache c has read a
	// value the other cache wrote; Bad holds a bit for each safety
	// property a step broke.
	Last   [MaxLines]uint8
	Writer [MaxLines]uint8
	Seen   uint8
	Bad    uint8
}

// Bits of State.Bad.
const (
	badStale      = 1 << iota // a load returned a value other than the last one written
	badUnexpected             // a message arrived in a state that has no transition for it
)

// Config is a parsed coherence configuration.
type Config struct {
	Lines, Values, Writes int
	MSI                   bool
	Ordered               bool
	Bug                   string
}

// Model is the coherence model for one configuration.
type Model struct {
	Config
}

// The model is a checker.Model and declares the optional interfaces it
// implements, so that a slip in a method signature fails the build
// instead of silently turning a capability off.
var (
	_ checker.Model[State]      = (*Model)(nil)
	_ checker.Formatter[State]  = (*Model)(nil)
	_ checker.ActionFormatter   = (*Model)(nil)
	_ checker.Terminator[State] = (*Model)(nil)
)

// New builds the coherence model from parameters; bug is "" or a name
// from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	c := Config{
		Lines: v.Int("lines"), Values: v.Int("values"), Writes: v.Int("writes"),
		MSI: v.String("protocol") == "msi", Ordered: v.String("channels") == "ordered", Bug: bug,
	}
	if bug != "" && !slices.ContainsFunc(Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
		return nil, fmt.Errorf("coherence: unknown bug %q", bug)
	}
	if bug == spec.BugSingleVNet && !c.Ordered {
		return nil, fmt.Errorf("%w channels=%s: bug single-vnet needs channels=ordered", spec.ErrParam, v.String("channels"))
	}
	return &Model{Config: c}, nil
}

// Action kinds.
const (
	actLoad = iota
	actStore
	actLoadMiss
	actStoreMiss
	actEvict
	actHomeRecv
	actCacheRecv
)

// fairKinds are the action kinds the liveness property assumes weakly fair:
// message delivery. Fairness is per action, and a receive action's
// arguments name the message, so each message that stays deliverable is
// eventually received. The caches' own actions need no fairness: a cache
// may stop loading, storing and evicting at any time.
var fairKinds = []string{"home-recv", "cache-recv"}

// Actions lists the action kinds. A receive's msg argument is the
// message's MsgType; its last argument is the data it carries, or, for a
// grant that completes a store miss, the value stored.
func (m *Model) Actions() []checker.ActionKind {
	return []checker.ActionKind{
		{Name: "load", Params: []string{"cache", "line"}},
		{Name: "store", Params: []string{"cache", "line", "value"}},
		{Name: "load-miss", Params: []string{"cache", "line"}},
		{Name: "store-miss", Params: []string{"cache", "line"}},
		{Name: "evict", Params: []string{"cache", "line"}},
		{Name: "home-recv", Params: []string{"from", "msg", "line", "data"}},
		{Name: "cache-recv", Params: []string{"cache", "msg", "line", "value"}},
	}
}

// Init: every line invalid everywhere, memory 0, no message in flight.
func (m *Model) Init() []State {
	s := State{Writes: [2]uint8{uint8(m.Writes), uint8(m.Writes)}}
	return []State{s}
}

// Next enumerates every enabled action: each cache's loads, stores,
// misses and evictions, then the receipt of each deliverable message.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	for c := 0; c < 2; c++ {
		for l := 0; l < m.Lines; l++ {
			m.cacheSteps(s, c, l, emit)
		}
	}
	for i := 0; i < int(s.N); i++ {
		if !m.deliverable(&s, i) {
			continue
		}
		if s.Net[i].To == Home {
			m.homeRecv(s, i, emit)
		} else {
			m.cacheRecv(s, i, emit)
		}
	}
}

// read records a load by cache c of value v on line l: the data-value
// invariant is judged here, on what the load returns.
func read(s *State, c, l int, v uint8) {
	if v != s.Last[l] {
		s.Bad |= badStale
		return
	}
	if s.Writer[l] == uint8(other(c)+1) {
		s.Seen |= 1 << c
	}
}

// write records a store by cache c of value v on line l.
func write(s *State, c, l int, v uint8) {
	s.Cache[c][l] = CacheLine{St: M, Val: v}
	s.Last[l] = v
	s.Writer[l] = uint8(c + 1)
}

// Encode writes the bytes of the lines in use, the counters and ghosts,
// and the messages in flight (already in canonical order).
func (m *Model) Encode(buf []byte, s State) []byte {
	for l := 0; l < m.Lines; l++ {
		d := s.Dir[l]
		buf = append(buf,
			uint8(s.Cache[0][l].St), s.Cache[0][l].Val, uint8(s.Cache[1][l].St), s.Cache[1][l].Val,
			uint8(d.St), d.Holders, d.Mem, uint8(d.Busy), d.Req, s.Last[l], s.Writer[l])
	}
	buf = append(buf, s.Writes[0], s.Writes[1], s.Seen, s.Bad, s.N)
	for _, x := range s.Net[:s.N] {
		buf = append(buf, x.From, x.To, uint8(x.Type), x.Line, x.Val)
	}
	return buf
}

// Terminal: all stores done and the protocol at rest (no message in
// flight, no cache waiting). A cache at rest can always load or miss, so
// such a state never lacks an action; this only documents what a legal
// end would be.
func (m *Model) Terminal(s State) bool {
	if s.N != 0 || s.Writes != [2]uint8{} {
		return false
	}
	for c := 0; c < 2; c++ {
		for l := 0; l < m.Lines; l++ {
			if s.Cache[c][l].St.transient() {
				return false
			}
		}
	}
	return true
}
