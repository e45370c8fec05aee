package rpc

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/internal/stall"
	"github.com/stretchr/testify/require"
)

// hostInterfaces are the host–NIC interfaces a node can pick, with the
// doorbell both ringing per RPC and batching.
var hostInterfaces = []struct {
	name  string
	iface ring.Interface
	batch int
}{
	{"doorbell", ring.Doorbell, 1}, {"doorbell-batch-4", ring.Doorbell, 4}, {"mmio", ring.MMIO, 0},
}

func ifaceConfig(iface ring.Interface, batch int, cfg Config) Config {
	cfg.NIC.Interface, cfg.DoorbellBatch = iface, batch
	return cfg
}

// Blocking calls over every interface and threading model, both nodes
// behind it: each call's request and its response cross a doorbell or an
// MMIO window.
func TestBlockingCallsOnEveryInterface(t *testing.T) {
	for _, hi := range hostInterfaces {
		for _, th := range []Threading{DispatchThread, WorkerPool, NICThread} {
			t.Run(fmt.Sprintf("%s/%s", hi.name, th), func(t *testing.T) {
				srv := server(t, ifaceConfig(hi.iface, hi.batch, Config{Flows: 2, Threading: th, RingSlots: 8}))
				cli := client(t, ifaceConfig(hi.iface, hi.batch, Config{RingSlots: 8}))
				ctx := running(t, srv, cli)
				c, err := ConnectLoopback(cli, srv, 1, 0)
				require.NoError(t, err)
				ctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				echoMany(t, ctx, c, 3, calls(500))
				require.Zero(t, cli.NIC().Counters().Dropped(), "%v", cli.NIC().Counters())
				require.Zero(t, srv.NIC().Counters().Dropped(), "%v", srv.NIC().Counters())
			})
		}
	}
}

// Non-blocking calls started back to back gather into doorbell batches;
// polling for completions announces a partial one, so every call
// completes.
func TestNonBlockingCallsOnEveryInterface(t *testing.T) {
	for _, hi := range hostInterfaces {
		t.Run(hi.name, func(t *testing.T) {
			srv := server(t, ifaceConfig(hi.iface, hi.batch, Config{RingSlots: 16}))
			cli := client(t, ifaceConfig(hi.iface, hi.batch, Config{RingSlots: 16, MaxInFlight: 32}))
			ctx := running(t, srv, cli)
			c, err := ConnectLoopback(cli, srv, 0, 0)
			require.NoError(t, err)
			total, sent, done := calls(3000), 0, 0
			ctx, watch := stall.New(ctx, stall.Quiet, func(n int64) string {
				return fmt.Sprintf("%d of %d non-blocking calls completed, %d outstanding", n, total, c.Outstanding())
			})
			defer watch.Stop()
			var cq []Completion
			for done < total {
				if ctx.Err() != nil {
					t.Fatal(watch.Stop())
				}
				for sent < total {
					if _, err := c.Go(fnEcho, []byte(fmt.Sprint(sent)), uint64(sent)); err != nil {
						require.ErrorIs(t, err, ErrBusy)
						break
					}
					sent++
				}
				cq = c.WaitCompletions(ctx, cq[:0], time.Millisecond)
				for i := range cq {
					require.NoError(t, cq[i].Err)
					require.Equal(t, fmt.Sprint(cq[i].Tag), string(cq[i].Ret()))
				}
				done += len(cq)
				watch.Add(int64(len(cq)))
			}
			require.Equal(t, 0, c.Outstanding())
		})
	}
}

// Step mode on every interface, with rings too small for the calls:
// everything moves, nothing is dropped.
func TestStepModeOnEveryInterface(t *testing.T) {
	for _, hi := range hostInterfaces {
		t.Run(hi.name, func(t *testing.T) {
			small := nic.Config{Buffer: 2, FIFODepth: 1}
			srv := server(t, ifaceConfig(hi.iface, hi.batch, Config{RingSlots: 4, NIC: small}))
			cli := client(t, ifaceConfig(hi.iface, hi.batch, Config{RingSlots: 4, MaxInFlight: 64, NIC: small}))
			stepEchoes(t, cli, srv, 200)
		})
	}
}

// A NIC whose hosts' TX rings were built for another interface is a
// configuration error, named.
func TestInterfaceMismatchRefused(t *testing.T) {
	f, err := ring.NewFlowOpts(4, ring.Options{Interface: ring.Doorbell}, ring.Options{})
	require.NoError(t, err)
	_, err = nic.New(nic.Config{Flows: []*ring.Flow{f}, Interface: ring.MMIO})
	require.ErrorIs(t, err, nic.ErrConfig)
	require.ErrorContains(t, err, "interface doorbell")
	_, err = NewNode(Config{DoorbellBatch: -1})
	require.ErrorIs(t, err, ErrConfig)
}
