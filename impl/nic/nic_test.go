package nic

import (
	"errors"
	"testing"

	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/stretchr/testify/require"
)

func TestConfigRejected(t *testing.T) {
	fs := flows(t, 2, 8)
	for name, cfg := range map[string]Config{
		"no flows":          {},
		"batch 3":           {Flows: fs, Batch: 3},
		"batch over fifo":   {Flows: fs, Batch: 4, FIFODepth: 2},
		"conns 300":         {Flows: fs, Conns: 300},
		"func without pick": {Flows: fs, LB: LBFunc},
		"rx ring too small": {Flows: flows(t, 1, 1), Batch: 2},
	} {
		_, err := New(cfg)
		require.ErrorIs(t, err, ErrConfig, name)
	}
}

func TestArriveDropsAreCounted(t *testing.T) {
	n := newNIC(t, 1, func(c *Config) { c.Conns, c.Buffer = 2, 2 })
	_, err := New(Config{Flows: flows(t, 1, 8)})
	require.NoError(t, err)
	require.ErrorIs(t, n.Arrive(req(5, 1)), ErrUnknownConn)
	require.Equal(t, spec.ConnOK, n.Close(1))
	require.ErrorIs(t, n.Arrive(req(1, 2)), ErrConnClosed)
	mustArrive(t, n, req(0, 3))
	mustArrive(t, n, req(0, 4))
	require.ErrorIs(t, n.Arrive(req(0, 5)), ErrBufferFull)

	require.ErrorIs(t, n.Ingress(make([]byte, 63)), ErrMalformed)
	require.ErrorIs(t, n.Ingress(make([]byte, 65)), ErrMalformed)
	bad := make([]byte, 64)
	bad[0] = 0x80 // reserved control bit
	require.ErrorIs(t, n.Ingress(bad), ErrMalformed)
	bad[0], bad[9] = 0, 53 // argl over 52
	require.ErrorIs(t, n.Ingress(bad), ErrMalformed)

	c := n.Counters()
	require.Equal(t, Counters{Arrived: 5, UnknownConn: 1, ClosedConn: 1, BufferFull: 1, Malformed: 4}, c)
	require.Equal(t, uint64(7), c.Dropped())
}

func TestLowestFreeSlotAndPendingOrder(t *testing.T) {
	n := newNIC(t, 2, func(c *Config) { c.Buffer, c.Conns = 4, 2 })
	for i := range 3 {
		mustArrive(t, n, req(0, uint32(i)))
	}
	p, err := n.Balance()
	require.NoError(t, err)
	require.Equal(t, Placement{Slot: 0, Flow: 0}, p)
	_, err = n.Schedule() // flow 0: slot 0 to the RX ring, freed
	require.NoError(t, err)
	mustArrive(t, n, req(1, 9)) // takes slot 0 again, the lowest free
	s := abs(t, n)
	require.Equal(t, uint8(0b1000), s.Free)
	require.Equal(t, []uint8{1, 2, 0}, s.Pending[:s.NPending])
	require.Equal(t, AbsRPC{Conn: 1}, s.Slot[0])
	require.Equal(t, uint8(4), s.Arrived)
	require.Equal(t, uint8(1), s.Delivered)
	require.Equal(t, uint8(3), s.Open)
}

func TestRoundRobinAndResponseAffinity(t *testing.T) {
	n := newNIC(t, 3, nil)
	require.Equal(t, spec.ConnOK, n.Close(4))
	require.Equal(t, spec.ConnOK, n.OpenOn(4, 2))
	var got []int
	for i := range 6 {
		mustArrive(t, n, req(0, uint32(i)))
		p, err := n.Balance()
		require.NoError(t, err)
		got = append(got, p.Flow)
	}
	require.Equal(t, []int{0, 1, 2, 0, 1, 2}, got)
	mustArrive(t, n, resp(1, 7)) // home flow 1 mod 3
	p, _ := n.Balance()
	require.Equal(t, 1, p.Flow)
	mustArrive(t, n, resp(4, 8)) // registered on flow 2
	p, _ = n.Balance()
	require.Equal(t, 2, p.Flow)
	s := abs(t, n)
	require.Equal(t, uint8(0), s.RR, "responses do not advance the counter")
}

