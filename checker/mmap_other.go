//go:build !unix

package checker

import (
	"io"
	"os"
)

// mapFile reads the first size bytes of f: without mmap the column is
// held in memory after all.
func mapFile(f *os.File, size int) ([]byte, error) {
	b := make([]byte, size)
	_, err := io.ReadFull(io.NewSectionReader(f, 0, int64(size)), b)
	return b, err
}

func unmapFile([]byte) {}
