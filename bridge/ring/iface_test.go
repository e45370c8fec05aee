package ring

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/bridgetest"
	"github.com/daggercheck/daggercheck/checker"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/trace"
)

// replayBoth replays a counterexample with its protocol and bug, where it
// must reproduce having compared every step, and on the correct
// implementation, where it must diverge; it returns the divergence.
func replayBoth(t *testing.T, f *trace.File) string {
	t.Helper()
	res, err := Replay(f, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != bridge.Reproduced {
		t.Fatalf("with faults %s: %s (%s)", res.Faults, res.Outcome, res.Reason)
	}
	if bad := bridgetest.CheckSteps(f, res); bad != "" {
		t.Fatalf("with faults %s: %s", res.Faults, bad)
	}
	correct, err := Replay(f, "none")
	if err != nil {
		t.Fatal(err)
	}
	if correct.Outcome != bridge.Diverged {
		t.Fatalf("the correct implementation followed the counterexample: %s", correct.Outcome)
	}
	if bad := bridgetest.CheckSteps(f, correct); bad != "" {
		t.Fatalf("the correct implementation: %s", bad)
	}
	return correct.Reason
}

// The design-space matrix's ring counterexamples (docs/matrix/ring), on
// every interface, replay as the documented ones do.
func TestReplayMatrixTraces(t *testing.T) {
	paths, _ := filepath.Glob("../../docs/matrix/ring/*.trace")
	if len(paths) == 0 {
		t.Fatal("no traces under docs/matrix/ring")
	}
	seen := map[string]bool{}
	for _, path := range paths {
		f := bridgetest.ParseFile(t, path)
		for _, p := range f.Params {
			seen[p] = true
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Logf("correct impl diverged at %s", replayBoth(t, f))
		})
	}
	for _, i := range []string{"coherent", "doorbell", "mmio"} {
		if !seen["interface="+i] {
			t.Errorf("docs/matrix/ring has no trace of interface=%s", i)
		}
	}
}

// Every counterexample the ring model writes on each interface — Dagger's
// published protocol and each bug of the catalogue the model admits
// there, for each property it breaks, in small configurations of one
// flow and two, TX and RX — reproduces with its faults and diverges on
// the correct implementation. With -short (CI's race run) the coherent
// interface's are left to the documented traces, above, whose bugs and
// weak points are the same.
func TestReplayEveryInterfaceCounterexample(t *testing.T) {
	configs := map[string][][]string{
		"coherent": {{"slots=2", "batch=2", "rpcs=3"}, {"slots=2", "batch=1", "rpcs=3"}, {"dir=rx", "slots=2", "rpcs=3"}, {"dir=rx", "slots=1", "rpcs=3", "ids=2"}},
		"doorbell": {{"slots=2", "batch=2", "rpcs=3"}, {"flows=2", "slots=2", "batch=1", "rpcs=3"}},
		"mmio":     {{"slots=1", "batch=1", "rpcs=3"}, {"flows=2", "slots=1", "batch=1", "rpcs=3"}},
	}
	if testing.Short() {
		delete(configs, "coherent")
	}
	variants := []struct{ protocol, bug string }{{"dagger", ""}}
	for _, b := range modelring.Bugs {
		variants = append(variants, struct{ protocol, bug string }{"credit", b.Name})
	}
	found := map[string]int{}
	for iface, cfgs := range configs {
		for _, cfg := range cfgs {
			for _, vr := range variants {
				params := append([]string{"interface=" + iface, "protocol=" + vr.protocol}, cfg...)
				v, err := spec.ParseParams(modelring.Params, params)
				if err != nil {
					t.Fatal(err)
				}
				m, err := modelring.New(v, vr.bug)
				if errors.Is(err, spec.ErrParam) {
					continue // a bug the model does not admit on this interface
				} else if err != nil {
					t.Fatal(err)
				}
				for _, p := range m.Properties() {
					res, err := checker.New[modelring.State](m, checker.Options{Only: []string{p.Name}}).BFS(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					if res.Trace == nil {
						continue
					}
					f, err := trace.FromResult("ring", v.Assignments(), vr.bug, res)
					if err != nil {
						t.Fatal(err)
					}
					label := vr.bug
					if label == "" {
						label = vr.protocol
					}
					name := fmt.Sprintf("%s/%s/%s/%s", iface, strings.Join(cfg, ","), label, p.Name)
					found[iface+"/"+label]++
					t.Run(name, func(t *testing.T) { replayBoth(t, f) })
				}
			}
		}
	}
	// Each interface has counterexamples of Dagger's protocol and of
	// every bug it admits: the whole catalogue on the coherent one,
	// credit-overrun on the others.
	for iface := range configs {
		want := []string{"dagger", spec.BugCreditOverrun}
		if iface == "coherent" {
			want = append(want, bridgetest.BugNames(modelring.Bugs)...)
		}
		for _, v := range want {
			if found[iface+"/"+v] == 0 {
				t.Errorf("no counterexample for %s/%s", iface, v)
			}
		}
	}
}
