package ring

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// LineSize is the cache line the arena aligns to: one slot, or one credit
// line.
const LineSize = 64

// ErrArenaFull: an Alloc asked for more lines than the arena has left.
var ErrArenaFull = errors.New("ring: arena full")

// Arena is the shared memory the rings live in: a run of 64-byte lines
// whose first line starts on a 64-byte boundary, so every slot and every
// credit line is exactly one cache line and no two of them share one.
//
// It is a []uint64 allocated with seven spare words; the first word at a
// 64-byte address starts the arena. That holds for as long as the slice
// lives because Go's collector does not move heap objects. (Were that ever
// to change, only speed would suffer: the atomic 64-bit accesses need the
// 8-byte alignment that a []uint64 always has.)
//
// Every shared word is read and written with sync/atomic only.
type Arena struct {
	words []uint64 // len = 8 × lines, &words[0] 64-byte aligned
	used  int      // lines handed out
}

// NewArena allocates an arena of the given number of lines (at least 1).
func NewArena(lines int) *Arena {
	lines = max(lines, 1)
	raw := make([]uint64, lines*slot.Words+slot.Words-1)
	off := 0
	if rem := uintptr(unsafe.Pointer(&raw[0])) % LineSize; rem != 0 {
		off = int(LineSize-rem) / 8
	}
	return &Arena{words: raw[off : off+lines*slot.Words : off+lines*slot.Words]}
}

// Lines is the arena's size in lines; Free is how many are not handed out.
func (a *Arena) Lines() int { return len(a.words) / slot.Words }

// Free is the number of lines not yet handed out.
func (a *Arena) Free() int { return a.Lines() - a.used }

// Alloc hands out n consecutive lines (n×8 words, 64-byte aligned).
func (a *Arena) Alloc(n int) ([]uint64, error) {
	if n < 1 || n > a.Free() {
		return nil, fmt.Errorf("%w: want %d lines, %d of %d free", ErrArenaFull, n, a.Free(), a.Lines())
	}
	lo, hi := a.used*slot.Words, (a.used+n)*slot.Words
	a.used += n
	return a.words[lo:hi:hi], nil
}

// aligned reports whether w starts on a cache-line boundary.
func aligned(w []uint64) bool { return uintptr(unsafe.Pointer(&w[0]))%LineSize == 0 }
