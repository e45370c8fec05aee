package wake

import (
	"runtime"
	"time"
)

// The polling discipline's constants: Spin idle rounds (each followed by
// a yield) before parking, and the longest park, for producers that ring
// no bell.
const (
	Spin    = 64
	MaxPark = time.Millisecond
)

// Idle is the polling discipline of one free-running goroutine (a NIC's,
// a server flow's dispatch thread, a caller waiting for its response), as
// a value its loop consults after each round; it calls nothing back:
//
//	var idle wake.Idle
//	for ctx.Err() == nil {
//		if !idle.Next(round()) {
//			continue // it moved something, or the processor was yielded
//		}
//		if busy() { // work that no bell announces
//			idle.Hold()
//			continue
//		}
//		w := bell.Arm()
//		if round() > 0 { // the re-check
//			w.Disarm()
//			idle.Reset()
//			continue
//		}
//		w.Park(ctx, wake.MaxPark)
//	}
//
// After a round that moved nothing the goroutine yields the processor,
// and after Spin such rounds in a row it parks on its bell until a
// producer rings it or MaxPark passes. Pure spinning would starve the
// other goroutines whenever there are more runnable goroutines than cores
// (Go preempts a busy loop only every ~10 ms); parking only when idle
// keeps latency low under load.
type Idle struct{ rounds int }

// Next takes what the last round moved. It reports true when the
// goroutine should park now (Spin fruitless rounds in a row); otherwise
// it has reset the count (the round moved something) or yielded the
// processor.
func (i *Idle) Next(moved int) bool {
	if moved > 0 {
		i.rounds = 0
		return false
	}
	if i.rounds++; i.rounds < Spin {
		runtime.Gosched()
		return false
	}
	return true
}

// Reset starts the count again: the re-check found work.
func (i *Idle) Reset() { i.rounds = 0 }

// Hold yields instead of parking: work waits that no bell announces (RPCs
// held for a full link, a response for a full TX ring).
func (i *Idle) Hold() { runtime.Gosched() }

// Backoff waits after the i-th fruitless try in a row of something that
// no bell announces (room in a ring another goroutine empties): a yield
// for the first 256, then sleeps doubling from 1µs to 200µs.
func Backoff(i int) {
	if i < 256 {
		runtime.Gosched()
		return
	}
	time.Sleep(min(time.Microsecond<<min(i-256, 8), 200*time.Microsecond))
}
