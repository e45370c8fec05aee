package system

// The end-to-end fault test: RPCs through the whole stack (client rings,
// client NIC, the reliable transport over a faulty network, server NIC,
// server rings, handler, and back) with the network losing 20% of frames,
// duplicating and reordering others. Everything runs in step mode on the
// test's goroutine, so a run is a function of its seed:
//
//	E2E_SEED=7 go test -run '^TestE2EExactlyOnceUnderFaults$' -v ./bridge/system/
//
// The run records its RPC history (package history, docs/history.md) and
// checks it with the checker of `daggercheck history` (ParseHistory,
// Check) with --semantics exactly-once --complete: every call executed exactly once
// and completed ok with its result. E2E_RPCS sets the number of calls:
// by default 100,000 (about 7 seconds on two busy cores), and 10,000
// under -short, which is the way to run it with -race (the race detector
// makes the full run take about a minute).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/daggercheck/daggercheck/history"
	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/rpc"
	"github.com/daggercheck/daggercheck/impl/transport"
)

// e2eEnv reads a positive integer from the environment, or def.
func e2eEnv(t *testing.T, name string, def uint64) uint64 {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 {
		t.Fatalf("%s=%q is not a positive integer", name, s)
	}
	return v
}

func TestE2EExactlyOnceUnderFaults(t *testing.T) {
	seed := e2eEnv(t, "E2E_SEED", 1)
	def := uint64(100_000)
	if testing.Short() {
		def = 10_000
	}
	total := int(e2eEnv(t, "E2E_RPCS", def))
	const (
		conns    = 4  // client connections, two per client flow
		inFlight = 16 // calls outstanding per connection
	)
	t.Logf("seed %d, %d RPCs; reproduce with E2E_SEED=%d E2E_RPCS=%d go test -run '^%s$' ./bridge/system/", seed, total, seed, total, t.Name())

	net := transport.NewFaultyNetwork(transport.FaultConfig{
		Seed1: seed, Seed2: seed ^ 0x5eed,
		Lose: 0.20, Duplicate: 0.05, Reorder: 0.10,
		Budget: transport.Faults{Lose: -1, Duplicate: -1, Reorder: -1},
	})
	var h history.History
	record := func(e history.Event) { h.Events = append(h.Events, e) }

	srv, err := rpc.NewNode(rpc.Config{Name: "server", Flows: 2, RingSlots: 8,
		NIC: nic.Config{Buffer: 16, FIFODepth: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.HandleRequest(1, "echo", func(req *rpc.Request, ret []byte) ([]byte, error) {
		ret = append(append(ret, 'r'), req.Args...)
		record(history.Event{Kind: history.EventExec, Server: "server", Conn: uint64(req.Conn), ID: uint64(req.ID),
			Fn: "echo", Arg: string(req.Args), Ret: string(ret)})
		return ret, nil
	}); err != nil {
		t.Fatal(err)
	}
	cli, err := rpc.NewNode(rpc.Config{Name: "client", Flows: 2, RingSlots: 8, MaxInFlight: inFlight,
		NIC: nic.Config{Buffer: 16, FIFODepth: 4}})
	if err != nil {
		t.Fatal(err)
	}

	clients, sides, byName := connectE2E(t, cli, srv, conns, 4, func(c int) int { return c % 2 })

	sent, completed, timeouts := 0, 0, 0
	var cq []rpc.Completion
	// A stack that stops completing calls fails within seconds: a
	// hundred thousand rounds without a completion (a correct one
	// completes some every few rounds, losses and all).
	lastDone := 0
	for round := 0; completed < total; round++ {
		if round-lastDone > 100_000 {
			t.Fatalf("no progress: no call completed in the %d rounds after round %d; %d of %d completed, %d sent; net %v",
				round-lastDone, lastDone, completed, total, sent, net.Counters())
		}
		// Each connection keeps up to inFlight calls outstanding.
		for c, cl := range clients {
			for sent < total {
				arg := fmt.Sprintf("a%d", sent)
				id, err := cl.Go(1, []byte(arg), uint64(sent))
				if err != nil {
					break // ErrBusy: wait for completions
				}
				record(history.Event{Kind: history.EventCall, Client: fmt.Sprintf("c%d", c), Conn: uint64(c), ID: uint64(id), Fn: "echo", Arg: arg})
				sent++
			}
		}
		moved := cli.Step() + srv.Step() + sendAll(t, net, sides)
		for range net.InFlight() {
			ev, ok := net.Step()
			if !ok {
				break
			}
			if ev.Delivered {
				_ = byName[ev.To].ep.Receive(ev.Frame) // rejections are counted by the endpoint
			}
			moved++
		}
		for c, cl := range clients {
			cq = cl.Completions(cq[:0])
			for _, cp := range cq {
				if cp.Err != nil {
					t.Fatalf("conn %d call %d: %v", c, cp.ID, cp.Err)
				}
				record(history.Event{Kind: history.EventComplete, Client: fmt.Sprintf("c%d", c), Conn: uint64(c), ID: uint64(cp.ID),
					Status: history.StatusOK, Ret: string(cp.Ret())})
				completed++
				moved++
				lastDone = round
			}
		}
		// Nothing moves: every frame in flight is lost; the timers fire.
		if moved == 0 && net.InFlight() == 0 {
			for _, s := range sides {
				s.ep.Timeout()
			}
			timeouts++
		}
	}
	nc := net.Counters()
	t.Logf("network: %v; timeout rounds %d", nc, timeouts)
	if nc.Lost == 0 || nc.Duplicated == 0 || nc.Reordered == 0 {
		t.Fatalf("the network injected too few faults: %v", nc)
	}
	for _, n := range []*rpc.Node{cli, srv} {
		if c := n.NIC().Counters(); c.Dropped() != 0 {
			t.Errorf("%s NIC dropped RPCs: %v", n.Name(), c)
		}
	}
	var dups uint64
	for _, s := range sides {
		dups += s.ep.Counters().Duplicates
	}
	if dups == 0 {
		t.Errorf("no duplicate reached a receiver: the de-duplication went untested")
	}

	// The history: written, read back, checked as `daggercheck history
	// --semantics exactly-once --complete` would.
	path := filepath.Join(t.TempDir(), "e2e.history")
	var buf bytes.Buffer
	if err := h.Format(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := history.ParseHistory(path, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Events) != len(h.Events) {
		t.Fatalf("%s: read back %d events, wrote %d", path, len(back.Events), len(h.Events))
	}
	res := back.Check(history.HistoryOptions{Semantics: history.ExactlyOnce, Complete: true})
	if !res.OK() {
		t.Fatalf("%s: %v", path, res.Violation)
	}
	if res.Stats.Calls != total || res.Stats.Execs != total || res.Stats.Completions.OK != total {
		t.Fatalf("stats %+v, want %d calls, execs and ok completions", res.Stats, total)
	}
	t.Logf("history: %d events, %+v", len(back.Events), res.Stats)
}

// e2eSide is one end of a connection on the faulty network: a reliable
// endpoint, named by side and connection (c0, s0, ...).
type e2eSide struct {
	name, peer string
	ep         *transport.Reliable
}

// connectE2E connects conns clients of node cli to node srv, connection c
// on the server's flow(c), each over a pair of reliable endpoints with the
// given window; it returns the clients, every endpoint, and the endpoints
// by name.
func connectE2E(t *testing.T, cli, srv *rpc.Node, conns, window int, flow func(c int) int) ([]*rpc.Client, []*e2eSide, map[string]*e2eSide) {
	t.Helper()
	var sides []*e2eSide
	byName := map[string]*e2eSide{}
	clients := make([]*rpc.Client, conns)
	for c := range conns {
		mk := func(name, peer string) *e2eSide {
			ep, err := transport.NewReliable(transport.ReliableConfig{Conn: uint16(c), Window: window})
			if err != nil {
				t.Fatal(err)
			}
			s := &e2eSide{name: name, peer: peer, ep: ep}
			sides, byName[name] = append(sides, s), s
			return s
		}
		cs, ss := mk(fmt.Sprintf("c%d", c), fmt.Sprintf("s%d", c)), mk(fmt.Sprintf("s%d", c), fmt.Sprintf("c%d", c))
		var err error
		if clients[c], err = rpc.Connect(cli, srv, uint8(c), flow(c), cs.ep, ss.ep); err != nil {
			t.Fatal(err)
		}
	}
	return clients, sides, byName
}

// sendAll puts every endpoint's outgoing frames on the network and
// returns how many it sent.
func sendAll(t *testing.T, net *transport.FaultyNetwork, sides []*e2eSide) int {
	t.Helper()
	n := 0
	for _, s := range sides {
		for _, f := range s.ep.Outgoing() {
			if err := net.Send(s.name, s.peer, f); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	return n
}
