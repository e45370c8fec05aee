package system

import (
	"fmt"
	"io"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/history"
	"github.com/daggercheck/daggercheck/impl/nic"
	"github.com/daggercheck/daggercheck/impl/rpc"
	"github.com/daggercheck/daggercheck/impl/transport"
	"github.com/daggercheck/daggercheck/runlog"
)

// e2eRun runs the whole stack (client rings and NIC, the reliable
// transport over the faulty network, server NIC, rings and handler) for
// clients connections of calls calls each, one call outstanding per
// client as the system model's clients do, stop-and-wait (window 1, the
// model's transport), with at most one fault of each kind. It returns
// the RPC history and what the network did.
func e2eRun(t *testing.T, seed uint64, clients, calls int, execTwice bool) (*history.History, transport.NetCounters) {
	t.Helper()
	net := transport.NewFaultyNetwork(transport.FaultConfig{
		Seed1: seed, Seed2: seed ^ 0x5eed,
		Lose: 0.3, Duplicate: 0.3, Reorder: 0.3,
		Budget: transport.Faults{Lose: 1, Duplicate: 1, Reorder: 1},
	})
	var h history.History
	record := func(e history.Event) { h.Events = append(h.Events, e) }
	srv, err := rpc.NewNode(rpc.Config{Name: "server", Flows: clients, RingSlots: 1, NIC: nic.Config{Buffer: 4, FIFODepth: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.HandleRequest(1, "echo", func(req *rpc.Request, ret []byte) ([]byte, error) {
		ret = append(ret, req.Args...)
		e := history.Event{Kind: history.EventExec, Server: "server", Conn: uint64(req.Conn), ID: uint64(req.ID), Fn: "echo", Arg: string(req.Args), Ret: string(ret)}
		record(e)
		if execTwice {
			record(e) // the injected bug: the handler's effect happens twice
		}
		return ret, nil
	}); err != nil {
		t.Fatal(err)
	}
	cli, err := rpc.NewNode(rpc.Config{Name: "client", Flows: clients, RingSlots: 1, MaxInFlight: 1, NIC: nic.Config{Buffer: 4, FIFODepth: 2}})
	if err != nil {
		t.Fatal(err)
	}
	cls, sides, byName := connectE2E(t, cli, srv, clients, 1, func(c int) int { return c })
	issued := make([]int, clients)
	waiting := make([]bool, clients)
	completed := 0
	var cq []rpc.Completion
	for round := 0; completed < clients*calls; round++ {
		if round > 10_000 {
			t.Fatalf("no progress after %d rounds: %d of %d completed; net %v", round, completed, clients*calls, net.Counters())
		}
		for c, cl := range cls {
			if !waiting[c] && issued[c] < calls {
				arg := fmt.Sprintf("a%d.%d", c, issued[c])
				id, err := cl.Go(1, []byte(arg), 0)
				if err != nil {
					continue
				}
				record(history.Event{Kind: history.EventCall, Client: fmt.Sprintf("c%d", c), Conn: uint64(c), ID: uint64(id), Fn: "echo", Arg: arg})
				issued[c]++
				waiting[c] = true
			}
		}
		moved := cli.Step() + srv.Step() + sendAll(t, net, sides)
		if ev, ok := net.Step(); ok {
			if ev.Delivered {
				_ = byName[ev.To].ep.Receive(ev.Frame)
			}
			moved++
		}
		for c, cl := range cls {
			cq = cl.Completions(cq[:0])
			for _, cp := range cq {
				if cp.Err != nil {
					t.Fatalf("conn %d call %d: %v", c, cp.ID, cp.Err)
				}
				record(history.Event{Kind: history.EventComplete, Client: fmt.Sprintf("c%d", c), Conn: uint64(c), ID: uint64(cp.ID), Status: history.StatusOK, Ret: string(cp.Ret())})
				completed++
				waiting[c] = false
				moved++
			}
		}
		if moved == 0 && net.InFlight() == 0 {
			for _, s := range sides {
				s.ep.Timeout()
			}
		}
	}
	return &h, net.Counters()
}

// e2eParams is the system model configuration that explains e2eRun's runs
// of 2 clients with 2 calls each: the network's budget of one fault of
// each kind, where a FaultyNetwork duplicate lands at a random place in
// its channel (a duplicate and a reordering for the model).
var e2eParams = []string{"transport=reliable", "clients=2", "calls=2", "server-flows=2", "losses=1", "dups=1", "reorders=2"}

// End-to-end runs of the implementation, faults included, are explained by
// the system model: its clients, NICs, transport and network, with every
// frame, acknowledgement, loss, duplicate and retransmission between the
// logged calls, executions and completions left for the search to find.
// A run whose handler takes effect twice
// fails at the second exec.
func TestValidateEndToEndRuns(t *testing.T) {
	var faults transport.NetCounters
	for seed := uint64(1); seed <= 8; seed++ {
		h, nc := e2eRun(t, seed, 2, 2, false)
		faults.Lost, faults.Duplicated, faults.Reordered = faults.Lost+nc.Lost, faults.Duplicated+nc.Duplicated, faults.Reordered+nc.Reordered
		params := e2eParams
		l, err := SystemRunLog(params, h)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Validate(l, bridge.ValidateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != bridge.Valid {
			t.Fatalf("seed %d, network %v, params %v:\n%s", seed, nc, params, res)
		}
	}
	t.Logf("faults over the runs: %d lost, %d duplicated, %d reordered", faults.Lost, faults.Duplicated, faults.Reordered)
	if faults.Lost == 0 || faults.Duplicated == 0 || faults.Reordered == 0 {
		t.Fatal("the network injected too few faults over the runs: the test shows little")
	}

	h, _ := e2eRun(t, 1, 2, 2, true)
	l, err := SystemRunLog(e2eParams, h)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Validate(l, bridge.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != bridge.Invalid || res.Explained == 0 || l.Events[res.Explained-1].String() != res.Event || l.Events[res.Explained].Name != "exec" {
		t.Fatalf("a handler that runs twice: want the repeated exec unexplained, got\n%s", res)
	}
	t.Logf("%s", res)
}

// The RPC histories of end-to-end runs docs/validate.md shows are real
// recordings: regenerated with -rewrite (go test ./bridge/system -run
// DocRuns -rewrite), and validated here on every run, explained by the
// system model with e2eParams, with the outcome their names promise.
func TestValidateDocRuns(t *testing.T) {
	if *bridgetest.Rewrite {
		h, _ := e2eRun(t, 3, 2, 2, false)
		bridgetest.WriteDocRun(t, "e2e.history", h.Format)
		h, _ = e2eRun(t, 3, 2, 2, true)
		bridgetest.WriteDocRun(t, "e2e-exec-twice.history", h.Format)
	}
	read := func(name string, r io.Reader) (*runlog.RunLog, error) {
		h, err := history.ParseHistory(name, r)
		if err != nil {
			return nil, err
		}
		return SystemRunLog(e2eParams, h)
	}
	bridgetest.CheckDocRuns(t, map[string]string{"e2e.history": bridge.Valid, "e2e-exec-twice.history": bridge.Invalid}, read, Validate)
}
