package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/examples/kvs/kvspb"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// TestServeUntilCancelled: the server prints its address, serves a
// client's Set and Get, and on its context's end closes and prints its
// counters.
func TestServeUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"-addr", "127.0.0.1:0"}, pw); pw.Close() }()
	out := bufio.NewReader(pr)
	line, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "kvs: serving on ") {
		t.Fatalf("first line %q, %v", line, err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "kvs: serving on "))
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	c, err := rpc.Dial(dctx, addr, rpc.DialConfig{})
	if err != nil {
		t.Fatal(err)
	}
	kvs := kvspb.NewKVSClient(c)
	if _, err := kvs.Set(dctx, kvspb.SetArg{Key: "k", Value: [32]byte{1}}); err != nil {
		t.Fatal(err)
	}
	if r, err := kvs.Get(dctx, kvspb.Key{Key: "k"}); err != nil || !r.Found || r.Value[0] != 1 {
		t.Fatalf("get: %+v, %v", r, err)
	}
	c.Close()
	cancel()
	rest, _ := io.ReadAll(out)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(rest, []byte("kvs: 1 keys; handshake: hellos=1 opens=1")) {
		t.Errorf("closing report: %q", rest)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-nosuch"}, {"extra"}, {"-flows", "x"}} {
		if err := serve(context.Background(), args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if err := serve(context.Background(), []string{"-addr", "nosuchhost:-1"}, io.Discard); err == nil {
		t.Error("a bad address accepted")
	}
}
