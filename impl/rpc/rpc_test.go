package rpc

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/slot"
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
// checks every result.
func echoMany(t *testing.T, ctx context.Context, c *Client, g, n int) {
	t.Helper()
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
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
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
	_ = ctx
	c, err := ConnectLoopback(cli, srv, 0, 0)
	require.NoError(t, err)
	total := calls(5000)
	sent, got := 0, map[uint64]bool{}
	var cq []Completion
	for len(got) < total {
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

	_, err = c.Call(ctx, fnEcho, make([]byte, 53))
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorIs(t, err, slot.ErrTooLarge)
	_, err = c.Go(fnEcho, make([]byte, 100), 0)
	require.ErrorIs(t, err, ErrTooLarge)
	ret, err := c.Call(ctx, fnEcho, []byte(strings.Repeat("x", 52)))
	require.NoError(t, err)
	require.Len(t, ret, 52, "52 bytes fit one slot")

	_, err = c.Call(ctx, fnBig, nil)
	require.ErrorIs(t, err, ErrTooLarge, "a result over 52 bytes")
	_, err = c.Call(ctx, fnFail, []byte("way"))
	require.ErrorIs(t, err, ErrRemote)
	require.ErrorContains(t, err, "no way")
	_, err = c.Call(ctx, 99, nil)
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
	err = <-done
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 0, c.Outstanding(), "the abandoned call's entry is free")

	dctx, dcancel := context.WithDeadline(ctx, time.Now())
	defer dcancel()
	_, err = c.Call(dctx, fnBlock, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	close(release)
	ret, err := c.Call(ctx, fnEcho, []byte("after"))
	require.NoError(t, err)
	require.Equal(t, "after", string(ret))
	// The blocked calls' responses come back to no one: late, counted.
	for cli.Late() < 2 {
		_, err := c.Call(ctx, fnEcho, nil)
		require.NoError(t, err)
	}
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

// TestStepModeBackPressure: with tiny rings and many calls, step mode
// moves everything without a drop.
func TestStepModeBackPressure(t *testing.T) {
	srv := server(t, Config{RingSlots: 2, NIC: nic.Config{Buffer: 2, FIFODepth: 1}})
	cli := client(t, Config{RingSlots: 2, MaxInFlight: 64, NIC: nic.Config{Buffer: 2, FIFODepth: 1}})
	c, err := ConnectLoopback(cli, srv, 0, 0)
	require.NoError(t, err)
	total, sent, done := 200, 0, 0
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
			// by its deadline, so each gets a generous one and the test
			// asserts most succeed.
			ok := 0
			for i := range calls(500) {
				cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				ret, err := c.Call(cctx, fnEcho, []byte(fmt.Sprint(i)))
				cancel()
				if err == nil {
					require.Equal(t, fmt.Sprint(i), string(ret))
					ok++
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
	for srv.NIC().Counters().ClosedConn == 0 {
		time.Sleep(time.Millisecond) // the request may still be on its way: the deadline only ends the wait
	}
	require.Equal(t, uint64(1), srv.NIC().Counters().ClosedConn)
	require.Equal(t, spec.ConnOK, srv.NIC().Open(7))
	ret, err := c.Call(ctx, fnEcho, []byte("y"))
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
	for c.f.bell.Waiting() == 0 {
		runtime.Gosched() // until the caller is registered on the bell
	}
	require.True(t, c.complete(&slot.RPC{Response: true, RPCID: id, ConnID: 0, FnID: fnEcho}))
	select {
	case <-woke:
	case <-time.After(time.Minute):
		t.Fatal("the response was filed but the parked caller was not woken")
	}
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
			for tag := range uint64(200) {
				for {
					if _, err := c.Go(fnEcho, []byte{byte(tag)}, tag); err == nil {
						break
					} else {
						require.ErrorIs(t, err, ErrBusy)
					}
					cq = c.Completions(cq)
					runtime.Gosched()
				}
				want[tag] = true
			}
			for len(cq) < 200 {
				require.NoError(t, ctx.Err(), "%d of 200 completions", len(cq))
				cq = c.Completions(cq)
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
