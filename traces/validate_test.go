package traces

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// freeRun runs the rings of the ring model's configuration params free,
// all recording into one Recorder, and returns the run log. Each flow's
// producer is a goroutine. Consumers: RX, each flow's host is a goroutine
// (impl/ring's Driver); TX, one NIC poller goroutine sweeps every ring
// round-robin in batches of batch lines, as the model's poller (and
// Dagger's NIC) does: PollLine for each line of the batch, then Process
// and ReturnCredit.
func freeRun(t *testing.T, params []string, faults implring.Faults) *RunLog {
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
	for f := range rings {
		r, err := implring.NewRing(slots, faults)
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

func slotsOf(params []string) int {
	for _, p := range params {
		var n int
		if _, err := fmt.Sscanf(p, "slots=%d", &n); err == nil {
			return n
		}
	}
	return 2
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
	} {
		t.Run(strings.Join(params, " "), func(t *testing.T) {
			for run := range 10 {
				l := freeRun(t, params, implring.Faults{})
				res, err := Validate(l, ValidateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if res.Outcome != Valid || res.Explained != len(l.Events) {
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
func gatedRun(t *testing.T, params []string, rpcs int, faults implring.Faults) *RunLog {
	t.Helper()
	rec := implring.NewRecorder()
	r, err := implring.NewRing(slotsOf(params), faults)
	if err != nil {
		t.Fatal(err)
	}
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
	params := []string{"dir=tx", "flows=1", "slots=2", "rpcs=4", "batch=1"}
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
		{"correct", implring.Faults{}, Valid},
		{"credit-overrun", overrun, Invalid},
		{"no credit check", noCredit, Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := gatedRun(t, params, 4, tc.faults)
			res, err := Validate(l, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.want {
				t.Fatalf("want %s, got:\n%s", tc.want, res)
			}
			if tc.want == Invalid {
				// The refused event is the send into the unconsumed slot:
				// RPC slots (2) before any credit came back.
				if res.Event != "send flow=0 rpc=2" {
					t.Fatalf("the first unexplained event is %q, want the overrunning send:\n%s", res.Event, res)
				}
				t.Logf("%s", res)
			}
		})
	}
}

// Run logs round-trip through their text form, and malformed ones are
// refused naming the file and line.
func TestRunLogFormat(t *testing.T) {
	l := &RunLog{Model: "ring", Params: []string{"flows=2"}, Events: []Observation{
		Observe("send", "flow", "0", "rpc", "0"),
		Observe("take", "flow", "0", "hdr", "0,1", "args", "0,-"),
		Observe("odd", "note", "two words", "empty", ""),
	}}
	var b bytes.Buffer
	if err := l.Format(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ParseRunLog("x.run", &b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range back.Events {
		back.Events[i].Line = 0
	}
	if fmt.Sprint(back) != fmt.Sprint(l) {
		t.Fatalf("round trip:\n%v\n%v", l, back)
	}
	for _, tc := range []struct{ text, want string }{
		{"", "x.run: empty"},
		{"model ring\n", "x.run:1: want \"daggercheck-run 1\" first"},
		{"daggercheck-run 2\n", "x.run:1: format version \"2\""},
		{"daggercheck-run 1\nevent send\n", "x.run:2: an event before the model line"},
		{"daggercheck-run 1\nmodel ring\nevent send flow\n", "x.run:3: field \"flow\": want key=value"},
		{"daggercheck-run 1\nmodel ring\nevent send a=1 a=2\n", "x.run:3: field a given twice"},
		{"daggercheck-run 1\nmodel ring\nevent send a='1\n", "x.run:3:"},
		{"daggercheck-run 1\nmodel ring\nstep x\n", "x.run:3: unknown line \"step\""},
		{"daggercheck-run 1\n", "x.run: no model line"},
	} {
		_, err := ParseRunLog("x.run", strings.NewReader(tc.text))
		if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an ErrSyntax naming %q", tc.text, err, tc.want)
		}
	}
}

// Events a model's observer cannot read are input errors naming the line;
// logs of models without an observer are refused.
func TestValidateBadEvents(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"daggercheck-run 1\nmodel ring\nevent send flow=0\n", "line 3: send: no field rpc"},
		{"daggercheck-run 1\nmodel ring\nevent send flow=x rpc=0\n", "line 3: send: field flow=\"x\""},
		{"daggercheck-run 1\nmodel ring\nevent jump flow=0\n", "line 3: unknown ring event \"jump\""},
		{"daggercheck-run 1\nmodel ring\nevent take flow=0 hdr=0,1 args=0\n", "line 3: take: 2 headers but 1 argument blocks"},
		{"daggercheck-run 1\nmodel system\nevent call client=0\n", "line 3: call: no field id"},
	} {
		l, err := ParseRunLog("x.run", strings.NewReader(tc.text))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Validate(l, ValidateOptions{})
		if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an ErrSyntax naming %q", tc.text, err, tc.want)
		}
	}
	l := &RunLog{Model: "coherence"}
	if _, err := Validate(l, ValidateOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("coherence: got %v, want ErrUnsupported", err)
	}
	l = &RunLog{Model: "ring", Params: []string{"slots=99"}}
	if _, err := Validate(l, ValidateOptions{}); err == nil || !strings.Contains(err.Error(), "slots") {
		t.Errorf("slots=99: got %v", err)
	}
}

func FuzzParseRunLog(f *testing.F) {
	f.Add("daggercheck-run 1\nmodel ring\nparam flows=2\nevent send flow=0 rpc=0\nevent take flow=0 hdr=0 args=0\n")
	f.Add("daggercheck-run 1\nmodel system\nevent call client=0 id=0\n# c\n\nevent complete client=0 id=0 status=ok\n")
	f.Add("daggercheck-run 1\nmodel ring\nevent take flow=0 hdr='0,1' args=\"0,-\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		l, err := ParseRunLog("fuzz.run", strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("an error that is not ErrSyntax: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := l.Format(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ParseRunLog("again.run", &b)
		if err != nil {
			t.Fatalf("a log that parsed does not parse after formatting: %v\n%s", err, b.String())
		}
		for i := range l.Events {
			l.Events[i].Line = 0
		}
		for i := range back.Events {
			back.Events[i].Line = 0
		}
		if !reflect.DeepEqual(back, l) {
			t.Fatalf("round trip changed the log:\n%#v\n%#v", l, back)
		}
		// Validating never panics (bounded, for speed).
		if len(l.Events) < 20 {
			_, _ = Validate(l, ValidateOptions{MaxStates: 2000})
		}
	})
}

// The run logs docs/validate.md shows are real recordings: regenerated
// with -rewrite (go test ./traces -run DocRuns -rewrite), and validated
// here on every run with the outcome their names promise.
func TestValidateDocRuns(t *testing.T) {
	dir := filepath.Join("..", "docs", "runs")
	if *rewrite {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		write := func(name string, format func(io.Writer) error) {
			var b bytes.Buffer
			if err := format(&b); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("ring-tx.run", freeRun(t, []string{"dir=tx", "flows=2", "slots=2", "rpcs=3", "batch=1"}, implring.Faults{}).Format)
		overrun, _ := implring.BugFaults("credit-overrun")
		write("ring-tx-credit-overrun.run", gatedRun(t, []string{"dir=tx", "flows=1", "slots=2", "rpcs=3", "batch=1"}, 3, overrun).Format)
		h, _ := e2eRun(t, 3, 2, 2, false)
		write("e2e.history", h.Format)
		h, _ = e2eRun(t, 3, 2, 2, true)
		write("e2e-exec-twice.history", h.Format)
	}
	// ring-tx-recorder-race.run is written by hand: what the first
	// Recorder could log (see the file), which must stay invalid.
	for name, want := range map[string]string{"ring-tx.run": Valid, "ring-tx-credit-overrun.run": Invalid,
		"ring-tx-recorder-race.run": Invalid, "e2e.history": Valid, "e2e-exec-twice.history": Invalid} {
		fh, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var l *RunLog
		if strings.HasSuffix(name, ".history") {
			var h *History
			if h, err = ParseHistory(name, fh); err == nil {
				l, err = SystemRunLog(e2eParams, h)
			}
		} else {
			l, err = ParseRunLog(name, fh)
		}
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		res, err := Validate(l, ValidateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != want {
			t.Errorf("%s: want %s, got\n%s", name, want, res)
		}
	}
}
