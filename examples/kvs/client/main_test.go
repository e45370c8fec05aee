package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/examples/kvs/store"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// TestClientAgainstServer runs the load generator against a store served
// by Listen, as the two commands do across processes.
func TestClientAgainstServer(t *testing.T) {
	srv, err := rpc.Listen("127.0.0.1:0", rpc.ServerConfig{Node: rpc.Config{Flows: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s, err := store.Register(srv.Node())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-addr", srv.Addr(), "-n", "2000", "-c", "4", "-keys", "8"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "2000 calls in") || s.Len() == 0 || s.Len() > 32 {
		t.Fatalf("output %q, %d keys stored", out.String(), s.Len())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-sets", "2"}, {"-nosuch"}, {"extra"}, {"-timeout", "-1s"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
