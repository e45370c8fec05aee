package checker

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"
)

// Fingerprint hashes a state's canonical encoding to 64 bits. It is fixed
// (no per-process seed) so fingerprints, and the traces built from them,
// are the same in every run. Zero is reserved for empty table slots and
// all ones is reserved too (see busySlot), so those two hashes are moved to
// their neighbours.
//
// It is wyhash's construction: each 128-bit multiply folds 16 bytes of
// input into a lane, two lanes take alternate 16-byte chunks, the last 16
// bytes are read whole (overlapping the chunk before them, which is sound
// because the length is hashed too) instead of copied into a padded
// buffer, and a last multiply joins the lanes. The checker fingerprints
// every generated state, so the chain of dependent multiplies (a quarter
// of the encoding's length in words) is on its critical path.
func Fingerprint(enc []byte) uint64 {
	const (
		p0 = 0xa0761d6478bd642f
		p1 = 0xe7037ed1a0b428db
		p2 = 0x8ebc6af09c88c6e3
		p3 = 0x589965cc75374cc3
	)
	le := binary.LittleEndian
	n := uint64(len(enc))
	a, b := n*p0^p2, n*p0^p3
	if len(enc) < 16 {
		var t [16]byte
		copy(t[:], enc)
		b = mix(le.Uint64(t[:])^p2, le.Uint64(t[8:])^b)
	} else {
		p := enc
		for len(p) > 32 {
			a = mix(le.Uint64(p)^p1, le.Uint64(p[8:])^a)
			b = mix(le.Uint64(p[16:])^p2, le.Uint64(p[24:])^b)
			p = p[32:]
		}
		if len(p) > 16 {
			a = mix(le.Uint64(p)^p1, le.Uint64(p[8:])^a)
		}
		t := enc[len(enc)-16:]
		b = mix(le.Uint64(t)^p2, le.Uint64(t[8:])^b)
	}
	h := mix(a^p0, b^p1^n)
	switch h {
	case 0:
		h = 1
	case busySlot:
		h = busySlot - 1
	}
	return h
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// CollisionProbability estimates, as TLC does ("optimistic"), the chance
// that two of the distinct states reached share a fingerprint, so that one
// of them was never explored: each of the generated-minus-distinct
// look-ups that found its fingerprint already present could have been a
// collision with any of the distinct fingerprints.
func CollisionProbability(distinct, generated uint64) float64 {
	if generated < distinct {
		generated = distinct
	}
	return float64(distinct) * float64(generated-distinct) / math.Exp2(64)
}

// fpSet is the visited set: 64-bit fingerprints in open-addressed tables
// with linear probing, one table per shard. A table grows by half when it
// is more than 78% full, so its load stays between 52% and 78% and the
// set costs at most 8/0.52 ≈ 15.4 bytes per fingerprint once past the
// minimum table size. Shards are picked by the low bits of the
// fingerprint and slots by the high bits (multiply-shift, which needs no
// power-of-two size), so the two choices are independent.
//
// The set has no locks: while a level is expanded each shard is read and
// written by its owner only, and the whole set is read by many workers
// only while nobody writes it.
type fpSet struct {
	shards []fpShard
	mask   uint64
}

type fpShard struct {
	slots []uint64
	count int
	// Neighbouring shards have different owners, which write count on
	// every insert: a shard fills a cache line (64 bytes) of its own.
	_ [64 - 32]byte
}

// busySlot is all ones, which Fingerprint never returns: an earlier
// visited set marked slots being claimed with it, and it stays reserved so
// that fingerprints, and the checkpoints and traces built from them, do
// not change.
const busySlot = ^uint64(0)

const (
	minShardSlots = 16
	maxLoadPct    = 78
)

// newFPSet makes a set with 2^shardBits shards.
func newFPSet(shardBits int) *fpSet {
	n := 1 << shardBits
	s := &fpSet{shards: make([]fpShard, n), mask: uint64(n - 1)}
	for i := range s.shards {
		s.shards[i].slots = make([]uint64, minShardSlots)
	}
	return s
}

// reserve sizes the set for n fingerprints spread evenly over its
// shards, so that none grows before it holds its share of them: a shard's
// growth rehashes it while its owner waits, which an expected count
// known up front avoids. The load after n inserts is about 65%, the
// middle of the range growth keeps. A set already that large is left
// alone.
func (s *fpSet) reserve(n uint64) {
	per := n / uint64(len(s.shards))
	size := max(minShardSlots, int(per*100/65)+1)
	for i := range s.shards {
		if sh := &s.shards[i]; len(sh.slots) < size && sh.count == 0 {
			sh.slots = make([]uint64, size)
		}
	}
}

// Insert adds fp, which must not be zero (Fingerprint never returns zero),
// and reports whether it was new.
func (s *fpSet) Insert(fp uint64) bool {
	sh := &s.shards[fp&s.mask]
	if !sh.insert(fp) {
		return false
	}
	if sh.count*100 > len(sh.slots)*maxLoadPct {
		sh.grow()
	}
	return true
}

// prefetch starts loading the cache line where fp's probe begins.
func (s *fpSet) prefetch(fp uint64) {
	sh := &s.shards[fp&s.mask]
	i, _ := bits.Mul64(fp, uint64(len(sh.slots)))
	prefetch(uintptr(unsafe.Pointer(&sh.slots[i])))
}

// Contains reports whether fp is in the set.
func (s *fpSet) Contains(fp uint64) bool {
	sh := &s.shards[fp&s.mask]
	n := uint64(len(sh.slots))
	i, _ := bits.Mul64(fp, n)
	for {
		switch sh.slots[i] {
		case fp:
			return true
		case 0:
			return false
		}
		if i++; i == n {
			i = 0
		}
	}
}

func (sh *fpShard) insert(fp uint64) bool {
	n := uint64(len(sh.slots))
	i, _ := bits.Mul64(fp, n)
	for {
		switch sh.slots[i] {
		case fp:
			return false
		case 0:
			sh.slots[i] = fp
			sh.count++
			return true
		}
		if i++; i == n {
			i = 0
		}
	}
}

func (sh *fpShard) grow() {
	old := sh.slots
	sh.slots = make([]uint64, len(old)+len(old)/2)
	sh.count = 0
	for _, fp := range old {
		if fp != 0 {
			sh.insert(fp)
		}
	}
}

// Len is the number of fingerprints in the set.
func (s *fpSet) Len() int {
	n := 0
	for i := range s.shards {
		n += s.shards[i].count
	}
	return n
}

// Bytes is the memory the set's tables occupy.
func (s *fpSet) Bytes() uint64 {
	var b uint64
	for i := range s.shards {
		b += uint64(len(s.shards[i].slots)) * 8
	}
	return b
}
