package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/daggercheck/daggercheck/examples/kvs/kvspb"
	"github.com/daggercheck/daggercheck/examples/kvs/store"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// The typed stubs of kvs.dproto over two nodes on the in-process
// loopback: a server node serving a Store, a client node calling it.
func Example() {
	// A minute bounds the example; a program would use a context of its own.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, _ := rpc.NewNode(rpc.Config{Name: "server", Flows: 2})
	cli, _ := rpc.NewNode(rpc.Config{Name: "client"})
	if _, err := store.Register(srv); err != nil { // kvspb.RegisterKVSServer(srv, store.New())
		fmt.Println(err)
		return
	}
	_ = srv.Start(ctx)
	_ = cli.Start(ctx)
	defer srv.Close()
	defer cli.Close()
	c, _ := rpc.ConnectLoopback(cli, srv, 0, 0)
	kv := kvspb.NewKVSClient(c)

	set, err := kv.Set(ctx, kvspb.SetArg{Key: "hello", Value: kvspb.Value("world")})
	fmt.Println(set, err)
	got, err := kv.Get(ctx, kvspb.Key{Key: "hello"})
	fmt.Println(got.Found, got.Version, string(got.Value[:5]), err)

	// Non-blocking: GoDelete sends, the completion queue returns it, and
	// DeleteResult decodes it.
	id, _ := kv.GoDelete(kvspb.Key{Key: "hello"}, 7)
	var cq []rpc.Completion
	for len(cq) == 0 && ctx.Err() == nil {
		cq = kv.RPC().WaitCompletions(ctx, cq, time.Millisecond)
	}
	if len(cq) == 0 {
		fmt.Println("no completion:", ctx.Err())
		return
	}
	del, err := kv.DeleteResult(&cq[0])
	fmt.Println(cq[0].ID == id, cq[0].Tag, del, err)

	_, err = kv.Get(ctx, kvspb.Key{Key: "a key longer than sixteen bytes"})
	fmt.Println(err)
	// Output:
	// SetRet{version:1} <nil>
	// true 1 world <nil>
	// true 7 DeleteRet{found:true} <nil>
	// KVS.Get: encode Key.key: 31 bytes, over string[16]
}
