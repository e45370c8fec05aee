package nic

// Property tests (github.com/leanovate/gopter) for the load balancers.
// Each logs its seed; GOPTER_SEED reproduces a run, GOPTER_CHECKS sets
// the number of checks (as in impl/ring):
//
//	GOPTER_SEED=1234 go test -run '^TestPropRoundRobinVisitsEveryFlow$' ./impl/nic/

import (
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/internal/gopterseed"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

// propParams returns gopter's parameters for one test, from a logged seed.
func propParams(t *testing.T) *gopter.TestParameters {
	t.Helper()
	return gopterseed.Params(t, 300, "./impl/nic/")
}

func checkProps(t *testing.T, props *gopter.Properties) {
	t.Helper()
	var out strings.Builder
	if !props.Run(gopter.NewFormatedReporter(true, 200, &out)) {
		t.Fatalf("property failed:\n%s", out.String())
	}
}

// TestPropRoundRobinVisitsEveryFlow: with any number of flows and any
// mix of requests and responses on any connections, the requests of any
// flows consecutive balances land on every flow once, in order, and
// responses never move the counter.
func TestPropRoundRobinVisitsEveryFlow(t *testing.T) {
	props := gopter.NewProperties(propParams(t))
	props.Property("round-robin visits every flow", prop.ForAll(
		func(nflows int, kinds []bool, conns []uint8) bool {
			n := newNIC(t, nflows, func(c *Config) { c.Buffer, c.FIFODepth, c.Conns = 256, 256, 8 })
			var reqFlows []int
			for i, isResp := range kinds {
				r := req(conns[i%len(conns)]%8, uint32(i))
				r.Response = isResp
				if n.Arrive(r) != nil {
					return false
				}
				p, err := n.Balance()
				if err != nil {
					return false
				}
				if isResp {
					if p.Flow != n.home(r.ConnID) {
						return false
					}
					continue
				}
				reqFlows = append(reqFlows, p.Flow)
			}
			for i, f := range reqFlows {
				if f != i%nflows {
					return false
				}
			}
			return true
		},
		gen.IntRange(1, 8),
		gen.SliceOfN(64, gen.Bool()),
		gen.SliceOfN(8, gen.UInt8()),
	))
	checkProps(t, props)
}

// TestPropKeyHashDeterministicInRange: the key-hash balancer places a
// key on a flow in range, the same flow every time, whatever else is
// balanced in between; keys 0 and 1 land where the model's table puts
// them.
func TestPropKeyHashDeterministicInRange(t *testing.T) {
	props := gopter.NewProperties(propParams(t))
	props.Property("key-hash is deterministic and in range", prop.ForAll(
		func(nflows int, keys []uint8) bool {
			n := newNIC(t, nflows, func(c *Config) { c.LB, c.Buffer, c.FIFODepth = LBKeyHash, 512, 512 })
			where := map[uint8]int{}
			for i, k := range keys {
				if n.Arrive(req(0, uint32(i), k)) != nil {
					return false
				}
				p, err := n.Balance()
				if err != nil || p.Flow < 0 || p.Flow >= nflows {
					return false
				}
				if f, ok := where[k]; ok && f != p.Flow {
					return false
				}
				where[k] = p.Flow
			}
			for k, want := range map[uint8]uint32{0: 0x9e, 1: 0x37} {
				if f, ok := where[k]; ok && f != int(want%uint32(nflows)) {
					return false
				}
			}
			return true
		},
		gen.IntRange(1, MaxFlows),
		gen.SliceOfN(128, gen.UInt8Range(0, 20)),
	))
	checkProps(t, props)
}

// TestPropKeyHashUserKey: a user's key function decides the flow alone.
func TestPropKeyHashUserKey(t *testing.T) {
	props := gopter.NewProperties(propParams(t))
	props.Property("the key function decides", prop.ForAll(
		func(nflows int, id uint32) bool {
			n := newNIC(t, nflows, func(c *Config) {
				c.LB, c.Key = LBKeyHash, func(r *slot.RPC) uint32 { return r.RPCID }
			})
			if n.Arrive(req(0, id, 1, 2, 3)) != nil {
				return false
			}
			p, err := n.Balance()
			return err == nil && p.Flow == int(KeyHash(id)%uint32(nflows))
		},
		gen.IntRange(1, MaxFlows),
		gen.UInt32(),
	))
	checkProps(t, props)
}

// TestPropConservation: any sequence of arrivals (any connection,
// requests and responses, any key), balances, scheduler steps, opens and
// closes, under either profile and any balancer, keeps the books: every
// buffer slot is free, pending, queued or leaked, and every RPC that
// arrived was delivered, is in the pipeline, or was counted as dropped.
func TestPropConservation(t *testing.T) {
	props := gopter.NewProperties(propParams(t))
	props.Property("buffer and RPC conservation", prop.ForAll(
		func(nflows, batchLog, fifo, lb int, dagger bool, ops []uint16) bool {
			batch := 1 << batchLog
			prof := ProfileCredit
			if dagger {
				prof = ProfileDagger
			}
			n := newNIC(t, nflows, func(c *Config) {
				c.Conns, c.Buffer, c.FIFODepth, c.Batch, c.LB, c.Profile = 3, 4, max(fifo, batch), batch, LB(lb), prof
				c.Flows = flows(t, nflows, 4)
				c.Choose = func(k int) int { return int(ops[0]) % k }
			})
			delivered := 0
			for i, op := range ops {
				arg := byte(op >> 8)
				switch op % 6 {
				case 0, 1:
					r := req(uint8(arg%4), uint32(i), arg%2)
					r.Response = op%6 == 1
					_ = n.Arrive(r)
				case 2:
					_, _ = n.Balance()
				case 3:
					_, _ = n.Schedule()
				case 4:
					if arg%2 == 0 {
						n.Open(int(arg % 4))
					} else {
						n.Close(int(arg % 4))
					}
				case 5:
					delivered += len(drainRX(n, int(arg)%nflows))
				}
				c := n.Counters()
				inPipe := uint64(n.Pending() + n.Queued())
				if uint64(n.nfree)+inPipe+c.Leaked != 4 {
					t.Logf("buffer: free %d + pipeline %d + leaked %d != 4", n.nfree, inPipe, c.Leaked)
					return false
				}
				dropped := c.ClosedConn + c.UnknownConn + c.BufferFull + c.FIFOOverflow + c.BadFlow + c.ClosedAtSchedule
				if c.Arrived != c.Delivered+dropped+inPipe {
					t.Logf("rpcs: %v, pipeline %d", c, inPipe)
					return false
				}
			}
			for f := range nflows {
				delivered += len(drainRX(n, f))
			}
			return uint64(delivered) == n.Counters().Delivered
		},
		gen.IntRange(1, 3),
		gen.IntRange(0, 2),
		gen.IntRange(1, 4),
		gen.IntRange(0, 3),
		gen.Bool(),
		gen.SliceOfN(60, gen.UInt16()).SuchThat(func(v []uint16) bool { return len(v) > 0 }),
	))
	checkProps(t, props)
}
