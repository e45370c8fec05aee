package checker_test

import (
	"testing"

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
