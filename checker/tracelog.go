package checker

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
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
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return nil, l.err
	}
	rev := []uint64{target}
	// A block of at most 1 MiB, and no larger than the log: a small
	// run's counterexample should not cost a megabyte to clear.
	block := make([]byte, min(1<<20, l.size))
	end := l.size
	for end > 0 {
		start := max(end-int64(len(block)), 0)
		b := block[:end-start]
		if _, err := l.f.ReadAt(b, start); err != nil && err != io.EOF {
			return nil, fmt.Errorf("checker: trace log %s: %w", l.f.Name(), err)
		}
		for i := len(b) - logRecord; i >= 0; i -= logRecord {
			if binary.LittleEndian.Uint64(b[i:]) != target {
				continue
			}
			target = binary.LittleEndian.Uint64(b[i+8:])
			if target == 0 {
				for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
					rev[i], rev[j] = rev[j], rev[i]
				}
				return rev, nil
			}
			rev = append(rev, target)
		}
		end = start
	}
	return nil, fmt.Errorf("checker: trace log %s has no record of fingerprint %#x", l.f.Name(), target)
}

func (l *traceLog) close() {
	l.f.Close()
	os.Remove(l.f.Name())
}
