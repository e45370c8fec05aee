package ring

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
)

func newIfaceRing(t *testing.T, slots int, o Options) *Ring {
	t.Helper()
	r, err := NewRingOpts(NewArena(o.Lines(slots)), slots, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The doorbell and MMIO rings free-running, over many laps: every RPC
// taken exactly once, in order, whole, by Take (one at a time) and by
// Poll (batches), with doorbell batches that do and do not divide the
// ring.
func TestDriverDeliversInOrderOnEveryInterface(t *testing.T) {
	n := 40_000
	if testing.Short() || raceEnabled {
		n = 2_000 // the race detector looks at the same interleavings, each far slower
	}
	for _, cfg := range []struct {
		iface              Interface
		slots, batch, poll int
	}{
		{Doorbell, 1, 1, 1}, {Doorbell, 4, 1, 4}, {Doorbell, 4, 4, 1}, {Doorbell, 8, 3, 4}, {Doorbell, 2, 9, 2},
		{MMIO, 1, 0, 1}, {MMIO, 4, 0, 4}, {MMIO, 3, 0, 1},
	} {
		name := fmt.Sprintf("%s/slots=%d/batch=%d/poll=%d", cfg.iface, cfg.slots, cfg.batch, cfg.poll)
		ok := t.Run(name, func(t *testing.T) {
			r := newIfaceRing(t, cfg.slots, Options{Interface: cfg.iface, Batch: cfg.batch})
			runWatched(t, Driver{Ring: r, Batch: cfg.poll}, n)
			if c := r.Consumer(); c.Next() != uint64(n) || r.Credit() != uint64(n) || r.Producer().Sent() != uint64(n) {
				t.Fatalf("next=%d credit=%d sent=%d, want %d", c.Next(), r.Credit(), r.Producer().Sent(), n)
			}
		})
		if !ok {
			return
		}
	}
}

// A doorbell ring in step mode: the NIC sees nothing until the doorbell,
// however fresh the lines; the producer must ring after a whole batch;
// Flush rings for a partial one; the NIC takes what was announced.
func TestDoorbellSteps(t *testing.T) {
	r := newIfaceRing(t, 4, Options{Interface: Doorbell, Batch: 2})
	p, c := r.Producer(), r.Consumer()
	if err := p.Send(numbered(0)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DMARead(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("a line written but not announced was read: %v", err)
	}
	if err := p.RingDoorbell(); err != nil {
		t.Fatalf("ringing for one RPC: %v", err)
	}
	if err := p.RingDoorbell(); !errors.Is(err, ErrStepOrder) {
		t.Fatalf("a doorbell with nothing new: %v", err)
	}
	got, err := c.DMARead()
	if err != nil || got != numbered(0) {
		t.Fatalf("dma-read: %v %v", got, err)
	}
	c.ReturnCredit()
	// Send rings by itself after a whole batch.
	for i := 1; i <= 2; i++ {
		if err := p.Send(numbered(i)); err != nil {
			t.Fatal(err)
		}
	}
	if a := r.Abstract(); a.Rung != 3 || p.Unrung() != 0 {
		t.Fatalf("after a batch: rung=%d unrung=%d, want 3 and 0", a.Rung, p.Unrung())
	}
	// Step by step, Begin refuses a third RPC before the doorbell.
	for i := 3; i <= 4; i++ {
		if err := p.Begin(numbered(i)); err != nil {
			t.Fatal(err)
		}
		if err := p.RingDoorbell(); !errors.Is(err, ErrStepOrder) {
			t.Fatalf("a doorbell in the middle of an RPC's stores: %v", err)
		}
		for p.NextStore() != StoreNone {
			if _, err := p.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.Begin(numbered(5)); !errors.Is(err, ErrStepOrder) {
		t.Fatalf("begin with a whole batch unannounced: %v", err)
	}
	if !p.Flush() || p.Flush() {
		t.Fatal("Flush rings once for what is unannounced")
	}
	for i := 1; i <= 4; i++ {
		got, err := c.DMARead()
		if err != nil || got != numbered(i) {
			t.Fatalf("dma-read %d: %v %v", i, got, err)
		}
	}
	if _, err := c.PollLine(0); !errors.Is(err, ErrStepOrder) {
		t.Fatalf("the doorbell NIC polled a line: %v", err)
	}
	if _, err := c.TakeWindow(); !errors.Is(err, ErrStepOrder) {
		t.Fatalf("mmio-take on a doorbell ring: %v", err)
	}
}

// An MMIO window in step mode: one store per RPC and the NIC takes it on
// its arrival; credits keep the host from rewriting an untaken window;
// with SplitStore each half arrives on its own, and the NIC takes the
// window torn after the first.
func TestMMIOSteps(t *testing.T) {
	r := newIfaceRing(t, 1, Options{Interface: MMIO})
	p, c := r.Producer(), r.Consumer()
	if err := p.Send(numbered(0)); err != nil {
		t.Fatal(err)
	}
	if err := p.Send(numbered(1)); !errors.Is(err, ErrRingFull) {
		t.Fatalf("a second write into an untaken window: %v", err)
	}
	if a := r.Abstract(); a.Arrived != 1 || a.NextStore != StoreNone {
		t.Fatalf("arrived=%d next-store=%s", a.Arrived, a.NextStore)
	}
	got, err := c.TakeWindow()
	if err != nil || got != numbered(0) {
		t.Fatalf("mmio-take: %v %v", got, err)
	}
	if _, err := c.TakeWindow(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("a take with no write arrived: %v", err)
	}
	if _, err := c.DMARead(); !errors.Is(err, ErrStepOrder) {
		t.Fatalf("dma-read on an MMIO ring: %v", err)
	}

	split := newIfaceRing(t, 1, Options{Interface: MMIO, Faults: DaggerMMIO})
	p, c = split.Producer(), split.Consumer()
	if err := p.Begin(numbered(3)); err != nil {
		t.Fatal(err)
	}
	if s, err := p.Step(); err != nil || s != StoreLo {
		t.Fatalf("first store %s %v", s, err)
	}
	if a := split.Abstract(); a.NextStore != StoreHi || a.Arrived != 1 {
		t.Fatalf("after the low half: next-store=%s arrived=%d", a.NextStore, a.Arrived)
	}
	l := split.Line(0)
	if l.Header().RPCID() != 4 || l[slot.Words-1] != 0 {
		t.Fatalf("the low half stored the high half too: %v", l)
	}
	torn, err := c.TakeWindow()
	if err != nil || torn == numbered(3) {
		t.Fatalf("the take between the halves read the whole RPC: %v %v", torn, err)
	}
	if _, err := p.Step(); err != nil {
		t.Fatal(err)
	}
	whole, err := c.TakeWindow()
	if err != nil || whole != numbered(3) {
		t.Fatalf("the take after both halves: %v %v", whole, err)
	}
}

// Options a ring cannot have are refused, naming why.
func TestInterfaceOptionsRefused(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Faults: Faults{SplitStore: true}}, "split-store"},
		{Options{Interface: Doorbell, Faults: Faults{SplitStore: true}}, "split-store"},
		{Options{Interface: Doorbell, Faults: Faults{SeenBits: true}}, "seen-bits"},
		{Options{Interface: MMIO, Faults: Faults{DaggerStores: true}}, "dagger-stores"},
		{Options{Interface: MMIO, Faults: Faults{EarlyCredit: true}}, "early-credit"},
		{Options{Interface: 7}, "interface(7)"},
		{Options{Interface: Doorbell, Batch: -1}, "batch"},
	} {
		_, err := NewRingOpts(NewArena(8), 2, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %q", tc.o, err, tc.want)
		}
	}
	if _, err := NewFlowOpts(2, Options{}, Options{Interface: Doorbell}); err == nil {
		t.Error("an RX ring behind a doorbell was built")
	}
	for _, name := range []string{"coherent", "doorbell", "mmio"} {
		i, err := ParseInterface(name)
		if err != nil || i.String() != name {
			t.Errorf("ParseInterface(%q) = %s, %v", name, i, err)
		}
	}
	if _, err := ParseInterface("pcie"); err == nil {
		t.Error("ParseInterface accepted pcie")
	}
	for _, preset := range []string{"dagger-doorbell", "dagger-mmio"} {
		if _, err := ParseFaults(preset); err != nil {
			t.Errorf("ParseFaults(%q): %v", preset, err)
		}
	}
	if f, err := ParseFaults("no-credit,split-store"); err != nil || f != DaggerMMIO {
		t.Errorf("ParseFaults(no-credit,split-store) = %s, %v", f, err)
	}
}
