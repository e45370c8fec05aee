package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/bench/rpcbench"
)

// catalogue stands in for rpcbench.Targets: parse only reads names.
var catalogue = []rpcbench.Target{
	{System: "dagger", Transport: "loopback"},
	{System: "dagger", Transport: "udp"},
	{System: "grpc-go", Transport: "tcp"},
	{System: "net/rpc", Transport: "tcp"},
}

func targetNames(ts []rpcbench.Target) []string {
	var n []string
	for _, t := range ts {
		n = append(n, t.Name())
	}
	return n
}

func TestParseDefaults(t *testing.T) {
	opt, err := parse(nil, catalogue, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := opt.cfg
	if opt.json || opt.progress || c.Duration != 2*time.Second || c.Warmup != 300*time.Millisecond ||
		c.Payload != 52 || c.Port != 0 || c.Rounds != 1 || !slices.Equal(c.Concurrency, []int{1, 8, 64}) ||
		len(c.Targets) != len(catalogue) {
		t.Fatalf("defaults: %+v json=%v progress=%v", c, opt.json, opt.progress)
	}
	// The whole default run stays under a minute: rows × (warm-up + window).
	if total := time.Duration(len(c.Concurrency)*len(rpcbench.Targets())) * (c.Warmup + c.Duration); total >= 55*time.Second {
		t.Errorf("default run takes %v of measuring, want under a minute in all", total)
	}
}

func TestParseFlags(t *testing.T) {
	opt, err := parse([]string{"--json", "--duration", "500ms", "--warmup=0s", "--concurrency", " 4, 2 ",
		"--systems", "net/rpc,dagger/udp", "--payload", "8", "--port", "9000", "--cpuprofile", "cpu.out", "--rounds", "3"}, catalogue, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := opt.cfg
	if !opt.json || opt.cpuprofile != "cpu.out" || c.Rounds != 3 || c.Duration != 500*time.Millisecond || c.Warmup != 0 || c.Payload != 8 || c.Port != 9000 ||
		!slices.Equal(c.Concurrency, []int{4, 2}) {
		t.Fatalf("parsed %+v", c)
	}
	// Catalogue order, not the order named.
	if got := targetNames(c.Targets); !slices.Equal(got, []string{"dagger/udp", "net/rpc/tcp"}) {
		t.Fatalf("--systems net/rpc,dagger/udp selected %v", got)
	}
	opt, err = parse([]string{"--systems", "dagger"}, catalogue, io.Discard)
	if got := targetNames(opt.cfg.Targets); err != nil || !slices.Equal(got, []string{"dagger/loopback", "dagger/udp"}) {
		t.Fatalf("--systems dagger selected %v, %v", got, err)
	}
}

// Every bad flag is a usage error that names the flag and the culprit.
func TestParseRejects(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--concurrency", "1,x"}, `--concurrency "1,x": item 2 "x"`},
		{[]string{"--concurrency", "0"}, `item 1 "0"`},
		{[]string{"--concurrency", "1,,8"}, `item 2 ""`},
		{[]string{"--concurrency", "5000"}, `item 1 "5000"`},
		{[]string{"--concurrency", "8,1,8"}, "8 appears twice"},
		{[]string{"--systems", "grpc"}, `unknown system "grpc" (known: dagger/loopback, dagger/udp, grpc-go/tcp, net/rpc/tcp)`},
		{[]string{"--systems", "dagger/tcp"}, `unknown system "dagger/tcp"`},
		{[]string{"--duration", "0s"}, "--duration 0s: must be positive"},
		{[]string{"--warmup", "-1s"}, "--warmup -1s"},
		{[]string{"--payload", "53"}, "--payload 53: must be 1..52"},
		{[]string{"--port", "70000"}, "--port 70000"},
		{[]string{"--rounds", "0"}, "--rounds 0: must be 1..100"},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		_, err := parse(c.args, catalogue, io.Discard)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parse(%q) = %v, want a usage error containing %q", c.args, err, c.want)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--systems", "nope"}, &out, &errOut, false); code != 2 || !strings.Contains(errOut.String(), `unknown system "nope"`) {
		t.Errorf("bad flag: exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"--help"}, &out, &errOut, false); code != 0 || !strings.Contains(errOut.String(), "-concurrency") {
		t.Errorf("--help: exit %d, stderr %q", code, errOut.String())
	}

	// A port in use fails the first row with exit 1, naming the row and the cause.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	port := strconv.Itoa(lis.Addr().(*net.TCPAddr).Port)
	out.Reset()
	errOut.Reset()
	code := run([]string{"--systems", "grpc-go", "--port", port, "--duration", "10ms"}, &out, &errOut, false)
	if code != 1 || !strings.Contains(errOut.String(), "grpc-go/tcp at concurrency 1: grpc-go server: failed to start: listen tcp 127.0.0.1:"+port) ||
		!strings.Contains(errOut.String(), "address already in use") {
		t.Errorf("port in use: exit %d, stderr %q", code, errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("a failed run printed a report: %q", out.String())
	}
}

// A real short run of net/rpc prints one JSON row per concurrency, and the
// table mode prints the header line and the table.
func TestRunPrintsJSONAndTable(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"--systems", "net/rpc,grpc-go", "--concurrency", "1,2", "--duration", "20ms", "--warmup", "1ms"}
	if code := run(append(args, "--json"), &out, &errOut, false); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr without --progress or a terminal: %q", errOut.String())
	}
	var rows []rpcbench.JSONRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.System+"/"+strconv.Itoa(r.Concurrency))
		if r.Transport != "tcp" || r.RPS <= 0 || r.P50us <= 0 || r.P99us < r.P50us {
			t.Errorf("row %+v", r)
		}
	}
	if !slices.Equal(got, []string{"grpc-go/1", "net/rpc/1", "grpc-go/2", "net/rpc/2"}) {
		t.Errorf("rows %v", got)
	}

	out.Reset()
	if code := run(append(args, "--progress"), &out, &errOut, false); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "rpcbench: 52-byte echo, 20ms per row") ||
		!strings.Contains(lines[2], "rps vs grpc-go") || !strings.HasSuffix(strings.Join(strings.Fields(lines[3]), " "), "1.0x 1.0x") {
		t.Errorf("table:\n%s", out.String())
	}
	if n := strings.Count(errOut.String(), "rpcbench: round 1/1 "); n != 4 {
		t.Errorf("--progress printed %d lines, want 4: %q", n, errOut.String())
	}
}

