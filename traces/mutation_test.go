package traces

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	implnic "github.com/daggercheck/daggercheck/impl/nic"
	implring "github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/transport"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
)

// The mutation check: every fault the implementation can inject is found
// by the conformance tests within their default budget (-rapid.checks,
// 100 unless set). Each mutant runs a conformance property with the
// model correct (the credit protocol, no bug) and the implementation
// faulty; the model without the bug against the implementation with it
// must part ways, and rapid's failure — a value here, not a failed test
// (mutantTB) — is logged with its seed and its shrunk walk.
//
// For the transports, the faults are impl/transport's ReliableFaults, one
// for each bug of model/system's catalogue that mutates the transport,
// and impl/nic's response-balanced at the client host's NIC for its
// response-misrouted.
func TestMutantsAreFound(t *testing.T) {
	if testing.Short() {
		t.Skip("the mutation check holds for rapid's default budget of 100 checks; -short cuts it to 20")
	}
	// rapid writes a failure file for every mutant it finds; keep them
	// out of testdata (they are expected failures, not regressions).
	t.Chdir(t.TempDir())
	// Shrinking is for the log's benefit here: bound it, so the whole
	// check stays within seconds.
	if f := flag.Lookup("rapid.shrinktime"); f != nil {
		old := f.Value.String()
		if err := f.Value.Set("2s"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Value.Set(old) })
	}
	for _, mu := range mutants(t) {
		t.Run(mu.name, func(t *testing.T) {
			sink := &failureSink{}
			tb := &mutantTB{name: "mutant-" + mu.name}
			rapid.Check(tb, func(rt *rapid.T) { mu.walk(rt, sink) })
			if !tb.failed {
				t.Fatalf("not found in %s:\n%s", mu.what, tb.out.String())
			}
			if sink.last == nil {
				t.Fatalf("found, but not as a divergence of a walk:\n%s", tb.out.String())
			}
			t.Logf("found (%s); %s\nshrunk walk, %d steps:\n%s", mu.what, tb.reproduce(), len(sink.last.Steps)-1, sink.lastT)
		})
	}
}

// mutant is one injected fault and the conformance walk that must find it.
type mutant struct {
	name string
	what string // the property and what it runs
	walk func(rt *rapid.T, sink *failureSink)
}

