package handshake

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/checker"
	implhs "github.com/daggercheck/daggercheck/impl/handshake"
	modelhs "github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/trace"
)

// Every bug of model/handshake's catalogue has a committed
// counterexample that reproduces on impl/handshake's cores with the fault
// of that name injected, and diverges on the correct cores at the step
// pinned in testdata/divergences.txt.
func TestReplayHandshakeTraces(t *testing.T) {
	bugs := bridgetest.ReplayCounterexamples(t, "handshake-bug-*.trace", Replay)
	for _, b := range modelhs.Bugs {
		if !slices.Contains(implhs.Bugs, b.Name) {
			t.Errorf("bug %s is not a fault of impl/handshake", b.Name)
		}
		if !bugs[b.Name] {
			t.Errorf("bug %s has no committed counterexample under %s", b.Name, bridgetest.DocsTraces)
		}
	}
}

// The calls hello=incarnation loses (a late WELCOME of a restarted
// server taken by a client that has since sent another HELLO) are not
// lost by the cores: they follow the trace until the client is offered
// that WELCOME, and ignore it, as hello=start does.
func TestReplayIncarnationAloneDiverges(t *testing.T) {
	f := bridgetest.ParseFile(t, filepath.Join(bridgetest.DocsTraces, "handshake-hello-incarnation.trace"))
	res, err := Replay(f, "none")
	if err != nil {
		t.Fatal(err)
	}
	if bad := bridgetest.CheckSteps(f, res); bad != "" {
		t.Fatal(bad)
	}
	want := "step 11 (deliver s->c WELCOME c=1 s=2 start=0): client phase: model established, impl connecting"
	if res.Outcome != bridge.Diverged || res.Reason != want {
		t.Fatalf("%s: %s\nwant diverged: %s", res.Outcome, res.Reason, want)
	}
}

// A trace with a bug that is not one of the cores' faults is refused,
// naming it.
func TestReplayHandshakeBadBug(t *testing.T) {
	f := bridgetest.ParseFile(t, filepath.Join(bridgetest.DocsTraces, "handshake-bug-ignore-incarnation.trace"))
	if _, err := Replay(f, "no-such-bug"); err == nil || !strings.Contains(err.Error(), "no-such-bug") {
		t.Fatalf("an unknown bug: %v", err)
	}
	res, err := Replay(f, "close-drops-inflight")
	if err != nil || res.Outcome != bridge.Diverged {
		t.Fatalf("ignore-incarnation's trace on close-drops-inflight's fault: %v %v", res, err)
	}
}

// A server core that forgot closed connections would open one again on
// a late HELLO, and run a late duplicate call twice (closed=forget, the
// documented trace); the core remembers them and drops that HELLO.
func TestReplayForgettingClosedDiverges(t *testing.T) {
	f := bridgetest.ParseFile(t, filepath.Join(bridgetest.DocsTraces, "handshake-closed-forget.trace"))
	res, err := Replay(f, "none")
	if err != nil {
		t.Fatal(err)
	}
	if bad := bridgetest.CheckSteps(f, res); bad != "" {
		t.Fatal(bad)
	}
	want := "step 10 (deliver c->s HELLO c=2 s=0 start=0): server connection: model open c=2 start=0 recv-next=1 kept=[0 0 0], impl none"
	if res.Outcome != bridge.Diverged || res.Reason != want {
		t.Fatalf("%s: %s\nwant diverged: %s", res.Outcome, res.Reason, want)
	}
}

// labelled builds a handshake trace from step labels ("lose kind=1 c=1
// s=0 seq=0 call=0"), for scenarios written by hand.
func labelled(params []string, labels ...string) *trace.File {
	f := &trace.File{Model: "handshake", Params: params, Outcome: trace.Outcome{Result: "ok", LoopStart: -1}}
	f.Steps = append(f.Steps, trace.Step{Action: "init"})
	for i, l := range labels {
		words := strings.Fields(l)
		st := trace.Step{Action: words[0], Line: i + 1}
		for _, w := range words[1:] {
			k, v, _ := strings.Cut(w, "=")
			n, _ := strconv.Atoi(v)
			st.Args = append(st.Args, checker.Arg{Name: k, Value: n})
		}
		f.Steps = append(f.Steps, st)
	}
	return f
}

