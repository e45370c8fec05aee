package rpcbench

import (
	"context"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// GRPC is gRPC-go over TCP on 127.0.0.1: a hand-written service
// description (no protoc, no generated code) with one unary method, and a
// codec that passes []byte through, so the comparison pays for gRPC's
// HTTP/2 framing and call machinery but not for protobuf.
func GRPC() Target {
	return Target{System: "grpc-go", Transport: "tcp", Start: startGRPC}
}

// grpcMethod is the full method name the client invokes.
const grpcMethod = "/rpcbench.Echo/Echo"

// rawCodec marshals *[]byte and []byte as themselves. Unmarshal keeps
// the buffer it is given: gRPC hands each message a fresh one.
type rawCodec struct{}

func (rawCodec) Name() string { return "rpcbench-raw" }

func (rawCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case []byte:
		return m, nil
	case *[]byte:
		return *m, nil
	}
	return nil, fmt.Errorf("raw codec: cannot marshal %T, only []byte", v)
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("raw codec: cannot unmarshal into %T, only *[]byte", v)
	}
	*p = data
	return nil
}

// echoServiceDesc is what protoc-gen-go-grpc would generate for
//
//	service Echo { rpc Echo(bytes) returns (bytes); }
//
// HandlerType *any accepts any server value: the handler needs none.
var echoServiceDesc = grpc.ServiceDesc{
	ServiceName: "rpcbench.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			var in []byte
			if err := dec(&in); err != nil {
				return nil, err
			}
			return &in, nil
		},
	}},
	Metadata: "rpcbench (hand-written)",
}

type grpcSession struct {
	srv     *grpc.Server
	conn    *grpc.ClientConn
	ctx     context.Context
	cancel  context.CancelFunc
	payload int
}

func startGRPC(cfg SessionConfig) (Session, error) {
	lis, err := net.Listen("tcp", loopbackAddr(cfg.Port))
	if err != nil {
		return nil, fmt.Errorf("grpc-go server: %w: %w", ErrStart, err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}))
	srv.RegisterService(&echoServiceDesc, struct{}{})
	go func() { _ = srv.Serve(lis) }() // returns when Stop closes lis
	conn, err := grpc.NewClient("passthrough:///"+lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		srv.Stop()
		return nil, fmt.Errorf("grpc-go client: %w: %w", ErrStart, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &grpcSession{srv: srv, conn: conn, ctx: ctx, cancel: cancel, payload: cfg.Payload}, nil
}

func (s *grpcSession) Drive(lanes []*Lane) error {
	return Blocking(lanes, s.payload, func(_ int, req []byte) ([]byte, error) {
		var resp []byte
		err := s.conn.Invoke(s.ctx, grpcMethod, &req, &resp)
		return resp, err
	})
}

func (s *grpcSession) Close() error {
	s.cancel()
	err := s.conn.Close()
	if s.srv != nil { // nil: the server is another process's
		s.srv.Stop()
	}
	return err
}

// loopbackAddr is 127.0.0.1 with the port, 0 meaning any free one.
func loopbackAddr(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }
