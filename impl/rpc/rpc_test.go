package rpc

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/internal/stall"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/stretchr/testify/require"
)

const (
	fnEcho  = 1
	fnFail  = 2
	fnBig   = 3
	fnBlock = 4
)

// server builds a node with the test handlers.
func server(t *testing.T, cfg Config) *Node {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "server"
	}
	n, err := NewNode(cfg)
	require.NoError(t, err)
	require.NoError(t, n.Handle(fnEcho, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil }))
	require.NoError(t, n.Handle(fnFail, "fail", func(args, ret []byte) ([]byte, error) { return nil, fmt.Errorf("no %s", args) }))
	require.NoError(t, n.Handle(fnBig, "big", func(args, ret []byte) ([]byte, error) { return make([]byte, 53), nil }))
	return n
}

func client(t *testing.T, cfg Config) *Node {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "client"
	}
	n, err := NewNode(cfg)
	require.NoError(t, err)
	return n
}

// running starts both nodes and closes them when the test ends.
func running(t *testing.T, nodes ...*Node) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	for _, n := range nodes {
		require.NoError(t, n.Start(ctx))
	}
	t.Cleanup(func() {
		cancel()
		for _, n := range nodes {
			require.NoError(t, n.Close())
		}
	})
	return ctx
}

func calls(full int) int {
	if raceEnabled {
		return full / 10
	}
	return full
}

// echoMany makes n blocking echo calls from each of g goroutines and
// checks every result. Calls that stop completing fail the test within
// seconds (stall.Quiet), naming how many completed. It may run on a
// goroutine of the test's, so it reports with Errorf.
func echoMany(t *testing.T, ctx context.Context, c *Client, g, n int) {
	t.Helper()
	ctx, watch := stall.New(ctx, stall.Quiet, func(done int64) string {
		return fmt.Sprintf("%d of %d echo calls on connection %d completed, %d outstanding", done, g*n, c.Conn(), c.Outstanding())
	})
	var wg sync.WaitGroup
	errs := make(chan error, g)
	for w := range g {
		wg.Go(func() {
			for i := range n {
				arg := fmt.Sprintf("w%d-%d", w, i)
				ret, err := c.Call(ctx, fnEcho, []byte(arg))
				if err == nil && string(ret) != arg {
					err = fmt.Errorf("echo %q returned %q", arg, ret)
				}
				if err != nil {
					errs <- err
					return
				}
				watch.Add(1)
			}
		})
	}
	wg.Wait()
	if cause := watch.Stop(); cause != nil {
		t.Errorf("%v", cause)
		return
	}
	close(errs)
	for err := range errs {
		t.Errorf("%v", err)
	}
}

// callWithin makes one blocking call and fails the test, naming it, if no
// response comes within stall.Limit (a deadline of ctx's own is the
// caller's to judge).
func callWithin(t *testing.T, ctx context.Context, c *Client, fn uint16, args []byte) ([]byte, error) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, stall.Limit)
	defer cancel()
	ret, err := c.Call(cctx, fn, args)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		t.Fatalf("call of function %d with %q on connection %d got no response within %v", fn, args, c.Conn(), stall.Limit)
	}
	return ret, err
}

func TestLoopbackBlockingCalls(t *testing.T) {
	for _, th := range []Threading{DispatchThread, WorkerPool, NICThread} {
		t.Run(fmt.Sprint(th), func(t *testing.T) {
			srv := server(t, Config{Flows: 2, Threading: th, RingSlots: 16})
			cli := client(t, Config{RingSlots: 16})
			ctx := running(t, srv, cli)
			c, err := ConnectLoopback(cli, srv, 3, 0)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			echoMany(t, ctx, c, 4, calls(2000))
			require.Zero(t, cli.NIC().Counters().Dropped(), "%v", cli.NIC().Counters())
			require.Zero(t, srv.NIC().Counters().Dropped(), "%v", srv.NIC().Counters())
			require.Equal(t, 0, c.Outstanding())
		})
	}
}

