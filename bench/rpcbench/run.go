package rpcbench

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/daggercheck/daggercheck/bench/hist"
)

// Errors callers test with errors.Is.
var (
	// ErrEcho: a response differed from its request.
	ErrEcho = errors.New("echo mismatch")
	// ErrStalled: a session's calls did not all return within Config.StopGrace
	// of the end of a row (a lost packet on a transport without retries,
	// a deadlock).
	ErrStalled = errors.New("calls still in flight after the run ended")
	// ErrEarlyExit: a session stopped driving calls before the row ended
	// without reporting an error.
	ErrEarlyExit = errors.New("session stopped before the run ended")
	// ErrStart: a server or client failed to start (a port in use, a
	// socket the system refused).
	ErrStart = errors.New("failed to start")
)

// DefaultStopGrace is how long a row waits, after its window closes, for
// calls still in flight to return before it reports ErrStalled.
const DefaultStopGrace = 5 * time.Second

// MaxPayload is the largest echo payload: one Dagger slot's arguments.
const MaxPayload = 52

// Config is one run: every target at every concurrency.
type Config struct {
	Targets     []Target
	Concurrency []int
	// Warmup runs before each row's window; nothing in it is recorded.
	Warmup time.Duration
	// Duration is each row's measured window.
	Duration time.Duration
	// Payload is the echoed request's size in bytes (1..MaxPayload).
	Payload int
	// Port, when non-zero, is the port every server binds on 127.0.0.1
	// (rows run one after another, each closing its server); zero picks
	// a free port for each.
	Port int
	// Rounds runs the whole matrix this many times (at least once),
	// interleaved, and pools each row's rounds: on a shared machine every
	// stack then sees the same drift in load, so ratios are steadier.
	Rounds int
	// StopGrace overrides DefaultStopGrace when positive.
	StopGrace time.Duration
	// Progress, when non-nil, gets one line as each row finishes.
	Progress io.Writer
}

// Target is one RPC stack over one transport.
type Target struct {
	System    string // dagger, grpc-go, net/rpc (or a variant's own name)
	Transport string // loopback, udp, tcp
	// CrossProcess: the server runs in a child process (CrossTargets).
	CrossProcess bool
	// Start starts an echo server and a client able to keep
	// cfg.Concurrency calls in flight.
	Start func(cfg SessionConfig) (Session, error)
}

// Name is "system/transport" (with "/cross-process" for a cross-process
// target), the name --systems accepts.
func (t Target) Name() string {
	if t.CrossProcess {
		return t.System + "/" + t.Transport + "/cross-process"
	}
	return t.System + "/" + t.Transport
}

// SessionConfig is what a Target needs to start.
type SessionConfig struct {
	Concurrency int
	Payload     int
	Port        int // 0: any free port
}

// Session is a running server and client.
type Session interface {
	// Drive keeps one call in flight per lane (or len(lanes) pipelined
	// calls) until Lane.Running is false, reporting each completed call
	// with Lane.Done, and returns once every call has returned, with the
	// first error (after Lane.Fail, which stops every lane).
	Drive(lanes []*Lane) error
	// Close stops the client and the server and releases their ports. It
	// also unblocks a Drive that is stuck.
	Close() error
}

// Phases of a row, shared by its lanes.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

// row is the state a row's lanes share.
type row struct {
	phase   atomic.Int32
	errOnce sync.Once
	err     error
}

// Lane is one in-flight call's worth of load. Only its own goroutine
// touches its histogram, so recording needs no lock.
type Lane struct {
	ID  int
	row *row
	h   hist.Histogram
}

// Running reports whether the lane should issue another call.
func (l *Lane) Running() bool { return l.row.phase.Load() != phaseStop }

// Done records a call issued at start that has just completed, if it
// completed inside the measured window: throughput counts completions in
// the window, and calls begun in the warm-up are steady-state calls by
// the time they complete in it.
func (l *Lane) Done(start time.Time) {
	if l.row.phase.Load() == phaseMeasure {
		l.h.Record(time.Since(start))
	}
}

// DoneAt is Done with the completion time given: a pipelined driver
// that reaps a batch of completions reads the clock once for the batch.
func (l *Lane) DoneAt(start, end time.Time) {
	if l.row.phase.Load() == phaseMeasure {
		l.h.Record(end.Sub(start))
	}
}

// Fail records the first error of the row and stops every lane.
func (l *Lane) Fail(err error) {
	l.row.errOnce.Do(func() { l.row.err = err })
	l.row.phase.Store(phaseStop)
}

// Row is one measured (target, concurrency) pair, pooled over the
// rounds: rps is all its calls over all its windows, the percentiles are
// those of all its calls.
type Row struct {
	System       string
	Transport    string
	CrossProcess bool
	Concurrency  int
	Calls        uint64        // completed in the windows
	Window       time.Duration // the windows' total measured length
	RPS          float64
	P50, P99     time.Duration
}

// Report is a run's rows, in the order they ran: each concurrency in turn,
// every target at it, so the rows compared with each other ran close
// together in time.
type Report []Row

// Run measures every target at every concurrency, Rounds times over. It
// stops at the first row that fails, returning the rows measured so far
// and an error naming the row.
func Run(cfg Config) (Report, error) {
	if cfg.Payload < 1 || cfg.Payload > MaxPayload {
		return nil, fmt.Errorf("payload %d bytes: must be 1..%d", cfg.Payload, MaxPayload)
	}
	if cfg.Duration <= 0 {
		return nil, fmt.Errorf("duration %v: must be positive", cfg.Duration)
	}
	rounds := max(cfg.Rounds, 1)
	// pooled holds one row's rounds: their calls' durations and their
	// windows' total length.
	type pooled struct {
		h      hist.Histogram
		window time.Duration
	}
	nt := len(cfg.Targets)
	acc := make([]pooled, len(cfg.Concurrency)*nt)
	report := func() Report {
		var rep Report
		for i := range acc {
			a := &acc[i]
			if a.window == 0 {
				continue
			}
			t, c := cfg.Targets[i%nt], cfg.Concurrency[i/nt]
			rep = append(rep, Row{
				System:       t.System,
				Transport:    t.Transport,
				CrossProcess: t.CrossProcess,
				Concurrency:  c,
				Calls:        a.h.Count(),
				Window:       a.window,
				RPS:          float64(a.h.Count()) / a.window.Seconds(),
				P50:          a.h.Quantile(0.50),
				P99:          a.h.Quantile(0.99),
			})
		}
		return rep
	}
	for round := range rounds {
		for ci, c := range cfg.Concurrency {
			for ti, t := range cfg.Targets {
				h, window, err := measure(t, cfg, c)
				if err != nil {
					at := ""
					if rounds > 1 {
						at = fmt.Sprintf(" (round %d of %d)", round+1, rounds)
					}
					return report(), fmt.Errorf("%s at concurrency %d%s: %w", t.Name(), c, at, err)
				}
				a := &acc[ci*nt+ti]
				a.h.Merge(h)
				a.window += window
				if cfg.Progress != nil {
					fmt.Fprintf(cfg.Progress, "rpcbench: round %d/%d %-24s c=%-3d %10.0f rps  p50 %8.2f  p99 %9.2f  mean %8.2f  max %9.2f µs\n",
						round+1, rounds, t.Name(), c, float64(h.Count())/window.Seconds(),
						us(h.Quantile(0.5)), us(h.Quantile(0.99)), us(h.Mean()), us(h.Max()))
				}
			}
		}
	}
	return report(), nil
}

// measure runs one row once: start, warm up, measure, stop, close. It
// returns the calls completed in the window and the window's length.
func measure(t Target, cfg Config, conc int) (*hist.Histogram, time.Duration, error) {
	if conc < 1 {
		return nil, 0, fmt.Errorf("concurrency %d: must be at least 1", conc)
	}
	s, err := t.Start(SessionConfig{Concurrency: conc, Payload: cfg.Payload, Port: cfg.Port})
	if err != nil {
		return nil, 0, err
	}
	r := &row{}
	lanes := make([]*Lane, conc)
	for i := range lanes {
		lanes[i] = &Lane{ID: i, row: r}
	}
	done := make(chan error, 1)
	go func() { done <- s.Drive(lanes) }()

	// wait returns the session's result if it ends within d, and
	// finished=false if d passes first.
	wait := func(d time.Duration) (err error, finished bool) {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case err := <-done:
			return err, true
		case <-timer.C:
			return nil, false
		}
	}
	fail := func(err error) (*hist.Histogram, time.Duration, error) {
		r.phase.Store(phaseStop)
		_ = s.Close()
		return nil, 0, err
	}
	early := func(err error) (*hist.Histogram, time.Duration, error) {
		if r.err != nil {
			err = r.err
		}
		if err == nil {
			err = ErrEarlyExit
		}
		return fail(err)
	}

	if err, finished := wait(cfg.Warmup); finished {
		return early(err)
	}
	r.phase.Store(phaseMeasure)
	begin := time.Now()
	if err, finished := wait(cfg.Duration); finished {
		return early(err)
	}
	r.phase.Store(phaseStop)
	window := time.Since(begin)
	grace := cfg.StopGrace
	if grace <= 0 {
		grace = DefaultStopGrace
	}
	err, finished := wait(grace)
	if !finished {
		return fail(fmt.Errorf("%w (waited %v)", ErrStalled, grace))
	}
	if r.err != nil {
		err = r.err
	}
	if err != nil {
		return fail(err)
	}
	if err := s.Close(); err != nil {
		return nil, 0, fmt.Errorf("close: %w", err)
	}
	h := &hist.Histogram{}
	for _, l := range lanes {
		h.Merge(&l.h)
	}
	return h, window, nil
}

// Blocking is the closed loop of a stack with a blocking client call: one
// goroutine per lane, each issuing its next call as soon as the last
// returns. call must be safe for concurrent use by the lanes and return
// the response to req.
func Blocking(lanes []*Lane, payload int, call func(lane int, req []byte) ([]byte, error)) error {
	var wg sync.WaitGroup
	for _, l := range lanes {
		wg.Go(func() {
			req := make([]byte, payload)
			req[0] = byte(l.ID)
			for n := uint64(0); l.Running(); n++ {
				Stamp(req, n)
				start := time.Now()
				resp, err := call(l.ID, req)
				if err != nil {
					l.Fail(fmt.Errorf("lane %d call %d: %w", l.ID, n, err))
					return
				}
				l.Done(start)
				if err := CheckEcho(req, resp); err != nil {
					l.Fail(fmt.Errorf("lane %d call %d: %w", l.ID, n, err))
					return
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// Stamp writes call number n into req's bytes after the first (as many as
// fit), so that a stack that returns a stale or another lane's response
// fails CheckEcho.
func Stamp(req []byte, n uint64) {
	for i := 1; i < len(req) && i < 9; i++ {
		req[i] = byte(n >> (8 * (i - 1)))
	}
}

// CheckEcho reports ErrEcho unless resp equals req.
func CheckEcho(req, resp []byte) error {
	if len(resp) != len(req) {
		return fmt.Errorf("%w: sent %d bytes, got %d", ErrEcho, len(req), len(resp))
	}
	for i := range req {
		if req[i] != resp[i] {
			return fmt.Errorf("%w: byte %d sent %#02x, got %#02x", ErrEcho, i, req[i], resp[i])
		}
	}
	return nil
}

// us converts to microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
