//go:build !linux

package checker_test

// pinToLastCPU does nothing here: the busy loop takes whichever core the
// operating system gives it.
func pinToLastCPU() {}