func TestLoopbackNonBlockingCompletionQueue(t *testing.T) {
	srv := server(t, Config{Flows: 2})
	cli := client(t, Config{MaxInFlight: 64})
	ctx := running(t, srv, cli)
	c, err := ConnectLoopback(cli, srv, 0, 0)
	require.NoError(t, err)
	total := calls(5000)
	sent, got := 0, map[uint64]bool{}
	ctx, watch := stall.New(ctx, stall.Quiet, func(done int64) string {
		return fmt.Sprintf("%d of %d non-blocking calls completed, %d outstanding", done, total, c.Outstanding())
	})
	defer watch.Stop()
	var cq []Completion
	for len(got) < total {
		if ctx.Err() != nil {
			t.Fatal(watch.Stop())
		}
		for sent < total {
			if _, err := c.Go(fnEcho, []byte(fmt.Sprint(sent)), uint64(sent)); err != nil {
				require.ErrorIs(t, err, ErrBusy)
				break
			}
			sent++
		}
		cq = c.Completions(cq[:0])
		for i := range cq {
			require.NoError(t, cq[i].Err)
			require.Equal(t, fmt.Sprint(cq[i].Tag), string(cq[i].Ret()))
			require.False(t, got[cq[i].Tag], "tag %d completed twice", cq[i].Tag)
			got[cq[i].Tag] = true
			watch.Add(1)
		}
	}
	require.Equal(t, 0, c.Outstanding())
}

func TestErrorsAreSentinels(t *testing.T) {
	srv := server(t, Config{})
	cli := client(t, Config{})
	ctx := running(t, srv, cli)
	c, err := ConnectLoopback(cli, srv, 1, 0)
	require.NoError(t, err)

	_, err = callWithin(t, ctx, c, fnEcho, make([]byte, 53))
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorIs(t, err, slot.ErrTooLarge)
	_, err = c.Go(fnEcho, make([]byte, 100), 0)
	require.ErrorIs(t, err, ErrTooLarge)
	ret, err := callWithin(t, ctx, c, fnEcho, []byte(strings.Repeat("x", 52)))
	require.NoError(t, err)
	require.Len(t, ret, 52, "52 bytes fit one slot")

	_, err = callWithin(t, ctx, c, fnBig, nil)
	require.ErrorIs(t, err, ErrTooLarge, "a result over 52 bytes")
	_, err = callWithin(t, ctx, c, fnFail, []byte("way"))
	require.ErrorIs(t, err, ErrRemote)
	require.ErrorContains(t, err, "no way")
	_, err = callWithin(t, ctx, c, 99, nil)
	require.ErrorIs(t, err, ErrUnknownFn)

	_, err = ConnectLoopback(cli, srv, 1, 0)
	require.ErrorIs(t, err, ErrConfig, "conn 1 is taken")
	_, err = ConnectLoopback(cli, srv, 200, 0)
	require.ErrorIs(t, err, ErrConfig, "conn 200 is past the table of 16")
	require.ErrorIs(t, srv.Handle(fnEcho, "again", nil), ErrConfig)

	require.NoError(t, c.Close())
	_, err = c.Go(fnEcho, nil, 0)
	require.ErrorIs(t, err, ErrClosed)
}

