package ring

import (
	"errors"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
)

func TestArenaAlignment(t *testing.T) {
	for lines := 1; lines <= 40; lines++ {
		a := NewArena(lines)
		if a.Lines() != lines || !aligned(a.words) {
			t.Fatalf("arena of %d lines: %d lines, aligned=%v", lines, a.Lines(), aligned(a.words))
		}
		for got := 0; got < lines; got++ {
			w, err := a.Alloc(1)
			if err != nil || len(w) != slot.Words || !aligned(w) {
				t.Fatalf("line %d of %d: len %d aligned=%v err=%v", got, lines, len(w), aligned(w), err)
			}
		}
		if _, err := a.Alloc(1); !errors.Is(err, ErrArenaFull) {
			t.Fatalf("alloc past the end: %v", err)
		}
	}
}

func TestRingLayout(t *testing.T) {
	f, err := NewFlow(3, Faults{}, DaggerRX)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Ring{f.TX, f.RX} {
		if r.Slots() != 3 || len(r.lines) != 3*slot.Words || len(r.credit) != slot.Words {
			t.Fatalf("ring of %d slots: %d line words, %d credit words", r.Slots(), len(r.lines), len(r.credit))
		}
		if !aligned(r.lines) || !aligned(r.credit) {
			t.Fatalf("slots or credit line not on a cache line")
		}
		// The credit line is a line of its own: no slot word shares it.
		if &r.credit[0] == &r.lines[len(r.lines)-1] {
			t.Fatal("credit line overlaps the slots")
		}
	}
	if f.RX.Faults() != DaggerRX || f.TX.Faults() != (Faults{}) {
		t.Errorf("faults: tx %s rx %s", f.TX.Faults(), f.RX.Faults())
	}
	if _, err := NewRing(0, Faults{}); err == nil {
		t.Error("a ring of 0 slots was built")
	}
	if _, err := NewRing(2, Faults{DaggerStores: true, HeaderFirst: true}); err == nil {
		t.Error("two store orders accepted")
	}
}

func TestParseFaults(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Faults
	}{
		{"", Faults{}},
		{"none", Faults{}},
		{"dagger-tx", DaggerTX},
		{"dagger-rx", DaggerRX},
		{"bug=late-seen", Faults{LateSeen: true}},
		{"no-credit,skip-recheck", Faults{NoCredit: true, SkipRecheck: true}},
	} {
		got, err := ParseFaults(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseFaults(%q) = %s, %v; want %s", c.in, got, err, c.want)
		}
		if back, err := ParseFaults(got.String()); err != nil || back != got {
			t.Errorf("ParseFaults(%q.String()) = %s, %v", got, back, err)
		}
	}
	for _, bad := range []string{"no-such", "bug=no-such", "dagger-stores,header-first"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
	for _, bug := range []string{"header-first", "credit-overrun", "early-credit", "phase-stuck", "late-seen", "rx-early-credit", "rx-no-phase"} {
		if f, err := BugFaults(bug); err != nil || f == (Faults{}) {
			t.Errorf("BugFaults(%q) = %s, %v", bug, f, err)
		}
	}
	if DaggerTX.String() != "no-credit,dagger-stores,seen-bits,late-seen" {
		t.Errorf("DaggerTX = %s", DaggerTX)
	}
}

// Steps out of their side's order are errors that change nothing, so a
// replay can report a divergence.
func TestStepOrder(t *testing.T) {
	r, err := NewRing(2, Faults{})
	if err != nil {
		t.Fatal(err)
	}
	p, c := r.Producer(), r.Consumer()
	before := r.Abstract().String()
	for name, step := range map[string]func() error{
		"write-args idle": p.WriteArgs,
		"fence idle":      p.Fence,
		"load-args":       func() error { _, _, err := c.LoadArgs(); return err },
		"recheck":         func() error { _, _, err := c.Recheck(); return err },
		"step idle":       func() error { _, err := p.Step(); return err },
	} {
		if err := step(); !errors.Is(err, ErrStepOrder) {
			t.Errorf("%s: %v, want ErrStepOrder", name, err)
		}
	}
	if err := p.Begin(slot.RPC{RPCID: 1}); err != nil {
		t.Fatal(err)
	}
	for name, step := range map[string]func() error{
		"write-header first": p.WriteHeader,
		"write-valid":        p.WriteValid,
		"begin again":        func() error { return p.Begin(slot.RPC{}) },
	} {
		if err := step(); !errors.Is(err, ErrStepOrder) {
			t.Errorf("%s: %v, want ErrStepOrder", name, err)
		}
	}
	if p.NextStore() != StoreArgs {
		t.Fatalf("refused steps moved the producer to %s", p.NextStore())
	}
	for _, s := range []func() error{p.WriteArgs, p.Fence, p.WriteHeader} {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	if before == r.Abstract().String() {
		t.Fatal("a whole write changed nothing")
	}
	if err := c.LoadHeader(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PollLine(0); !errors.Is(err, ErrStepOrder) {
		t.Errorf("poll-line during a host read: %v", err)
	}
	if _, err := c.PollLine(2); err == nil {
		t.Error("poll of slot 2 of 2 accepted")
	}
}

func TestSendTooLargeChangesNothing(t *testing.T) {
	r, err := NewRing(2, Faults{})
	if err != nil {
		t.Fatal(err)
	}
	before := r.Abstract()
	if err := r.Producer().Send(slot.RPC{Argl: slot.ArgsSize + 1}); !errors.Is(err, slot.ErrTooLarge) {
		t.Fatalf("Send argl 53: %v", err)
	}
	if after := r.Abstract(); after.String() != before.String() {
		t.Fatalf("refused send changed the ring:\n%s\n%s", before, after)
	}
	if _, err := r.Consumer().Receive(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("receive from an empty ring: %v", err)
	}
}

// A line whose bytes are not an RPC (here written behind the producer's
// back) is consumed, counted and reported, never a panic, and the ring
// goes on.
func TestMalformedLineDropped(t *testing.T) {
	r, err := NewRing(2, Faults{})
	if err != nil {
		t.Fatal(err)
	}
	p, c := r.Producer(), r.Consumer()
	if err := p.Send(slot.RPC{RPCID: 1}); err != nil {
		t.Fatal(err)
	}
	r.lines[1] |= 0xffff << 8 // argl := 65535
	if _, err := c.Receive(); !errors.Is(err, slot.ErrMalformed) {
		t.Fatalf("receive of a malformed line: %v", err)
	}
	if c.Malformed() != 1 || c.Next() != 1 || r.Credit() != 1 {
		t.Fatalf("malformed=%d next=%d credit=%d", c.Malformed(), c.Next(), r.Credit())
	}
	if err := p.Send(slot.RPC{RPCID: 2}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Receive(); err != nil || got.RPCID != 2 {
		t.Fatalf("after the drop: %s, %v", got, err)
	}
}
