package rpc_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/daggercheck/daggercheck/history"
	"github.com/daggercheck/daggercheck/impl/rpc"
	"github.com/daggercheck/daggercheck/impl/transport"
)

// The cross-process tests run the server in a child process: this test
// binary again, with crossServerEnv set to the executed-call log's path.
const (
	crossServerEnv = "RPC_CROSS_SERVER_LOG"
	crossAddrEnv   = "RPC_CROSS_SERVER_ADDR"
	crossFaultsEnv = "RPC_CROSS_SERVER_FAULTS" // seed,lose,dup,reorder
	// crossCallsEnv sets the calls of TestCrossProcessExactlyOnce (and
	// thrice its default, TestCrossProcessServerKilled's).
	crossCallsEnv = "RPC_CROSS_CALLS"
)

// crossRTO is both sides' retransmission period: under 20% loss a short
// one keeps the go-back-N window moving when fast retransmission has
// nothing to go on (a lost tail of the window, a lost duplicate ack).
const crossRTO = time.Millisecond

func TestMain(m *testing.M) {
	if log := os.Getenv(crossServerEnv); log != "" {
		os.Exit(crossServer(log))
	}
	os.Exit(m.Run())
}

// crossServer is the child: it serves fn 1 ("put"), which appends its
// exec event to the log — one write(2) with O_APPEND per execution,
// before the response goes out, so that the log survives a SIGKILL and
// holds every call whose response any client saw — and returns its
// argument. It prints its address and serves until stdin closes.
func crossServer(logPath string) int {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	nf, err := parseFaults(os.Getenv(crossFaultsEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var srv *rpc.Server
	addr := os.Getenv(crossAddrEnv)
	for i := 0; ; i++ { // a restarted server binds its predecessor's port
		if srv, err = rpc.Listen(addr, rpc.ServerConfig{Node: rpc.Config{Flows: 2}, Net: rpc.NetConfig{Faults: nf, RTO: crossRTO}}); err == nil {
			break
		}
		if i == 100 {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		time.Sleep(20 * time.Millisecond)
	}
	name := "s" + strconv.FormatUint(srv.Incarnation(), 10)
	var mu sync.Mutex // the flows' dispatch threads run handlers at once
	var line []byte
	srv.HandleRequest(1, "put", func(req *rpc.Request, ret []byte) ([]byte, error) {
		conn, id, ok := callKey(req.Args)
		if !ok {
			return nil, fmt.Errorf("bad argument %q", req.Args)
		}
		e := history.Event{Kind: history.EventExec, Server: name, Conn: conn, ID: id, Fn: "put", Arg: string(req.Args), Ret: string(req.Args)}
		mu.Lock()
		defer mu.Unlock()
		line = append(append(line[:0], e.String()...), '\n')
		if _, err := f.Write(line); err != nil {
			return nil, err
		}
		return append(ret, req.Args...), nil
	})
	if err := srv.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("addr=%s\n", srv.Addr())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	hc, nc := srv.Counters()
	fmt.Fprintf(os.Stderr, "server %s: %s\n  %s\n", name, hc, nc)
	srv.Close()
	return 0
}

// callKey reads "conn:id" from a call's argument.
func callKey(arg []byte) (conn, id uint64, ok bool) {
	c, i, found := strings.Cut(string(arg), ":")
	if !found {
		return 0, 0, false
	}
	conn, err1 := strconv.ParseUint(c, 10, 64)
	id, err2 := strconv.ParseUint(i, 10, 64)
	return conn, id, err1 == nil && err2 == nil
}

func parseFaults(s string) (transport.NetFaults, error) {
	var nf transport.NetFaults
	if s == "" {
		return nf, nil
	}
	_, err := fmt.Sscanf(s, "%d,%g,%g,%g", &nf.Seed, &nf.Lose, &nf.Duplicate, &nf.Reorder)
	return nf, err
}

// child is a running server process.
type child struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	addr  string
	errb  *bytes.Buffer
}

func startServer(t *testing.T, log, addr string, nf transport.NetFaults) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crossServerEnv+"="+log, crossAddrEnv+"="+addr,
		fmt.Sprintf("%s=%d,%g,%g,%g", crossFaultsEnv, nf.Seed, nf.Lose, nf.Duplicate, nf.Reorder))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errb := &bytes.Buffer{}
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "addr=") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("server child: %q, %v; stderr: %s", line, err, errb)
	}
	return &child{cmd: cmd, stdin: stdin, addr: strings.TrimSpace(strings.TrimPrefix(line, "addr=")), errb: errb}
}

// stop ends the child cleanly (stdin closed) and logs its counters.
func (c *child) stop(t *testing.T) {
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("server child: %v; stderr: %s", err, c.errb)
	}
	t.Logf("%s", strings.TrimSpace(c.errb.String()))
}

// kill ends the child with SIGKILL.
func (c *child) kill(t *testing.T) {
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// recorder is the client side's history: calls and completions.
type recorder struct {
	mu     sync.Mutex
	events []history.Event
	counts map[history.Status]int
	errs   map[string]int
}

func (r *recorder) add(e history.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// call makes one recorded call k:i on client c.
func (r *recorder) call(ctx context.Context, c *rpc.Client, k, i uint64) {
	arg := fmt.Sprintf("%d:%d", k, i)
	client := "c" + strconv.FormatUint(k, 10)
	r.add(history.Event{Kind: history.EventCall, Client: client, Conn: k, ID: i, Fn: "put", Arg: arg})
	done := history.Event{Kind: history.EventComplete, Client: client, Conn: k, ID: i}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ret, err := c.Call(ctx, 1, []byte(arg))
	switch {
	case err == nil:
		done.Status, done.Ret = history.StatusOK, string(ret)
	case errors.Is(err, context.DeadlineExceeded):
		done.Status = history.StatusTimeout
	default:
		done.Status = history.StatusError
	}
	r.add(done)
	r.mu.Lock()
	if r.counts == nil {
		r.counts, r.errs = map[history.Status]int{}, map[string]int{}
	}
	r.counts[done.Status]++
	if err != nil {
		msg := err.Error()
		if j := strings.LastIndex(msg, ": "); j >= 0 && errors.Is(err, rpc.ErrPeerRestarted) {
			msg = "peer restarted"
		}
		r.errs[msg]++
	}
	r.mu.Unlock()
}

// check merges the client's events with the server's executed-call log —
// every call, then every execution in the log's order, then every
// completion: an order in which each call comes before its executions
// and each execution before the call's completion — and checks it.
func (r *recorder) check(t *testing.T, log string, opts history.HistoryOptions) *history.History {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	execs, err := history.ParseHistory(log, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	h := &history.History{Name: "merged"}
	for _, e := range r.events {
		if e.Kind == history.EventCall {
			h.Events = append(h.Events, e)
		}
	}
	h.Events = append(h.Events, execs.Events...)
	for _, e := range r.events {
		if e.Kind == history.EventComplete {
			h.Events = append(h.Events, e)
		}
	}
	res := h.Check(opts)
	if !res.OK() {
		out := filepath.Join(t.TempDir(), "history.txt")
		if f, err := os.Create(out); err == nil {
			h.Format(f)
			f.Close()
		}
		t.Fatalf("history (%s): %s", out, res.Violation)
	}
	return h
}

// crossCalls is the calls a cross-process test makes: def, or
// crossCallsEnv's.
func crossCalls(t *testing.T, def int) int {
	if s := os.Getenv(crossCallsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", crossCallsEnv, s)
		}
		return n
	}
	return def
}

// drive makes n calls from `clients` goroutines on c (calls k:i with
// i from 0), and calls at(done) after every completed call.
func drive(ctx context.Context, r *recorder, c *rpc.Client, k uint64, n, clients int, at func(int)) {
	var next, done sync.Mutex
	i, finished := 0, 0
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				next.Lock()
				id := i
				i++
				next.Unlock()
				if id >= n {
					return
				}
				r.call(ctx, c, k, uint64(id))
				done.Lock()
				finished++
				f := finished
				done.Unlock()
				if at != nil {
					at(f)
				}
			}
		})
	}
	wg.Wait()
}

