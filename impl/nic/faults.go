package nic

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/spec"
)

// Faults are deliberate departures from the credit protocol: Dagger's
// published NIC (DaggerFaults, what ProfileDagger sets) and the mutations
// of model/nic's bug catalogue, so that the model's counterexamples replay
// on this code. The zero value is the credit protocol. Each field names
// the property of docs/properties.md (nic section) it breaks.
type Faults struct {
	// NoFlush: the TX scheduler waits for a whole batch for ever (Dagger;
	// bug no-flush). Breaks eventually-delivered when batch > 1.
	NoFlush bool
	// LeakOnOverflow: a full flow FIFO drops the index and never returns
	// its buffer slot (Dagger; bug leak-on-overflow). Breaks
	// buffer-conservation.
	LeakOnOverflow bool
	// DeliverAfterClose: the scheduler writes the queued RPCs of a
	// connection closed while they waited (Dagger never looks at the
	// table there; bug deliver-after-close). Breaks connection-safety.
	DeliverAfterClose bool
	// ResponseBalanced: responses go through the request balancer (bug
	// response-balanced). Breaks response-affinity.
	ResponseBalanced bool
	// StatusSwap: opening an open connection reports IsClosed, closing a
	// closed one AlreadyOpen (bug status-swap). Breaks connection-safety.
	StatusSwap bool
	// RRWrapLate: the round-robin counter wraps after flows, not flows-1
	// (bug rr-wrap-late). Breaks lb-in-range.
	RRWrapLate bool
	// RRWrapEarly: the counter wraps at flows-2 (bug rr-wrap-early).
	// Breaks round-robin-fair.
	RRWrapEarly bool
	// RehashOnFull: key-hash moves a request whose flow FIFO is full to
	// the next flow (bug rehash-on-full). Breaks key-affinity.
	RehashOnFull bool
}

// DaggerFaults is Dagger's NIC pipeline as published: whole batches
// only, a leaking overflow, no connection check at the scheduler.
var DaggerFaults = Faults{NoFlush: true, LeakOnOverflow: true, DeliverAfterClose: true}

// Bugs are the names of model/nic's bug catalogue, in its order.
var Bugs = []string{spec.BugResponseBalanced, spec.BugLeakOnOverflow, spec.BugNoFlush, spec.BugStatusSwap,
	spec.BugDeliverAfterClose, spec.BugRRWrapLate, spec.BugRRWrapEarly, spec.BugRehashOnFull}

// BugFaults maps a bug of model/nic's catalogue (by the model's name) to
// the fault that injects the same mutation; "" is no fault.
func BugFaults(name string) (Faults, error) {
	var f Faults
	switch name {
	case "":
	case spec.BugResponseBalanced:
		f.ResponseBalanced = true
	case spec.BugLeakOnOverflow:
		f.LeakOnOverflow = true
	case spec.BugNoFlush:
		f.NoFlush = true
	case spec.BugStatusSwap:
		f.StatusSwap = true
	case spec.BugDeliverAfterClose:
		f.DeliverAfterClose = true
	case spec.BugRRWrapLate:
		f.RRWrapLate = true
	case spec.BugRRWrapEarly:
		f.RRWrapEarly = true
	case spec.BugRehashOnFull:
		f.RehashOnFull = true
	default:
		return Faults{}, fmt.Errorf("%w: unknown bug %q", ErrConfig, name)
	}
	return f, nil
}

// or is the union of two fault sets.
func (f Faults) or(g Faults) Faults {
	return Faults{
		NoFlush: f.NoFlush || g.NoFlush, LeakOnOverflow: f.LeakOnOverflow || g.LeakOnOverflow,
		DeliverAfterClose: f.DeliverAfterClose || g.DeliverAfterClose, ResponseBalanced: f.ResponseBalanced || g.ResponseBalanced,
		StatusSwap: f.StatusSwap || g.StatusSwap, RRWrapLate: f.RRWrapLate || g.RRWrapLate,
		RRWrapEarly: f.RRWrapEarly || g.RRWrapEarly, RehashOnFull: f.RehashOnFull || g.RehashOnFull,
	}
}

// String lists the faults set by their bug names, comma-separated;
// "none" for the credit protocol.
func (f Faults) String() string {
	var on []string
	for _, x := range []struct {
		name string
		set  bool
	}{
		{"response-balanced", f.ResponseBalanced}, {"leak-on-overflow", f.LeakOnOverflow},
		{"no-flush", f.NoFlush}, {"status-swap", f.StatusSwap},
		{"deliver-after-close", f.DeliverAfterClose}, {"rr-wrap-late", f.RRWrapLate},
		{"rr-wrap-early", f.RRWrapEarly}, {"rehash-on-full", f.RehashOnFull},
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