func mutants(t *testing.T) []mutant {
	var out []mutant
	ring := func(name string, f implring.Faults, rx bool, params ...string) {
		out = append(out, mutant{name: "ring/" + name, what: fmt.Sprintf("the ring property, model credit %s, impl faults %s", strings.Join(params, " "), f),
			walk: func(rt *rapid.T, sink *failureSink) {
				ringWalk(rt, ringDraw{mutant: &f, rx: rx, params: params, steps: 40}, sink)
			}})
	}
	for _, b := range modelring.Bugs {
		f, err := implring.BugFaults(b.Name)
		if err != nil {
			t.Fatalf("model/ring's bug %s: %v", b.Name, err)
		}
		ring(b.Name, f, strings.HasPrefix(b.Name, "rx-"))
	}
	ring("dagger-tx", implring.DaggerTX, false)
	ring("dagger-rx", implring.DaggerRX, true)
	// Dagger's published behaviours one at a time.
	ring("no-credit", implring.Faults{NoCredit: true}, false)
	ring("rx-no-credit", implring.Faults{NoCredit: true}, true)
	ring("dagger-stores", implring.Faults{DaggerStores: true}, false)
	// Seen bits show as a reordering: a poll of two lines, one read
	// before its write and the next after.
	ring("seen-bits", implring.Faults{SeenBits: true}, false, "flows=1", "slots=2", "batch=2", "rpcs=3")
	// rpc_id freshness shows when a slot's next occupant has its rpc_id.
	ring("rx-id-freshness", implring.Faults{RxIDFreshness: true}, true, "flows=1", "slots=1", "batch=1", "ids=1", "rpcs=3")
	ring("skip-recheck", implring.Faults{SkipRecheck: true}, true)

	// What each NIC fault needs to show: a balancer, a batch, a shallow FIFO.
	nicNeeds := map[string][]string{
		"response-balanced":   {"lb=round-robin", "flows=2"},
		"leak-on-overflow":    {"fifo=1", "batch=1"},
		"no-flush":            {"batch=2", "fifo=2", "buffer=3"},
		"rr-wrap-late":        {"lb=round-robin"},
		"rr-wrap-early":       {"lb=round-robin", "flows=3"},
		"rehash-on-full":      {"lb=key-hash", "flows=2", "fifo=1", "batch=1", "buffer=4", "rpcs=6", "conns=1"},
		"status-swap":         nil,
		"deliver-after-close": nil,
		"dagger":              {"batch=2", "fifo=2", "buffer=3"},
	}
	nic := func(name string, f implnic.Faults) {
		params := nicNeeds[name]
		out = append(out, mutant{name: "nic/" + name, what: fmt.Sprintf("the NIC property, model credit %s, impl faults %s", strings.Join(params, " "), f),
			walk: func(rt *rapid.T, sink *failureSink) { nicWalk(rt, nicDraw{mutant: &f, params: params}, sink) }})
	}
	for _, b := range implnic.Bugs {
		f, err := implnic.BugFaults(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := nicNeeds[b]; !ok {
			t.Fatalf("impl/nic's bug %s: the mutation check does not know what it needs", b)
		}
		nic(b, f)
	}
	nic("dagger", implnic.DaggerFaults)

	// What each transport fault needs to show: ack-before-delivery a
	// server flow shared by two connections (one's call fills the ring
	// while the other's arrives), response-misrouted two clients, the
	// others what model/system's catalogue says its bug needs.
	xportNeeds := map[string][]string{
		"ack-before-delivery": {"clients=2", "server-flows=1"},
		"response-misrouted":  {"clients=2"},
	}
	for _, b := range system.Bugs {
		var f systemFaults
		if b.Name == "response-misrouted" {
			f.misrouted = true // impl/nic's response-balanced at the client host's NIC
		} else {
			var err error
			if f.xport, err = transport.BugFaults(b.Name); err != nil {
				t.Fatalf("model/system's bug %s: %v", b.Name, err)
			}
		}
		params := append(slices.Clone(xportNeeds[b.Name]), system.BugParams[b.Name]...)
		out = append(out, mutant{name: "transport/" + b.Name, what: fmt.Sprintf("the transport property, model correct %s, impl faults %s", strings.Join(append([]string{"transport=reliable"}, params...), " "), f),
			walk: func(rt *rapid.T, sink *failureSink) { xportWalk(rt, xportDraw{faults: &f, params: params}, sink) }})
	}
	for _, b := range transport.Bugs {
		if !slices.ContainsFunc(system.Bugs, func(x spec.Bug) bool { return x.Name == b }) {
			t.Errorf("impl/transport's fault %s is not a bug of model/system's catalogue", b)
		}
	}
	return out
}

// mutantTB is a rapid.TB that records a failure instead of failing the
// test: rapid.Check reports through Errorf and ends with FailNow, both of
// which only mark it failed.
type mutantTB struct {
	name   string
	failed bool
	out    strings.Builder
}

func (m *mutantTB) Helper()      {}
func (m *mutantTB) Name() string { return m.name }
func (m *mutantTB) Logf(format string, args ...any) {
	fmt.Fprintf(&m.out, format+"\n", args...)
}
func (m *mutantTB) Log(args ...any) { fmt.Fprintln(&m.out, args...) }
func (m *mutantTB) Errorf(format string, args ...any) {
	m.failed = true
	m.Logf(format, args...)
}
func (m *mutantTB) Error(args ...any) {
	m.failed = true
	m.Log(args...)
}
func (m *mutantTB) Fatalf(format string, args ...any) { m.Errorf(format, args...) }
func (m *mutantTB) Fatal(args ...any)                 { m.Error(args...) }
func (m *mutantTB) FailNow()                          { m.failed = true }
func (m *mutantTB) Fail()                             { m.failed = true }
func (m *mutantTB) Failed() bool                      { return m.failed }
func (m *mutantTB) Skipf(format string, args ...any)  { m.Logf("skipped: "+format, args...) }
func (m *mutantTB) Skip(args ...any)                  { m.Log(append([]any{"skipped:"}, args...)...) }
func (m *mutantTB) SkipNow()                          { m.Log("skipped") }

// reproduce is rapid's verdict and its line that names the failure's
// seed and how to rerun it.
func (m *mutantTB) reproduce() string {
	var verdict, seed string
	for _, l := range strings.Split(m.out.String(), "\n") {
		switch l = strings.TrimSpace(l); {
		case verdict == "" && strings.HasPrefix(l, "[rapid] failed after"):
			verdict = l
		case seed == "" && strings.Contains(l, "rapid.seed="):
			seed = l[strings.Index(l, "-rapid.seed="):]
			seed = strings.TrimSuffix(seed, ")")
		}
	}
	if seed == "" {
		seed = "(rapid printed no seed)"
	}
	return verdict + "\n" + seed
}
