package hist

import (
	"math"
	"math/bits"
	"time"
)

// subBits sets the precision: each power-of-two range [2^k, 2^(k+1)) with
// k >= subBits is split into 2^subBits equal buckets, and every value below
// 2^(subBits+1) has a bucket of its own.
const (
	subBits = 7
	sub     = 1 << subBits
	// buckets covers every non-negative int64: the largest value has
	// bit length 63, shift 63-(subBits+1) = 55, index 55*sub + 2*sub-1.
	buckets = (63-subBits)*sub + sub
)

// RelativeError bounds |reported - true| / true for a percentile of
// values at or above 2^(subBits+1) nanoseconds; smaller values are exact.
const RelativeError = 1.0 / sub

// Histogram counts durations in nanoseconds. The zero value is empty and
// ready to use. It is not safe for concurrent use: give each goroutine its
// own and Merge them.
type Histogram struct {
	counts [buckets]uint64
	n      uint64
	min    int64
	max    int64
	sum    float64
}

// index maps v >= 0 to its bucket: with s the number of low bits dropped
// (0 below 2^(subBits+1)) and m = v>>s, which then lies in [sub, 2*sub),
// the index s*sub + m is continuous across octaves and monotone in v.
func index(v int64) int {
	s := bits.Len64(uint64(v)) - (subBits + 1)
	if s < 0 {
		s = 0
	}
	return s*sub + int(v>>uint(s))
}

// bounds returns the smallest and largest value that map to bucket i.
func bounds(i int) (lo, hi int64) {
	if i < 2*sub {
		return int64(i), int64(i)
	}
	s := i/sub - 1
	m := int64(i - s*sub)
	return m << uint(s), (m+1)<<uint(s) - 1
}

// Record counts one duration. Negative durations (a clock step) count as
// zero rather than being lost, so Count always equals the calls recorded.
func (h *Histogram) Record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.counts[index(v)]++
	h.n++
	h.sum += float64(v)
}

// Merge adds every sample of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
}

// Count is the number of durations recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Min and Max are exact.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max is the largest duration recorded (exact).
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean is exact up to float64 rounding; zero when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Quantile returns the q-quantile (q in [0, 1]; 0.5 the median, 0.99 the
// 99th percentile) as the nearest-rank order statistic: the value of the
// ceil(q*n)-th smallest sample (at least the first), reported as the
// midpoint of its bucket and clamped to [Min, Max], hence within
// RelativeError of the true sample. Zero when empty; q outside [0, 1] or
// NaN is clamped into it.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if !(q > 0) { // also NaN
		q = 0
	}
	if q > 1 {
		q = 1
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	if rank > h.n {
		rank = h.n
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bounds(i)
			v := lo + (hi-lo)/2
			v = max(v, h.min)
			v = min(v, h.max)
			return time.Duration(v)
		}
	}
	return time.Duration(h.max) // unreachable while counts sum to n
}
