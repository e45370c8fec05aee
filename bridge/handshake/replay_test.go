package handshake

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	implhs "github.com/daggercheck/daggercheck/impl/handshake"
	modelhs "github.com/daggercheck/daggercheck/model/handshake"
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
