package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/handshake"
	"github.com/daggercheck/daggercheck/impl/rpc"
	"github.com/daggercheck/daggercheck/impl/transport"
)

func listenEcho(t *testing.T, addr string, nc rpc.NetConfig) *rpc.Server {
	t.Helper()
	srv, err := rpc.Listen(addr, rpc.ServerConfig{Node: rpc.Config{Flows: 2}, Net: nc})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil }); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv
}

func callEcho(ctx context.Context, c *rpc.Client, i int) error {
	want := fmt.Sprintf("call %d", i)
	ret, err := c.Call(ctx, 1, []byte(want))
	if err != nil {
		return err
	}
	if string(ret) != want {
		return fmt.Errorf("echo %q, want %q", ret, want)
	}
	return nil
}

func TestListenDial(t *testing.T) {
	for _, nc := range []rpc.NetConfig{{}, {BestEffort: true}, {Faults: transport.NetFaults{Seed: 1, Lose: 0.2, Duplicate: 0.1, Reorder: 0.1}}} {
		t.Run(fmt.Sprintf("best-effort=%t/%s", nc.BestEffort, nc.Faults), func(t *testing.T) {
			srv := listenEcho(t, "127.0.0.1:0", nc)
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for k := range 3 {
				wg.Go(func() {
					c, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{Net: nc})
					if err != nil {
						errs <- err
						return
					}
					defer c.Close()
					for i := range 200 {
						if err := callEcho(ctx, c, k*1000+i); err != nil {
							errs <- fmt.Errorf("client %d call %d: %w", k, i, err)
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if hc, _ := srv.Counters(); hc.Opens != 3 {
				t.Errorf("server opened %d connections for 3 dials: %s", hc.Opens, hc)
			}
		})
	}
}

func TestDialNobodyTimesOut(t *testing.T) {
	srv := listenEcho(t, "127.0.0.1:0", rpc.NetConfig{})
	addr := srv.Addr()
	srv.Close()
	_, err := rpc.Dial(context.Background(), addr, rpc.DialConfig{Net: rpc.NetConfig{HandshakeRTO: time.Millisecond * 10, MaxTries: 5}})
	if !errors.Is(err, rpc.ErrHandshakeTimeout) {
		t.Fatalf("dial to nobody: %v", err)
	}
}

func TestServerRestartFailsInflightAndReconnects(t *testing.T) {
	srv := listenEcho(t, "127.0.0.1:0", rpc.NetConfig{})
	addr := srv.Addr()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, addr, rpc.DialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := callEcho(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	// The server goes away without a word (no CLOSE: as if killed) and a
	// new incarnation listens at the same address.
	if err := rpc.KillServer(srv); err != nil {
		t.Fatal(err)
	}
	srv2 := restartAt(t, addr)
	defer srv2.Close()
	// The next call's frames reach the new server, which RESETs: the call
	// fails visibly, and the client handshakes again.
	err = callEcho(ctx, c, 2)
	if !errors.Is(err, rpc.ErrPeerRestarted) {
		t.Fatalf("call across the restart: %v, want ErrPeerRestarted", err)
	}
	for i := 3; ; i++ {
		if err := callEcho(ctx, c, i); err == nil {
			break
		} else if ctx.Err() != nil {
			t.Fatalf("no call succeeds after the restart: %v", err)
		}
	}
	if hc, _ := c.Counters(); hc.Resets == 0 || hc.Opens != 2 {
		t.Errorf("client counters %s", hc)
	}
}

// restartAt listens at addr again, retrying while the old socket lets go.
func restartAt(t *testing.T, addr string) *rpc.Server {
	t.Helper()
	for i := 0; ; i++ {
		srv, err := rpc.Listen(addr, rpc.ServerConfig{Node: rpc.Config{Flows: 2}})
		if err == nil {
			srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil })
			srv.Start(context.Background())
			return srv
		}
		if i == 50 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCloseFailsCallsInFlight: Close drains for its context, then fails
// the calls still in flight with ErrClosed — a blocking call returns it,
// a non-blocking one completes with it. Under the handshake's
// close-drops-inflight bug they are forgotten instead: the non-blocking
// calls never complete, and the blocking one waits for its context.
func TestCloseFailsCallsInFlight(t *testing.T) {
	for _, bug := range []bool{false, true} {
		t.Run(fmt.Sprintf("close-drops-inflight=%t", bug), func(t *testing.T) {
			release := make(chan struct{})
			srv, err := rpc.Listen("127.0.0.1:0", rpc.ServerConfig{Node: rpc.Config{Threading: rpc.WorkerPool, Workers: 8}})
			if err != nil {
				t.Fatal(err)
			}
			srv.Handle(1, "stuck", func(args, ret []byte) ([]byte, error) { <-release; return ret, nil })
			srv.Start(context.Background())
			defer srv.Close()
			defer close(release)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{Net: rpc.NetConfig{Handshake: handshake.Faults{CloseDropsInflight: bug}}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if _, err := c.Go(1, nil, uint64(i)); err != nil {
					t.Fatal(err)
				}
			}
			blocking := make(chan error, 1)
			callCtx, callCancel := context.WithTimeout(ctx, 2*time.Second)
			defer callCancel()
			go func() { _, err := c.Call(callCtx, 1, nil); blocking <- err }()
			for c.Outstanding() < 4 {
				time.Sleep(time.Millisecond)
			}
			drain, dcancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer dcancel()
			if err := c.CloseContext(drain); err != nil {
				t.Fatal(err)
			}
			cq := c.Completions(nil)
			err = <-blocking
			if bug {
				if len(cq) != 0 || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("under the bug: %d completions, blocking call %v; want none, and the call's own timeout", len(cq), err)
				}
				return
			}
			if len(cq) != 3 || !errors.Is(err, rpc.ErrClosed) {
				t.Fatalf("%d completions, blocking call %v; want 3 and ErrClosed", len(cq), err)
			}
			for _, cp := range cq {
				if !errors.Is(cp.Err, rpc.ErrClosed) {
					t.Errorf("completion %d: %v, want ErrClosed", cp.Tag, cp.Err)
				}
			}
		})
	}
}
