package nic

import (
	"errors"
	"fmt"
	"strings"
)

// Bounds of the abstraction's fixed-size arrays: at least model/nic's
// (MaxFlows 3, MaxConns 3, MaxBuffer 4, MaxFIFO 4), so every model
// configuration fits.
const (
	AbsFlows  = 4
	AbsConns  = 8
	AbsBuffer = 8
	AbsFIFO   = 8
)

// ErrTooBig: the NIC's sizes exceed the abstraction's bounds.
var ErrTooBig = errors.New("nic: too big for the abstraction")

// AbsRPC is a buffer slot's RPC in the model's vocabulary (model/nic's
// RPC): its connection, whether it is a response, and its key (under
// LBKeyHash, for requests; 0 otherwise, as the model carries key 0).
type AbsRPC struct {
	Conn, Response, Key uint8
}

// State is the NIC in model/nic's vocabulary, field for field with the
// model's State less its ghosts (Requests, KeyFlow, Bad): a plain
// comparable struct. Arrays beyond the configured sizes, and beyond
// each queue's length, are zero, as in the model.
type State struct {
	Arrived   uint8 // RPCs that reached Arrive (drops included), mod 256
	Slot      [AbsBuffer]AbsRPC
	Free      uint8 // bit i: buffer slot i is free
	Pending   [AbsBuffer]uint8
	NPending  uint8
	FIFO      [AbsFlows][AbsFIFO]uint8
	Len       [AbsFlows]uint8
	RR        uint8
	Ptr       uint8
	Aged      uint8 // bit f: the scheduler passed over flow f's partial batch
	Open      uint8 // bit c: connection c is open
	Delivered uint8 // RPCs written into RX rings, mod 256
}

// Abstract returns the NIC's state in the model's vocabulary, or
// ErrTooBig when a size exceeds the bounds above. Call it from the RX
// pipeline's goroutine (step mode).
func (n *NIC) Abstract() (State, error) {
	var s State
	if len(n.flows) > AbsFlows || len(n.conns) > AbsConns || len(n.buf) > AbsBuffer || n.cfg.FIFODepth > AbsFIFO {
		return s, fmt.Errorf("%w: flows=%d conns=%d buffer=%d fifo=%d, bounds %d %d %d %d", ErrTooBig,
			len(n.flows), len(n.conns), len(n.buf), n.cfg.FIFODepth, AbsFlows, AbsConns, AbsBuffer, AbsFIFO)
	}
	s.Arrived = uint8(n.c.arrived.Load())
	s.Delivered = uint8(n.c.delivered.Load())
	for i := range n.buf {
		if n.free[i/64]&(1<<(i%64)) != 0 {
			s.Free |= 1 << i
			continue
		}
		e := &n.buf[i]
		a := AbsRPC{Conn: e.rpc.ConnID}
		if e.rpc.Response {
			a.Response = 1
		} else if n.cfg.LB == LBKeyHash {
			a.Key = uint8(e.key)
		}
		s.Slot[i] = a
	}
	for i := range n.pending.size {
		s.Pending[i] = uint8(n.pending.at(i))
	}
	s.NPending = uint8(n.pending.size)
	for f := range n.fifos {
		q := &n.fifos[f]
		for i := range q.size {
			s.FIFO[f][i] = uint8(q.at(i))
		}
		s.Len[f] = uint8(q.size)
		if n.aged[f] {
			s.Aged |= 1 << f
		}
	}
	s.RR, s.Ptr = uint8(n.rr), uint8(n.ptr)
	for c := range n.conns {
		if n.IsOpen(c) {
			s.Open |= 1 << c
		}
	}
	return s, nil
}

// String is a stable one-line description in the model's vocabulary.
func (s State) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "arrived=%d free=%#x pending=%v fifo=[", s.Arrived, s.Free, s.Pending[:s.NPending])
	for f := range AbsFlows {
		if f > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%v", s.FIFO[f][:s.Len[f]])
	}
	fmt.Fprintf(&b, "] rr=%d ptr=%d aged=%#x open=%#x delivered=%d slots=%v", s.RR, s.Ptr, s.Aged, s.Open, s.Delivered, s.Slot)
	return b.String()
}