func TestCallHonoursContext(t *testing.T) {
	srv := server(t, Config{Threading: WorkerPool, Workers: 1})
	release := make(chan struct{})
	require.NoError(t, srv.Handle(fnBlock, "block", func(args, ret []byte) ([]byte, error) {
		<-release
		return append(ret, "late"...), nil
	}))
	cli := client(t, Config{})
	ctx := running(t, srv, cli)
	c, err := ConnectLoopback(cli, srv, 0, 0)
	require.NoError(t, err)

	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		_, err := c.Call(cctx, fnBlock, nil)
		done <- err
	}()
	cancel()
	err = stall.Recv(t, done, stall.Limit, "the call whose context was cancelled to return")
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 0, c.Outstanding(), "the abandoned call's entry is free")

	dctx, dcancel := context.WithDeadline(ctx, time.Now())
	defer dcancel()
	_, err = c.Call(dctx, fnBlock, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	close(release)
	ret, err := callWithin(t, ctx, c, fnEcho, []byte("after"))
	require.NoError(t, err)
	require.Equal(t, "after", string(ret))
	// The blocked calls' responses come back to no one: late, counted.
	stall.Until(t, stall.Limit, "the two abandoned calls' responses to be counted late", func() bool {
		_, err := callWithin(t, ctx, c, fnEcho, nil)
		require.NoError(t, err)
		return cli.Late() >= 2
	})
}

func TestSharedFlowAndManyFlows(t *testing.T) {
	srv := server(t, Config{Flows: 3, NIC: nic.Config{LB: nic.LBKeyHash}})
	cli := client(t, Config{Flows: 2})
	ctx := running(t, srv, cli)
	var cs []*Client
	for conn, flow := range []int{0, 0, 1} { // conns 0 and 1 share flow 0
		c, err := ConnectLoopback(cli, srv, uint8(conn), flow)
		require.NoError(t, err)
		cs = append(cs, c)
	}
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() { echoMany(t, ctx, c, 2, calls(1000)) })
	}
	wg.Wait()
	require.Zero(t, cli.Late())
}

// TestStepMode drives both nodes on the test's goroutine: no goroutine,
// a deterministic interleaving; MaxInFlight gives ErrBusy.
func TestStepMode(t *testing.T) {
	srv := server(t, Config{Flows: 2, RingSlots: 4})
	cli := client(t, Config{RingSlots: 4, MaxInFlight: 3})
	c, err := ConnectLoopback(cli, srv, 2, 0)
	require.NoError(t, err)
	for i := range 3 {
		_, err := c.Go(fnEcho, []byte{byte(i)}, uint64(i))
		require.NoError(t, err)
	}
	_, err = c.Go(fnEcho, nil, 9)
	require.ErrorIs(t, err, ErrBusy)
	var cq []Completion
	for step := 0; len(cq) < 3; step++ {
		require.Less(t, step, 100, "stuck")
		cli.Step()
		srv.Step()
		cq = c.Completions(cq)
	}
	for i, cp := range cq {
		require.NoError(t, cp.Err)
		require.Equal(t, []byte{byte(cp.Tag)}, cp.Ret(), "completion %d", i)
	}
	require.Equal(t, 0, cli.Step()+srv.Step(), "quiet")
	require.Equal(t, uint64(3), srv.NIC().Counters().Delivered)
	require.Equal(t, uint64(3), cli.NIC().Counters().Delivered)
}

// stepEchoes makes total echo calls from cli to srv over a loopback
// connection in step mode, as many in flight as the rings take, and
// checks that each completes with its own argument and nothing drops.
func stepEchoes(t *testing.T, cli, srv *Node, total int) {
	t.Helper()
	c, err := ConnectLoopback(cli, srv, 0, 0)
	require.NoError(t, err)
	sent, done := 0, 0
	var cq []Completion
	for step := 0; done < total; step++ {
		require.Less(t, step, 100000, "stuck at %d of %d", done, total)
		for sent < total {
			if _, err := c.Go(fnEcho, []byte{byte(sent)}, uint64(sent)); err != nil {
				require.ErrorIs(t, err, ErrBusy)
				break
			}
			sent++
		}
		cli.Step()
		srv.Step()
		cq = c.Completions(cq[:0])
		for _, cp := range cq {
			require.NoError(t, cp.Err)
			require.Equal(t, []byte{byte(cp.Tag)}, cp.Ret())
		}
		done += len(cq)
	}
	require.Zero(t, cli.NIC().Counters().Dropped())
	require.Zero(t, srv.NIC().Counters().Dropped())
}

