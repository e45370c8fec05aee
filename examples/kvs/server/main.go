// Command server serves the key-value store of examples/kvs (kvs.dproto's
// KVS service, examples/kvs/store) to clients in other processes, over
// impl/rpc's Listen: UDP with the reliable transport (or best effort),
// each client's connection opened by the handshake.
//
//	go run ./examples/kvs/server -addr 127.0.0.1:7000
//
// It serves until interrupted (SIGINT, SIGTERM), then tells its clients
// it is closing and prints its counters.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/daggercheck/daggercheck/examples/kvs/store"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kvs server:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// serve listens, serves until ctx ends, and reports.
func serve(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:7000", "UDP address to listen on")
	flows := fs.Int("flows", 2, "server flows (each a dispatch thread)")
	bestEffort := fs.Bool("best-effort", false, "Dagger's best-effort UDP instead of the reliable transport")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	srv, err := rpc.Listen(*addr, rpc.ServerConfig{Node: rpc.Config{Flows: *flows}, Net: rpc.NetConfig{BestEffort: *bestEffort}})
	if err != nil {
		return err
	}
	s, err := store.Register(srv.Node())
	if err != nil {
		srv.Close()
		return err
	}
	if err := srv.Start(ctx); err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(out, "kvs: serving on %s\n", srv.Addr())
	<-ctx.Done()
	hc, nc := srv.Counters()
	err = srv.Close()
	fmt.Fprintf(out, "kvs: %d keys; handshake: %s\nkvs: socket: %s\n", s.Len(), hc, nc)
	return err
}
