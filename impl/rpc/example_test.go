package rpc_test

import (
	"context"
	"fmt"

	"github.com/daggercheck/daggercheck/impl/rpc"
)

// The package comment's usage, run: a server with an echo handler, a
// client over the in-process loopback, a blocking and a non-blocking call.
func Example() {
	srv, _ := rpc.NewNode(rpc.Config{Name: "server", Flows: 2, Threading: rpc.DispatchThread})
	_ = srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) {
		return append(ret, args...), nil
	})
	cli, _ := rpc.NewNode(rpc.Config{Name: "client", Flows: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = srv.Start(ctx)
	_ = cli.Start(ctx)
	defer srv.Close()
	defer cli.Close()

	c, err := rpc.ConnectLoopback(cli, srv, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	ret, err := c.Call(ctx, 1, []byte("hello"))
	fmt.Printf("%s %v\n", ret, err)

	id, _ := c.Go(1, []byte("hi"), 42)
	var cq []rpc.Completion
	for len(cq) == 0 {
		cq = c.Completions(cq[:0])
	}
	fmt.Printf("%t tag=%d %s %v\n", cq[0].ID == id, cq[0].Tag, cq[0].Ret(), cq[0].Err)

	_, err = c.Call(ctx, 1, make([]byte, 53))
	fmt.Println(err)
	// Output:
	// hello <nil>
	// true tag=42 hi <nil>
	// rpc: slot: arguments larger than 52 bytes (fragmentation is not supported): 53 bytes of arguments for fn 1
}