func TestStaticAndFuncAndRandom(t *testing.T) {
	n := newNIC(t, 2, func(c *Config) { c.LB = LBStatic })
	mustArrive(t, n, req(3, 1))
	p, _ := n.Balance()
	require.Equal(t, 1, p.Flow)

	n = newNIC(t, 2, func(c *Config) {
		c.LB, c.Pick = LBFunc, func(r *slot.RPC, flows int) int { return int(r.RPCID) }
	})
	mustArrive(t, n, req(0, 1))
	p, _ = n.Balance()
	require.Equal(t, 1, p.Flow)
	mustArrive(t, n, req(0, 7))
	_, err := n.Balance()
	require.ErrorIs(t, err, ErrBadFlow)
	require.Equal(t, uint64(1), n.Counters().BadFlow)
	s := abs(t, n)
	require.Equal(t, uint8(0xfe), s.Free, "the refused slot 1 is free again; slot 0 waits in flow 1")

	pick := []int{1, 0, 1}
	n = newNIC(t, 2, func(c *Config) {
		c.LB, c.Choose = LBRandom, func(int) int { f := pick[0]; pick = pick[1:]; return f }
	})
	for _, want := range []int{1, 0, 1} {
		mustArrive(t, n, req(0, 1))
		p, _ := n.Balance()
		require.Equal(t, want, p.Flow, "the chooser steers random balancing")
	}
}

func TestFIFOOverflowCreditFreesDaggerLeaks(t *testing.T) {
	for _, prof := range []Profile{ProfileCredit, ProfileDagger} {
		n := newNIC(t, 1, func(c *Config) { c.FIFODepth, c.Buffer, c.Profile = 1, 4, prof })
		mustArrive(t, n, req(0, 1))
		mustArrive(t, n, req(0, 2))
		_, err := n.Balance()
		require.NoError(t, err)
		_, err = n.Balance()
		require.ErrorIs(t, err, ErrFIFOFull)
		s := abs(t, n)
		c := n.Counters()
		require.Equal(t, uint64(1), c.FIFOOverflow)
		if prof == ProfileDagger {
			require.Equal(t, uint8(0b1100), s.Free, "dagger leaks slot 1")
			require.Equal(t, uint64(1), c.Leaked)
		} else {
			require.Equal(t, uint8(0b1110), s.Free, "credit frees slot 1")
			require.Equal(t, uint64(0), c.Leaked)
		}
	}
}

func TestPartialBatchFlushedAfterOneRound(t *testing.T) {
	for _, prof := range []Profile{ProfileCredit, ProfileDagger} {
		n := newNIC(t, 2, func(c *Config) { c.Batch, c.LB, c.Profile = 2, LBStatic, prof })
		mustArrive(t, n, req(0, 1))
		_, _ = n.Balance()
		var bursts []Burst
		for range 3 {
			b, err := n.Schedule()
			require.NoError(t, err)
			bursts = append(bursts, b)
		}
		if prof == ProfileCredit {
			require.Equal(t, []Burst{{Flow: 0, Skipped: true}, {Flow: 1, Skipped: true}, {Flow: 0, Sent: 1}}, bursts)
			require.Len(t, drainRX(n, 0), 1)
		} else {
			for _, b := range bursts {
				require.True(t, b.Skipped, "dagger waits for a whole batch: %v", bursts)
			}
			require.Empty(t, drainRX(n, 0))
		}
	}
}

func TestClosedConnectionAtScheduler(t *testing.T) {
	for _, prof := range []Profile{ProfileCredit, ProfileDagger} {
		n := newNIC(t, 1, func(c *Config) { c.Profile = prof })
		mustArrive(t, n, req(2, 1))
		_, _ = n.Balance()
		require.Equal(t, spec.ConnOK, n.Close(2))
		b, err := n.Schedule()
		require.NoError(t, err)
		require.Equal(t, 1, b.Sent)
		got := drainRX(n, 0)
		c := n.Counters()
		if prof == ProfileCredit {
			require.Empty(t, got)
			require.Equal(t, uint64(1), c.ClosedAtSchedule)
		} else {
			require.Len(t, got, 1, "dagger delivers on a closed connection")
			require.Equal(t, uint64(1), c.Delivered)
		}
	}
}

func TestFullRXRingIsBackPressure(t *testing.T) {
	n := newNIC(t, 1, func(c *Config) { c.Flows = flows(t, 1, 1) })
	mustArrive(t, n, req(0, 1))
	mustArrive(t, n, req(0, 2))
	_, _ = n.Balance()
	_, _ = n.Balance()
	_, err := n.Schedule()
	require.NoError(t, err)
	_, err = n.Schedule()
	require.ErrorIs(t, err, ErrRXFull)
	require.Equal(t, 1, n.Queued(), "nothing popped")
	require.Equal(t, uint64(1), n.Counters().RXFull)
	require.Len(t, drainRX(n, 0), 1)
	_, err = n.Schedule()
	require.NoError(t, err)
	got := drainRX(n, 0)
	require.Len(t, got, 1)
	require.Equal(t, uint32(2), got[0].RPCID)
	require.Zero(t, n.Counters().Dropped())
}

