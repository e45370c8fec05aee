package wake

import "math/bits"

// Bells are one node's wake-ups, both sides of its host–NIC interface:
//
//   - NIC: the bell the NIC's polling goroutine parks on. The host rings
//     it after writing a TX ring (TXWritten); a link rings it when a
//     packet arrives for the NIC (a socket's reader, the peer's end of a
//     loopback wire).
//   - Host(f): the bell flow f's host threads park on (its dispatch
//     thread, callers blocked on its RX ring). The NIC's driver rings it
//     after the scheduler writes f's RX ring (Delivered); a caller that
//     drains the ring rings it after filing another caller's response.
//
// Nothing else wakes anything: a core step returns what it wrote, and
// its driver rings.
type Bells struct {
	nic  Bell
	host []Bell
}

// NewBells returns the bells of a node with the given number of flows.
func NewBells(flows int) *Bells { return &Bells{host: make([]Bell, flows)} }

// NIC is the NIC side's bell.
func (b *Bells) NIC() *Bell { return &b.nic }

// Host is flow f's host bell.
func (b *Bells) Host(f int) *Bell { return &b.host[f] }

// TXWritten wakes the NIC's goroutine after the host wrote a TX ring.
func (b *Bells) TXWritten() { b.nic.Ring() }

// Delivered wakes the host threads of every flow whose bit is set in
// flows: the NIC wrote their RX rings.
func (b *Bells) Delivered(flows uint64) {
	for flows != 0 {
		b.host[bits.TrailingZeros64(flows)].Ring()
		flows &= flows - 1
	}
}