// TestStepModeBackPressure: with tiny rings and many calls, step mode
// moves everything without a drop.
func TestStepModeBackPressure(t *testing.T) {
	srv := server(t, Config{RingSlots: 2, NIC: nic.Config{Buffer: 2, FIFODepth: 1}})
	cli := client(t, Config{RingSlots: 2, MaxInFlight: 64, NIC: nic.Config{Buffer: 2, FIFODepth: 1}})
	stepEchoes(t, cli, srv, 200)
	require.NotZero(t, cli.NIC().Counters().TXHeld+srv.NIC().Counters().TXHeld+srv.NIC().Counters().RXFull,
		"back-pressure was exercised")
}

func TestUDP(t *testing.T) {
	for _, reliable := range []bool{true, false} {
		t.Run(fmt.Sprintf("reliable=%t", reliable), func(t *testing.T) {
			srv := server(t, Config{Flows: 2})
			cli := client(t, Config{})
			ctx := running(t, srv, cli)
			c, err := ConnectUDP(cli, srv, 5, 0, UDPOptions{Reliable: reliable})
			require.NoError(t, err)
			if reliable {
				cctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				echoMany(t, cctx, c, 4, calls(500))
				return
			}
			// Best effort on loopback seldom loses; a lost call would end
			// by its deadline, so each gets a generous one (a round trip
			// takes well under a millisecond) and the test asserts most
			// succeed. Calls that stop succeeding at all fail it within
			// seconds.
			ok := 0
			wctx, watch := stall.New(ctx, stall.Quiet, func(n int64) string {
				return fmt.Sprintf("%d best-effort echo calls succeeded, of %d", n, calls(500))
			})
			defer watch.Stop()
			for i := range calls(500) {
				cctx, cancel := context.WithTimeout(wctx, time.Second)
				ret, err := c.Call(cctx, fnEcho, []byte(fmt.Sprint(i)))
				cancel()
				if wctx.Err() != nil {
					t.Fatal(watch.Stop())
				}
				if err == nil {
					require.Equal(t, fmt.Sprint(i), string(ret))
					ok++
					watch.Add(1)
				} else {
					require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
				}
			}
			require.Greater(t, ok, calls(500)*9/10)
		})
	}
}

