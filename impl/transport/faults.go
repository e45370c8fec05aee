package transport

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/spec"
)

// ReliableFaults are deliberate mutations of Reliable: the bugs of model/system's
// catalogue whose component is the transport, so that the model's
// counterexamples replay on this code (bridge/dagger.Replay) and the
// conformance tests can be shown to catch them (bridge/system's mutation check).
// The zero value is the correct transport. Each field names the property
// of docs/properties.md (system section) it breaks.
type ReliableFaults struct {
	// NoDedup: the receiver does not de-duplicate: every data frame is
	// taken for the expected one, delivered if there is room and
	// acknowledged, and the next expected number becomes its number plus
	// one (bug no-dedup). Breaks at-most-once: a duplicate or a resend
	// of a delivered call runs again.
	NoDedup bool
	// AckBeforeDelivery: the receiver acknowledges the expected frame and
	// advances past it before it knows there is room; with no room the
	// frame is dropped although acknowledged, and never resent (bug
	// ack-before-delivery). Breaks exactly-once (the call is lost; the
	// model's checker reports the deadlock of its waiting client).
	AckBeforeDelivery bool
	// SeqNotAdvanced: the sender does not advance its sequence number
	// after an acknowledgement, so its next packet carries the number of
	// the packet just acknowledged; the receiver takes it for a
	// duplicate, acknowledges and drops it (bug seq-not-advanced).
	// Breaks exactly-once (the model: a deadlock; needs two calls).
	SeqNotAdvanced bool
	// RetransmitNewSeq: a retransmission renumbers every unacknowledged
	// frame past the last number sent, so the receiver cannot tell a
	// resend from a new packet (bug retransmit-new-seq). Breaks
	// at-most-once.
	RetransmitNewSeq bool
}

// Bugs are the names of model/system's bugs that mutate the transport, in
// the catalogue's order. The catalogue's fifth, response-misrouted, is a
// routing bug of the NIC (a response placed by a round-robin balancer
// instead of by its connection); impl/nic injects that one
// (its Faults.ResponseBalanced).
var Bugs = []string{spec.BugNoDedup, spec.BugAckBeforeDelivery, spec.BugSeqNotAdvanced, spec.BugRetransmitNewSeq}

// BugFaults maps a transport bug of model/system's catalogue (by the
// model's name) to the fault that injects the same mutation; "" is no
// fault. Another name is ErrConfig.
func BugFaults(name string) (ReliableFaults, error) {
	var f ReliableFaults
	switch name {
	case "":
	case spec.BugNoDedup:
		f.NoDedup = true
	case spec.BugAckBeforeDelivery:
		f.AckBeforeDelivery = true
	case spec.BugSeqNotAdvanced:
		f.SeqNotAdvanced = true
	case spec.BugRetransmitNewSeq:
		f.RetransmitNewSeq = true
	default:
		return ReliableFaults{}, fmt.Errorf("%w: unknown transport bug %q (the transport's are %s)", ErrConfig, name, strings.Join(Bugs, ", "))
	}
	return f, nil
}

// String lists the faults set by their bug names, comma-separated;
// "none" for the correct transport.
func (f ReliableFaults) String() string {
	var on []string
	for _, x := range []struct {
		name string
		set  bool
	}{
		{"no-dedup", f.NoDedup}, {"ack-before-delivery", f.AckBeforeDelivery},
		{"seq-not-advanced", f.SeqNotAdvanced}, {"retransmit-new-seq", f.RetransmitNewSeq},
	} {
		if x.set {
			on = append(on, x.name)
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, ",")
}
