package nic

import (
	"testing"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/stretchr/testify/require"
)

// TestLoopbackPacketPath: the loopback link also speaks packets (the
// Link interface), and a full ring is back-pressure through the driver.
func TestLoopbackPacketPath(t *testing.T) {
	a, b, err := NewLoopback(2)
	require.NoError(t, err)
	p := *req(0, 1, 9)
	require.NoError(t, a.Send(p))
	require.NoError(t, a.Send(p))
	require.ErrorIs(t, a.Send(p), ring.ErrRingFull)
	got := b.TakeDeliveries(nil)
	require.Len(t, got, 2)
	r := got[0]
	require.Equal(t, []byte{9}, r.Arguments())

	bad := p
	bad.Argl = slot.ArgsSize + 1 // no slot carries it
	require.ErrorIs(t, a.Send(bad), ErrMalformed)

	d := NewDriver(newNIC(t, 1, nil), nil)
	d.Attach(0, a)
	require.NoError(t, d.send(req(0, 2)))
	require.NoError(t, d.send(req(0, 3)))
	require.ErrorIs(t, d.send(req(0, 4)), ErrBackPressure)
	require.ErrorIs(t, d.send(req(1, 5)), ErrNoLink)
	d.Detach(0)
	require.ErrorIs(t, d.send(req(0, 6)), ErrNoLink)
}

// TestDriverReceiveTakesAtMostRoom: the driver gives the NIC no more than
// it asks for, keeping the rest for later.
func TestDriverReceiveTakesAtMostRoom(t *testing.T) {
	ep, err := transport.NewUDP(transport.UDPConfig{Conn: 0})
	require.NoError(t, err)
	peer, err := transport.NewUDP(transport.UDPConfig{Conn: 0})
	require.NoError(t, err)
	for i := range 5 {
		require.NoError(t, peer.Send(*req(0, uint32(i))))
	}
	for _, f := range peer.Outgoing() {
		require.NoError(t, ep.Receive(f))
	}
	n := newNIC(t, 1, nil)
	d := NewDriver(n, nil)
	d.Attach(0, ep)
	require.Equal(t, 2, d.Receive(2))
	require.Equal(t, 2, n.Pending())
	require.Equal(t, 3, d.Receive(10))
	require.Equal(t, 0, d.Receive(10))
	require.Equal(t, 5, n.Pending())
}

// TestLoopbackWireOrderAndBound: a wire of 3 (its queue is 4 long) takes
// exactly 3 unconsumed RPCs, gives them back in order across many laps,
// and refuses an RPC no packet could carry.
func TestLoopbackWireOrderAndBound(t *testing.T) {
	a, b, err := NewLoopback(3)
	require.NoError(t, err)
	next, got := uint32(0), uint32(0)
	for lap := range 50 {
		for a.SendRPC(req(0, next)) == nil {
			next++
		}
		require.Equal(t, uint32(3), next-got, "lap %d: the wire holds exactly 3", lap)
		var r slot.RPC
		for k := 0; k < 1+lap%3 && b.TakeRPC(&r); k++ {
			require.Equal(t, got, r.RPCID)
			got++
		}
		b.Done()
	}
	bad := req(0, 1)
	bad.Argl = slot.ArgsSize + 1
	require.ErrorIs(t, a.SendRPC(bad), slot.ErrTooLarge)
	_, _, err = NewLoopback(0)
	require.ErrorIs(t, err, ErrConfig)
}
