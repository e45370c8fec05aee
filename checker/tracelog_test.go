package checker

import (
	"slices"
	"testing"
)

// TestTraceLogPaths follows several targets in one scan: paths that share
// ancestors, a target asked for twice, an initial state, and a target
// with no record, which names itself.
func TestTraceLogPaths(t *testing.T) {
	log, err := newTraceLog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer log.close()
	// Two initial states 1 and 2; 3 and 4 from 1; 5 from 3; 6 from 4; 7 from 2.
	var buf []byte
	for _, r := range [][2]uint64{{1, 0}, {2, 0}, {3, 1}, {4, 1}, {7, 2}, {5, 3}, {6, 4}} {
		buf = appendRecord(buf, r[0], r[1])
	}
	log.write(buf)
	got, err := log.paths([]uint64{5, 6, 5, 2, 7})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]uint64{{1, 3, 5}, {1, 4, 6}, {1, 3, 5}, {2}, {2, 7}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("paths: got %v, want %v", got, want)
	}
	if p, err := log.path(6); err != nil || !slices.Equal(p, []uint64{1, 4, 6}) {
		t.Fatalf("path(6) = %v, %v", p, err)
	}
	if _, err := log.paths([]uint64{5, 99}); err == nil {
		t.Fatal("a fingerprint with no record found a path")
	}
}
