package rpcbench

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fake is an in-process "stack": call is the whole round trip.
type fake struct {
	startErr error
	drive    func(lanes []*Lane) error
	closed   chan struct{}
	once     sync.Once
}

func (f *fake) Drive(lanes []*Lane) error { return f.drive(lanes) }
func (f *fake) Close() error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

func fakeTarget(name string, mk func(cfg SessionConfig, f *fake)) Target {
	return Target{System: name, Transport: "mem", Start: func(cfg SessionConfig) (Session, error) {
		f := &fake{closed: make(chan struct{})}
		mk(cfg, f)
		if f.startErr != nil {
			return nil, f.startErr
		}
		return f, nil
	}}
}

func echoTarget(name string) Target {
	return fakeTarget(name, func(cfg SessionConfig, f *fake) {
		f.drive = func(lanes []*Lane) error {
			return Blocking(lanes, cfg.Payload, func(_ int, req []byte) ([]byte, error) {
				return append([]byte(nil), req...), nil
			})
		}
	})
}

func shortConfig(targets ...Target) Config {
	return Config{Targets: targets, Concurrency: []int{1, 3}, Warmup: time.Millisecond,
		Duration: 20 * time.Millisecond, Payload: MaxPayload, StopGrace: time.Second}
}

// Every (concurrency, target) pair gives a row, concurrency-major, whose
// throughput is its recorded calls over its window.
func TestRunMeasuresEveryRow(t *testing.T) {
	rep, err := Run(shortConfig(echoTarget("a"), echoTarget("b")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep {
		got = append(got, fmt.Sprintf("%s/%d", r.System, r.Concurrency))
		if r.Calls == 0 || r.Window <= 0 {
			t.Errorf("%s c=%d: %d calls in %v", r.System, r.Concurrency, r.Calls, r.Window)
		}
		if want := float64(r.Calls) / r.Window.Seconds(); r.RPS != want {
			t.Errorf("%s c=%d: rps %g, want calls/window %g", r.System, r.Concurrency, r.RPS, want)
		}
		if r.P50 > r.P99 || r.P50 <= 0 {
			t.Errorf("%s c=%d: p50 %v p99 %v", r.System, r.Concurrency, r.P50, r.P99)
		}
	}
	if strings.Join(got, " ") != "a/1 b/1 a/3 b/3" {
		t.Errorf("row order %v, want a/1 b/1 a/3 b/3", got)
	}
}

// A stack that answers with the wrong bytes fails its row with ErrEcho,
// and the error names the row; the rows before it are kept.
func TestWrongEchoFailsTheRow(t *testing.T) {
	bad := fakeTarget("liar", func(cfg SessionConfig, f *fake) {
		f.drive = func(lanes []*Lane) error {
			return Blocking(lanes, cfg.Payload, func(_ int, req []byte) ([]byte, error) {
				resp := append([]byte(nil), req...)
				resp[len(resp)-1] ^= 1
				return resp, nil
			})
		}
	})
	rep, err := Run(shortConfig(echoTarget("good"), bad))
	if !errors.Is(err, ErrEcho) || !strings.Contains(err.Error(), "liar/mem at concurrency 1") {
		t.Fatalf("err = %v, want ErrEcho naming liar/mem at concurrency 1", err)
	}
	if len(rep) != 1 || rep[0].System != "good" {
		t.Fatalf("rows before the failure: %+v", rep)
	}
}

// A call error, a session that stops on its own and one that never
// returns are each reported, and the session is closed.
func TestSessionFailures(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name  string
		drive func(f *fake) func([]*Lane) error
		want  error
	}{
		{"call error", func(f *fake) func([]*Lane) error {
			return func(lanes []*Lane) error {
				return Blocking(lanes, 8, func(int, []byte) ([]byte, error) { return nil, boom })
			}
		}, boom},
		{"early exit", func(f *fake) func([]*Lane) error {
			return func([]*Lane) error { return nil }
		}, ErrEarlyExit},
		{"stall", func(f *fake) func([]*Lane) error {
			return func([]*Lane) error { <-f.closed; return nil }
		}, ErrStalled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sess *fake
			target := fakeTarget("x", func(_ SessionConfig, f *fake) { f.drive = c.drive(f); sess = f })
			cfg := shortConfig(target)
			cfg.StopGrace = 10 * time.Millisecond
			_, err := Run(cfg)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			select {
			case <-sess.closed:
			default:
				t.Fatal("the failed session was not closed")
			}
		})
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, mod := range []func(*Config){
		func(c *Config) { c.Payload = 0 },
		func(c *Config) { c.Payload = MaxPayload + 1 },
		func(c *Config) { c.Duration = 0 },
		func(c *Config) { c.Concurrency = []int{0} },
	} {
		cfg := shortConfig(echoTarget("a"))
		mod(&cfg)
		if _, err := Run(cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	start := errors.New("no socket")
	_, err := Run(shortConfig(fakeTarget("x", func(_ SessionConfig, f *fake) { f.startErr = start })))
	if !errors.Is(err, start) || !strings.Contains(err.Error(), "x/mem") {
		t.Fatalf("err = %v, want the start error naming x/mem", err)
	}
}

// Every real target runs, echoes correctly and records calls at 1 and 8
// in flight; so do the rows run only when named, the host–NIC interfaces
// and the typed stubs (each call through echopb.EchoClient checked as an
// echo of its request).
func TestEveryTargetRuns(t *testing.T) {
	for _, target := range slices.Concat(Targets(), Interfaces(), Typed()) {
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

// A port already in use is ErrStart with the system's errno, naming the
// server that failed.
func TestPortInUse(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	port := lis.Addr().(*net.TCPAddr).Port
	for _, target := range []Target{GRPC(), NetRPC()} {
		cfg := shortConfig(target)
		cfg.Port = port
		_, err := Run(cfg)
		if !errors.Is(err, ErrStart) || !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), target.System+" server") {
			t.Errorf("%s on a busy port: err = %v, want ErrStart and EADDRINUSE naming the server", target.Name(), err)
		}
	}
}

// Rounds pool into one row per pair: all the calls over all the windows;
// a failure in a later round names the round.
func TestRoundsPool(t *testing.T) {
	cfg := shortConfig(echoTarget("a"))
	cfg.Rounds = 3
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 2 {
		t.Fatalf("%d rows, want one per concurrency: %+v", len(rep), rep)
	}
	for _, r := range rep {
		if r.Window < 3*cfg.Duration {
			t.Errorf("c=%d: window %v, want at least 3 rounds of %v", r.Concurrency, r.Window, cfg.Duration)
		}
		if r.RPS != float64(r.Calls)/r.Window.Seconds() {
			t.Errorf("c=%d: rps %g is not calls/window", r.Concurrency, r.RPS)
		}
	}

	starts := 0
	boom := errors.New("boom")
	flaky := fakeTarget("flaky", func(cfg SessionConfig, f *fake) {
		if starts++; starts == 3 { // round 2, concurrency 1
			f.startErr = boom
		}
		f.drive = func(lanes []*Lane) error {
			return Blocking(lanes, cfg.Payload, func(_ int, req []byte) ([]byte, error) { return req, nil })
		}
	})
	cfg = shortConfig(flaky)
	cfg.Rounds = 2
	rep, err = Run(cfg)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "flaky/mem at concurrency 1 (round 2 of 2)") {
		t.Fatalf("err = %v, want boom naming round 2", err)
	}
	if len(rep) != 2 {
		t.Fatalf("rows from round 1 kept: %d, want 2", len(rep))
	}
}

// More calls in flight than the client's TX ring has slots (256): Go is
// refused with ErrBusy and the lane waits for its turn, Call waits for
// room; no call is lost or answered wrongly.
func TestDaggerBeyondRingSize(t *testing.T) {
	for _, target := range []Target{Dagger("loopback"), DaggerBlocking("loopback")} {
		cfg := shortConfig(target)
		cfg.Concurrency = []int{300}
		cfg.StopGrace = DefaultStopGrace
		rep, err := Run(cfg)
		if err != nil {
			t.Fatalf("%s: %v", target.Name(), err)
		}
		if rep[0].Calls == 0 {
			t.Errorf("%s: no calls completed", target.Name())
		}
	}
}

func TestMain(m *testing.M) {
	ServeIfChild() // the cross-process rows' servers are this test binary
	os.Exit(m.Run())
}

// Every cross-process target runs its server in a child process, echoes
// correctly at 1 and 8 in flight, and marks its rows; the ratios compare
// them with the cross-process baseline.
func TestCrossTargetsRun(t *testing.T) {
	cfg := shortConfig(CrossTargets()...)
	cfg.Concurrency = []int{1, 8}
	cfg.StopGrace = DefaultStopGrace
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 2*len(CrossTargets()) {
		t.Fatalf("%d rows", len(rep))
	}
	for i, r := range rep {
		if r.Calls == 0 || !r.CrossProcess || !rep.Ratios()[i].OK {
			t.Errorf("row %+v (ratios %+v)", r, rep.Ratios()[i])
		}
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil || !strings.Contains(b.String(), "udp/cross-process") {
		t.Errorf("table %v:\n%s", err, b.String())
	}
}
