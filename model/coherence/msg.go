package coherence

import (
	"fmt"

	"github.com/daggercheck/daggercheck/spec"
)

// Agents. The two caches are numbered 0 and 1 wherever a cache is meant
// (action arguments, Holders bits, State.Cache); the home is agent 2.
const (
	CPU  = 0
	NIC  = 1
	Home = 2
)

var agentNames = [...]string{"cpu", "nic", "home"}

func other(c int) int { return 1 - c }

// MsgType is the kind of a protocol message.
type MsgType uint8

const (
	// Cache to home, on the request network.
	GetS MsgType = iota + 1 // read-shared (load miss)
	GetM                    // read for ownership (store miss in I)
	Upg                     // upgrade S to M (store miss in S); no data needed
	PutS                    // write-back of a clean shared copy (eviction)
	PutE                    // write-back of a clean exclusive copy (eviction, MESI)
	PutM                    // write-back of dirty data (eviction)
	// Cache to home, on the response network.
	InvAck    // the cache dropped its shared copy
	SnoopResp // the owner's data, answering FwdGetS or FwdGetM
	SnoopAck  // a snoop answered without data (only under bug lost-writeback)
	// Home to cache.
	DataS   // data, shared
	DataE   // data, exclusive clean (MESI)
	DataM   // data, modifiable
	UpgAck  // the upgrade is granted: the sharer may write its copy
	Inv     // drop your shared copy and acknowledge
	FwdGetS // owner: send me the data and keep a shared copy
	FwdGetM // owner: send me the data and drop your copy
	PutAck  // your write-back is done
	numMsgTypes
)

var msgNames = [numMsgTypes]string{"?", "GetS", "GetM", "Upg", "PutS", "PutE", "PutM",
	"InvAck", "SnoopResp", "SnoopAck", "DataS", "DataE", "DataM", "UpgAck", "Inv", "FwdGetS", "FwdGetM", "PutAck"}

func (t MsgType) String() string {
	if t >= numMsgTypes {
		return fmt.Sprintf("msg(%d)", uint8(t))
	}
	return msgNames[t]
}

// carriesData reports whether messages of this type carry the line's data.
func (t MsgType) carriesData() bool {
	switch t {
	case PutM, SnoopResp, DataS, DataE, DataM:
		return true
	}
	return false
}

// request reports whether the type travels on the request network (the
// home may leave such a message waiting while the line is busy).
func (t MsgType) request() bool { return t >= GetS && t <= PutM }

// writeBack reports whether the type is an eviction's write-back.
func (t MsgType) writeBack() bool { return t == PutS || t == PutE || t == PutM }

// response reports whether the type is a cache's answer to the home.
func (t MsgType) response() bool { return t >= InvAck && t <= SnoopAck }

// Msg is one message in flight. Val is the data it carries (0 for types
// that carry none), so that equal messages are equal values.
type Msg struct {
	From, To uint8 // agents
	Type     MsgType
	Line     uint8
	Val      uint8
}

// String is the message on one line: "GetM cpu->home line0",
// "PutM(2) nic->home line1".
func (x Msg) String() string {
	typ := x.Type.String()
	if x.Type.carriesData() {
		typ = fmt.Sprintf("%s(%d)", typ, x.Val)
	}
	return fmt.Sprintf("%s %s->%s line%d", typ, agentNames[x.From], agentNames[x.To], x.Line)
}

// key orders messages totally; unordered channels keep the network sorted
// by it, so that equal multisets are equal states.
func (x Msg) key() uint64 {
	return uint64(x.From)<<32 | uint64(x.To)<<24 | uint64(x.Type)<<16 | uint64(x.Line)<<8 | uint64(x.Val)
}

// channel names the FIFO an ordered message travels in: its source, its
// destination and, towards the home, its network (requests or responses).
func (m *Model) channel(x Msg) int {
	vnet := 0
	if x.Type.response() && m.Bug != spec.BugSingleVNet {
		vnet = 1
	}
	return int(x.From)*8 + int(x.To)*2 + vnet
}

// send puts x into the network. Unordered, the network is a multiset kept
// sorted by key. Ordered, messages are grouped by channel (groups sorted
// by channel) and each group is its FIFO, oldest first. Either way the
// array is the canonical form of what is in flight.
func (m *Model) send(s *State, x Msg) {
	if int(s.N) == MaxMsgs {
		panic("coherence: more than MaxMsgs messages in flight; the protocol keeps at most 8 per line")
	}
	pos := int(s.N)
	for i := 0; i < int(s.N); i++ {
		if m.Ordered && m.channel(s.Net[i]) > m.channel(x) || !m.Ordered && s.Net[i].key() > x.key() {
			pos = i
			break
		}
	}
	copy(s.Net[pos+1:s.N+1], s.Net[pos:s.N])
	s.Net[pos] = x
	s.N++
}

// remove takes message i out of the network.
func remove(s *State, i int) {
	copy(s.Net[i:s.N], s.Net[i+1:s.N])
	s.N--
	s.Net[s.N] = Msg{}
}

// deliverable reports whether message i may be received now (if its
// receiver does not leave it waiting): any message of an unordered network
// (the first of equal ones: delivering either gives the same state), the
// oldest of its channel in an ordered one.
func (m *Model) deliverable(s *State, i int) bool {
	if i == 0 {
		return true
	}
	if m.Ordered {
		return m.channel(s.Net[i-1]) != m.channel(s.Net[i])
	}
	return s.Net[i-1] != s.Net[i]
}
