package rpc

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkLoopbackCall: blocking 64-byte-slot echo calls, one at a time,
// over the in-process loopback.
func BenchmarkLoopbackCall(b *testing.B) {
	srv, _ := NewNode(Config{Name: "server"})
	_ = srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil })
	cli, _ := NewNode(Config{Name: "client"})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); cli.Close(); srv.Close() }()
	_ = srv.Start(ctx)
	_ = cli.Start(ctx)
	c, err := ConnectLoopback(cli, srv, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	args := make([]byte, 52)
	b.ResetTimer()
	for range b.N {
		if _, err := c.Call(ctx, 1, args); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoopbackAsync64: 64 calls in flight through the completion
// queue, over the in-process loopback.
func BenchmarkLoopbackAsync64(b *testing.B) {
	srv, _ := NewNode(Config{Name: "server"})
	_ = srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil })
	cli, _ := NewNode(Config{Name: "client", MaxInFlight: 64})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); cli.Close(); srv.Close() }()
	_ = srv.Start(ctx)
	_ = cli.Start(ctx)
	c, err := ConnectLoopback(cli, srv, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	args := make([]byte, 52)
	var cq []Completion
	b.ResetTimer()
	sent, done := 0, 0
	for done < b.N {
		for sent < b.N {
			if _, err := c.Go(1, args, 0); err != nil {
				break
			}
			sent++
		}
		cq = c.Completions(cq[:0])
		done += len(cq)
		if len(cq) == 0 {
			runtime.Gosched() // leave the cores to the NICs' goroutines
		}
	}
}

// BenchmarkLoopbackStepped64: 64 calls in flight with both nodes in step
// mode on the benchmark's goroutine: the CPU cost of one RPC through the
// whole stack (client rings, both NICs, the wire, the handler), with no
// scheduling, parking or cache lines moving between cores in it.
func BenchmarkLoopbackStepped64(b *testing.B) {
	srv, _ := NewNode(Config{Name: "server", Threading: NICThread})
	_ = srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil })
	cli, _ := NewNode(Config{Name: "client", MaxInFlight: 64})
	c, err := ConnectLoopback(cli, srv, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	args := make([]byte, 52)
	var cq []Completion
	b.ResetTimer()
	sent, done := 0, 0
	for done < b.N {
		for sent < b.N {
			if _, err := c.Go(1, args, 0); err != nil {
				break
			}
			sent++
		}
		moved := cli.Step() + srv.Step() + cli.Step()
		cq = c.Completions(cq[:0])
		done += len(cq)
		if moved == 0 && len(cq) == 0 {
			b.Fatalf("stuck: %d sent, %d done", sent, done)
		}
	}
}

// BenchmarkListenDialCall: blocking echo calls, one at a time, from a
// Dial'd client to a Listen'ing NICThread server, both in this process
// over UDP on 127.0.0.1 (the cross-process path, without the second
// process): allocations per call are the driver's.
func BenchmarkListenDialCall(b *testing.B) {
	for _, best := range []bool{false, true} {
		name := "reliable"
		if best {
			name = "best-effort"
		}
		b.Run(name, func(b *testing.B) { benchListenDial(b, NetConfig{BestEffort: best}) })
	}
}

func benchListenDial(b *testing.B, nc NetConfig) {
	srv, err := Listen("127.0.0.1:0", ServerConfig{Node: Config{Threading: NICThread}, Net: nc})
	if err != nil {
		b.Fatal(err)
	}
	_ = srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil })
	ctx := context.Background()
	_ = srv.Start(ctx)
	defer srv.Close()
	c, err := Dial(ctx, srv.Addr(), DialConfig{Net: nc})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	args := make([]byte, 52)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Call(ctx, 1, args); err != nil {
			b.Fatal(err)
		}
	}
}
