package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/examples/kvs/kvspb"
	"github.com/daggercheck/daggercheck/examples/kvs/store"
	"github.com/daggercheck/daggercheck/idl/wire"
	"github.com/daggercheck/daggercheck/impl/rpc"
	"github.com/daggercheck/daggercheck/internal/stall"
)

// pair is a server node serving a store and a client node connected to
// it over the in-process loopback, both free-running until the test ends.
func pair(t *testing.T, threading rpc.Threading) (context.Context, *kvspb.KVSClient, *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	srv, err := rpc.NewNode(rpc.Config{Name: "server", Flows: 2, Threading: threading})
	if err != nil {
		t.Fatal(err)
	}
	cli, err := rpc.NewNode(rpc.Config{Name: "client"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Register(srv)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*rpc.Node{srv, cli} {
		if err := n.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
	}
	c, err := rpc.ConnectLoopback(cli, srv, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, kvspb.NewKVSClient(c), s
}

func TestStoreOverLoopback(t *testing.T) {
	for _, th := range []rpc.Threading{rpc.DispatchThread, rpc.WorkerPool, rpc.NICThread} {
		t.Run(th.String(), func(t *testing.T) {
			ctx, kv, s := pair(t, th)
			got, err := kv.Get(ctx, kvspb.Key{Key: "k"})
			if err != nil || got != (kvspb.GetRet{}) {
				t.Fatalf("Get of a missing key: %v %v", got, err)
			}
			for v := uint32(1); v <= 3; v++ {
				ret, err := kv.Set(ctx, kvspb.SetArg{Key: "k", Value: kvspb.Value(fmt.Sprint("v", v))})
				if err != nil || ret.Version != v {
					t.Fatalf("Set %d: %v %v", v, ret, err)
				}
			}
			got, err = kv.Get(ctx, kvspb.Key{Key: "k"})
			if want := (kvspb.GetRet{Found: true, Version: 3, Value: kvspb.Value("v3")}); err != nil || got != want {
				t.Fatalf("Get: %v %v, want %v", got, err, want)
			}
			for _, found := range []bool{true, false} {
				if ret, err := kv.Delete(ctx, kvspb.Key{Key: "k"}); err != nil || ret.Found != found {
					t.Fatalf("Delete: %v %v, want found %t", ret, err, found)
				}
			}
			if s.Len() != 0 {
				t.Fatalf("%d keys left", s.Len())
			}
		})
	}
}

// Non-blocking calls: GoSet and GoGet start them, the completion queue
// returns them with their tags, and SetResult and GetResult decode them.
func TestStoreNonBlocking(t *testing.T) {
	_, kv, s := pair(t, rpc.DispatchThread)
	const n = 20
	for i := range n {
		if _, err := kv.GoSet(kvspb.SetArg{Key: fmt.Sprint("k", i), Value: kvspb.Value(fmt.Sprint(i))}, uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	var cq []rpc.Completion
	seen := map[uint64]bool{}
	stall.Until(t, 20*time.Second, "the non-blocking sets' completions", func() bool {
		cq = kv.RPC().Completions(cq[:0])
		for i := range cq {
			ret, err := kv.SetResult(&cq[i])
			if err != nil || ret.Version != 1 || seen[cq[i].Tag] {
				t.Fatalf("completion %d: %v %v", cq[i].Tag, ret, err)
			}
			seen[cq[i].Tag] = true
			if _, err := kv.GetResult(&cq[i]); err == nil || !strings.Contains(err.Error(), "KVS.Get: completion of fn 2, want 1") {
				t.Fatalf("GetResult of a Set's completion: %v", err)
			}
		}
		return len(seen) == n
	})
	if s.Len() != n {
		t.Fatalf("%d keys, want %d", s.Len(), n)
	}
	id, err := kv.GoGet(kvspb.Key{Key: "k7"}, 99)
	if err != nil {
		t.Fatal(err)
	}
	cq = cq[:0]
	stall.Until(t, 20*time.Second, "the non-blocking get's completion", func() bool {
		cq = kv.RPC().Completions(cq)
		return len(cq) > 0
	})
	ret, err := kv.GetResult(&cq[0])
	if cq[0].ID != id || cq[0].Tag != 99 || err != nil || ret != (kvspb.GetRet{Found: true, Version: 1, Value: kvspb.Value("7")}) {
		t.Fatalf("GoGet: %+v %v %v", cq[0], ret, err)
	}
}

// Bad values and bad bytes end in errors that say which message and
// field, on the side that found them.
func TestStoreErrors(t *testing.T) {
	ctx, kv, s := pair(t, rpc.DispatchThread)
	// A key with no encoding fails before anything is sent.
	_, err := kv.Set(ctx, kvspb.SetArg{Key: "a key of more than 16 bytes"})
	if !errors.Is(err, wire.ErrInvalid) || err.Error() != "KVS.Set: encode SetArg.key: 27 bytes, over string[16]" {
		t.Errorf("Set of a long key: %v", err)
	}
	if _, err := kv.GoGet(kvspb.Key{Key: "nul\x00"}, 0); !errors.Is(err, wire.ErrInvalid) {
		t.Errorf("GoGet of a key with a zero byte: %v", err)
	}
	if n := kv.RPC().Outstanding(); n != 0 || s.Len() != 0 {
		t.Errorf("%d calls outstanding, %d keys, after calls that should not have been sent", n, s.Len())
	}
	// Arguments the server cannot decode: its error comes back.
	_, err = kv.RPC().Call(ctx, kvspb.KVSGetFn, []byte("abc"))
	if !errors.Is(err, rpc.ErrRemote) || !strings.HasSuffix(err.Error(), "decode Key: 3 bytes, want 16") {
		t.Errorf("a short Key: %v", err)
	}
	bad := make([]byte, kvspb.KeySize)
	copy(bad, "a\x00b")
	if _, err = kv.RPC().Call(ctx, kvspb.KVSDeleteFn, bad); !errors.Is(err, rpc.ErrRemote) || !strings.HasSuffix(err.Error(), "decode Key.key: byte 2 after the string's end") {
		t.Errorf("a key with bytes after its end: %v", err)
	}
}

// A result the client cannot decode (from a server that is not the
// store) is ErrMalformed.
func TestMalformedResult(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	srv, _ := rpc.NewNode(rpc.Config{Name: "server"})
	cli, _ := rpc.NewNode(rpc.Config{Name: "client"})
	srv.Handle(kvspb.KVSGetFn, "not KVS.Get", func(args, ret []byte) ([]byte, error) { return append(ret, 2), nil })
	if err := rpc.StartShared(ctx, srv, cli); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer cli.Close()
	c, _ := rpc.ConnectLoopback(cli, srv, 0, 0)
	_, err := kvspb.NewKVSClient(c).Get(ctx, kvspb.Key{Key: "k"})
	if !errors.Is(err, wire.ErrMalformed) || err.Error() != "KVS.Get: decode GetRet: 1 bytes, want 37" {
		t.Errorf("%v", err)
	}
	if err := kvspb.RegisterKVSServer(srv, store.New()); err == nil || !strings.Contains(err.Error(), "fn 1 registered twice") {
		t.Errorf("registering over a handler: %v", err)
	}
}

// Concurrent callers on one client, served by a worker pool: each sees
// its own keys' versions.
func TestStoreConcurrentCallers(t *testing.T) {
	ctx, kv, s := pair(t, rpc.WorkerPool)
	const callers, sets = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for c := range callers {
		wg.Go(func() {
			key := kvspb.Key{Key: fmt.Sprint("caller", c)}
			for i := range sets {
				ret, err := kv.Set(ctx, kvspb.SetArg{Key: key.Key, Value: kvspb.Value(fmt.Sprint(i))})
				if err == nil && ret.Version != uint32(i+1) {
					err = fmt.Errorf("%s: version %d after %d sets", key.Key, ret.Version, i+1)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			got, err := kv.Get(ctx, key)
			if err == nil && got != (kvspb.GetRet{Found: true, Version: sets, Value: kvspb.Value(fmt.Sprint(sets - 1))}) {
				err = fmt.Errorf("%s: %v", key.Key, got)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s.Len() != callers {
		t.Errorf("%d keys, want %d", s.Len(), callers)
	}
}

// The typed stubs cost no allocation over an untyped call: encoding goes
// to the stack and decoding into a value. (A call allocates what
// rpc.Client.Call does: its result's copy.)
func TestTypedCallsAllocateAsUntypedCallsDo(t *testing.T) {
	ctx, kv, _ := pair(t, rpc.NICThread)
	arg := kvspb.SetArg{Key: "k", Value: kvspb.Value("v")}
	raw, err := arg.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	untyped := testing.AllocsPerRun(500, func() {
		if _, err := kv.RPC().Call(ctx, kvspb.KVSSetFn, raw); err != nil {
			t.Fatal(err)
		}
	})
	typed := testing.AllocsPerRun(500, func() {
		if _, err := kv.Set(ctx, arg); err != nil {
			t.Fatal(err)
		}
	})
	// Other goroutines' allocations count too: allow them half of one
	// per call, and no more.
	if typed > untyped+0.5 {
		t.Errorf("a typed Set allocates %.2f times per call, an untyped call %.2f", typed, untyped)
	}
	t.Logf("allocations per call: typed Set %.2f, untyped %.2f", typed, untyped)
}
