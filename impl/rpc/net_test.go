package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/handshake"
	"github.com/daggercheck/daggercheck/impl/rpc"
	"github.com/daggercheck/daggercheck/impl/slot"
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
	// The server goes away without a word and a new incarnation listens
	// at the same address.
	ctx, c := callThenKill(t, srv, rpc.DialConfig{})
	srv2 := restartAt(t, addr)
	defer srv2.Close()
	// The next call's frames reach the new server, which RESETs: the call
	// fails visibly, and the client handshakes again.
	err := callEcho(ctx, c, 2)
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
// callThenKill dials srv with cfg, makes one call, and kills srv without
// a word (no CLOSE: as if the process died). The client is closed and
// the context cancelled when the test ends.
func callThenKill(t *testing.T, srv *rpc.Server, cfg rpc.DialConfig) (context.Context, *rpc.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := rpc.Dial(ctx, srv.Addr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := callEcho(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	if err := rpc.KillServer(srv); err != nil {
		t.Fatal(err)
	}
	return ctx, c
}

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

// TestServerCloseTellsClients: Server.Close tells its clients (CLOSE): a
// call in flight fails with ErrPeerClosed, a later one with ErrClosed,
// and the client's own Close still releases its node and socket.
func TestServerCloseTellsClients(t *testing.T) {
	release := make(chan struct{})
	srv, err := rpc.Listen("127.0.0.1:0", rpc.ServerConfig{Node: rpc.Config{Threading: rpc.WorkerPool}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle(1, "stuck", func(args, ret []byte) ([]byte, error) { <-release; return ret, nil })
	srv.Start(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan error, 1)
	go func() { _, err := c.Call(ctx, 1, nil); inFlight <- err }()
	for c.Outstanding() == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	if err := <-inFlight; !errors.Is(err, rpc.ErrPeerClosed) {
		t.Fatalf("call in flight: %v, want ErrPeerClosed", err)
	}
	if _, err := c.Call(ctx, 1, nil); !errors.Is(err, rpc.ErrClosed) {
		t.Fatalf("call after the server closed: %v, want ErrClosed", err)
	}
	close(release)
	if err := <-closed; err != nil {
		t.Error(err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

// TestMaxConnsRefuses: past the server's MaxConns a dial is refused
// (REFUSED, ErrRefused), and counted; a place freed by a Close is taken
// by the next dial.
func TestMaxConnsRefuses(t *testing.T) {
	srv, err := rpc.Listen("127.0.0.1:0", rpc.ServerConfig{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Start(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{}); !errors.Is(err, rpc.ErrRefused) {
		t.Fatalf("second dial: %v, want ErrRefused", err)
	}
	if hc, _ := srv.Counters(); hc.Refused != 1 {
		t.Errorf("server counters %s", hc)
	}
	first.Close()
	third, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{})
	if err != nil {
		t.Fatalf("dial after a close: %v", err)
	}
	third.Close()
	if _, err := rpc.Listen("127.0.0.1:0", rpc.ServerConfig{MaxConns: 300}); !errors.Is(err, rpc.ErrConfig) {
		t.Errorf("MaxConns past the NIC's table: %v", err)
	}
}

// TestGarbageAndForgedPackets: datagrams that are no packet of ours are
// counted as malformed; a well-formed data frame from an address that
// has no connection gets a RESET; one naming a live connection's c_id
// from another address is counted as forged; none is delivered, and the
// server goes on serving.
func TestGarbageAndForgedPackets(t *testing.T) {
	srv := listenEcho(t, "127.0.0.1:0", rpc.NetConfig{BestEffort: true})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{Net: rpc.NetConfig{BestEffort: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := callEcho(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	ua, _ := net.ResolveUDPAddr("udp", srv.Addr())
	evil, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		t.Fatal(err)
	}
	defer evil.Close()
	frame := func(conn uint16) []byte {
		p, _ := slot.NewRPC(uint8(conn), 7, 1, []byte("forged"))
		b, err := transport.EncodeFrame(transport.Frame{Kind: transport.KindRaw, Conn: conn, Packet: p, Inc: 1, PeerInc: srv.Incarnation()})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, b := range [][]byte{{}, []byte("garbage"), {2, 16, 0}, frame(0), frame(9)} {
		if _, err := evil.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	// Both frames earn a RESET (c_id 0 belongs to another address, c_id 9
	// to nobody): wait for c_id 9's, and take nothing but RESETs.
	var reset [64]byte
	evil.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		n, err := evil.Read(reset[:])
		if err != nil || !handshake.IsControl(reset[:n]) {
			t.Fatalf("no RESET for the frame of an unknown connection: %v", err)
		}
		m, err := handshake.DecodeMsg(reset[:n])
		if err != nil || m.Kind != handshake.KindReset {
			t.Fatalf("answer %v, %v; want a RESET", m, err)
		}
		if m.Conn == 9 {
			break
		}
	}
	hc, nc := srv.Counters()
	for nc.Malformed < 3 || hc.ForgedFrames < 1 {
		if ctx.Err() != nil {
			t.Fatalf("counters: %s\n%s", hc, nc)
		}
		time.Sleep(time.Millisecond)
		hc, nc = srv.Counters()
	}
	if err := callEcho(ctx, c, 2); err != nil {
		t.Fatal(err)
	}
	if hc.Delivered > 4 {
		t.Errorf("forged frames delivered: %s", hc)
	}
}

// TestRetransmitBacksOff: a server that dies without a word leaves a
// call unacknowledged; its frame goes again at once, then after twice as
// many periods each time, not every period. With a 5ms period, 600ms
// hold 120 periods but only 7 resends (ticks 1, 2, 4, 8, 16, 32, 64 and
// then every 64).
func TestRetransmitBacksOff(t *testing.T) {
	srv := listenEcho(t, "127.0.0.1:0", rpc.NetConfig{})
	_, c := callThenKill(t, srv, rpc.DialConfig{Net: rpc.NetConfig{RTO: 5 * time.Millisecond}, Drain: time.Millisecond})
	if _, err := c.Go(1, []byte("unanswered"), 0); err != nil {
		t.Fatal(err)
	}
	_, before := c.Counters()
	time.Sleep(600 * time.Millisecond)
	_, after := c.Counters()
	if sent := after.Socket.Out - before.Socket.Out; sent < 3 || sent > 12 {
		t.Errorf("%d datagrams sent to a dead server in 600ms (period 5ms), want 3 to 12: resends back off", sent)
	}
}

// TestResetsAreRateLimited: a flood of frames for a connection the
// server does not know earns RESETs up to a budget per retransmission
// period, not one each; the rest are counted as held. With a one-second
// period, 1,000 frames sent within it get at most 64 RESETs.
func TestResetsAreRateLimited(t *testing.T) {
	srv := listenEcho(t, "127.0.0.1:0", rpc.NetConfig{RTO: time.Second, HandshakeRTO: time.Second})
	defer srv.Close()
	ua, _ := net.ResolveUDPAddr("udp", srv.Addr())
	evil, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		t.Fatal(err)
	}
	defer evil.Close()
	p, _ := slot.NewRPC(9, 7, 1, []byte("forged"))
	b, err := transport.EncodeFrame(transport.Frame{Kind: transport.KindRaw, Conn: 9, Packet: p, Inc: 1, PeerInc: srv.Incarnation()})
	if err != nil {
		t.Fatal(err)
	}
	const flood = 1000
	for range flood {
		if _, err := evil.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	hc, nc := srv.Counters()
	for hc.Resets < flood && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		hc, nc = srv.Counters()
	}
	sent := hc.Resets - nc.ResetsHeld
	if hc.Resets < flood || sent == 0 || sent > 2*64 {
		t.Fatalf("%d frames of an unknown connection: %d RESETs due, %d held, so %d sent; want all due and at most 2 periods' budget sent\n%s\n%s",
			flood, hc.Resets, nc.ResetsHeld, sent, hc, nc)
	}
	got := 0
	var buf [64]byte
	for evil.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); ; got++ {
		if _, err := evil.Read(buf[:]); err != nil {
			break
		}
	}
	if uint64(got) != sent {
		t.Errorf("%d RESETs arrived, the server counts %d sent", got, sent)
	}
}

// TestIdleConnectionExpires: a client that dies without a word (no CLOSE)
// leaves its connection open at the server only until the idle timeout,
// which frees its c_id; one that is idle but alive keeps its connection
// by its keepalives, and calls on it after the timeout with no new
// handshake.
func TestIdleConnectionExpires(t *testing.T) {
	nc := rpc.NetConfig{RTO: 5 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}
	srv := listenEcho(t, "127.0.0.1:0", nc)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	alive, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{Net: nc})
	if err != nil {
		t.Fatal(err)
	}
	defer alive.Close()
	dead, err := rpc.Dial(ctx, srv.Addr(), rpc.DialConfig{Net: nc})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []*rpc.Client{alive, dead} {
		if err := callEcho(ctx, c, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := rpc.KillClient(dead); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // over three idle timeouts
	if n := srv.Conns(); n != 1 {
		t.Errorf("%d connections open after the idle timeout, want 1 (the live client's)", n)
	}
	if hc, _ := srv.Counters(); hc.Expired != 1 {
		t.Errorf("server counters %s, want expired=1", hc)
	}
	if err := callEcho(ctx, alive, 2); err != nil {
		t.Fatalf("the idle live client's call: %v", err)
	}
	if hc, _ := alive.Counters(); hc.Opens != 1 || hc.Resets != 0 {
		t.Errorf("the live client handshook again: %s", hc)
	}
}
