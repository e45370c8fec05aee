package hist

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The bucket map is monotone, continuous (no index is skipped) and every
// value lies inside the bounds of its bucket, across all 63 octaves.
func TestIndexAndBoundsAgree(t *testing.T) {
	prev := -1
	check := func(v int64) {
		t.Helper()
		i := index(v)
		if i < prev {
			t.Fatalf("index(%d) = %d is below index of a smaller value %d", v, i, prev)
		}
		if i >= buckets {
			t.Fatalf("index(%d) = %d, outside %d buckets", v, i, buckets)
		}
		lo, hi := bounds(i)
		if v < lo || v > hi {
			t.Fatalf("value %d in bucket %d with bounds [%d, %d]", v, i, lo, hi)
		}
		if lo > 2*sub && float64(hi-lo+1) > float64(lo)*RelativeError {
			t.Fatalf("bucket %d [%d, %d] is wider than %g of its lower bound", i, lo, hi, RelativeError)
		}
		prev = i
	}
	for v := int64(0); v < 1<<16; v++ {
		check(v)
	}
	for i := 2 * sub; i < buckets; i++ {
		lo, hi := bounds(i)
		prev = i - 1
		check(lo)
		check(hi)
		if i+1 < buckets {
			if next, _ := bounds(i + 1); next != hi+1 {
				t.Fatalf("bucket %d ends at %d but bucket %d starts at %d", i, hi, i+1, next)
			}
		}
	}
	if index(math.MaxInt64) != buckets-1 {
		t.Fatalf("index(MaxInt64) = %d, want the last bucket %d", index(math.MaxInt64), buckets-1)
	}
}

// Small values are exact: the median of 1..100 ns is 50 and its p99 is 99.
func TestExactSmallValues(t *testing.T) {
	var h Histogram
	for v := 100; v >= 1; v-- {
		h.Record(time.Duration(v))
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0, 1}, {0.01, 1}, {0.5, 50}, {0.99, 99}, {1, 100}, {-1, 1}, {2, 100}, {math.NaN(), 1}} {
		if got := h.Quantile(c.q); got != c.want {
			t.Errorf("Quantile(%g) = %d, want %d", c.q, got, c.want)
		}
	}
	if h.Count() != 100 || h.Min() != 1 || h.Max() != 100 || h.Mean() != 50 {
		t.Errorf("count %d min %d max %d mean %d, want 100 1 100 50", h.Count(), h.Min(), h.Max(), h.Mean())
	}
}

// Against the exact nearest-rank order statistics of random samples
// spread over six orders of magnitude, every reported percentile is within
// RelativeError; merging per-goroutine histograms changes nothing.
func TestQuantilesMatchSortedSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var whole, a, b Histogram
	samples := make([]int64, 0, 200000)
	for i := range 200000 {
		// log-uniform between 100 ns and 100 ms, with a heavy tail
		v := int64(math.Exp(math.Log(100) + rng.Float64()*math.Log(1e6)))
		samples = append(samples, v)
		whole.Record(time.Duration(v))
		if i%3 == 0 {
			a.Record(time.Duration(v))
		} else {
			b.Record(time.Duration(v))
		}
	}
	a.Merge(&b)
	slices.Sort(samples)
	for _, q := range []float64{0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1} {
		rank := int(math.Ceil(q * float64(len(samples))))
		want := samples[rank-1]
		for name, h := range map[string]*Histogram{"whole": &whole, "merged": &a} {
			got := int64(h.Quantile(q))
			if rel := math.Abs(float64(got-want)) / float64(want); rel > RelativeError {
				t.Errorf("%s: Quantile(%g) = %d, true %d, relative error %.4f > %.4f", name, q, got, want, rel, RelativeError)
			}
		}
	}
	if a.Count() != whole.Count() || a.Min() != whole.Min() || a.Max() != whole.Max() {
		t.Errorf("merged count/min/max %d/%d/%d, whole %d/%d/%d", a.Count(), a.Min(), a.Max(), whole.Count(), whole.Min(), whole.Max())
	}
}

// An empty histogram reports zeros; a negative duration counts as zero;
// merging an empty histogram keeps the minimum.
func TestEdgeCases(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Count() != 0 {
		t.Fatalf("empty histogram: quantile %d mean %d count %d", h.Quantile(0.5), h.Mean(), h.Count())
	}
	h.Record(-5)
	h.Record(time.Second)
	var empty Histogram
	h.Merge(&empty)
	if h.Count() != 2 || h.Min() != 0 || h.Quantile(0) != 0 {
		t.Fatalf("after a negative sample: count %d min %d q0 %d", h.Count(), h.Min(), h.Quantile(0))
	}
	if got := h.Quantile(1); got != time.Second {
		t.Fatalf("Quantile(1) = %v, want the exact max 1s", got)
	}
}
