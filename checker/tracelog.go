package checker

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// traceLog is breadth-first search's record of how each distinct state was
// first reached: a file of (fingerprint, parent fingerprint) pairs, as
// TLC's trace file, so the visited set itself holds fingerprints only and
// memory does not grow with it. Every record of depth d is written before
// any record of depth d+1 (workers flush at the end of each level), so a
// parent always precedes its children and one backward scan rebuilds a
// path.
type traceLog struct {
	mu   sync.Mutex
	f    *os.File
	size int64
	err  error
}

const logRecord = 16

func newTraceLog(dir string) (*traceLog, error) {
	f, err := os.CreateTemp(dir, "daggercheck-trace-*")
	if err != nil {
		return nil, fmt.Errorf("checker: trace log: %w", err)
	}
	return &traceLog{f: f}, nil
}

// appendRecord adds a record to a worker's buffer.
func appendRecord(buf []byte, fp, parent uint64) []byte {
	buf = binary.LittleEndian.AppendUint64(buf, fp)
	return binary.LittleEndian.AppendUint64(buf, parent)
}

// putRecord writes a record at the start of buf.
func putRecord(buf []byte, fp, parent uint64) {
	binary.LittleEndian.PutUint64(buf, fp)
	binary.LittleEndian.PutUint64(buf[8:], parent)
}

// write appends a worker's buffered records to the file.
func (l *traceLog) write(buf []byte) {
	if len(buf) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	n, err := l.f.WriteAt(buf, l.size)
	l.size += int64(n)
	if err != nil {
		l.err = fmt.Errorf("checker: trace log %s: %w", l.f.Name(), err)
	}
}

// path returns the fingerprints from an initial state to target.
func (l *traceLog) path(target uint64) ([]uint64, error) {
	ps, err := l.paths([]uint64{target})
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// paths returns, for each target, the fingerprints from an initial state
// to it. One backward scan of the log follows all of them at once: the
// log may hold hundreds of millions of records, and a run with several
// witnesses would otherwise read it once for each.
func (l *traceLog) paths(targets []uint64) ([][]uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return nil, l.err
	}
	rev := make([][]uint64, len(targets))
	waiting := map[uint64][]int{} // a fingerprint not yet found: the paths that reach it
	for i, t := range targets {
		rev[i] = []uint64{t}
		waiting[t] = append(waiting[t], i)
	}
	// A block of at most 1 MiB, and no larger than the log: a small
	// run's counterexample should not cost a megabyte to clear.
	block := make([]byte, min(1<<20, l.size))
	for end := l.size; end > 0 && len(waiting) > 0; {
		start := max(end-int64(len(block)), 0)
		b := block[:end-start]
		if _, err := l.f.ReadAt(b, start); err != nil && err != io.EOF {
			return nil, fmt.Errorf("checker: trace log %s: %w", l.f.Name(), err)
		}
		for i := len(b) - logRecord; i >= 0 && len(waiting) > 0; i -= logRecord {
			ps, ok := waiting[binary.LittleEndian.Uint64(b[i:])]
			if !ok {
				continue
			}
			delete(waiting, binary.LittleEndian.Uint64(b[i:]))
			if parent := binary.LittleEndian.Uint64(b[i+8:]); parent != 0 {
				for _, p := range ps {
					rev[p] = append(rev[p], parent)
				}
				waiting[parent] = append(waiting[parent], ps...)
			}
		}
		end = start
	}
	for fp := range waiting {
		return nil, fmt.Errorf("checker: trace log %s has no record of fingerprint %#x", l.f.Name(), fp)
	}
	for _, r := range rev {
		slices.Reverse(r)
	}
	return rev, nil
}

func (l *traceLog) close() {
	l.f.Close()
	os.Remove(l.f.Name())
}
