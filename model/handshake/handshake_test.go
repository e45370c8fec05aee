package handshake_test

import (
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/spec"
)

// Counts of the shipped configurations, pinned so that a change to the
// state space shows up in review.
var pinned = map[string]modeltest.Pinned{
	"default":   {Distinct: 72016, Generated: 191190, Depth: 26},
	"no-faults": {Distinct: 911, Generated: 1272, Depth: 19},
	"window-2":  {Distinct: 18505, Generated: 49201, Depth: 23},
	"3-calls":   {Distinct: 7044, Generated: 15410, Depth: 24},
	"expiry":    {Distinct: 254690, Generated: 713898, Depth: 29},
}

var suite = modeltest.Suite[handshake.State, *handshake.Model]{Params: handshake.Params, New: handshake.New,
	Configs: handshake.Configs, Pinned: pinned, Bugs: handshake.Bugs}

func TestShippedConfigsHold(t *testing.T) { suite.ShippedConfigsHold(t) }

// Every bug is caught by the property its catalogue entry names, with a
// minimal counterexample.
func TestBugsAreCaught(t *testing.T) { suite.BugsAreCaught(t) }

// Each bug needs the faults the docs say it does: without them the
// protocol's mutation goes unseen, so the catalogue's stories are the
// only way in.
func TestBugsNeedTheirFaults(t *testing.T) {
	for _, tc := range []struct {
		bug    string
		params []string
	}{
		{spec.BugDuplicateHelloOpensTwice, []string{"dups=0"}},
		{spec.BugIgnoreIncarnation, []string{"client-restarts=0", "server-restarts=0"}},
		{spec.BugSeqRestartFromZero, []string{"client-restarts=0"}},
		{spec.BugCloseDropsInflight, []string{"closes=0"}},
	} {
		modeltest.BFS(t, suite.Build(t, tc.params, tc.bug), checker.Options{}).AssertOK(t)
	}
}

// The witnesses show what they claim: each is missing when its budget is
// zero, and the others still hold.
func TestWitnessesFollowTheirBudgets(t *testing.T) {
	for _, tc := range []struct {
		params  []string
		missing string
	}{
		{[]string{"server-restarts=0"}, "restart-recovers"},
		{[]string{"client-restarts=0"}, "client-restart-recovers"},
		{[]string{"closes=0"}, "clean-close"},
	} {
		m := suite.Build(t, tc.params, "")
		for _, p := range m.Properties() {
			if p.Name == tc.missing {
				t.Fatalf("%v: %s is asked for without its budget", tc.params, tc.missing)
			}
		}
		modeltest.BFS(t, m, checker.Options{}).AssertOK(t)
	}
}

func TestWorkersDoNotChangeResults(t *testing.T) {
	m := suite.Build(t, nil, "")
	one := modeltest.BFS(t, m, checker.Options{Workers: 1, SkipLiveness: true})
	two := modeltest.BFS(t, m, checker.Options{Workers: 2, SkipLiveness: true})
	if one.Stats.Distinct != two.Stats.Distinct || one.Stats.Generated != two.Stats.Generated {
		t.Fatalf("workers=1 %d/%d, workers=2 %d/%d", one.Stats.Distinct, one.Stats.Generated, two.Stats.Distinct, two.Stats.Generated)
	}
}

// Telling HELLOs and WELCOMEs apart by incarnation alone (the rule
// impl/handshake follows) loses calls after a server restart; telling
// them by incarnation and seq start keeps every property under the same
// parameters.
func TestIncarnationAloneLosesCalls(t *testing.T) {
	m := suite.Build(t, handshake.ImplHello, "")
	res := modeltest.BFS(t, m, checker.Options{})
	tr := res.AssertViolation(t, handshake.IncarnationAloneBreaks)
	t.Logf("hello=incarnation breaks %s in %d steps (loop at %d)", handshake.IncarnationAloneBreaks, tr.Len(), tr.LoopStart)
	modeltest.BFS(t, suite.Build(t, []string{"hello=start"}, ""), checker.Options{}).AssertOK(t)
	if res := modeltest.BFS(t, suite.Build(t, []string{"hello=incarnation", "server-restarts=0"}, ""), checker.Options{}); res.Verdict != checker.OK {
		t.Fatalf("hello=incarnation without a server restart: %v %s", res.Verdict, res.Property)
	}
}

