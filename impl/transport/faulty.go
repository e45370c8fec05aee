package transport

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Faults is a fault budget: how many of each fault a FaultyNetwork may
// still inject. A negative count is unlimited.
type Faults struct {
	Lose, Duplicate, Reorder, Delay int
}

// String: "lose=1 dup=0 reorder=-1 delay=2" (-1: unlimited).
func (f Faults) String() string {
	return fmt.Sprintf("lose=%d dup=%d reorder=%d delay=%d", f.Lose, f.Duplicate, f.Reorder, f.Delay)
}

// FaultConfig configures a FaultyNetwork.
type FaultConfig struct {
	// Seed1, Seed2 seed the network's PCG; the same seeds and the same
	// calls give the same faults.
	Seed1, Seed2 uint64
	// Probabilities, each per Step: Reorder that the frame taken is not
	// the oldest on its channel; then at most one of Lose (dropped),
	// Duplicate (delivered, and a copy left in flight at a random place)
	// and Delay (moved to the back of its channel, not delivered).
	Lose, Duplicate, Reorder, Delay float64
	// Budget bounds each fault; a fault whose budget is spent is not
	// injected. Zero means none of that kind; negative, unlimited.
	Budget Faults
	// Capacity bounds the frames in flight on each channel (default
	// 1024); a frame sent to a full channel is dropped and counted, as a
	// real network drops on a full queue.
	Capacity int
}

// NetCounters count what a FaultyNetwork did.
type NetCounters struct {
	Sent, Delivered, Lost, Duplicated, Reordered, Delayed, Overflow, Malformed uint64
}

// String is a stable one-line description.
func (c NetCounters) String() string {
	return fmt.Sprintf("sent=%d delivered=%d lost=%d duplicated=%d reordered=%d delayed=%d overflow=%d malformed=%d",
		c.Sent, c.Delivered, c.Lost, c.Duplicated, c.Reordered, c.Delayed, c.Overflow, c.Malformed)
}

// Event is what one Step did.
type Event struct {
	From, To string
	// Frame is the frame taken (zero if its bytes did not decode).
	Frame Frame
	// Delivered: the caller should now give Frame to To's endpoint.
	Delivered bool
	// Fault names the faults injected, joined by "+": "reorder", "lose",
	// "duplicate", "delay"; empty for none.
	Fault string
	// Err is the decode error of a malformed frame (not delivered).
	Err error
}

// String is a stable one-line description:
//
//	a->b data conn=0 seq=3 ... [reorder+duplicate]
func (e Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s->%s ", e.From, e.To)
	if e.Err != nil {
		fmt.Fprintf(&b, "malformed (%v)", e.Err)
	} else {
		b.WriteString(e.Frame.String())
	}
	if e.Fault != "" {
		fmt.Fprintf(&b, " [%s]", e.Fault)
	}
	return b.String()
}

type channel struct {
	from, to string
	frames   [][]byte
}

// FaultyNetwork is a seeded in-memory network for tests: it queues
// frames, as wire bytes, on one channel per (from, to) pair of named
// endpoints, and each Step takes one frame from a channel chosen at
// random and loses, duplicates, reorders or delays it according to the
// probabilities and the budget of its FaultConfig. All randomness comes
// from one math/rand/v2 PCG seeded explicitly, so a run is a function of
// the seeds and the sequence of calls. It starts no goroutine.
type FaultyNetwork struct {
	cfg      FaultConfig
	rng      *rand.Rand
	budget   Faults
	channels []*channel // in creation order, for determinism
	index    map[[2]string]*channel
	inFlight int
	c        NetCounters
}

// NewFaultyNetwork returns an empty network with cfg.
func NewFaultyNetwork(cfg FaultConfig) *FaultyNetwork {
	if cfg.Capacity <= 0 {
		cfg.Capacity = 1024
	}
	return &FaultyNetwork{
		cfg:    cfg,
		rng:    rand.New(rand.NewPCG(cfg.Seed1, cfg.Seed2)),
		budget: cfg.Budget,
		index:  make(map[[2]string]*channel),
	}
}

