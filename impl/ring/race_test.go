//go:build race

package ring

// raceEnabled: the race detector slows the free-running tests tenfold or
// more, so they run fewer RPCs under it.
const raceEnabled = true
