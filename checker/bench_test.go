package checker_test

import (
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// BenchmarkBFS explores the grid with dims=4 size=31: 32^4 = 1,048,576
// distinct states and 4,194,305 generated ones. It reports generated and
// distinct states per second and the visited set's bytes per distinct
// state at the end of the run: the safety search alone on one and two
// workers, and with the liveness check, which builds the state graph.
// Compare ratios from the same run; absolute numbers do not travel
// between machines.
func BenchmarkBFS(b *testing.B) {
	m := newGrid(b, 4, 31, "")
	for _, tc := range []struct {
		name string
		opts checker.Options
	}{
		{"safety/workers=1", checker.Options{Workers: 1, SkipLiveness: true}},
		{"safety/workers=2", checker.Options{Workers: 2, SkipLiveness: true}},
		{"liveness/workers=1", checker.Options{Workers: 1}},
	} {
		b.Run("grid-1M/"+tc.name, func(b *testing.B) {
			var res *checker.Result
			for b.Loop() {
				res = run(b, m, tc.opts, "bfs")
			}
			if res.Verdict != checker.OK || res.Stats.Distinct != 1<<20 {
				b.Fatalf("verdict %v with %d states", res.Verdict, res.Stats.Distinct)
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(res.Stats.Generated)/secs, "states/s")
			b.ReportMetric(float64(res.Stats.Distinct)/secs, "distinct/s")
			b.ReportMetric(res.Stats.BytesPerState(), "bytes/state")
			b.ReportMetric(0, "ns/op")
		})
	}
}
