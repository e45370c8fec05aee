package ring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/spec"
)

// Faults are deliberate departures from the credit protocol: Dagger's
// published behaviours, and the mutations of the ring model's bug
// catalogue, so that the model's counterexamples replay on this code. The
// zero value is the credit protocol. Each field names the property of
// docs/properties.md (ring section) that it breaks.
type Faults struct {
	// NoCredit: Dagger's producer admits every RPC without reading the
	// credit line, reusing a slot one lap later whether or not it was
	// consumed. Breaks no-overwrite and no-loss (and so
	// eventually-consumed).
	NoCredit bool
	// CreditOverrun (bug credit-overrun): the admission test is off by
	// one, k < credit+slots+1. Breaks no-overwrite.
	CreditOverrun bool
	// DaggerStores: Dagger's store order — header with update_flag (the
	// valid bit left as it is, so still 1 from the last lap), arguments,
	// fence, then valid = 1. Breaks no-torn-read on every lap after the
	// first: a poll between the header and the arguments sees a new
	// header over the previous RPC's arguments.
	DaggerStores bool
	// HeaderFirst (bug header-first): the credit header word (rpc_id,
	// phase, valid) is stored before the arguments. Breaks no-torn-read.
	HeaderFirst bool
	// SeenBits: Dagger's TX poller judges each polled line on its own —
	// new when valid and update_flag differs from the slot's seen bit —
	// and sets the seen bit to the flag. Breaks fifo-order (a poll that
	// reads slot i before its write and slot i+1 after forwards i+1 first).
	SeenBits bool
	// LateSeen: the bookkeeping of one Process (Dagger's seen bits; with
	// the credit protocol, bug late-seen, the consumed count) lands only
	// after the next Process's look-ups, the one-cycle read-after-write
	// hazard of Dagger's NIC. Breaks no-duplicate when a poll returns to
	// a line at once.
	LateSeen bool
	// EarlyCredit (bug early-credit): the poller returns the credit for a
	// fresh line as soon as PollLine reads it, before Process copies it
	// out. Breaks no-overwrite.
	EarlyCredit bool
	// IgnorePhase (bugs phase-stuck, rx-no-phase): any valid line at the
	// consumer's position is fresh, whatever its phase. Breaks
	// no-duplicate (an old occupant is taken again).
	IgnorePhase bool
	// RxIDFreshness: Dagger's RX host takes a line as new when its rpc_id
	// differs from the last one consumed in that slot. Breaks no-stall
	// and eventually-consumed: a next occupant with the same rpc_id (a
	// wrapped counter, two clients sharing an id) is never taken.
	RxIDFreshness bool
	// SkipRecheck: the consumer takes the line after copying the
	// arguments, without loading the header word again (Dagger's host;
	// also the poller's PollLine). With NoCredit it breaks no-torn-read:
	// the producer can rewrite the line between the two loads.
	SkipRecheck bool
	// RxEarlyCredit (bug rx-early-credit): the host returns the credit
	// when LoadHeader finds a fresh header, before it has copied the
	// arguments. Breaks no-overwrite.
	RxEarlyCredit bool
	// SplitStore (MMIO only): Dagger's MMIO store on a CPU without
	// 64-byte stores, two 32-byte halves (header and the first arguments;
	// the rest) that arrive at the NIC as two writes, each making it take
	// the window. Breaks no-torn-read (a take between the halves) and
	// no-duplicate (the same RPC taken after each half).
	SplitStore bool
}

// DaggerTX is Dagger's coherent TX ring as published: no credits, header
// and flag before the arguments and valid last, seen bits that land one
// poll late.
var DaggerTX = Faults{NoCredit: true, DaggerStores: true, SeenBits: true, LateSeen: true}

// DaggerRX is Dagger's RX ring as published: no credits, freshness by
// rpc_id change, no second look at the header.
var DaggerRX = Faults{NoCredit: true, RxIDFreshness: true, SkipRecheck: true}

