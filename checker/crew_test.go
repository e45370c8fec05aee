package checker

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A crew runs every phase on worker 0 and on each other worker at most
// once; the others join a phase that lasts (here: until all have joined),
// whether they were spinning between phases or parked; and run returns
// only when every worker that joined has left.
func TestCrewJoinsPhasesAndWaitsForThoseInside(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		c := newCrew(n)
		for phase := range 60 {
			if phase%10 == 9 {
				time.Sleep(4 * spinFor) // let the goroutines park
			}
			runs := make([]atomic.Int64, n)
			var joined, inside atomic.Int64
			waitAll := phase%2 == 0
			c.run(func(id int) {
				inside.Add(1)
				runs[id].Add(1)
				joined.Add(1)
				for waitAll && id == 0 && joined.Load() < int64(n) {
					runtime.Gosched()
				}
				if id != 0 {
					runtime.Gosched() // a late worker is still inside when worker 0 is done
				}
				inside.Add(-1)
			})
			if got := inside.Load(); got != 0 {
				t.Fatalf("n=%d phase %d: run returned with %d workers inside", n, phase, got)
			}
			for id := range runs {
				got := runs[id].Load()
				if got > 1 || (id == 0 || waitAll) && got != 1 {
					t.Fatalf("n=%d phase %d: worker %d ran the phase %d times", n, phase, id, got)
				}
			}
		}
		c.stop()
	}
}

// A waiter parked at a gate wakes for a change made after it parked, and
// one made before it looked is seen without a wake.
func TestGateLosesNoWake(t *testing.T) {
	var g gate
	var flag atomic.Int64
	done := make(chan struct{})
	for round := int64(1); round <= 200; round++ {
		go func() {
			g.await(func() bool { return flag.Load() >= round })
			done <- struct{}{}
		}()
		if round%50 == 0 {
			time.Sleep(4 * spinFor) // the waiter parks first
		}
		flag.Store(round)
		g.wake()
		<-done
	}
}
