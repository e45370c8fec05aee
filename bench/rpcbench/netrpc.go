package rpcbench

import (
	"errors"
	"fmt"
	"net"
	"net/rpc"
)

// NetRPC is the standard library's net/rpc (gob encoding) over TCP on
// 127.0.0.1, one client connection shared by the lanes.
func NetRPC() Target {
	return Target{System: "net/rpc", Transport: "tcp", Start: startNetRPC}
}

// EchoService is net/rpc's receiver: exported, with one method of the
// shape net/rpc requires.
type EchoService struct{}

// Echo replies with its argument.
func (EchoService) Echo(args []byte, reply *[]byte) error {
	*reply = args
	return nil
}

type netRPCSession struct {
	lis     net.Listener
	client  *rpc.Client
	payload int
}

func startNetRPC(cfg SessionConfig) (Session, error) {
	srv := rpc.NewServer()
	if err := srv.RegisterName("Echo", EchoService{}); err != nil {
		return nil, fmt.Errorf("net/rpc server: %w: %w", ErrStart, err)
	}
	lis, err := net.Listen("tcp", loopbackAddr(cfg.Port))
	if err != nil {
		return nil, fmt.Errorf("net/rpc server: %w: %w", ErrStart, err)
	}
	// Our own accept loop: rpc.Server.Accept logs to stderr when the
	// listener closes, which is how every row ends.
	go func() {
		for {
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			go srv.ServeConn(conn)
		}
	}()
	client, err := rpc.Dial("tcp", lis.Addr().String())
	if err != nil {
		lis.Close()
		return nil, fmt.Errorf("net/rpc client: %w: %w", ErrStart, err)
	}
	return &netRPCSession{lis: lis, client: client, payload: cfg.Payload}, nil
}

func (s *netRPCSession) Drive(lanes []*Lane) error {
	return Blocking(lanes, s.payload, func(_ int, req []byte) ([]byte, error) {
		var resp []byte
		err := s.client.Call("Echo.Echo", req, &resp)
		return resp, err
	})
}

// Close closes the client, which ends the server's connection, and the
// listener.
func (s *netRPCSession) Close() error {
	err := s.client.Close()
	if errors.Is(err, rpc.ErrShutdown) {
		err = nil
	}
	if s.lis == nil { // the server is another process's
		return err
	}
	return errors.Join(err, s.lis.Close())
}