// TestCrossProcessExactlyOnce: calls from this process to a server in
// another, both sockets losing 20% of the datagrams they write and
// duplicating and reordering others; the merged history is exactly-once
// and complete.
func TestCrossProcessExactlyOnce(t *testing.T) {
	n := crossCalls(t, 1500)
	log := filepath.Join(t.TempDir(), "exec.log")
	faults := func(seed uint64) transport.NetFaults {
		return transport.NetFaults{Seed: seed, Lose: 0.2, Duplicate: 0.05, Reorder: 0.05}
	}
	srv := startServer(t, log, "127.0.0.1:0", faults(2))
	defer srv.stop(t)
	ctx := context.Background()
	c, err := rpc.Dial(ctx, srv.addr, rpc.DialConfig{Net: rpc.NetConfig{Faults: faults(1), RTO: crossRTO}})
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	start := time.Now()
	drive(ctx, r, c, 1, n, 64, nil)
	took := time.Since(start)
	hc, nc := c.Counters()
	t.Logf("%d calls in %v (%.0f/s); client: %s\n  %s", n, took.Round(time.Millisecond), float64(n)/took.Seconds(), hc, nc)
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	if nc.Socket.Lost == 0 || nc.Socket.Duplicated == 0 || nc.Socket.Reordered == 0 {
		t.Errorf("the client's socket injected no fault of some kind: %s", nc.Socket)
	}
	h := r.check(t, log, history.HistoryOptions{Semantics: history.ExactlyOnce, Complete: true})
	if got := len(h.Events); got != 3*n {
		t.Errorf("%d events for %d calls, want %d", got, n, 3*n)
	}
}

// TestCrossProcessServerKilled: the server process is killed (SIGKILL)
// mid-run and a new one started at its address with its log; no call
// whose response came is missing from the log, none ran twice, and every
// call completed — ok, or failed with ErrPeerRestarted — none hung.
func TestCrossProcessServerKilled(t *testing.T) {
	n := crossCalls(t, 1000)
	log := filepath.Join(t.TempDir(), "exec.log")
	first := startServer(t, log, "127.0.0.1:0", transport.NetFaults{})
	ctx := context.Background()
	c, err := rpc.Dial(ctx, first.addr, rpc.DialConfig{})
	if err != nil {
		first.kill(t)
		t.Fatal(err)
	}
	r := &recorder{}
	var second *child
	var once sync.Once
	restarted := make(chan struct{})
	go func() {
		<-restarted
	}()
	drive(ctx, r, c, 1, n, 16, func(done int) {
		if done == n/3 {
			once.Do(func() {
				first.kill(t)
				second = startServer(t, log, first.addr, transport.NetFaults{})
				close(restarted)
			})
		}
	})
	hc, nc := c.Counters()
	t.Logf("client: %s\n  %s\n  outcomes %v, errors %v", hc, nc, r.counts, r.errs)
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	if second == nil {
		t.Fatal("the server was never restarted")
	}
	second.stop(t)
	r.check(t, log, history.HistoryOptions{Semantics: history.AtMostOnce, Complete: true})
	if r.counts[history.StatusTimeout] > 0 {
		t.Errorf("%d calls hung until their timeout: %v", r.counts[history.StatusTimeout], r.errs)
	}
	for msg, k := range r.errs {
		if msg != "peer restarted" {
			t.Errorf("%d calls failed with %s, want ErrPeerRestarted only", k, msg)
		}
	}
	if r.counts[history.StatusOK] < n-16 || hc.Resets != 1 {
		t.Errorf("%d of %d calls ok, %d resets; want all but those in flight at the kill, after one reset", r.counts[history.StatusOK], n, hc.Resets)
	}
}
