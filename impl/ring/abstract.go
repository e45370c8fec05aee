package ring

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// LineState is a line in the ring model's vocabulary: its valid bit, its
// flag (update_flag: Dagger's toggle or the credit phase) and which RPC
// its header word and its arguments belong to, as tags: the RPC's number
// plus one, 0 for nothing written yet (model/ring's Line.Hdr and Args).
type LineState struct {
	Valid bool
	Flag  uint8
	Hdr   uint32
	Args  uint32
}

// String is model/ring's Line.String: "empty", or
// "valid=1 flag=0 hdr=rpc2 args=rpc0".
func (l LineState) String() string {
	if l == (LineState{}) {
		return "empty"
	}
	v := 0
	if l.Valid {
		v = 1
	}
	return fmt.Sprintf("valid=%d flag=%d hdr=%s args=%s", v, l.Flag, tagName(l.Hdr), tagName(l.Args))
}

func tagName(t uint32) string {
	if t == 0 {
		return "-"
	}
	return fmt.Sprintf("rpc%d", t-1)
}

// Tagger says which RPC a header word and a line's arguments belong to.
// DefaultTags reads the tag from rpc_id and from the first four argument
// bytes, so a replay sends model RPC k with rpc_id = k+1 and args[0:4] =
// k+1 (little-endian). A replay whose rpc_ids wrap (the RX model's `ids`)
// supplies its own, reading, say, frame_id.
type Tagger struct {
	Header func(slot.HeaderWord) uint32
	Args   func(*slot.Line) uint32
}

// DefaultTags: header tag = rpc_id, arguments tag = args[0:4].
var DefaultTags = Tagger{
	Header: func(h slot.HeaderWord) uint32 { return h.RPCID() },
	Args:   func(l *slot.Line) uint32 { return l.ArgsTag() },
}

// State is the line in the model's vocabulary, naming RPCs with t.
func (t Tagger) State(l *slot.Line) LineState { return t.line(l) }

func (t Tagger) line(l *slot.Line) LineState {
	h := l.Header()
	return LineState{Valid: h.Valid(), Flag: h.Flag(), Hdr: t.Header(h), Args: t.Args(l)}
}

// PolledLine is a line in the poller's buffer.
type PolledLine struct {
	Slot int
	Line LineState
}

// State is the ring's abstract state, in the model's vocabulary, for a
// replay to compare with model/ring's state after every step.
type State struct {
	Lines []LineState // the slots as memory holds them
	// Producer.
	Sent      uint64 // RPCs admitted (model: cpu.sent / nic.sent)
	NextStore Store  // its next store; StoreNone when idle (cpu.next-store)
	// The credit line (model: nic.credit / host.credit).
	Credit uint64
	// Consumer.
	Next        uint64       // RPCs consumed (nic.next / host.next)
	Seen        []uint8      // SeenBits: the poller's seen bits (nic.seen)
	PendingSeen []int8       // SeenBits+LateSeen: seen writes not landed, -1 none
	PendingNext int64        // LateSeen (credit): consumed count not landed
	LastID      []int64      // RxIDFreshness: last rpc_id taken per slot, -1 none
	Read        []PolledLine // the poller's buffer (nic.read)
	Load        Load         // the host's next load (host.load)
	Got         LineState    // what the host's loads returned (host.got); Args 0 before LoadArgs
	// The NIC's register line.
	Interface Interface
	Rung      uint64 // Doorbell: RPCs announced by doorbells (nic.rung)
	Arrived   uint64 // MMIO: writes arrived in the window and not yet taken (nic.arrived)
}

// Abstract is AbstractWith(DefaultTags).
func (r *Ring) Abstract() State { return r.AbstractWith(DefaultTags) }

// AbstractWith returns the ring's abstract state, naming RPCs with t. Step
// mode only: it reads the producer's and consumer's private state, so it
// must not run while the free-running driver does.
func (r *Ring) AbstractWith(t Tagger) State {
	p, c := r.prod, r.cons
	s := State{
		Sent: p.sent, NextStore: p.NextStore(), Credit: r.Credit(),
		Next: c.next, PendingNext: c.pendNext, Load: c.load, Interface: r.iface,
	}
	switch r.iface {
	case Doorbell:
		s.Rung = atomic.LoadUint64(&r.reg[0])
	case MMIO:
		s.Arrived = atomic.LoadUint64(&r.reg[0]) - c.next
	}
	for i := range r.slots {
		l := r.Line(i)
		s.Lines = append(s.Lines, t.line(&l))
	}
	if c.seen != nil {
		s.Seen = append([]uint8(nil), c.seen...)
		s.PendingSeen = append([]int8(nil), c.pendSeen...)
	}
	if c.lastID != nil {
		for i, id := range c.lastID {
			v := int64(-1)
			if c.haveID[i] {
				v = int64(id)
			}
			s.LastID = append(s.LastID, v)
		}
	}
	for i := range c.read {
		q := &c.read[i]
		s.Read = append(s.Read, PolledLine{Slot: q.slot, Line: t.line(&q.line)})
	}
	if c.load != LoadHeader {
		g := LineState{Valid: c.got.Header().Valid(), Flag: c.got.Header().Flag(), Hdr: t.Header(c.got.Header())}
		if c.load == LoadRecheck {
			g.Args = t.Args(&c.got)
		}
		s.Got = g
	}
	return s
}

// String is one line: every slot, then the producer's and consumer's
// registers; parts that a ring's faults do not use are left out.
//
//	slot0=valid=1 flag=1 hdr=rpc0 args=rpc0 slot1=empty sent=1 next-store=- credit=0 next=0 read=[] load=header got=-
func (s State) String() string {
	var b strings.Builder
	for i, l := range s.Lines {
		fmt.Fprintf(&b, "slot%d=%s ", i, l)
	}
	fmt.Fprintf(&b, "sent=%d next-store=%s credit=%d next=%d", s.Sent, s.NextStore, s.Credit, s.Next)
	if s.Seen != nil {
		fmt.Fprintf(&b, " seen=%v pending-seen=%v", s.Seen, s.PendingSeen)
	}
	if s.PendingNext != 0 {
		fmt.Fprintf(&b, " pending-next=%+d", s.PendingNext)
	}
	if s.LastID != nil {
		fmt.Fprintf(&b, " last-rpc-id=%v", s.LastID)
	}
	switch s.Interface {
	case Doorbell:
		fmt.Fprintf(&b, " rung=%d", s.Rung)
	case MMIO:
		fmt.Fprintf(&b, " arrived=%d", s.Arrived)
	}
	var read []string
	for _, p := range s.Read {
		read = append(read, fmt.Sprintf("%d:%s", p.Slot, p.Line))
	}
	fmt.Fprintf(&b, " read=[%s] load=%s got=", strings.Join(read, "; "), s.Load)
	if s.Load == LoadHeader {
		b.WriteString("-")
	} else {
		b.WriteString(s.Got.String())
	}
	return b.String()
}
