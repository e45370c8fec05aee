package rpcbench

import (
	"testing"
)

// Every host-interface row runs, echoes correctly and records calls at 1
// and 8 in flight. So does every row of the typed stubs, each call through
// echopb.EchoClient checked as an echo of its request.
func TestEveryInterfaceRuns(t *testing.T) {
	for _, target := range append(Interfaces(), Typed()...) {
		t.Run(target.Name(), func(t *testing.T) {
			cfg := shortConfig(target)
			cfg.Concurrency = []int{1, 8}
			cfg.StopGrace = DefaultStopGrace
			rep, err := Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep {
				if r.Calls == 0 {
					t.Errorf("c=%d: no calls completed", r.Concurrency)
				}
			}
		})
	}
}