func TestControlPlaneStatuses(t *testing.T) {
	n := newNIC(t, 1, func(c *Config) { c.Conns, c.OpenAll = 2, false })
	require.Equal(t, spec.ConnOK, n.Open(0))
	require.Equal(t, spec.ConnAlreadyOpen, n.Open(0))
	require.Equal(t, spec.ConnOK, n.Close(0))
	require.Equal(t, spec.ConnIsClosed, n.Close(0))
	require.Equal(t, spec.ConnIDWrong, n.Open(2))
	require.Equal(t, spec.ConnIDWrong, n.Close(-1))
	require.Equal(t, spec.ConnIDWrong, n.OpenOn(1, 5))
	require.Equal(t, "IdWrong", spec.ConnIDWrong.String())

	f, err := BugFaults("status-swap")
	require.NoError(t, err)
	n = newNIC(t, 1, func(c *Config) { c.Conns, c.Faults = 2, f })
	require.Equal(t, spec.ConnIsClosed, n.Open(0))
	require.Equal(t, spec.ConnOK, n.Close(0))
	require.Equal(t, spec.ConnAlreadyOpen, n.Close(0))
}

func TestBugCatalogue(t *testing.T) {
	for _, name := range Bugs {
		f, err := BugFaults(name)
		require.NoError(t, err)
		require.Equal(t, name, f.String())
	}
	_, err := BugFaults("no-such-bug")
	require.ErrorIs(t, err, ErrConfig)
	require.Equal(t, "no-flush,leak-on-overflow,deliver-after-close", reorder(DaggerFaults.String()))
}

// reorder puts the dagger profile's names in the order the test states.
func reorder(s string) string {
	if s == "leak-on-overflow,no-flush,deliver-after-close" {
		return "no-flush,leak-on-overflow,deliver-after-close"
	}
	return s
}

func TestRoundRobinWrapBugs(t *testing.T) {
	late, _ := BugFaults("rr-wrap-late")
	n := newNIC(t, 2, func(c *Config) { c.Faults = late })
	var errs []error
	for i := range 3 {
		mustArrive(t, n, req(0, uint32(i)))
		_, err := n.Balance()
		errs = append(errs, err)
	}
	require.ErrorIs(t, errs[2], ErrBadFlow, "the third request goes to flow 2 of 2")

	early, _ := BugFaults("rr-wrap-early")
	n = newNIC(t, 3, func(c *Config) { c.Faults, c.Buffer = early, 16 })
	for i := range 6 {
		mustArrive(t, n, req(0, uint32(i)))
		p, err := n.Balance()
		require.NoError(t, err)
		require.NotEqual(t, 2, p.Flow, "rr-wrap-early never reaches the last flow")
	}
}

func TestKeyHashAndRehashOnFull(t *testing.T) {
	// Keys 0 and 1 hash through the model's table: 0x9e%2=0, 0x37%2=1.
	n := newNIC(t, 2, func(c *Config) { c.LB, c.FIFODepth = LBKeyHash, 1 })
	mustArrive(t, n, req(0, 1, 0))
	mustArrive(t, n, req(0, 2, 1))
	mustArrive(t, n, req(0, 3, 0))
	p, _ := n.Balance()
	require.Equal(t, 0, p.Flow)
	p, _ = n.Balance()
	require.Equal(t, 1, p.Flow)
	_, err := n.Balance()
	require.ErrorIs(t, err, ErrFIFOFull, "key 0's FIFO is full: dropped, not moved")
	s := abs(t, n)
	require.Equal(t, AbsRPC{Key: 1}, s.Slot[1])

	rehash, _ := BugFaults("rehash-on-full")
	n = newNIC(t, 3, func(c *Config) { c.LB, c.FIFODepth, c.Faults = LBKeyHash, 1, rehash })
	mustArrive(t, n, req(0, 1, 0)) // 0x9e % 3 = 2
	mustArrive(t, n, req(0, 2, 0))
	p, _ = n.Balance()
	require.Equal(t, 2, p.Flow)
	p, err = n.Balance()
	require.NoError(t, err)
	require.Equal(t, 0, p.Flow, "rehash-on-full moves key 0 to the next flow")
}

