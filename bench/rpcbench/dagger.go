package rpcbench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/daggercheck/daggercheck/bench/rpcbench/echopb"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// Dagger is our stack (impl/rpc over impl/nic, impl/ring and
// impl/transport) over transport "loopback" (the in-process NIC-to-NIC
// wire, rpc.ConnectLoopback) or "udp" (real sockets on 127.0.0.1 with
// the reliable transport, rpc.ConnectUDP). A server node with one flow
// runs the echo handler on its NIC's polling goroutine (rpc.NICThread:
// run to completion, no hand-off to a dispatch thread, which on two
// cores measured 1.3x to 1.6x the throughput at 1 and 8 in flight); a
// client node with one flow holds one connection. Over the loopback both
// nodes' NICs are polled by one goroutine (rpc.StartShared: an RPC then
// crosses no goroutine between the client's TX ring and its RX ring;
// measured 1.2x to 1.5x the throughput at 1 and 8 in flight, and within
// noise at 64, where that one goroutine is the bottleneck); over UDP each
// node has its own, as two machines would.
//
// The client drives its calls as Dagger's benchmark clients do: one
// goroutine keeps Concurrency non-blocking calls (Client.Go) in flight and
// reaps the completion queue (Client.Completions), issuing a lane's next
// call as soon as its last completes. DaggerBlocking is the other shape.
func Dagger(transport string) Target {
	return Target{System: "dagger", Transport: transport, Start: func(cfg SessionConfig) (Session, error) {
		return startDagger(transport, false, cfg)
	}}
}

// DaggerBlocking is Dagger with the client shaped like the grpc-go and
// net/rpc rows: Concurrency goroutines each making blocking calls
// (Client.Call) on the one shared client.
func DaggerBlocking(transport string) Target {
	return Target{System: "dagger-blocking", Transport: transport, Start: func(cfg SessionConfig) (Session, error) {
		return startDagger(transport, true, cfg)
	}}
}

// daggerEcho is the echo handler's function id.
const daggerEcho = 1

// udpWindow is the reliable transport's window over UDP: at least the
// largest default concurrency, so the window does not throttle 64 calls
// in flight (transport.DefaultWindow is 8).
const udpWindow = 128

// The pipelined client's polling discipline, as impl/rpc's own threads
// poll: after spinIdle fruitless polls in a row, each followed by a yield,
// park (Client.WaitCompletions: on the flow's bell, which the client
// NIC's driver rings when it writes the RX ring) for at most maxPark.
// Pure spinning would keep both of a 2-core machine's processors busy
// with runnable goroutines, so the scheduler would seldom reach the
// network poller and UDP replies would wait for sysmon's 10 ms sweep.
// maxPark only bounds a park; the ring ends it.
const (
	spinIdle = 64
	maxPark  = 200 * time.Microsecond
)

type daggerSession struct {
	srv, cli *rpc.Node
	c        *rpc.Client
	ctx      context.Context
	cancel   context.CancelFunc
	blocking bool
	payload  int
}

