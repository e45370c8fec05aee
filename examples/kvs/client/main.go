// Command client is a load generator for the key-value store of
// examples/kvs, served by examples/kvs/server in another process: it
// dials the server (impl/rpc's Dial) and makes -n calls from -c
// goroutines, a mix of Set and Get (-sets), over kvs.dproto's typed
// stubs. Each goroutine owns its keys, so it checks every Get against the
// value it set last: a wrong or missing value is an error.
//
//	go run ./examples/kvs/client -addr 127.0.0.1:7000 -n 100000
//
// It prints the calls per second and the latency's median and 99th
// percentile, and exits 1 on any failed or wrong call.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/examples/kvs/kvspb"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kvs client:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

type options struct {
	addr       string
	n, c, keys int
	sets       float64
	bestEffort bool
	timeout    time.Duration
}

func parse(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:7000", "the server's UDP address")
	fs.IntVar(&o.n, "n", 100000, "calls to make")
	fs.IntVar(&o.c, "c", 8, "goroutines making calls at once")
	fs.IntVar(&o.keys, "keys", 64, "keys per goroutine")
	fs.Float64Var(&o.sets, "sets", 0.5, "fraction of the calls that are Sets (0..1)")
	fs.BoolVar(&o.bestEffort, "best-effort", false, "Dagger's best-effort UDP instead of the reliable transport")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "each call's timeout")
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("%w: %w", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case o.n < 1 || o.c < 1 || o.keys < 1:
		return o, fmt.Errorf("%w: -n %d, -c %d, -keys %d: each must be at least 1", errUsage, o.n, o.c, o.keys)
	case o.sets < 0 || o.sets > 1:
		return o, fmt.Errorf("%w: -sets %g: want 0..1", errUsage, o.sets)
	case o.timeout <= 0:
		return o, fmt.Errorf("%w: -timeout %v: want a positive duration", errUsage, o.timeout)
	}
	return o, nil
}

// worker is one goroutine's keys: the value it set last under each.
type worker struct {
	id    int
	last  map[string][32]byte
	lat   []time.Duration
	calls int
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args, out)
	if err != nil {
		return err
	}
	c, err := rpc.Dial(ctx, o.addr, rpc.DialConfig{Net: rpc.NetConfig{BestEffort: o.bestEffort}})
	if err != nil {
		return err
	}
	kvs := kvspb.NewKVSClient(c)
	workers := make([]*worker, o.c)
	errs := make([]error, o.c)
	start := time.Now()
	var wg sync.WaitGroup
	for g := range o.c {
		w := &worker{id: g, last: map[string][32]byte{}}
		workers[g] = w
		calls := o.n / o.c
		if g < o.n%o.c {
			calls++
		}
		wg.Go(func() { errs[g] = w.run(ctx, kvs, o, calls) })
	}
	wg.Wait()
	took := time.Since(start)
	closeErr := c.Close()
	var lat []time.Duration
	for _, w := range workers {
		lat = append(lat, w.lat...)
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		fmt.Fprintf(out, "kvs: %d calls in %v: %.0f calls/s, latency p50 %v p99 %v\n", len(lat), took.Round(time.Millisecond),
			float64(len(lat))/took.Seconds(), lat[len(lat)/2], lat[len(lat)*99/100])
	}
	return errors.Join(append(errs, closeErr)...)
}

// run makes calls on the worker's keys: a Set stores a value derived from
// the call's number; a Get must find the value set last (or none).
func (w *worker) run(ctx context.Context, kvs *kvspb.KVSClient, o options, calls int) error {
	for i := range calls {
		key := fmt.Sprintf("g%d-%d", w.id, i%o.keys)
		cctx, cancel := context.WithTimeout(ctx, o.timeout)
		t0 := time.Now()
		var err error
		if float64((i*7919)%1000) < o.sets*1000 {
			var v [32]byte
			copy(v[:], fmt.Sprintf("%d/%d", w.id, i))
			_, err = kvs.Set(cctx, kvspb.SetArg{Key: key, Value: v})
			if err == nil {
				w.last[key] = v
			}
		} else {
			var r kvspb.GetRet
			r, err = kvs.Get(cctx, kvspb.Key{Key: key})
			want, set := w.last[key]
			switch {
			case err != nil:
			case r.Found != set && !(r.Found && !set):
				err = fmt.Errorf("get %s: found=%t, but it was set", key, r.Found)
			case set && r.Value != want:
				err = fmt.Errorf("get %s: %q, want %q (set last)", key, r.Value, want)
			}
		}
		cancel()
		if err != nil {
			return fmt.Errorf("call %d of goroutine %d: %w", i, w.id, err)
		}
		w.lat = append(w.lat, time.Since(t0))
	}
	return nil
}