func TestPollTXBackPressureHoldsAndResends(t *testing.T) {
	link := &fakeLink{busy: true}
	n := newNIC(t, 1, func(c *Config) { c.Flows = flows(t, 1, 4) })
	d := driven(n, link)
	p := n.Flow(0).TX.Producer()
	for i := range 4 {
		require.NoError(t, p.Send(*req(0, uint32(i))))
	}
	require.ErrorIs(t, p.Send(*req(0, 9)), ring.ErrRingFull)
	_, sent, err := d.SweepTX()
	require.ErrorIs(t, err, ErrBackPressure)
	require.Zero(t, sent)
	require.Equal(t, 4, n.Held(0))
	require.NoError(t, p.Send(*req(0, 4)), "the poll returned the ring's credit")
	_, _, err = d.SweepTX()
	require.ErrorIs(t, err, ErrBackPressure)
	require.Equal(t, 4, n.Held(0), "the ring is not polled while RPCs are held")
	_, _, err = n.PollTX()
	require.ErrorIs(t, err, ErrBackPressure, "nor by the NIC's own step")
	require.Equal(t, 4, n.Held(0))
	link.busy = false
	_, sent, err = d.SweepTX()
	require.NoError(t, err)
	require.Equal(t, 5, sent)
	for i, r := range link.sent {
		require.Equal(t, uint32(i), r.RPCID, "order kept")
	}
	_, _, err = d.SweepTX()
	require.ErrorIs(t, err, ErrIdle)
	require.Zero(t, n.Counters().Dropped())
}

func TestPollTXDropsClosedAndUnknown(t *testing.T) {
	link := &fakeLink{}
	n := newNIC(t, 1, func(c *Config) { c.Conns = 2 })
	d := driven(n, link)
	require.Equal(t, spec.ConnOK, n.Close(1))
	p := n.Flow(0).TX.Producer()
	require.NoError(t, p.Send(*req(1, 1)))
	require.NoError(t, p.Send(*req(7, 2)))
	require.NoError(t, p.Send(*req(0, 3)))
	_, sent, err := d.SweepTX()
	require.NoError(t, err)
	require.Equal(t, 1, sent)
	c := n.Counters()
	require.Equal(t, uint64(1), c.TXClosedConn)
	require.Equal(t, uint64(1), c.TXUnknownConn)
	require.Equal(t, uint64(3), c.Polled)
	require.Equal(t, uint64(1), c.Sent)
}

func TestRoomPreventsDrops(t *testing.T) {
	n := newNIC(t, 2, func(c *Config) { c.Buffer, c.FIFODepth = 8, 2 })
	require.Equal(t, 2, n.Room())
	mustArrive(t, n, req(0, 1))
	require.Equal(t, 1, n.Room())
	_, _ = n.Balance()
	require.Equal(t, 1, n.Room(), "flow 0's FIFO has one place left")
	_, err := New(Config{Flows: flows(t, 1, 8), Conns: 16})
	require.NoError(t, err)
	big := newNIC(t, 1, func(c *Config) { c.Conns = 16 })
	_, err = big.Abstract()
	require.True(t, errors.Is(err, ErrTooBig))
}

func TestEffectStrings(t *testing.T) {
	require.Equal(t, "delivered=-", Ready{}.String())
	require.Equal(t, "delivered=0,2,63", Ready{Delivered: 1<<0 | 1<<2 | 1<<63}.String())
	require.Equal(t, "flow=1 sent=3 failed=0 held=true", Offer{Flow: 1, Sent: 3, Held: true}.String())
}

// TestReadyAdvance: a Schedule that writes a flow's RX ring leaves the
// flow in Ready until the driver acknowledges it; a round of the driver
// carries it out.
func TestReadyAdvance(t *testing.T) {
	n := newNIC(t, 2, func(c *Config) { c.LB = LBStatic })
	mustArrive(t, n, req(1, 1))
	require.Equal(t, Ready{}, n.Ready())
	n.Pump()
	rd := n.Ready()
	require.Equal(t, Ready{Delivered: 1 << 1}, rd)
	mustArrive(t, n, req(0, 2))
	n.Pump()
	n.Advance(rd)
	require.Equal(t, Ready{Delivered: 1 << 0}, n.Ready(), "what came after the Ready stays")
	NewDriver(n, nil).Round()
	require.Equal(t, Ready{}, n.Ready(), "the driver's round acknowledged it")
}