// The first walk the conformance test found failing: with two identical
// HELLOs of the first incarnation around the second's, losing "the"
// HELLO named one packet for the cores and either copy for the model.
// The model now acts on the earliest copy, as the bridge does, and the
// cores follow the walk.
func TestReplayLosesTheEarliestOfIdenticalPackets(t *testing.T) {
	f := labelled([]string{"calls=1", "client-restarts=1", "server-restarts=0", "closes=0", "losses=1", "dups=1", "reorders=0"},
		"open",
		"client-restart",
		"duplicate kind=1 c=1 s=0 seq=0 call=0",
		"lose kind=1 c=1 s=0 seq=0 call=0", // the earliest copy: the second incarnation's HELLO is next
		"deliver kind=1 c=2 s=0 seq=0 call=0",
		"deliver kind=1 c=1 s=0 seq=0 call=0", // a late HELLO of the first incarnation: dropped
	)
	res, err := Replay(f, "none")
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != bridge.Conformant || bridgetest.CheckSteps(f, res) != "" {
		t.Fatalf("%s: %s %s", res.Outcome, res.Reason, bridgetest.CheckSteps(f, res))
	}
}

// An expired connection's client learns it from the RESET its next CALL
// earns: the call fails visibly, and the client handshakes again with a
// larger start, which the server opens although it remembers the expired
// connection closed. A late duplicate of the first HELLO before that
// gets the expired connection's WELCOME again, which the client, open,
// drops; after it, it is stale.
func TestReplayExpiryResetsTheClient(t *testing.T) {
	f := labelled([]string{"calls=2", "client-restarts=0", "server-restarts=0", "closes=0", "losses=0", "dups=1", "reorders=1", "expiries=1"},
		"open",
		"duplicate kind=1 c=1 s=0 seq=0 call=0",
		"deliver kind=1 c=1 s=0 seq=0 call=0",
		"deliver kind=2 c=1 s=1 seq=0 call=0",
		"call",
		"server-expire",
		"deliver kind=1 c=1 s=0 seq=0 call=0", // the duplicate HELLO: the expired connection's WELCOME again
		"deliver kind=2 c=1 s=1 seq=0 call=0", // dropped by the open client
		"deliver kind=3 c=1 s=1 seq=1 call=1", // the CALL earns a RESET
		"deliver kind=5 c=1 s=1 seq=0 call=0", // call0 fails; a HELLO with start 2
		"deliver kind=1 c=1 s=0 seq=2 call=0",
		"deliver kind=2 c=1 s=1 seq=2 call=0",
		"call",
		"deliver kind=3 c=1 s=1 seq=3 call=2",
		"deliver kind=4 c=1 s=1 seq=3 call=2",
	)
	replaysClean(t, f)
}

// An expiry before the client has its WELCOME, with the WELCOME lost, on
// the cores: the client's resent HELLO gets the expired connection's
// WELCOME again and nothing opens on the server; the client opens, its
// first CALL earns a RESET, the call fails visibly, and the client
// handshakes again with a larger start, which opens, and its next call
// completes; the old WELCOME a late copy of the first HELLO earns is
// dropped by the client, at its new start.
func TestReplayExpiryBeforeTheWelcomeRecovers(t *testing.T) {
	f := labelled([]string{"calls=2", "client-restarts=0", "server-restarts=0", "closes=0", "losses=1", "dups=1", "reorders=1", "expiries=1"},
		"open",
		"deliver kind=1 c=1 s=0 seq=0 call=0",
		"server-expire",
		"lose kind=2 c=1 s=1 seq=0 call=0",
		"hello-timeout",
		"duplicate kind=1 c=1 s=0 seq=0 call=0",
		"deliver kind=1 c=1 s=0 seq=0 call=0", // the expired connection's WELCOME again
		"deliver kind=2 c=1 s=1 seq=0 call=0", // the client opens on it
		"call",
		"reorder kind=3 c=1 s=1 seq=1 call=1", // ahead of the HELLO's copy, the CALL earns a RESET
		"deliver kind=5 c=1 s=1 seq=0 call=0", // call0 fails; a HELLO with start 2
		"deliver kind=1 c=1 s=0 seq=0 call=0", // the copy of the old HELLO: the old WELCOME again
		"deliver kind=1 c=1 s=0 seq=2 call=0",
		"deliver kind=2 c=1 s=1 seq=0 call=0", // dropped: not the current handshake's
		"deliver kind=2 c=1 s=1 seq=2 call=0",
		"call",
		"deliver kind=3 c=1 s=1 seq=3 call=2",
		"deliver kind=4 c=1 s=1 seq=3 call=2",
	)
	replaysClean(t, f)
}

// replaysClean replays f on the cores without faults and wants every step
// conformant and no property broken.
func replaysClean(t *testing.T, f *trace.File) {
	t.Helper()
	res, err := Replay(f, "none")
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != bridge.Conformant || bridgetest.CheckSteps(f, res) != "" {
		t.Fatalf("%s: %s %s", res.Outcome, res.Reason, bridgetest.CheckSteps(f, res))
	}
	if len(res.Broken) != 0 {
		t.Fatalf("the cores broke %v", res.Broken)
	}
}