// startDagger starts a session; each of opts adjusts both nodes' configs.
func startDagger(transport string, blocking bool, cfg SessionConfig, opts ...func(*rpc.Config)) (Session, error) {
	name := "dagger"
	if blocking {
		name = "dagger-blocking"
	}
	fail := func(what string, err error, nodes ...*rpc.Node) (Session, error) {
		for _, n := range nodes {
			_ = n.Close()
		}
		return nil, fmt.Errorf("%s %s: %w: %w", name, what, ErrStart, err)
	}
	node := func(c rpc.Config) (*rpc.Node, error) {
		for _, o := range opts {
			o(&c)
		}
		return rpc.NewNode(c)
	}
	srv, err := node(rpc.Config{Name: "rpcbench-server", Threading: rpc.NICThread})
	if err != nil {
		return fail("server", err)
	}
	if err := srv.Handle(daggerEcho, "echo", func(args, ret []byte) ([]byte, error) {
		return append(ret, args...), nil
	}); err != nil {
		return fail("server", err, srv)
	}
	if err := echopb.RegisterEchoServer(srv, typedEcho{}); err != nil { // for the typed rows
		return fail("server", err, srv)
	}
	cli, err := node(rpc.Config{Name: "rpcbench-client", MaxInFlight: max(cfg.Concurrency, 1)})
	if err != nil {
		return fail("client", err, srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if transport == "loopback" {
		if err := rpc.StartShared(ctx, cli, srv); err != nil {
			cancel()
			return fail("nodes", err, srv, cli)
		}
	} else {
		if err := srv.Start(ctx); err != nil {
			cancel()
			return fail("server", err, srv, cli)
		}
		if err := cli.Start(ctx); err != nil {
			cancel()
			return fail("client", err, srv, cli)
		}
	}
	var c *rpc.Client
	switch transport {
	case "loopback":
		c, err = rpc.ConnectLoopback(cli, srv, 0, 0)
	case "udp":
		c, err = rpc.ConnectUDP(cli, srv, 0, 0, rpc.UDPOptions{Reliable: true, Window: udpWindow})
	default:
		err = fmt.Errorf("unknown transport %q (loopback, udp)", transport)
	}
	if err != nil {
		cancel()
		return fail("connect over "+transport, err, cli, srv)
	}
	return &daggerSession{srv: srv, cli: cli, c: c, ctx: ctx, cancel: cancel, blocking: blocking, payload: cfg.Payload}, nil
}

func (s *daggerSession) Drive(lanes []*Lane) error {
	if s.blocking {
		return Blocking(lanes, s.payload, func(_ int, req []byte) ([]byte, error) {
			return s.c.Call(s.ctx, daggerEcho, req)
		})
	}
	return s.pipelined(lanes)
}

// pipelined keeps one non-blocking call in flight per lane from this one
// goroutine (so every lane's histogram is touched by it alone). A lane
// whose call is refused with ErrBusy (TX ring full, MaxInFlight
// reached) waits for the next round; its call has not been sent, so its
// clock restarts. Issue times are read once per round of issues and
// completion times once per batch of completions: a call's recorded
// latency may include the few nanoseconds of issuing the calls before it
// in its round, never less than its true latency.
func (s *daggerSession) pipelined(lanes []*Lane) error {
	n := len(lanes)
	reqs := make([][]byte, n)
	starts := make([]time.Time, n)
	calls := make([]uint64, n)
	ready := make([]int, 0, n) // lanes with no call in flight
	for i := range lanes {
		reqs[i] = make([]byte, s.payload)
		reqs[i][0] = byte(i)
		ready = append(ready, i)
	}
	inFlight := 0
	var cq []rpc.Completion
	for idle := 0; ; {
		running := lanes[0].Running()
		if running && len(ready) > 0 {
			now := time.Now()
			k := 0
			for ; k < len(ready); k++ {
				i := ready[k]
				Stamp(reqs[i], calls[i])
				if _, err := s.c.Go(daggerEcho, reqs[i], uint64(i)); err != nil {
					if errors.Is(err, rpc.ErrBusy) {
						break
					}
					lanes[i].Fail(fmt.Errorf("lane %d call %d: %w", i, calls[i], err))
					return nil
				}
				starts[i] = now
				inFlight++
			}
			ready = append(ready[:0], ready[k:]...)
		}
		if !running && inFlight == 0 {
			return nil
		}
		cq = s.c.Completions(cq[:0])
		if len(cq) == 0 {
			if s.ctx.Err() != nil { // Close while calls were in flight
				return fmt.Errorf("%d calls in flight: %w", inFlight, rpc.ErrClosed)
			}
			if idle++; idle < spinIdle || (running && len(ready) > 0) {
				runtime.Gosched()
				continue
			}
			if cq = s.c.WaitCompletions(s.ctx, cq[:0], maxPark); len(cq) == 0 {
				continue
			}
		}
		idle = 0
		now := time.Now()
		for k := range cq {
			cp := &cq[k]
			i := int(cp.Tag)
			if i < 0 || i >= n {
				lanes[0].Fail(fmt.Errorf("completion with tag %d, no such lane", cp.Tag))
				return nil
			}
			inFlight--
			if cp.Err != nil {
				lanes[i].Fail(fmt.Errorf("lane %d call %d: %w", i, calls[i], cp.Err))
				return nil
			}
			if err := CheckEcho(reqs[i], cp.Ret()); err != nil {
				lanes[i].Fail(fmt.Errorf("lane %d call %d: %w", i, calls[i], err))
				return nil
			}
			lanes[i].DoneAt(starts[i], now)
			calls[i]++
			ready = append(ready, i)
		}
	}
}

// Close stops both nodes (their NIC goroutines, dispatch threads and
// sockets).
func (s *daggerSession) Close() error {
	s.cancel()
	err := s.c.Close()
	if s.srv == nil { // a Dial's client: its Close closes its node
		return err
	}
	return errors.Join(s.cli.Close(), s.srv.Close())
}
