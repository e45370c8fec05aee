package checker

import (
	"fmt"
	"os"
	"unsafe"
)

// column is one array of the liveness check's state graph: appended to
// while the graph is built, then read at random. It lives in memory, or,
// under a memory cap, in a file that is mapped into memory once complete,
// so that the operating system keeps as much of it in memory as it can
// spare and reads the rest from disk when it is touched. The file holds
// the values' raw bytes: only this process reads it.
type column[E uint32 | uint64] struct {
	mem  []E      // in memory; or, for a file, the values not yet written
	file *os.File // nil: in memory
	n    int      // values written to the file
	view []byte   // the file mapped, once frozen
}

// columnChunk is how many values a column on disk gathers before a write.
const columnChunk = 1 << 12

// newColumn makes a column in memory, with room for about n values, or
// in a file in dir.
func newColumn[E uint32 | uint64](dir string, onDisk bool, n int) (*column[E], error) {
	c := &column[E]{}
	if !onDisk {
		c.mem = make([]E, 0, n)
	} else {
		f, err := os.CreateTemp(dir, "daggercheck-graph-*")
		if err != nil {
			return nil, fmt.Errorf("checker: liveness graph: %w", err)
		}
		c.file, c.mem = f, make([]E, 0, columnChunk)
	}
	return c, nil
}

func (c *column[E]) add(e E) error {
	c.mem = append(c.mem, e)
	if c.file != nil && len(c.mem) == columnChunk {
		return c.flush()
	}
	return nil
}

func (c *column[E]) len() int { return c.n + len(c.mem) }

// bytes is what the column holds in memory.
func (c *column[E]) bytes() uint64 {
	var e E
	return uint64(cap(c.mem)) * uint64(unsafe.Sizeof(e))
}

func (c *column[E]) flush() error {
	if len(c.mem) == 0 {
		return nil
	}
	var e E
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&c.mem[0])), len(c.mem)*int(unsafe.Sizeof(e)))
	if _, err := c.file.Write(raw); err != nil {
		return fmt.Errorf("checker: liveness graph %s: %w", c.file.Name(), err)
	}
	c.n += len(c.mem)
	c.mem = c.mem[:0]
	return nil
}

// freeze ends the appends and returns the values for reading.
func (c *column[E]) freeze() ([]E, error) {
	if c.file == nil {
		return c.mem, nil
	}
	if err := c.flush(); err != nil {
		return nil, err
	}
	c.mem = nil
	if c.n == 0 {
		return nil, nil
	}
	var e E
	view, err := mapFile(c.file, c.n*int(unsafe.Sizeof(e)))
	if err != nil {
		return nil, fmt.Errorf("checker: liveness graph %s: %w", c.file.Name(), err)
	}
	c.view = view
	return unsafe.Slice((*E)(unsafe.Pointer(&view[0])), c.n), nil
}

// close lets go of the column and removes its file.
func (c *column[E]) close() {
	c.mem = nil
	if c.file == nil {
		return
	}
	if c.view != nil {
		unmapFile(c.view)
		c.view = nil
	}
	c.file.Close()
	os.Remove(c.file.Name())
	c.file = nil
}
