package nic

import (
	"errors"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// FuzzNICIngress: whatever bytes arrive, Ingress never panics, and every
// packet is either accepted into the pipeline or counted as exactly one
// drop; what is accepted is then delivered or counted too.
func FuzzNICIngress(f *testing.F) {
	good := func(conn uint8, resp bool, args ...byte) []byte {
		r := req(conn, 7, args...)
		r.Response = resp
		var s slot.Slot
		if err := r.Encode(&s, 1, true); err != nil {
			f.Fatal(err)
		}
		return s[:]
	}
	f.Add(good(0, false, 1, 2, 3))
	f.Add(good(1, true))
	f.Add(good(9, false))
	f.Add(make([]byte, 63))
	f.Add(make([]byte, 65))
	f.Add([]byte{0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := newNIC(t, 2, func(c *Config) { c.Conns, c.Buffer, c.FIFODepth = 4, 2, 1 })
		_ = n.Close(3)
		accepted := 0
		// Each packet three times, to fill the buffer and the FIFOs too.
		for range 3 {
			before := n.Counters().Dropped()
			err := n.Ingress(b)
			after := n.Counters().Dropped()
			switch {
			case err == nil:
				accepted++
				if after != before {
					t.Fatalf("accepted and counted as dropped: %v", n.Counters())
				}
			case errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnknownConn) ||
				errors.Is(err, ErrConnClosed) || errors.Is(err, ErrBufferFull):
				if after != before+1 {
					t.Fatalf("%v dropped but not counted once: %v", err, n.Counters())
				}
			default:
				t.Fatalf("unexpected error %v", err)
			}
			n.Pump()
		}
		c := n.Counters()
		got := len(drainRX(n, 0)) + len(drainRX(n, 1))
		if uint64(accepted) != uint64(got)+c.FIFOOverflow+c.ClosedAtSchedule+c.BadFlow+uint64(n.Queued()+n.Pending()) {
			t.Fatalf("accepted %d, delivered %d, counters %v, queued %d", accepted, got, c, n.Queued())
		}
		if c.Delivered != uint64(got) {
			t.Fatalf("delivered counter %d, RX rings held %d", c.Delivered, got)
		}
	})
}
