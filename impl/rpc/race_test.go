//go:build race

package rpc

// raceEnabled: the race detector slows the free-running tests tenfold,
// so they run fewer calls under it.
const raceEnabled = true
