package ring

import (
	"fmt"
	"testing"
)

// TestPublishAndConsumeAreSynchronised: the store of a slot's header word,
// which publishes the RPC, and the poller's loads of it are the credit
// protocol's only synchronisation between the producer and the consumer.
// A few hundred RPCs through a two-slot ring, on both of the poller's
// paths (Take, and Poll in batches), with both goroutines yielding at
// every refusal and never pausing, put such stores beside loads on the
// other goroutine lap after lap, so that under the race detector (CI runs go
// test -race ./impl/...) a plain store or load there is reported here, in
// well under a second, and not only by a long driver test.
func TestPublishAndConsumeAreSynchronised(t *testing.T) {
	for _, batch := range []int{1, 4} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			r, err := NewRing(2, Faults{})
			if err != nil {
				t.Fatal(err)
			}
			runWatched(t, Driver{Ring: r, Pause: -1, Spin: 1, Batch: batch}, 300)
		})
	}
}
