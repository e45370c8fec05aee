package wake

import (
	"context"
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

// Poll is the polling discipline of every free-running goroutine of the
// stack (a NIC's, a server flow's dispatch thread): it runs round until
// ctx ends. After a round that moved nothing it yields the processor, and
// after Spin idle rounds in a row it parks on b until a producer rings it
// or MaxPark passes — unless busy reports work that comes with no bell
// (RPCs held for a full link, a response waiting for room in a full TX
// ring), when it keeps yielding. busy may be nil.
//
// Pure spinning would starve the other goroutines whenever there are more
// runnable goroutines than cores (Go preempts a busy loop only every
// ~10 ms); parking only when idle keeps latency low under load.
func Poll(ctx context.Context, b *Bell, round func() int, busy func() bool) {
	idle := 0
	for ctx.Err() == nil {
		if round() > 0 {
			idle = 0
			continue
		}
		if idle++; idle < Spin || (busy != nil && busy()) {
			runtime.Gosched()
			continue
		}
		if b.Wait(ctx, func() bool { return round() > 0 }, MaxPark) {
			idle = 0
		}
	}
}

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