// Larger configurations hold too; they take about a minute together on
// two cores, so they run only with DAGGERCHECK_HANDSHAKE_LARGE=1.
func TestLargeConfigsHold(t *testing.T) {
	if os.Getenv("DAGGERCHECK_HANDSHAKE_LARGE") == "" {
		t.Skip("set DAGGERCHECK_HANDSHAKE_LARGE=1 to check the large configurations")
	}
	for _, params := range [][]string{
		{"calls=3", "window=2"},
		{"losses=2", "dups=2", "reorders=2"},
		{"calls=3", "window=2", "client-restarts=2", "server-restarts=2"},
	} {
		res := modeltest.BFS(t, suite.Build(t, params, ""), checker.Options{Workers: runtime.GOMAXPROCS(0)})
		res.AssertOK(t)
		t.Logf("%v: %d distinct states, %.1fs", params, res.Stats.Distinct, res.Stats.Duration.Seconds())
	}
}

// A server that forgets a closed connection runs a late duplicate call
// again once a late HELLO has opened the connection anew; remembering it
// keeps every property under the same parameters.
func TestForgettingClosedConnectionsRunsCallsTwice(t *testing.T) {
	m := suite.Build(t, handshake.ForgetClosed, "")
	res := modeltest.BFS(t, m, checker.Options{Only: []string{handshake.ForgetClosedBreaks}})
	tr := res.AssertViolation(t, handshake.ForgetClosedBreaks)
	modeltest.Minimal(t, m, handshake.ForgetClosedBreaks, res)
	t.Logf("closed=forget breaks %s in %d steps", handshake.ForgetClosedBreaks, tr.Len())
	remember := slices.DeleteFunc(slices.Clone(handshake.ForgetClosed), func(p string) bool { return p == "closed=forget" })
	modeltest.BFS(t, suite.Build(t, remember, ""), checker.Options{}).AssertOK(t)
}

// An expiry before the client has its WELCOME, with the WELCOME lost,
// no longer keeps the client out: its resent HELLO gets the expired
// connection's WELCOME again (nothing opens on the server), the client
// opens, its first CALL earns a RESET, the call fails visibly, and the
// client handshakes again with a larger start, which opens. (The
// shipped config "expiry" checks every property with the loss.)
func TestExpiryBeforeTheWelcomeRecovers(t *testing.T) {
	m := suite.Build(t, []string{"expiries=1", "client-restarts=0", "server-restarts=0", "closes=0"}, "")
	s := m.Init()[0]
	step := func(name string, p ...handshake.Packet) {
		t.Helper()
		var next []handshake.State
		m.Next(s, func(a checker.Action, u handshake.State) {
			if m.Actions()[a.Kind].Name != name {
				return
			}
			if len(p) == 1 && [5]int(a.Args[:5]) != [5]int{int(p[0].Kind), int(p[0].C), int(p[0].S), int(p[0].Seq), int(p[0].Call)} {
				return
			}
			next = append(next, u)
		})
		if len(next) != 1 {
			t.Fatalf("%s %v: %d successors of\n%v", name, p, len(next), m.Fields(s))
		}
		s = next[0]
	}
	hello := handshake.Packet{Kind: handshake.Hello, C: 1, Seq: 0}
	welcome := handshake.Packet{Kind: handshake.Welcome, C: 1, S: 1, Seq: 0}
	step("open")
	step("deliver", hello)
	step("server-expire")
	if s.S.Entry.State != handshake.ExpiredEntry {
		t.Fatalf("after the expiry: %v", m.Fields(s))
	}
	step("lose", welcome)
	step("hello-timeout")
	step("deliver", hello)
	if s.S.Entry.State != handshake.ExpiredEntry || s.N != 1 || s.Net[0] != welcome {
		t.Fatalf("the resent HELLO: %v, want the WELCOME again and the connection still expired", m.Fields(s))
	}
	step("deliver", welcome)
	step("call")
	step("deliver", handshake.Packet{Kind: handshake.Call, C: 1, S: 1, Seq: 1, Call: 1})
	step("deliver", handshake.Packet{Kind: handshake.Reset, C: 1, S: 1})
	if s.Status[0] != handshake.Failed || s.Exec[0] != 0 || s.C.Phase != handshake.Connecting || s.C.Start != 2 {
		t.Fatalf("after the RESET: %v", m.Fields(s))
	}
	step("deliver", handshake.Packet{Kind: handshake.Hello, C: 1, Seq: 2})
	step("deliver", handshake.Packet{Kind: handshake.Welcome, C: 1, S: 1, Seq: 2})
	if s.C.Phase != handshake.Established || s.S.Entry.State != handshake.Open || s.S.Entry.Start != 2 {
		t.Fatalf("after the second handshake: %v", m.Fields(s))
	}
}