// DaggerDoorbell is Dagger's doorbell interface as published: no credits
// (the host rewrites a slot whatever the NIC has read) and Dagger's store
// order. The NIC reads what the doorbell announced, so a slot rewritten
// after the doorbell is read torn or lost.
var DaggerDoorbell = Faults{NoCredit: true, DaggerStores: true}

// DaggerMMIO is Dagger's MMIO interface as published: no credits, and the
// line stored in two halves.
var DaggerMMIO = Faults{NoCredit: true, SplitStore: true}

// BugFaults maps the ring model's bug catalogue (daggercheck models; the
// names are model/ring's) to the faults that inject the same mutation.
func BugFaults(name string) (Faults, error) {
	switch name {
	case "":
		return Faults{}, nil
	case spec.BugHeaderFirst:
		return Faults{HeaderFirst: true}, nil
	case spec.BugCreditOverrun:
		return Faults{CreditOverrun: true}, nil
	case spec.BugEarlyCredit:
		return Faults{EarlyCredit: true}, nil
	case spec.BugPhaseStuck, spec.BugRXNoPhase:
		return Faults{IgnorePhase: true}, nil
	case spec.BugLateSeen:
		return Faults{LateSeen: true}, nil
	case spec.BugRXEarlyCredit:
		return Faults{RxEarlyCredit: true}, nil
	}
	return Faults{}, fmt.Errorf("ring: unknown bug %q", name)
}

// check rejects combinations that contradict each other.
func (f Faults) check() error {
	switch {
	case f.DaggerStores && f.HeaderFirst:
		return fmt.Errorf("ring: faults DaggerStores and HeaderFirst are two different store orders")
	case f.SeenBits && f.RxIDFreshness:
		return fmt.Errorf("ring: faults SeenBits and RxIDFreshness are two different freshness tests")
	case f.NoCredit && f.CreditOverrun:
		return fmt.Errorf("ring: faults NoCredit and CreditOverrun are two different admission rules")
	}
	return nil
}

// named lists the faults with the names String and ParseFaults use.
func (f *Faults) named() []namedFault {
	return []namedFault{
		{"no-credit", &f.NoCredit}, {"credit-overrun", &f.CreditOverrun},
		{"dagger-stores", &f.DaggerStores}, {"header-first", &f.HeaderFirst},
		{"seen-bits", &f.SeenBits}, {"late-seen", &f.LateSeen}, {"early-credit", &f.EarlyCredit},
		{"ignore-phase", &f.IgnorePhase}, {"rx-id-freshness", &f.RxIDFreshness},
		{"skip-recheck", &f.SkipRecheck}, {"rx-early-credit", &f.RxEarlyCredit},
		{"split-store", &f.SplitStore},
	}
}

type namedFault struct {
	name string
	set  *bool
}

// String lists the faults set, comma-separated; "none" for the credit
// protocol.
func (f Faults) String() string {
	var on []string
	for _, x := range f.named() {
		if *x.set {
			on = append(on, x.name)
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, ",")
}

// ParseFaults reads a comma-separated list of the names String prints
// ("none" or "" for the credit protocol), or a preset: "dagger-tx",
// "dagger-rx", "dagger-doorbell", "dagger-mmio", or "bug=NAME" for
// BugFaults(NAME).
func ParseFaults(s string) (Faults, error) {
	var f Faults
	switch {
	case s == "" || s == "none":
		return f, nil
	case s == "dagger-tx":
		return DaggerTX, nil
	case s == "dagger-rx":
		return DaggerRX, nil
	case s == "dagger-doorbell":
		return DaggerDoorbell, nil
	case s == "dagger-mmio":
		return DaggerMMIO, nil
	case strings.HasPrefix(s, "bug="):
		return BugFaults(strings.TrimPrefix(s, "bug="))
	}
	names := f.named()
	for _, name := range strings.Split(s, ",") {
		i := slices.IndexFunc(names, func(x namedFault) bool { return x.name == name })
		if i < 0 {
			return Faults{}, fmt.Errorf("ring: unknown fault %q", name)
		}
		*names[i].set = true
	}
	return f, f.check()
}
