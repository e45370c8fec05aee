package rpcbench

import "github.com/daggercheck/daggercheck/bench/rpcbench/echopb"

// Typed are the rows of our stack's blocking client through the stubs
// daggergen generates from echopb's echo.dproto (echopb.EchoClient's Echo
// and an echopb.EchoServer), beside dagger-blocking's raw bytes: what the
// typed layer costs a call, one 52-byte message encoded and decoded at
// each end. A typed call always carries its message's 52 bytes, whatever
// --payload says. They are not in the default run (--systems selects
// them).
func Typed() []Target {
	return []Target{daggerTyped("loopback"), daggerTyped("udp")}
}

func daggerTyped(transport string) Target {
	return Target{System: "dagger-typed", Transport: transport, Start: func(cfg SessionConfig) (Session, error) {
		s, err := startDagger(transport, true, cfg)
		if err != nil {
			return nil, err
		}
		return &typedSession{daggerSession: s.(*daggerSession)}, nil
	}}
}

// typedEcho is the server's side of the typed rows: the message back.
type typedEcho struct{}

func (typedEcho) Echo(b echopb.Blob) (echopb.Blob, error) { return b, nil }

// typedSession drives a session's client through echopb.EchoClient.
type typedSession struct{ *daggerSession }

func (s *typedSession) Drive(lanes []*Lane) error {
	echo := echopb.NewEchoClient(s.c)
	return Blocking(lanes, s.payload, func(_ int, req []byte) ([]byte, error) {
		var b echopb.Blob
		copy(b.Data[:], req)
		ret, err := echo.Echo(s.ctx, b)
		if err != nil {
			return nil, err
		}
		return ret.Data[:len(req)], nil
	})
}
