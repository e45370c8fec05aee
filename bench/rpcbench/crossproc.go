package rpcbench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	netrpc "net/rpc"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/daggercheck/daggercheck/impl/rpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// ServerEnv, when set in a process's environment, makes ServeIfChild
// serve the stack it names and exit: the server half of a cross-process
// row, in a child process of rpcbench (or of its tests).
const ServerEnv = "RPCBENCH_SERVE"

// Cross-process stacks, as ServerEnv names them.
const (
	crossDaggerReliable   = "dagger-udp"
	crossDaggerBestEffort = "dagger-udp-best-effort"
	crossGRPC             = "grpc-go"
	crossNetRPC           = "net/rpc"
)

// CrossTargets are the cross-process rows: the echo server in a child
// process, the client in this one. Our stack over UDP (rpc.Listen and
// rpc.Dial: the handshake, one socket per side) with the reliable
// transport and best effort, gRPC-go and net/rpc over TCP, all on
// 127.0.0.1. Their rows carry Row.CrossProcess; the in-process rows of
// Targets stay as they are.
func CrossTargets() []Target {
	return []Target{
		crossTarget("dagger", "udp", crossDaggerReliable),
		crossTarget("dagger", "udp-best-effort", crossDaggerBestEffort),
		crossTarget("grpc-go", "tcp", crossGRPC),
		crossTarget("net/rpc", "tcp", crossNetRPC),
	}
}

func crossTarget(system, transport, stack string) Target {
	return Target{System: system, Transport: transport, CrossProcess: true, Start: func(cfg SessionConfig) (Session, error) {
		return startCross(stack, cfg)
	}}
}

// ServeIfChild serves the stack ServerEnv names, if it is set, until
// standard input closes, and exits; otherwise it returns at once. Call
// it first thing in main (and in TestMain of tests that run
// CrossTargets): a cross-process row runs this very executable as its
// server.
func ServeIfChild() {
	stack := os.Getenv(ServerEnv)
	if stack == "" {
		return
	}
	if err := serveChild(stack, os.Getenv(ServerEnv+"_PORT"), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "rpcbench server %s: %v\n", stack, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveChild starts the server, prints "addr=ADDR", and serves until
// stdin closes.
func serveChild(stack, port string, stdin io.Reader, stdout io.Writer) error {
	if port == "" {
		port = "0"
	}
	addr := "127.0.0.1:" + port
	var stop func()
	switch stack {
	case crossDaggerReliable, crossDaggerBestEffort:
		srv, err := rpc.Listen(addr, rpc.ServerConfig{Node: rpc.Config{Name: "rpcbench-server", Threading: rpc.NICThread},
			Net: rpc.NetConfig{BestEffort: stack == crossDaggerBestEffort, Window: udpWindow}})
		if err != nil {
			return err
		}
		if err := srv.Handle(daggerEcho, "echo", func(args, ret []byte) ([]byte, error) { return append(ret, args...), nil }); err != nil {
			return err
		}
		if err := srv.Start(context.Background()); err != nil {
			return err
		}
		addr, stop = srv.Addr(), func() { _ = srv.Close() }
	case crossGRPC:
		lis, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}))
		srv.RegisterService(&echoServiceDesc, struct{}{})
		go func() { _ = srv.Serve(lis) }()
		addr, stop = lis.Addr().String(), srv.Stop
	case crossNetRPC:
		srv := netrpc.NewServer()
		if err := srv.RegisterName("Echo", EchoService{}); err != nil {
			return err
		}
		lis, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		go func() {
			for {
				conn, err := lis.Accept()
				if err != nil {
					return
				}
				go srv.ServeConn(conn)
			}
		}()
		addr, stop = lis.Addr().String(), func() { _ = lis.Close() }
	default:
		return fmt.Errorf("unknown stack %q", stack)
	}
	fmt.Fprintf(stdout, "addr=%s\n", addr)
	_, _ = io.Copy(io.Discard, stdin)
	stop()
	return nil
}

// serverProcess is a row's server child.
type serverProcess struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
	errb  strings.Builder
}

// spawn starts this executable as the server of stack and waits for its
// address.
func spawn(stack string, port int) (*serverProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p := &serverProcess{cmd: exec.Command(exe, "-test.run=^$")}
	p.cmd.Env = append(os.Environ(), ServerEnv+"="+stack, fmt.Sprintf("%s_PORT=%d", ServerEnv, port))
	p.cmd.Stderr = &p.errb
	in, err := p.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	p.stdin = in
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "addr=") {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
		return nil, fmt.Errorf("server process: %q %v; stderr: %s", line, err, strings.TrimSpace(p.errb.String()))
	}
	p.addr = strings.TrimSpace(strings.TrimPrefix(line, "addr="))
	return p, nil
}

// stop closes the child's stdin and waits for it (killing it after 5s).
func (p *serverProcess) stop() error {
	_ = p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("server process: %w; stderr: %s", err, strings.TrimSpace(p.errb.String()))
		}
		return nil
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.Join(errors.New("server process did not stop; killed"), <-done)
	}
}

// startCross spawns the server child and connects this process's client.
func startCross(stack string, cfg SessionConfig) (Session, error) {
	p, err := spawn(stack, cfg.Port)
	if err != nil {
		return nil, fmt.Errorf("%s server: %w: %w", stack, ErrStart, err)
	}
	fail := func(err error) (Session, error) {
		return nil, errors.Join(fmt.Errorf("%s client: %w: %w", stack, ErrStart, err), p.stop())
	}
	switch stack {
	case crossDaggerReliable, crossDaggerBestEffort:
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := rpc.Dial(ctx, p.addr, rpc.DialConfig{Node: rpc.Config{Name: "rpcbench-client", MaxInFlight: max(cfg.Concurrency, 1)},
			Net: rpc.NetConfig{BestEffort: stack == crossDaggerBestEffort, Window: udpWindow}, Drain: time.Second})
		if err != nil {
			return fail(err)
		}
		sctx, scancel := context.WithCancel(context.Background())
		return &crossSession{Session: &daggerSession{c: c, ctx: sctx, cancel: scancel, payload: cfg.Payload}, p: p}, nil
	case crossGRPC:
		conn, err := grpc.NewClient("passthrough:///"+p.addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
		if err != nil {
			return fail(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		return &crossSession{Session: &grpcSession{conn: conn, ctx: ctx, cancel: cancel, payload: cfg.Payload}, p: p}, nil
	default:
		client, err := netrpc.Dial("tcp", p.addr)
		if err != nil {
			return fail(err)
		}
		return &crossSession{Session: &netRPCSession{client: client, payload: cfg.Payload}, p: p}, nil
	}
}

// crossSession is a client session whose server is a child process.
type crossSession struct {
	Session
	p *serverProcess
}

func (s *crossSession) Close() error { return errors.Join(s.Session.Close(), s.p.stop()) }
