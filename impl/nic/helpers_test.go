package nic

import (
	"errors"
	"testing"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/transport"
)

// flows allocates k flows of `slots`-slot rings.
func flows(t testing.TB, k, slots int) []*ring.Flow {
	t.Helper()
	fs := make([]*ring.Flow, k)
	for i := range fs {
		f, err := ring.NewFlow(slots, ring.Faults{}, ring.Faults{})
		if err != nil {
			t.Fatal(err)
		}
		fs[i] = f
	}
	return fs
}

// newNIC builds a NIC over k flows of 8-slot rings, an 8-slot buffer and
// 8 connections,
// every one open, then applies edit to the configuration first.
func newNIC(t testing.TB, k int, edit func(*Config)) *NIC {
	t.Helper()
	cfg := Config{Flows: flows(t, k, 8), OpenAll: true, Conns: 8, Buffer: 8}
	if edit != nil {
		edit(&cfg)
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func req(conn uint8, id uint32, args ...byte) *slot.RPC {
	r, err := slot.NewRPC(conn, id, 1, args)
	if err != nil {
		panic(err)
	}
	return &r
}

func resp(conn uint8, id uint32) *slot.RPC {
	r := req(conn, id)
	r.Response = true
	return r
}

// mustArrive fails the test unless Arrive accepts r.
func mustArrive(t testing.TB, n *NIC, r *slot.RPC) {
	t.Helper()
	if err := n.Arrive(r); err != nil {
		t.Fatalf("arrive %v: %v", r, err)
	}
}

// drainRX takes every RPC in flow f's RX ring.
func drainRX(n *NIC, f int) []slot.RPC {
	var out []slot.RPC
	c := n.Flow(f).RX.Consumer()
	for {
		r, err := c.Receive()
		if errors.Is(err, ring.ErrEmpty) {
			return out
		}
		if err != nil {
			panic(err)
		}
		out = append(out, r)
	}
}

// fakeLink records what the driver sends and refuses while busy is set.
type fakeLink struct {
	sent []slot.RPC
	busy bool
}

func (l *fakeLink) Send(r transport.Packet) error {
	if l.busy {
		return transport.ErrFull
	}
	l.sent = append(l.sent, r)
	return nil
}

func (l *fakeLink) TakeDeliveries(dst []transport.Packet) []transport.Packet { return dst }

// driven returns a driver of n with link attached to connections 0..7.
func driven(n *NIC, link Link) *Driver {
	d := NewDriver(n, nil)
	for c := range uint8(8) {
		d.Attach(c, link)
	}
	return d
}

// abs is n.Abstract, failing the test on an error.
func abs(t testing.TB, n *NIC) State {
	t.Helper()
	s, err := n.Abstract()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