func (n *FaultyNetwork) channel(from, to string) *channel {
	k := [2]string{from, to}
	ch := n.index[k]
	if ch == nil {
		ch = &channel{from: from, to: to}
		n.index[k] = ch
		n.channels = append(n.channels, ch)
	}
	return ch
}

// Send puts f on the channel from->to, encoded; a frame that does not
// encode is returned as an error and not sent.
func (n *FaultyNetwork) Send(from, to string, f Frame) error {
	b, err := EncodeFrame(f)
	if err != nil {
		return err
	}
	n.SendBytes(from, to, b)
	return nil
}

// SendBytes puts raw bytes on the channel from->to, which need not be a
// valid frame (Step reports a malformed one).
func (n *FaultyNetwork) SendBytes(from, to string, b []byte) {
	ch := n.channel(from, to)
	n.c.Sent++
	if len(ch.frames) >= n.cfg.Capacity {
		n.c.Overflow++
		return
	}
	ch.frames = append(ch.frames, append([]byte(nil), b...))
	n.inFlight++
}

// InFlight is the number of frames queued on all channels.
func (n *FaultyNetwork) InFlight() int { return n.inFlight }

// Budget is the fault budget left.
func (n *FaultyNetwork) Budget() Faults { return n.budget }

// Counters returns what the network has done so far.
func (n *FaultyNetwork) Counters() NetCounters { return n.c }

// roll draws against probability p and the budget *left, spending one
// if it fires.
func (n *FaultyNetwork) roll(p float64, left *int) bool {
	if p <= 0 || *left == 0 || n.rng.Float64() >= p {
		return false
	}
	if *left > 0 {
		*left--
	}
	return true
}

// Step takes one frame off a non-empty channel chosen at random and
// returns what happened to it; ok is false when nothing is in flight.
func (n *FaultyNetwork) Step() (ev Event, ok bool) {
	if n.inFlight == 0 {
		return Event{}, false
	}
	k := n.rng.IntN(n.inFlight) // a channel weighted by its frames
	var ch *channel
	for _, c := range n.channels {
		if k < len(c.frames) {
			ch = c
			break
		}
		k -= len(c.frames)
	}
	var faults []string
	i := 0
	if len(ch.frames) > 1 && n.roll(n.cfg.Reorder, &n.budget.Reorder) {
		i = 1 + n.rng.IntN(len(ch.frames)-1)
		faults = append(faults, "reorder")
		n.c.Reordered++
	}
	b := ch.frames[i]
	ch.frames = append(ch.frames[:i], ch.frames[i+1:]...)
	n.inFlight--
	ev = Event{From: ch.from, To: ch.to}
	switch {
	case n.roll(n.cfg.Lose, &n.budget.Lose):
		faults = append(faults, "lose")
		n.c.Lost++
	case len(ch.frames) < n.cfg.Capacity && n.roll(n.cfg.Duplicate, &n.budget.Duplicate):
		faults = append(faults, "duplicate")
		n.c.Duplicated++
		j := n.rng.IntN(len(ch.frames) + 1)
		ch.frames = append(ch.frames[:j], append([][]byte{b}, ch.frames[j:]...)...)
		n.inFlight++
		ev.Delivered = true
	case n.roll(n.cfg.Delay, &n.budget.Delay):
		faults = append(faults, "delay")
		n.c.Delayed++
		ch.frames = append(ch.frames, b)
		n.inFlight++
	default:
		ev.Delivered = true
	}
	ev.Fault = strings.Join(faults, "+")
	ev.Frame, ev.Err = DecodeFrame(b)
	if ev.Err != nil {
		ev.Frame, ev.Delivered = Frame{}, false
		n.c.Malformed++
	} else if ev.Delivered {
		n.c.Delivered++
	}
	return ev, true
}
