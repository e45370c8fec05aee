package stall

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A run that stops making progress is stopped, with a cause that names
// what did not happen; a run that keeps making progress is not.
func TestWatchStopsAStalledRun(t *testing.T) {
	const quiet = 300 * time.Millisecond
	ctx, w := New(t.Context(), quiet, func(n int64) string { return fmt.Sprintf("step %d to be taken", n) })
	var steps int64
	for start := time.Now(); time.Since(start) < 2*quiet; steps++ { // progress all along, over two quiet periods
		w.Add(1)
		runtime.Gosched()
	}
	if ctx.Err() != nil {
		t.Fatalf("a run that made progress was stopped: %v", context.Cause(ctx))
	}
	Recv(t, ctx.Done(), Limit, "the stalled run to be stopped")
	err := w.Stop()
	if want := fmt.Sprintf("step %d to be taken", steps); !errors.Is(err, ErrStalled) || !strings.Contains(err.Error(), want) {
		t.Fatalf("cause %v, want a stall naming %s", err, want)
	}
}

// Fail stops the run at once with the test's cause; a run that ends by
// itself has none.
func TestWatchFailAndStop(t *testing.T) {
	ctx, w := New(t.Context(), time.Hour, func(int64) string { return "never" })
	bad := errors.New("RPC 3 is RPC 4")
	w.Fail(bad)
	Recv(t, ctx.Done(), Limit, "the failed run to be stopped")
	if err := w.Stop(); err != bad {
		t.Fatalf("cause %v, want %v", err, bad)
	}
	_, w = New(t.Context(), time.Hour, func(int64) string { return "never" })
	if err := w.Stop(); err != nil {
		t.Fatalf("a run that ended by itself: cause %v", err)
	}
}

type fakeT struct{ failed string }

func (f *fakeT) Helper()                           {}
func (f *fakeT) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

// Until and Recv fail, naming what they waited for, when it does not come.
func TestWaitsNameWhatDidNotHappen(t *testing.T) {
	var f fakeT
	Until(&f, 10*time.Millisecond, "the ack", func() bool { return false })
	if !strings.Contains(f.failed, "the ack") {
		t.Fatalf("Until failed with %q", f.failed)
	}
	f = fakeT{}
	Recv(&f, make(chan int), 10*time.Millisecond, "the host to wake")
	if !strings.Contains(f.failed, "the host to wake") {
		t.Fatalf("Recv failed with %q", f.failed)
	}
	f = fakeT{}
	ch := make(chan int, 1)
	ch <- 7
	if v := Recv(&f, ch, Limit, "seven"); v != 7 || f.failed != "" {
		t.Fatalf("Recv = %d, failed %q", v, f.failed)
	}
}