func TestMain(m *testing.M) {
	rpcbench.ServeIfChild() // a cross-process row's server is this test binary
	os.Exit(m.Run())
}

// --cross-process adds the cross-process rows, and a short run of them
// marks every JSON row.
func TestCrossProcessRows(t *testing.T) {
	opt, err := parse([]string{"--cross-process", "--systems", "dagger/udp/cross-process,grpc-go"}, catalogue, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range opt.cfg.Targets {
		got = append(got, tg.Name())
	}
	if !slices.Equal(got, []string{"grpc-go/tcp", "dagger/udp/cross-process", "grpc-go/tcp/cross-process"}) {
		t.Fatalf("targets %v", got)
	}
	if _, err := parse([]string{"--systems", "dagger/udp/cross-process"}, catalogue, io.Discard); !errors.Is(err, errUsage) {
		t.Fatalf("a cross-process row without --cross-process: %v", err)
	}
	var out, errOut bytes.Buffer
	args := []string{"--cross-process", "--systems", "dagger/udp/cross-process,grpc-go/tcp/cross-process", "--concurrency", "1", "--duration", "100ms", "--warmup", "50ms", "--json"}
	if code := run(args, &out, &errOut, false); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rows []rpcbench.JSONRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	for _, r := range rows {
		if !r.CrossProcess || r.RPS <= 0 {
			t.Errorf("row %+v", r)
		}
	}
}
