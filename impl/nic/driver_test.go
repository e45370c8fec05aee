package nic

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/stretchr/testify/require"
)

// TestDriverLoopbackNICToNIC runs two NICs free-running, wired by a
// loopback link: requests sent on A's TX rings come out of B's RX rings,
// each exactly once, with B's round-robin spreading them over its flows,
// and no drop. Rings are small so that back-pressure happens. Clean under
// the race detector (which runs a tenth of the RPCs).
func TestDriverLoopbackNICToNIC(t *testing.T) {
	total := 20000
	if raceEnabled {
		total = 2000
	}
	la, lb, err := NewLoopback(8)
	require.NoError(t, err)
	a := newNIC(t, 1, func(c *Config) { c.Flows = flows(t, 1, 8) })
	b := newNIC(t, 2, func(c *Config) { c.Flows, c.Buffer, c.FIFODepth = flows(t, 2, 8), 16, 2 })
	da, db := NewDriver(a, nil), NewDriver(b, nil)
	da.Attach(1, la)
	db.Attach(1, lb)
	ctx, cancel := context.WithCancel(context.Background())
	wa := da.Run(ctx)
	wb := db.Run(ctx)
	defer func() { cancel(); wa.Wait(); wb.Wait() }()

	done := make(chan []uint32)
	for f := range 2 {
		go func() {
			var ids []uint32
			c := b.Flow(f).RX.Consumer()
			for len(ids) < total/2 {
				r, err := c.Receive()
				if errors.Is(err, ring.ErrEmpty) {
					runtime.Gosched()
					continue
				}
				if err != nil {
					panic(err)
				}
				ids = append(ids, r.RPCID)
			}
			done <- ids
		}()
	}
	p := a.Flow(0).TX.Producer()
	for i := 0; i < total; {
		if err := p.Send(*req(1, uint32(i))); err != nil {
			require.ErrorIs(t, err, ring.ErrRingFull)
			runtime.Gosched()
			continue
		}
		i++
	}
	seen := make([]bool, total)
	for range 2 {
		ids := <-done
		for j, id := range ids {
			require.False(t, seen[id], "rpc %d twice", id)
			seen[id] = true
			if j > 0 {
				require.Less(t, ids[j-1], id, "each flow gets its share in order")
			}
		}
	}
	require.Zero(t, a.Counters().Dropped(), "%v", a.Counters())
	require.Zero(t, b.Counters().Dropped(), "%v", b.Counters())
	require.Equal(t, uint64(total), b.Counters().Delivered)
}

// TestRoundWakesTheHost: a host thread parked on its flow's bell (for an
// hour) is woken by the driver's round that writes the flow's RX ring.
func TestRoundWakesTheHost(t *testing.T) {
	n := newNIC(t, 2, func(c *Config) { c.LB = LBStatic })
	d := NewDriver(n, nil)
	la, lb, err := NewLoopback(4)
	require.NoError(t, err)
	d.Attach(1, lb)
	armed, woke := make(chan struct{}), make(chan struct{})
	go func() {
		w := d.Bells().Host(1).Arm()
		close(armed) // no work can exist before this: no re-check needed
		w.Park(context.Background(), time.Hour)
		close(woke)
	}()
	<-armed
	require.NoError(t, la.SendRPC(req(1, 7))) // conn 1's home flow is 1
	require.Positive(t, d.Round())
	select {
	case <-woke:
	case <-time.After(time.Minute):
		t.Fatal("the round wrote flow 1's RX ring but did not wake its host")
	}
}
