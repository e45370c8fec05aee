package checker

// prefetch asks the CPU to bring the cache line at addr closer without
// waiting for it (PREFETCHT0): the visited set's probes are cache misses,
// and issuing them a few successors ahead overlaps them with the model's
// work. Go has no prefetch intrinsic for user code, hence the assembly.
//
//go:noescape
func prefetch(addr uintptr)