// TestClosedConnectionIsCountedNotSilent: a call on a connection the
// server's NIC has closed is dropped there and counted; the caller's
// context ends the call. Reopened, the connection works again.
func TestClosedConnectionIsCountedNotSilent(t *testing.T) {
	srv := server(t, Config{})
	cli := client(t, Config{})
	ctx := running(t, srv, cli)
	c, err := ConnectLoopback(cli, srv, 7, 0)
	require.NoError(t, err)
	require.Equal(t, spec.ConnOK, srv.NIC().Close(7))
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.Call(dctx, fnEcho, []byte("x"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// The request may still be on its way: the deadline only ended the wait.
	stall.Until(t, stall.Limit, "the server's NIC to count the call on closed connection 7", func() bool {
		return srv.NIC().Counters().ClosedConn > 0
	})
	require.Equal(t, uint64(1), srv.NIC().Counters().ClosedConn)
	require.Equal(t, spec.ConnOK, srv.NIC().Open(7))
	ret, err := callWithin(t, ctx, c, fnEcho, []byte("y"))
	require.NoError(t, err)
	require.Equal(t, "y", string(ret))
}

// TestCompleteWakesParkedCaller: a blocking caller parks on its flow's
// bell after a drain that found the RX ring held by another drainer
// (drain's TryLock); when that drainer files the caller's response it
// must ring the bell, or the caller sleeps its longest park. The waiter
// here parks for an hour, so only the ring can wake it.
func TestCompleteWakesParkedCaller(t *testing.T) {
	srv := server(t, Config{})
	cli := client(t, Config{})
	c, err := ConnectLoopback(cli, srv, 0, 0) // step mode: nothing runs but this test
	require.NoError(t, err)
	r, err := c.request(fnEcho, []byte("x"))
	require.NoError(t, err)
	id, err := c.start(&r, false, 0)
	require.NoError(t, err)
	woke := make(chan struct{})
	go func() {
		defer close(woke)
		for !c.done(id) {
			w := c.f.bell.Arm()
			if c.done(id) { // the re-check
				w.Disarm()
				break
			}
			w.Park(context.Background(), time.Hour)
		}
	}()
	stall.Until(t, stall.Limit, "the caller to park on its flow's bell", func() bool { return c.f.bell.Waiting() > 0 })
	require.True(t, c.complete(&slot.RPC{Response: true, RPCID: id, ConnID: 0, FnID: fnEcho}))
	stall.Recv(t, woke, stall.Limit, "the parked caller to be woken after its response was filed")
	ret, err, ok := c.finished(id)
	require.True(t, ok)
	require.NoError(t, err)
	require.Empty(t, ret)
}

// TestStartShared: a client node and a server node polled by one
// goroutine (both threading models that poll: a dispatch thread, and
// dispatch on the NIC's goroutine) serve blocking and non-blocking calls,
// each exactly once with its own result; a node given twice, or already
// started, is refused.
func TestStartShared(t *testing.T) {
	for _, th := range []Threading{DispatchThread, NICThread} {
		t.Run(fmt.Sprint(th), func(t *testing.T) {
			srv := server(t, Config{Flows: 2, Threading: th, RingSlots: 16})
			cli := client(t, Config{RingSlots: 16, MaxInFlight: 32})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			require.NoError(t, StartShared(ctx, cli, srv))
			t.Cleanup(func() {
				require.NoError(t, cli.Close())
				require.NoError(t, srv.Close())
			})
			c, err := ConnectLoopback(cli, srv, 1, 0)
			require.NoError(t, err)
			echoMany(t, ctx, c, 4, calls(2000))
			want := map[uint64]bool{}
			var cq []Completion
			var sent atomic.Int64
			wctx, watch := stall.New(ctx, stall.Quiet, func(int64) string {
				return fmt.Sprintf("%d of 200 non-blocking calls sent, %d outstanding", sent.Load(), c.Outstanding())
			})
			defer watch.Stop()
			for tag := range uint64(200) {
				for {
					if _, err := c.Go(fnEcho, []byte{byte(tag)}, tag); err == nil {
						break
					} else {
						require.ErrorIs(t, err, ErrBusy)
					}
					cq = c.Completions(cq)
					if wctx.Err() != nil {
						t.Fatalf("%v; %d completions", watch.Stop(), len(cq))
					}
					runtime.Gosched()
				}
				want[tag] = true
				sent.Add(1)
				watch.Add(1)
			}
			for len(cq) < 200 {
				if wctx.Err() != nil {
					t.Fatalf("%v; %d of 200 completions", watch.Stop(), len(cq))
				}
				n := len(cq)
				if cq = c.Completions(cq); len(cq) > n {
					watch.Add(1)
				}
				runtime.Gosched()
			}
			require.Len(t, cq, 200)
			for i := range cq {
				require.NoError(t, cq[i].Err)
				require.True(t, want[cq[i].Tag], "tag %d completed twice or never sent", cq[i].Tag)
				delete(want, cq[i].Tag)
				require.Equal(t, []byte{byte(cq[i].Tag)}, cq[i].Ret())
			}
		})
	}
	a, b := client(t, Config{Name: "a"}), client(t, Config{Name: "b"})
	require.ErrorIs(t, StartShared(context.Background(), a, a), ErrConfig)
	require.NoError(t, b.Start(context.Background()))
	require.ErrorIs(t, StartShared(context.Background(), a, b), ErrConfig)
	require.ErrorIs(t, a.Start(context.Background()), ErrClosed, "closed when the group failed")
	require.NoError(t, b.Close())
}
