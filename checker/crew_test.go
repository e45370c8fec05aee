package checker

import (
	"sync/atomic"
	"testing"
	"time"
)

// A crew runs every phase once on every worker, and run returns only when
// all have finished: whether its goroutines are spinning between phases
// or have parked (a pause longer than spinFor).
func TestCrewRunsEveryPhaseOnEveryWorker(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		c := newCrew(n)
		runs := make([]atomic.Int64, n)
		for phase := range 50 {
			if phase%10 == 9 {
				time.Sleep(2 * spinFor) // let the goroutines park
			}
			var inside atomic.Int64
			c.run(func(id int) {
				inside.Add(1)
				if id == n-1 {
					time.Sleep(100 * time.Microsecond) // the others wait for the slowest
				}
				runs[id].Add(1)
			})
			if got := inside.Load(); got != int64(n) {
				t.Fatalf("n=%d phase %d: %d workers ran, want %d", n, phase, got, n)
			}
			for id := range runs {
				if got := runs[id].Load(); got != int64(phase+1) {
					t.Fatalf("n=%d phase %d: worker %d has run %d phases when run returned, want %d", n, phase, id, got, phase+1)
				}
			}
		}
		c.stop()
	}
}
