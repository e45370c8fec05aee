package checker_test

import (
	"runtime"
	"syscall"
	"unsafe"
)

// pinToLastCPU keeps the calling thread on the machine's last CPU, so
// that a busy loop takes one core and leaves the others.
func pinToLastCPU() {
	runtime.LockOSThread()
	var mask [16]uint64
	cpu := runtime.NumCPU() - 1
	mask[cpu/64] = 1 << (cpu % 64)
	syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask)))
}
