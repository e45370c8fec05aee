package ring

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// Driver is the free-running mode: a thin goroutine driver over the same
// steps that step mode exposes. A producer goroutine sends RPCs through
// the ring and a poller goroutine takes them. For tests and benchmarks;
// the soft NIC (impl/nic) has its own sweep over many rings.
type Driver struct {
	Ring *Ring
	// Batch is the lines per poll: 0 or 1 takes one RPC at a time (Take,
	// returning the credit when the ring runs dry or half a ring of it is
	// due); more uses Poll, which returns it after every poll (Dagger's
	// NIC reads 4 lines at a time).
	Batch int
	// Spin is how many empty polls (or refused sends) a goroutine makes
	// before it yields the processor: with more runnable goroutines than
	// cores, a pure spin starves the others until the scheduler preempts
	// it (about every 10 ms). 0 means 16.
	Spin int
	// Pause is how long the poller waits after an empty poll before it
	// polls again, in turns of a short busy loop (a turn is a few
	// nanoseconds); 0 means 100, negative means none. A poller that
	// re-reads a line while the producer is storing into it takes the
	// line away between the producer's stores, and each of Go's atomic
	// stores (an XCHG on amd64) then waits for the line to come back;
	// Dagger's NIC polls a line every ~150 ns for the same reason.
	Pause int
}

// pauseSink keeps the busy loop from being optimised away.
var pauseSink atomic.Uint64

//go:noinline
func pause(n int) {
	x := uint64(n)
	for range n {
		x = x*6364136223846793005 + 1442695040888963407
	}
	if x == 0 {
		pauseSink.Store(x)
	}
}

// Run sends the n RPCs gen(0), ..., gen(n-1) from a producer goroutine and
// takes them on a poller goroutine, handing each to sink (on the poller's
// goroutine) in the order taken. It returns how many the poller took, when
// it has taken n, or when ctx is done (an error then: with a faulty ring
// RPCs can be lost, and the poller would wait for ever). A producer error
// other than ErrRingFull (ErrTooLarge, say) stops the producer and is
// returned once the poller has drained the ring.
func (d Driver) Run(ctx context.Context, n int, gen func(i int) slot.RPC, sink func(slot.RPC)) (int, error) {
	spin := d.Spin
	if spin <= 0 {
		spin = 16
	}
	wait := d.Pause
	if wait == 0 {
		wait = 100
	}
	var (
		wg      sync.WaitGroup
		prodErr error
		stopped atomic.Bool // the producer has finished, or failed
		taken   int
		pollErr []error
	)
	wg.Go(func() {
		defer stopped.Store(true)
		p := d.Ring.Producer()
		for i := range n {
			rpc := gen(i)
			for idle := 0; ; idle++ {
				err := p.Send(rpc)
				if err == nil {
					break
				}
				if !errors.Is(err, ErrRingFull) {
					prodErr = fmt.Errorf("ring: sending RPC %d: %w", i, err)
					return
				}
				if idle%spin == spin-1 {
					if ctx.Err() != nil {
						return
					}
					runtime.Gosched()
				}
			}
		}
		p.Flush() // a doorbell producer announces its last, partial batch
	})
	wg.Go(func() {
		c := d.Ring.Consumer()
		credit := uint64(max(d.Ring.Slots()/2, 1))
		var batch []slot.RPC
		defer c.ReturnCredit()
		for idle := 0; taken < n; {
			var err error
			if d.Batch > 1 {
				batch, err = c.Poll(d.Batch, batch[:0])
				for _, rpc := range batch {
					sink(rpc)
				}
				taken += len(batch)
			} else {
				var rpc slot.RPC
				if rpc, err = c.Take(); err == nil {
					sink(rpc)
					taken++
				}
				// Credit goes back when the ring runs dry or half of it
				// waits to be returned, not after every RPC.
				if err != nil || c.Unreturned() >= credit {
					c.ReturnCredit()
				}
			}
			switch {
			case err == nil:
				idle = 0
				continue
			case !errors.Is(err, ErrEmpty):
				pollErr = append(pollErr, err) // malformed lines: counted, dropped
				continue
			}
			pause(wait)
			if idle++; idle%spin == 0 {
				if ctx.Err() != nil {
					return
				}
				if stopped.Load() && prodErr != nil {
					return
				}
				runtime.Gosched()
			}
		}
	})
	wg.Wait()
	if err := errors.Join(append([]error{prodErr}, pollErr...)...); err != nil {
		return taken, err
	}
	if taken < n {
		return taken, fmt.Errorf("ring: took %d of %d RPCs: %w", taken, n, ctx.Err())
	}
	return taken, nil
}
