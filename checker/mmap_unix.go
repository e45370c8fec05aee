//go:build unix

package checker

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f into memory, read-only.
func mapFile(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

func unmapFile(b []byte) { syscall.Munmap(b) }
