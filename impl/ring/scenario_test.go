package ring

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the outcomes in testdata/scenarios/*.txt")

// Scenario files (testdata/scenarios/*.txt) drive one ring in step mode
// with the ring model's action names and record each step's outcome after
// "->". They open with a "#" paragraph on what they show, then a line
//
//	ring slots=N faults=F [ids=N] [interface=I batch=B]
//
// (F as ParseFaults reads it; ids=N makes RPC k carry rpc_id k mod N and
// its number in frame_id, as the RX model's `ids` parameter; I and B are
// the TX ring's Options.Interface and doorbell batch). Steps:
//
//	write-header | write-args | fence | write-valid   producer stores; the first store of an RPC begins it (admission)
//	mmio-write | mmio-write-lo | mmio-write-hi        the MMIO producer's stores, likewise
//	send                                              the producer's whole write (the RX model's nic-write)
//	doorbell | dma-read | mmio-take                   the doorbell producer's ring; the doorbell and MMIO NIC's take
//	poll-line SLOT | process | poll BATCH             the TX poller
//	load-header | load-args | recheck | receive       the RX host
//	return-credit
//	state                                             the ring's abstract state
//
// RPC k carries rpc_id k+1 and args[0:4] = k+1, so the abstraction names
// it rpcK in both its header and its arguments. The runner keeps the
// consumed history, as the model does, and marks the step that breaks a
// safety property with "broken=...". Outcomes are regenerated with
// `go test ./impl/ring -run TestScenarios -rewrite` and reviewed, never
// edited by hand.

// scenario is one file's run.
type scenario struct {
	r      *Ring
	mmio   bool // the RPC's number also in its last argument bytes, the MMIO store's second half
	ids    int
	sent   int
	taken  map[uint32]bool
	last   uint32
	broken []string
}

func (s *scenario) gen(k int) slot.RPC {
	r := slot.RPC{RPCID: uint32(k + 1), FnID: 1, Argl: 4}
	if s.ids > 0 {
		r.RPCID, r.FrameID = uint32(k%s.ids), uint8(k+1)
	}
	binary.LittleEndian.PutUint32(r.Args[:4], uint32(k+1))
	if s.mmio {
		r.Argl = slot.ArgsSize
		binary.LittleEndian.PutUint32(r.Args[slot.ArgsSize-4:], uint32(k+1))
	}
	return r
}

func (s *scenario) tagger() Tagger {
	switch {
	case s.ids > 0:
		return Tagger{Header: func(h slot.HeaderWord) uint32 { return uint32(h.FrameID()) }, Args: DefaultTags.Args}
	case s.mmio:
		return Tagger{Header: DefaultTags.Header, Args: func(l *slot.Line) uint32 { return uint32(l[slot.Words-1] >> 32) }}
	}
	return DefaultTags
}

// tags names what an RPC taken from the ring holds, by the abstraction.
func (s *scenario) tags(r slot.RPC) (hdr, args uint32) {
	var sl slot.Slot
	if err := r.Encode(&sl, 0, true); err != nil {
		panic(err)
	}
	l := slot.LineOf(&sl)
	t := s.tagger()
	return t.Header(l.Header()), t.Args(&l)
}

func (s *scenario) breaks(name string) {
	if !slices.Contains(s.broken, name) {
		s.broken = append(s.broken, name)
	}
}

// consumed judges what the consumer took, as model/ring's consume does.
func (s *scenario) consumed(rpcs ...slot.RPC) string {
	if len(rpcs) == 0 {
		return "took nothing"
	}
	var out []string
	for _, r := range rpcs {
		h, a := s.tags(r)
		if h == a {
			out = append(out, tagName(h))
		} else {
			out = append(out, fmt.Sprintf("hdr=%s|args=%s", tagName(h), tagName(a)))
		}
		if h != a || h == 0 {
			s.breaks("no-torn-read")
		}
		switch {
		case h == 0:
		case s.taken[h]:
			s.breaks("no-duplicate")
		case h != s.last+1:
			s.breaks("fifo-order")
		}
		if h != 0 {
			s.taken[h] = true
			s.last = h
		}
	}
	return "took " + strings.Join(out, " ")
}

// begin admits the next RPC, judging no-overwrite: its slot's occupant,
// RPC k-slots, must have been consumed.
func (s *scenario) begin() error {
	if err := s.r.Producer().Begin(s.gen(s.sent)); err != nil {
		return err
	}
	if o := s.sent - s.r.Slots(); o >= 0 && !s.taken[uint32(o+1)] {
		s.breaks("no-overwrite")
	}
	s.sent++
	return nil
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrRingFull):
		return "refused: ring full"
	case errors.Is(err, ErrEmpty):
		return "empty"
	}
	return "error: " + err.Error()
}

// step runs one step and describes its outcome.
func (s *scenario) step(cmd string, args []string) string {
	p, c := s.r.Producer(), s.r.Consumer()
	arg := func() int {
		if len(args) != 1 {
			return -1
		}
		n, err := strconv.Atoi(args[0])
		if err != nil {
			return -1
		}
		return n
	}
	store := map[string]Store{"write-header": StoreHeader, "write-args": StoreArgs, "fence": StoreFence, "write-valid": StoreValid,
		"mmio-write": StoreWindow, "mmio-write-lo": StoreLo, "mmio-write-hi": StoreHi}
	if st, ok := store[cmd]; ok {
		if p.NextStore() == StoreNone {
			if err := s.begin(); err != nil {
				return outcome(err)
			}
		}
		if next := p.NextStore(); next != st {
			return fmt.Sprintf("error: next store is %s", next)
		}
		_, err := p.Step()
		return outcome(err)
	}
	switch cmd {
	case "send":
		if p.NextStore() != StoreNone {
			return "error: a write is in progress"
		}
		if err := s.begin(); err != nil {
			return outcome(err)
		}
		for p.NextStore() != StoreNone {
			if _, err := p.Step(); err != nil {
				return outcome(err)
			}
		}
		return "ok"
	case "poll-line":
		l, err := c.PollLine(arg())
		if err != nil {
			return outcome(err)
		}
		return s.tagger().line(&l).String()
	case "process":
		rpcs, err := c.Process(nil)
		if err != nil {
			return outcome(err)
		}
		return s.consumed(rpcs...)
	case "poll":
		rpcs, err := c.Poll(arg(), nil)
		if err != nil && !errors.Is(err, ErrEmpty) {
			return outcome(err)
		}
		return s.consumed(rpcs...)
	case "doorbell":
		if err := p.RingDoorbell(); err != nil {
			return outcome(err)
		}
		return fmt.Sprintf("rung=%d", s.r.Abstract().Rung)
	case "dma-read", "mmio-take":
		take := c.DMARead
		if cmd == "mmio-take" {
			take = c.TakeWindow
		}
		rpc, err := take()
		if err != nil {
			return outcome(err)
		}
		return s.consumed(rpc)
	case "return-credit":
		c.ReturnCredit()
		return fmt.Sprintf("credit=%d", s.r.Credit())
	case "load-header":
		if err := c.LoadHeader(); err != nil {
			return outcome(err)
		}
		return "fresh"
	case "load-args", "recheck":
		f := c.LoadArgs
		if cmd == "recheck" {
			f = c.Recheck
		}
		rpc, took, err := f()
		switch {
		case err != nil:
			return outcome(err)
		case took:
			return s.consumed(rpc)
		case cmd == "recheck":
			return "changed: copy discarded"
		}
		return "copied"
	case "receive":
		rpc, err := c.Receive()
		if err != nil {
			return outcome(err)
		}
		return s.consumed(rpc)
	case "state":
		return s.r.AbstractWith(s.tagger()).String()
	}
	return "error: unknown step " + cmd
}

// runScenario runs a file and returns it with regenerated outcomes, and the
// properties broken.
func runScenario(t *testing.T, path string) (string, []string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var s *scenario
	for i, line := range strings.Split(strings.TrimRight(string(text), "\n"), "\n") {
		cmd, _, _ := strings.Cut(line, "->")
		cmd = strings.TrimSpace(cmd)
		if cmd == "" || strings.HasPrefix(cmd, "#") {
			out = append(out, line)
			continue
		}
		f := strings.Fields(cmd)
		if f[0] == "ring" {
			s = &scenario{taken: map[uint32]bool{}}
			slots, o := 0, Options{}
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "interface":
					o.Interface, err = ParseInterface(v)
					s.mmio = o.Interface == MMIO
				case "batch":
					o.Batch, err = strconv.Atoi(v)
				case "slots":
					slots, err = strconv.Atoi(v)
				case "ids":
					s.ids, err = strconv.Atoi(v)
				case "faults":
					o.Faults, err = ParseFaults(v)
				default:
					err = fmt.Errorf("unknown key %q", k)
				}
				if err != nil {
					t.Fatalf("%s:%d: %v", path, i+1, err)
				}
			}
			if s.r, err = NewRingOpts(NewArena(o.Lines(max(slots, 1))), slots, o); err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			out = append(out, cmd)
			continue
		}
		if s == nil {
			t.Fatalf("%s:%d: a step before the ring line", path, i+1)
		}
		before := len(s.broken)
		res := s.step(f[0], f[1:])
		if len(s.broken) > before {
			res += " broken=" + strings.Join(s.broken[before:], ",")
		}
		out = append(out, fmt.Sprintf("%-16s -> %s", cmd, res))
	}
	return strings.Join(out, "\n") + "\n", s.broken
}

// TestScenarios replays every scenario file and compares the outcomes, and
// checks which properties each breaks: the Dagger behaviours break what
// docs/protocol.md says they break, and the credit protocol, driven
// through the same interleaving, breaks nothing.
func TestScenarios(t *testing.T) {
	want := map[string]string{
		"tx-dagger-torn-read-on-a-later-lap.txt":     "no-overwrite,no-duplicate,no-torn-read",
		"tx-credit-torn-read-on-a-later-lap.txt":     "",
		"tx-dagger-duplicate-from-late-seen-bit.txt": "no-duplicate",
		"tx-dagger-seen-bit-on-time.txt":             "",
		"tx-credit-duplicate-from-late-seen-bit.txt": "",
		"tx-dagger-overwrite-without-credits.txt":    "no-overwrite,fifo-order",
		"tx-credit-overwrite-without-credits.txt":    "",
		"tx-dagger-out-of-order.txt":                 "fifo-order",
		"tx-credit-out-of-order.txt":                 "",
		"rx-dagger-torn-read.txt":                    "no-overwrite,no-torn-read",
		"rx-no-credit-recheck-detects.txt":           "no-overwrite",
		"rx-credit-torn-read.txt":                    "",
		"rx-dagger-stall-on-a-repeated-rpc-id.txt":   "",
		"rx-credit-repeated-rpc-id.txt":              "",
		"tx-bug-header-first.txt":                    "no-torn-read",
		"tx-bug-credit-overrun.txt":                  "no-overwrite",
		"tx-bug-early-credit.txt":                    "no-overwrite",
		"tx-bug-phase-stuck.txt":                     "no-duplicate",
		"tx-bug-late-seen.txt":                       "no-duplicate",
		"rx-bug-rx-early-credit.txt":                 "no-overwrite",
		"rx-bug-rx-no-phase.txt":                     "no-duplicate",
		"tx-credit-wrap-three-slots.txt":             "",
		"tx-dagger-doorbell-torn-read.txt":           "no-overwrite,no-torn-read,fifo-order",
		"tx-credit-doorbell-torn-read.txt":           "",
		"tx-doorbell-nic-waits-for-the-doorbell.txt": "",
		"tx-dagger-mmio-split-store.txt":             "no-torn-read,no-duplicate",
		"tx-credit-mmio-window.txt":                  "",
	}
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d scenario files, %d expected verdicts", len(files), len(want))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			got, broken := runScenario(t, path)
			if *rewrite {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if old, _ := os.ReadFile(path); string(old) != got {
				t.Errorf("outcomes differ from %s (rerun with -rewrite and review the diff):\n%s", path, firstDiff(string(old), got))
			}
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expected verdict for %s", name)
			}
			if g := strings.Join(broken, ","); g != w {
				t.Errorf("broken %q, want %q", g, w)
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d\n file: %s\n  run: %s", i+1, x, y)
		}
	}
	return ""
}
