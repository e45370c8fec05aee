package ring

import (
	"fmt"
	"sync"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// EventKind is what a recorded event says a ring did.
type EventKind uint8

const (
	// EventSend: the producer makes an RPC visible (its last store).
	EventSend EventKind = iota + 1
	// EventTake: the consumer took RPCs (one poll, or one host read).
	EventTake
	// EventCredit: the consumer publishes its credit.
	EventCredit
)

// String: "send", "take", "credit".
func (k EventKind) String() string {
	switch k {
	case EventSend:
		return "send"
	case EventTake:
		return "take"
	case EventCredit:
		return "credit"
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is one thing a ring did that an observer outside could see: the
// lines sent or taken (whole, as stored or as read: a torn read shows as
// a line whose header and arguments belong to different RPCs), or the
// credit published. Flow is the index the ring was attached with.
type Event struct {
	Kind   EventKind
	Flow   int
	Lines  []slot.Line // send: the line stored; take: the lines taken, in order
	Credit uint64      // credit: the value published
}

// Recorder collects the events of free-running rings (Ring.Record), for
// `daggercheck validate` to explain with a model behaviour.
//
// The order of the log is a linearization the model can follow. A send is
// appended in one critical section with the store that makes the RPC
// visible (its last), and a credit in one with the store that publishes
// it; a take is appended after the loads it took. So no logged event can
// fall between an event and the store it announces: whatever a side saw
// before that store (the old line, the old credit) it saw before the
// event too, in the log's order, and whatever it saw after, after. (Logging
// just before the store would leave a window in which the other side reads
// the old value, logs something of its own, and leaves the model no order
// that explains both.) The earlier stores of a send and the polls that
// find nothing are not recorded: the model supplies them as internal
// steps.
//
// Recording costs a mutex per event while attached and one nil check per
// step when not.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{} }

func (rec *Recorder) add(e Event) {
	rec.mu.Lock()
	rec.events = append(rec.events, e)
	rec.mu.Unlock()
}

// Events returns a copy of the events recorded so far, in log order.
func (rec *Recorder) Events() []Event {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := make([]Event, len(rec.events))
	copy(out, rec.events)
	return out
}

// Record attaches rec to the ring, whose events carry flow; nil detaches.
// Call it before the ring's producer and consumer start.
func (r *Ring) Record(rec *Recorder, flow int) {
	r.rec, r.flow = rec, flow
}
