//go:build race

package nic

// raceEnabled: the race detector slows the free-running tests tenfold,
// so they run fewer RPCs under it.
const raceEnabled = true
