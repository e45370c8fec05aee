package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/daggercheck/daggercheck/bench/rpcbench"
)

// errUsage marks bad flags (exit 2).
var errUsage = errors.New("usage")

// options are the parsed flags.
type options struct {
	json       bool
	progress   bool
	cpuprofile string
	cfg        rpcbench.Config
}

func main() {
	rpcbench.ServeIfChild() // a cross-process row's server: this executable again
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr)))
}

// run is main with its streams and exit status explicit, for tests.
func run(args []string, stdout, stderr io.Writer, tty bool) int {
	opt, err := parse(args, rpcbench.Targets(), stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "rpcbench: %v\n", err)
		return 2
	}
	if opt.progress || tty {
		opt.cfg.Progress = stderr
	}
	if opt.cpuprofile != "" {
		f, err := os.Create(opt.cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "rpcbench: --cpuprofile: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "rpcbench: --cpuprofile %s: %v\n", opt.cpuprofile, err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := rpcbench.Run(opt.cfg)
	if err != nil {
		fmt.Fprintf(stderr, "rpcbench: %v\n", err)
		return 1
	}
	if opt.json {
		err = rep.WriteJSON(stdout)
	} else {
		rounds := ""
		if opt.cfg.Rounds > 1 {
			rounds = fmt.Sprintf(" × %d rounds pooled", opt.cfg.Rounds)
		}
		fmt.Fprintf(stdout, "rpcbench: %d-byte echo, %v per row%s after %v warm-up each, GOMAXPROCS %d, %s %s/%s\n\n",
			opt.cfg.Payload, opt.cfg.Duration, rounds, opt.cfg.Warmup, runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		err = rep.WriteTable(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "rpcbench: writing the report: %v\n", err)
		return 1
	}
	return 0
}

// parse reads the flags; a usage error wraps errUsage and names the flag.
func parse(args []string, catalogue []rpcbench.Target, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("rpcbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opt options
	fs.BoolVar(&opt.json, "json", false, "print a JSON array of {system, transport, concurrency, rps, p50_us, p99_us}")
	fs.BoolVar(&opt.progress, "progress", false, "print a line on stderr as each row finishes (default when stderr is a terminal)")
	fs.DurationVar(&opt.cfg.Duration, "duration", 2*time.Second, "measured time per row")
	fs.DurationVar(&opt.cfg.Warmup, "warmup", 300*time.Millisecond, "unrecorded time before each row's measurement")
	fs.IntVar(&opt.cfg.Payload, "payload", rpcbench.MaxPayload, "echoed bytes per RPC (1..52: one Dagger slot's arguments)")
	fs.IntVar(&opt.cfg.Rounds, "rounds", 1, "run the whole matrix this many times, interleaved, and pool each row's rounds (steadier ratios on a busy machine)")
	fs.IntVar(&opt.cfg.Port, "port", 0, "port the TCP servers bind on 127.0.0.1, one row at a time (0: any free port; dagger's UDP sockets always take free ports)")
	fs.StringVar(&opt.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	conc := fs.String("concurrency", "1,8,64", "comma-separated numbers of RPCs in flight")
	systems := fs.String("systems", "", "comma-separated systems or system/transport pairs to run (default all: "+names(catalogue)+
		"; by name only, the host–NIC interfaces: "+names(rpcbench.Interfaces())+", and the typed stubs: "+names(rpcbench.Typed())+")")
	cross := fs.Bool("cross-process", false, "also run the cross-process rows (the server in a child process): "+names(rpcbench.CrossTargets()))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opt, err
		}
		return opt, fmt.Errorf("%w: %v", errUsage, err) // flag already printed the usage
	}
	if fs.NArg() > 0 {
		return opt, fmt.Errorf("%w: unexpected argument %q (rpcbench takes flags only)", errUsage, fs.Arg(0))
	}
	if opt.cfg.Duration <= 0 {
		return opt, fmt.Errorf("%w: --duration %v: must be positive", errUsage, opt.cfg.Duration)
	}
	if opt.cfg.Warmup < 0 {
		return opt, fmt.Errorf("%w: --warmup %v: must not be negative", errUsage, opt.cfg.Warmup)
	}
	if opt.cfg.Payload < 1 || opt.cfg.Payload > rpcbench.MaxPayload {
		return opt, fmt.Errorf("%w: --payload %d: must be 1..%d (one Dagger slot's arguments)", errUsage, opt.cfg.Payload, rpcbench.MaxPayload)
	}
	if opt.cfg.Rounds < 1 || opt.cfg.Rounds > maxRounds {
		return opt, fmt.Errorf("%w: --rounds %d: must be 1..%d", errUsage, opt.cfg.Rounds, maxRounds)
	}
	if opt.cfg.Port < 0 || opt.cfg.Port > 65535 {
		return opt, fmt.Errorf("%w: --port %d: must be 0..65535", errUsage, opt.cfg.Port)
	}
	var err error
	if opt.cfg.Concurrency, err = parseConcurrency(*conc); err != nil {
		return opt, err
	}
	if *cross {
		catalogue = append(slices.Clone(catalogue), rpcbench.CrossTargets()...)
	}
	if opt.cfg.Targets, err = selectTargets(*systems, catalogue); err != nil {
		return opt, err
	}
	return opt, nil
}

// maxRounds bounds --rounds, a guard against a typo that would run for
// hours.
const maxRounds = 100

// maxConcurrency bounds --concurrency: each lane is a goroutine and a
// histogram of some 58 KiB.
const maxConcurrency = 4096

// parseConcurrency reads "1,8,64": positive, at most maxConcurrency, no
// repeats, in the order given.
func parseConcurrency(s string) ([]int, error) {
	var out []int
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > maxConcurrency {
			return nil, fmt.Errorf("%w: --concurrency %q: item %d %q is not a number of RPCs in flight (1..%d)", errUsage, s, i+1, f, maxConcurrency)
		}
		if slices.Contains(out, n) {
			return nil, fmt.Errorf("%w: --concurrency %q: %d appears twice", errUsage, s, n)
		}
		out = append(out, n)
	}
	return out, nil
}

// selectTargets keeps the catalogue's targets named in s, in catalogue
// order; an entry is a system (all its transports) or system/transport.
// Empty s keeps them all.
func selectTargets(s string, catalogue []rpcbench.Target) ([]rpcbench.Target, error) {
	if strings.TrimSpace(s) == "" {
		return catalogue, nil
	}
	known := fmt.Sprintf("(known: %s), or a row run only when named: a host–NIC interface (%s) or the typed stubs (%s)",
		names(catalogue), names(rpcbench.Interfaces()), names(rpcbench.Typed()))
	catalogue = append(slices.Clip(catalogue), append(rpcbench.Interfaces(), rpcbench.Typed()...)...)
	keep := make([]bool, len(catalogue))
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		found := false
		for i, t := range catalogue {
			if e == t.System || e == t.Name() {
				keep[i], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: --systems: unknown system %q %s", errUsage, e, known)
		}
	}
	var out []rpcbench.Target
	for i, t := range catalogue {
		if keep[i] {
			out = append(out, t)
		}
	}
	return out, nil
}

// names lists the catalogue as system/transport pairs.
func names(catalogue []rpcbench.Target) string {
	var n []string
	for _, t := range catalogue {
		n = append(n, t.Name())
	}
	return strings.Join(n, ", ")
}

// isTerminal reports whether f is a character device (a terminal), as
// progress goes to stderr only then, as the CLI contract asks.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
