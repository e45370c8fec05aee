package ring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/runlog"
	"github.com/daggercheck/daggercheck/spec"
)

// freeRun runs the rings of the ring model's configuration params free,
// all recording into one Recorder, and returns the run log. Each flow's
// producer is a goroutine. Consumers: RX, each flow's host is a goroutine
// (impl/ring's Driver); TX, one NIC poller goroutine sweeps every ring
// round-robin in batches of batch lines, as the model's poller (and
// Dagger's NIC) does: PollLine for each line of the batch, then Process
// and ReturnCredit.
func freeRun(t *testing.T, params []string, faults implring.Faults) *runlog.RunLog {
	t.Helper()
	v, err := spec.ParseParams(modelring.Params, params)
	if err != nil {
		t.Fatal(err)
	}
	flows, slots, rpcs, batch := v.Int("flows"), v.Int("slots"), v.Int("rpcs"), v.Int("batch")
	rx := v.String("dir") == "rx"
	gen := func(k int) slot.RPC {
		rpc, err := RingRPC(params, k)
		if err != nil {
			panic(err)
		}
		return rpc
	}
	rec := implring.NewRecorder()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	rings := make([]*implring.Ring, flows)
	errs := make([]error, flows+1)
	iface, err := implring.ParseInterface(v.String("interface"))
	if err != nil {
		t.Fatal(err)
	}
	o := implring.Options{Faults: faults, Interface: iface, Batch: batch}
	for f := range rings {
		r, err := implring.NewRingOpts(implring.NewArena(o.Lines(slots)), slots, o)
		if err != nil {
			t.Fatal(err)
		}
		r.Record(rec, f)
		rings[f] = r
		if rx {
			wg.Go(func() {
				_, errs[f] = implring.Driver{Ring: r}.Run(ctx, rpcs, gen, func(slot.RPC) {})
			})
			continue
		}
		wg.Go(func() {
			p := r.Producer()
			defer p.Flush() // a doorbell producer rings for its last batch
			for k := 0; k < rpcs && ctx.Err() == nil; {
				switch err := p.Send(gen(k)); {
				case err == nil:
					k++
				case errors.Is(err, implring.ErrRingFull):
					runtime.Gosched()
				default:
					errs[f] = err
					return
				}
			}
		})
	}
	if !rx {
		wg.Go(func() {
			for ctx.Err() == nil {
				done := true
				for _, r := range rings {
					c := r.Consumer()
					if iface != implring.Coherent {
						// The NIC reads what a doorbell announced, or
						// answers the writes that arrived, a batch at a
						// time, and returns the credit.
						if _, err := c.Poll(batch, nil); err != nil && !errors.Is(err, implring.ErrEmpty) {
							errs[flows] = err
							return
						}
						done = done && c.Next() == uint64(rpcs)
						continue
					}
					for s := 0; s < slots; s += batch {
						for j := range batch {
							if _, err := c.PollLine(s + j); err != nil {
								errs[flows] = err
								return
							}
						}
						if _, err := c.Process(nil); err != nil {
							errs[flows] = err
							return
						}
						c.ReturnCredit()
					}
					done = done && c.Next() == uint64(rpcs)
				}
				if done {
					return
				}
				runtime.Gosched()
			}
			errs[flows] = ctx.Err()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	l, err := RingRunLog(params, rec.Events())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// ringFor builds a ring of the ring model's configuration params (its
// slots, interface and batch) with faults.
func ringFor(t *testing.T, params []string, faults implring.Faults) *implring.Ring {
	t.Helper()
	v, err := spec.ParseParams(modelring.Params, params)
	if err != nil {
		t.Fatal(err)
	}
	iface, err := implring.ParseInterface(v.String("interface"))
	if err != nil {
		t.Fatal(err)
	}
	o := implring.Options{Faults: faults, Interface: iface, Batch: v.Int("batch")}
	r, err := implring.NewRingOpts(implring.NewArena(o.Lines(v.Int("slots"))), v.Int("slots"), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Free-running runs of the correct rings, TX and RX, with several flows
// wrapping round small rings, are explained by the ring model: whatever
// interleaving the scheduler chose.
func TestValidateFreeRunningRings(t *testing.T) {
	for _, params := range [][]string{
		{"dir=tx", "flows=2", "slots=2", "rpcs=5", "batch=1"},
		{"dir=rx", "flows=2", "slots=2", "rpcs=5"},
		{"dir=tx", "flows=1", "slots=1", "rpcs=4", "batch=1"},
		{"dir=tx", "flows=2", "slots=4", "rpcs=6", "batch=2"},
		{"dir=rx", "flows=3", "slots=2", "rpcs=4"},
		{"dir=tx", "interface=doorbell", "flows=2", "slots=4", "rpcs=6", "batch=2"},
		{"dir=tx", "interface=doorbell", "flows=1", "slots=2", "rpcs=5", "batch=1"},
		{"dir=tx", "interface=mmio", "flows=2", "slots=1", "rpcs=4", "batch=1"},
	} {
		t.Run(strings.Join(params, " "), func(t *testing.T) {
			for run := range 10 {
				l := freeRun(t, params, implring.Faults{})
				res, err := Validate(l, bridge.ValidateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if res.Outcome != bridge.Valid || res.Explained != len(l.Events) {
					var b bytes.Buffer
					_ = l.Format(&b)
					t.Fatalf("run %d: %s\nthe log:\n%s", run, res, b.String())
				}
			}
		})
	}
}

// gatedRun sends rpcs RPCs through one ring while its consumer waits for
// the producer to be refused once (or to finish): a producer that ignores
// its credit runs into the unconsumed slot, deterministically.
func gatedRun(t *testing.T, params []string, rpcs int, faults implring.Faults) *runlog.RunLog {
	t.Helper()
	rec := implring.NewRecorder()
	r := ringFor(t, params, faults)
	r.Record(rec, 0)
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	var wg sync.WaitGroup
	var done atomic.Bool
	wg.Go(func() {
		defer done.Store(true)
		defer open()
		p := r.Producer()
		defer p.Flush()
		// A faulty ring can stall for good (an overwritten slot is never
		// fresh again): the producer gives up after many refusals in a
		// row, which ends the run, not what it logged before.
		for k, refused := 0, 0; k < rpcs && refused < 100_000; {
			rpc, _ := RingRPC(params, k)
			switch err := p.Send(rpc); {
			case err == nil:
				k, refused = k+1, 0
			case errors.Is(err, implring.ErrRingFull):
				open()
				refused++
				runtime.Gosched()
			default:
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		<-gate
		c := r.Consumer()
		for {
			// Once the producer is done the ring changes no more: an
			// empty read then means nothing is left to take (a faulty
			// producer may have lost RPCs, or stalled the ring).
			finished := done.Load()
			if _, err := c.Receive(); err != nil && finished {
				return
			}
		}
	})
	wg.Wait()
	l, err := RingRunLog(params, rec.Events())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// An implementation with a bug that shows in what it logs fails
// validation at the first event the model cannot explain: a producer
// that overruns its credit (bug credit-overrun, or Dagger's missing credit
// check) logs a send the credit protocol never allows. The correct ring,
// run the same way, passes.
func TestValidateCatchesAnInjectedBug(t *testing.T) {
	for _, iface := range []string{"coherent", "doorbell", "mmio"} {
		params := []string{"dir=tx", "flows=1", "slots=2", "rpcs=4", "batch=1", "interface=" + iface}
		if iface == "mmio" {
			params = bridgetest.Override(params, []string{"slots=1"})
		}
		t.Run(iface, func(t *testing.T) { catchesAnInjectedBug(t, params) })
	}
}

func catchesAnInjectedBug(t *testing.T, params []string) {
	overrun, err := implring.BugFaults("credit-overrun")
	if err != nil {
		t.Fatal(err)
	}
	noCredit := implring.Faults{NoCredit: true}
	for _, tc := range []struct {
		name   string
		faults implring.Faults
		want   string
	}{
		{"correct", implring.Faults{}, bridge.Valid},
		{"credit-overrun", overrun, bridge.Invalid},
		{"no credit check", noCredit, bridge.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := gatedRun(t, params, 4, tc.faults)
			res, err := Validate(l, bridge.ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.want {
				t.Fatalf("want %s, got:\n%s", tc.want, res)
			}
			if tc.want == bridge.Invalid {
				// The refused event is the send into the unconsumed slot:
				// RPC slots before any credit came back.
				if want := fmt.Sprintf("send flow=0 rpc=%d", ringFor(t, params, tc.faults).Slots()); res.Event != want {
					t.Fatalf("the first unexplained event is %q, want the overrunning send:\n%s", res.Event, res)
				}
				t.Logf("%s", res)
			}
		})
	}
}

// The run logs of the rings docs/validate.md shows are real recordings:
// regenerated with -rewrite (go test ./bridge/ring -run DocRuns -rewrite),
// and validated here on every run with the outcome their names promise.
// ring-tx-recorder-race.run is written by hand: what the first Recorder
// could log (see the file), which must stay invalid; so is
// ring-tx-cut.run, a prefix of ring-tx.run, valid (but not --complete).
func TestValidateDocRuns(t *testing.T) {
	if *bridgetest.Rewrite {
		bridgetest.WriteDocRun(t, "ring-tx.run", freeRun(t, []string{"dir=tx", "flows=2", "slots=2", "rpcs=3", "batch=1"}, implring.Faults{}).Format)
		overrun, _ := implring.BugFaults("credit-overrun")
		bridgetest.WriteDocRun(t, "ring-tx-credit-overrun.run", gatedRun(t, []string{"dir=tx", "flows=1", "slots=2", "rpcs=3", "batch=1"}, 3, overrun).Format)
		bridgetest.WriteDocRun(t, "ring-tx-doorbell.run", freeRun(t, []string{"dir=tx", "interface=doorbell", "flows=2", "slots=2", "rpcs=3", "batch=2"}, implring.Faults{}).Format)
		bridgetest.WriteDocRun(t, "ring-tx-mmio.run", freeRun(t, []string{"dir=tx", "interface=mmio", "flows=2", "slots=1", "rpcs=3", "batch=1"}, implring.Faults{}).Format)
		bridgetest.WriteDocRun(t, "ring-tx-mmio-split-store.run", gatedRun(t, []string{"dir=tx", "interface=mmio", "flows=1", "slots=1", "rpcs=2", "batch=1"}, 2, implring.Faults{SplitStore: true}).Format)
	}
	bridgetest.CheckDocRuns(t, map[string]string{"ring-tx.run": bridge.Valid, "ring-tx-credit-overrun.run": bridge.Invalid,
		"ring-tx-doorbell.run": bridge.Valid, "ring-tx-mmio.run": bridge.Valid, "ring-tx-mmio-split-store.run": bridge.Invalid,
		"ring-tx-recorder-race.run": bridge.Invalid, "ring-tx-cut.run": bridge.Valid}, runlog.ParseRunLog, Validate)
}
