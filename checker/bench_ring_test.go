package checker_test

import (
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// ringLargest is the ring model's largest shipped configuration
// (model/ring's tx-2-flows), the one the checker's throughput targets
// are measured on: 463,420 distinct and 1,721,505 generated states.
var ringLargest = []string{"flows=2", "slots=4", "rpcs=6", "batch=2"}

const (
	ringLargestDistinct  = 463420
	ringLargestGenerated = 1721505
)

func newRing(t testing.TB, params []string) *ring.Model {
	t.Helper()
	v, err := spec.ParseParams(ring.Params, params)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ring.New(v, "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// BenchmarkRingBFS is the safety search of the ring model's largest
// shipped configuration on one and two workers, reporting generated
// states per second (the figure the targets name) and distinct
// states per second. Run it with
//
//	go test ./checker -run '^$' -bench RingBFS -count 5
//
// and compare the two workers' figures from the same run: absolute
// numbers do not travel between machines.
func BenchmarkRingBFS(b *testing.B) {
	m := newRing(b, ringLargest)
	for _, workers := range []int{1, 2} {
		b.Run("tx-2-flows/workers="+string(rune('0'+workers)), func(b *testing.B) {
			var res *checker.Result
			for b.Loop() {
				res = run(b, m, checker.Options{Workers: workers, SkipLiveness: true}, "bfs")
			}
			if res.Verdict != checker.OK || res.Stats.Distinct != ringLargestDistinct || res.Stats.Generated != ringLargestGenerated {
				b.Fatalf("verdict %v with %d distinct, %d generated states", res.Verdict, res.Stats.Distinct, res.Stats.Generated)
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(res.Stats.Generated)/secs, "generated/s")
			b.ReportMetric(float64(res.Stats.Distinct)/secs, "distinct/s")
			b.ReportMetric(res.Stats.BytesPerState(), "bytes/state")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkRingBFSWorkers measures what several workers gain over one on
// an idle machine and lose on a busy one: the ring's largest shipped
// configuration, safety properties only, on 1, 2, 4 and 8 workers
// interleaved in every iteration (the order rotating), so that the
// ratios compare runs made in the same seconds. load=busy starts a
// process that keeps one CPU busy for the whole sub-benchmark (on Linux
// pinned to the last CPU), as another program on a shared machine
// would. It reports each worker count's generated states per second and
// its ratio to one worker's:
//
//	go test ./checker -run '^$' -bench RingBFSWorkers -benchtime 10x
func BenchmarkRingBFSWorkers(b *testing.B) {
	m := newRing(b, ringLargest)
	workers := []int{1, 2, 4, 8}
	for _, load := range []string{"idle", "busy"} {
		b.Run("load="+load, func(b *testing.B) {
			if load == "busy" {
				defer startBusyProcess(b)()
			}
			elapsed := make([]time.Duration, len(workers))
			var res *checker.Result
			for i := 0; b.Loop(); i++ {
				for j := range workers {
					j = (i + j) % len(workers)
					start := time.Now()
					res = run(b, m, checker.Options{Workers: workers[j], SkipLiveness: true}, "bfs")
					elapsed[j] += time.Since(start)
					if res.Stats.Distinct != ringLargestDistinct || res.Stats.Generated != ringLargestGenerated {
						b.Fatalf("workers=%d: %d distinct, %d generated states", workers[j], res.Stats.Distinct, res.Stats.Generated)
					}
				}
			}
			for j, w := range workers {
				rate := float64(ringLargestGenerated) * float64(b.N) / elapsed[j].Seconds()
				b.ReportMetric(rate, fmt.Sprintf("w%d-generated/s", w))
				if j > 0 {
					b.ReportMetric(elapsed[0].Seconds()/elapsed[j].Seconds(), fmt.Sprintf("w%d/w1", w))
				}
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// busyEnv makes the test binary a busy loop (see startBusyProcess).
const busyEnv = "DAGGERCHECK_BUSY_LOOP"

// startBusyProcess starts this test binary again as a process that spins
// on one CPU until the returned function stops it.
func startBusyProcess(b *testing.B) (stop func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBusyLoop$")
	cmd.Env = append(os.Environ(), busyEnv+"=1", "GOMAXPROCS=1")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// TestBusyLoop is the background load of BenchmarkRingBFSWorkers: with
// DAGGERCHECK_BUSY_LOOP set, it keeps one CPU busy until it is killed.
func TestBusyLoop(t *testing.T) {
	if os.Getenv(busyEnv) == "" {
		t.Skip("runs only as BenchmarkRingBFSWorkers' background load")
	}
	pinToLastCPU()
	for x := uint64(1); ; x = x*6364136223846793005 + 1442695040888963407 {
		busySink.Store(x)
	}
}

var busySink atomic.Uint64

// BenchmarkRingLiveness is the whole check of the ring's largest shipped
// configuration, liveness included, on one and two workers. It reports
// the liveness check's time against the safety search's in the same run
// (liveness/safety), and the bytes a state of the liveness graph takes:
//
//	go test ./checker -run '^$' -bench RingLiveness -benchtime 5x
func BenchmarkRingLiveness(b *testing.B) {
	m := newRing(b, ringLargest)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("tx-2-flows/workers=%d", workers), func(b *testing.B) {
			var live, safety time.Duration
			var res *checker.Result
			for b.Loop() {
				res = run(b, m, checker.Options{Workers: workers}, "bfs")
				live += res.Stats.LivenessDuration
				safety += res.Stats.Duration - res.Stats.LivenessDuration
			}
			if res.Verdict != checker.OK || res.Stats.GraphStates != ringLargestDistinct {
				b.Fatalf("verdict %v, a graph of %d states", res.Verdict, res.Stats.GraphStates)
			}
			b.ReportMetric(live.Seconds()/float64(b.N), "liveness-s/op")
			b.ReportMetric(live.Seconds()/safety.Seconds(), "liveness/safety")
			b.ReportMetric(float64(res.Stats.GraphBytes)/float64(res.Stats.GraphStates), "graph-bytes/state")
		})
	}
}
