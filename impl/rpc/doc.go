// Package rpc is the client and server API of the Dagger RPC stack, over
// the soft NIC (impl/nic), the host rings (impl/ring) and the transports
// (impl/transport): client rings -> client NIC -> transport -> server NIC
// -> server rings -> handler -> and back.
//
// Read Node first: one machine — a soft NIC and its driver (impl/nic),
// its host flows (a TX and an RX ring each), its bells (impl/wake) and,
// on a server, the handlers and their threads. Connect
// opens a connection (a c_id, the same on both NICs) from a client node's
// flow to a server node over a link: ConnectLoopback (in process,
// NIC to NIC over a pair of bounded queues), ConnectUDP (real sockets on
// 127.0.0.1, with the reliable transport or Dagger's best effort), or
// Connect with any pair of nic.Link (transport endpoints a test drives
// over a FaultyNetwork, say). It returns a Client.
//
// # Usage
//
//	srv, _ := rpc.NewNode(rpc.Config{Flows: 2, Threading: rpc.DispatchThread})
//	srv.Handle(1, "echo", func(args, ret []byte) ([]byte, error) {
//		return append(ret, args...), nil // ret: a buffer to append the result to
//	})
//	cli, _ := rpc.NewNode(rpc.Config{Flows: 1})
//	ctx, cancel := context.WithCancel(context.Background())
//	defer cancel()
//	srv.Start(ctx) // the NIC's polling goroutines and the server threads
//	cli.Start(ctx)
//	defer srv.Close()
//	defer cli.Close()
//
//	c, _ := rpc.ConnectLoopback(cli, srv, 0, 0) // conn 0 from the client's flow 0
//	// or: c, _ := rpc.ConnectUDP(cli, srv, 1, 0, rpc.UDPOptions{Reliable: true})
//
//	ret, err := c.Call(ctx, 1, []byte("hello")) // blocking; honours ctx
//
//	id, err := c.Go(1, []byte("hi"), 42) // non-blocking: tag 42
//	var cq []rpc.Completion
//	for len(cq) == 0 {
//		cq = c.Completions(cq[:0]) // the completion queue, non-blocking
//	}
//	_ = cq[0].ID == id && cq[0].Tag == 42 && cq[0].Err == nil // cq[0].Ret() is "hi"
//
// Between processes, a server Listens on a UDP address and clients Dial
// it; each Dial is a connection of its own, opened by impl/handshake's
// protocol (docs/network.md):
//
//	srv, _ := rpc.Listen("127.0.0.1:7000", rpc.ServerConfig{Node: rpc.Config{Flows: 2}})
//	srv.Handle(1, "echo", echo) // before Start
//	srv.Start(ctx)
//	defer srv.Close() // tells the clients (CLOSE)
//
//	// in another process:
//	c, err := rpc.Dial(ctx, "127.0.0.1:7000", rpc.DialConfig{}) // reliable; Net.BestEffort for Dagger's UDP
//	ret, err := c.Call(ctx, 1, []byte("hello"))
//	c.Close() // drains the calls in flight (DialConfig.Drain), fails the rest with ErrClosed
//
// One UDP socket per side carries every connection's frames, each
// stamped with both ends' incarnations: a server that restarts makes its
// clients' calls in flight fail with ErrPeerRestarted (never silently,
// never resent, as they may have run), and the clients handshake again.
// NetConfig.Faults makes a socket a seeded faulty network (loss,
// duplication, reordering) for tests between processes.
//
// A Client is safe for concurrent use: senders share its flow's TX ring
// under a lock, and whichever caller is waiting drains the RX ring and
// completes everyone's calls, so blocking calls need no extra goroutine.
// Several clients may share a flow (responses are routed by c_id), or
// each may have its own.
//
// # Server threading
//
// DispatchThread runs each handler inline on its flow's polling thread
// (Dagger's dispatch thread): one goroutine per server flow. WorkerPool
// has each flow's thread hand requests to Config.Workers goroutines,
// which write responses to that flow's TX ring under a lock. NICThread
// runs every flow's dispatch, handlers inline, on the NIC's own polling
// goroutine after each of its rounds (run to completion: no hand-off
// between goroutines from the wire to the handler and back; a slow
// handler holds the NIC up). Requests are spread over the server's flows
// by the NIC's load balancer.
//
// Every thread runs a step in a loop: the NIC's goroutine the NIC
// driver's round (nic.Driver.Run), a flow's thread the flow's dispatch
// step, each under impl/wake's polling discipline, parked on its bell
// when idle.
//
// StartShared starts several nodes with their NICs polled in turn by one
// goroutine (the other nodes' NIC bells forward to the first's): with
// ConnectLoopback between them and
// NICThread on the server, an RPC goes from the client's TX ring to the
// handler and back to the client's RX ring on that one goroutine, with
// no hand-off — on a machine with two cores, the caller's goroutine and
// the poller each have one.
//
// # Arguments larger than 52 bytes
//
// Rejected, not fragmented: a call whose arguments (or a handler whose
// result) exceed one slot's 52 bytes fails with ErrTooLarge (which also
// matches slot.ErrTooLarge) before anything is sent; a handler's
// oversized result completes the call with ErrTooLarge. Fragmenting over
// n_of_frames/frame_id would need reassembly buffers in the NIC, whose
// request buffer, free list and FIFOs hold one slot per RPC, and would
// change the NIC model's state space; one slot per RPC keeps the
// implementation and the models one design. Responses use n_of_frames
// as a status byte instead: 0 ok, 1 the handler failed (the arguments
// are its message: ErrRemote), 2 no handler for fn_id (ErrUnknownFn),
// 3 the result was over 52 bytes (ErrTooLarge).
//
// # Step mode
//
// Node.Step runs one round of every step — the NIC driver's round (the
// TX sweep, the arrivals from its links, balancing and scheduling until
// nothing moves) and every flow's dispatch step (the requests in the
// server's RX rings, handlers inline) — on the caller's goroutine, with
// no goroutine of its own, so a test drives client and server nodes and
// the network deterministically (bridge/system/e2e_test.go). The free-running
// threads loop over the same steps; a step never waits (a response the
// TX ring has no room for is kept and written first next time). In step
// mode use Go and Completions: a blocking Call waits for goroutines that
// step mode does not have.
//
// # Back-pressure
//
// Nothing is lost silently: a full TX ring, or more than
// Config.MaxInFlight calls outstanding on a client, is ErrBusy for Go,
// and a blocking Call waits for room (until its context ends); the NIC
// holds an RPC its link refuses and stops polling that TX ring; a full
// RX ring stops the NIC's scheduler. Drops the NIC must make (a closed
// or unknown connection, a full request buffer or FIFO) are counted in
// nic.Counters; over the reliable transport a call so dropped is not
// retried and ends by its context (Dagger has no end-to-end retry).
//
// # An RPC's path
//
// One blocking call over UDP (ConnectUDP, reliable; a DispatchThread
// server), as the calls between packages along it, in order. The slot's
// 64 bytes are encoded once onto the wire and decoded once off it; every
// wake-up is one call into impl/wake; nothing calls up.
//
//	caller       rpc.Client.start     -> ring.Producer.Send, wake.Bells.TXWritten
//	client NIC   nic.Driver.SweepTX   -> ring.Consumer.Poll (PollFlow), transport.Socket.Send
//	             transport.AppendFrame -> slot.RPC.Encode
//	server read  transport.DecodeFrame -> slot.Decode; Socket.readLoop -> wake.Bell.Ring
//	server NIC   nic.Driver.Receive   -> transport.Socket.TakeDeliveries
//	             nic.NIC.Schedule     -> ring.Producer.Send
//	             nic.Driver.Round     -> wake.Bells.Delivered
//	server flow  rpc.Node.dispatch    -> ring.Consumer.TakeInto, handler,
//	                                     ring.Producer.Send, wake.Bells.TXWritten,
//	                                     ring.Consumer.ReturnCredit
//	server NIC   as the client's      -> ring.Consumer.Poll, transport.Socket.Send, slot.RPC.Encode
//	client read  as the server's      -> slot.Decode, wake.Bell.Ring
//	client NIC   as the server's      -> transport.Socket.TakeDeliveries, ring.Producer.Send,
//	                                     wake.Bells.Delivered
//	caller       rpc.Client.Call (drain: rpc.Node.dispatch)
//	                                  -> ring.Consumer.TakeInto, wake.Bell.Ring (complete),
//	                                     ring.Consumer.ReturnCredit
//
// That is 25 calls between packages; the ring's own steps encode and
// decode lines with impl/slot's word codec. Over the loopback
// (ConnectLoopback) the transport's are replaced by the wire's, inside
// impl/nic.
//
// Between processes (Listen, Dial) the path is the same but for the
// transport's part: the client NIC's rpc.netLink.Send queues the RPC on
// the connection's transport.Reliable, and the NIC's round ends with one
// transport.PacketSocket.Flush of every frame queued (one sendmmsg); the
// server's socket reader admits each frame by impl/handshake's
// Server.Admit, hands it to its connection's endpoint, and runs the
// server node's round itself (Node.roundNow: the NIC driver's round and,
// with NICThread, the handler), the response leaving in the round's
// flush; the client's reader does the same on its side.
//
// The package imports impl/nic, impl/slot, impl/ring, impl/transport,
// impl/handshake, impl/wake and the standard library; never model/.
package rpc
