package dagger

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/tlaplus"
	"github.com/daggercheck/daggercheck/trace"
)

// tlcFixture is a counterexample TLC wrote for a config of tla/ (with
// `-dumpTrace json`), committed under testdata/tlc/.
type tlcFixture struct {
	file, cfg string
	property  string // the Go property it breaks
	lasso     bool
	replay    bool // a ring trace that impl/ring must reproduce
}

var tlcFixtures = []tlcFixture{
	{file: "ring-dagger-tx-no-torn-read.json", cfg: "ring/dagger-tx-no-torn-read.cfg", property: "no-torn-read", replay: true},
	{file: "ring-bug-header-first.json", cfg: "ring/bug-header-first.cfg", property: "no-torn-read", replay: true},
	{file: "ring-bug-header-first.itf.json", cfg: "ring/bug-header-first.cfg", property: "no-torn-read", replay: true},
	{file: "ring-dagger-rx-ids-2-no-stall.json", cfg: "ring/dagger-rx-ids-2-no-stall.cfg", property: "no-stall", lasso: true, replay: true},
	{file: "ring-dagger-mmio-no-torn-read.json", cfg: "ring/dagger-mmio-no-torn-read.cfg", property: "no-torn-read", replay: true},
	{file: "coherence-bug-lost-writeback.json", cfg: "coherence/bug-lost-writeback.cfg", property: "data-value"},
	{file: "coherence-bug-single-vnet.json", cfg: "coherence/bug-single-vnet.cfg", property: checker.DeadlockProperty},
	{file: "coherence-bug-drop-ack.json", cfg: "coherence/bug-drop-ack.cfg", property: "requests-complete", lasso: true},
}

// convertFixture parses and converts one committed TLC trace.
// Without properties it converts with the config's, as TLC checked them.
func convertFixture(t *testing.T, fx tlcFixture, properties ...string) (*trace.File, *tlaplus.TLATrace) {
	t.Helper()
	path := filepath.Join("testdata", "tlc", fx.file)
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	tr, err := tlaplus.ParseTLATrace(path, fh)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := tlaplus.ReadTLCConfig(filepath.Join("..", "..", "tla", fx.cfg))
	if err != nil {
		t.Fatal(err)
	}
	name, params, bug, err := TLAParams(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if properties == nil {
		properties = append(cfg.Invariants, cfg.Properties...)
	}
	f, err := ConvertTLA(tr, name, params, bug, properties)
	if err != nil {
		t.Fatal(err)
	}
	return f, tr
}

// TestConvertTLCCounterexamples converts every committed TLC
// counterexample into a trace file, checks that the file names the
// property TLC refuted, that the Go model re-checks it as a counterexample
// to that property (independently of the conversion), that it survives
// its text form, and, for the ring, that impl/ring reproduces it with the
// trace's protocol and bug and diverges from it without them.
func TestConvertTLCCounterexamples(t *testing.T) {
	for _, fx := range tlcFixtures {
		t.Run(fx.file, func(t *testing.T) {
			f, tr := convertFixture(t, fx)
			wantResult := "violation"
			if fx.property == checker.DeadlockProperty {
				wantResult = "deadlock"
			}
			if f.Outcome.Result != wantResult || (wantResult == "violation" && f.Outcome.Property != fx.property) {
				t.Fatalf("outcome %s %s, want %s %s", f.Outcome.Result, f.Outcome.Property, wantResult, fx.property)
			}
			if (f.Outcome.LoopStart >= 0) != fx.lasso {
				t.Fatalf("loop start %d, lasso expected: %v", f.Outcome.LoopStart, fx.lasso)
			}
			// Every TLA+ state is one step (a lasso may add the step that
			// closes its loop).
			if n := len(f.Steps); n != len(tr.States) && !(fx.lasso && n == len(tr.States)+1) {
				t.Fatalf("%d steps for %d TLA+ states", n, len(tr.States))
			}
			// The text form re-reads to the same file, and re-checks.
			back, err := trace.Parse(fx.file, strings.NewReader(f.String()))
			if err != nil {
				t.Fatal(err)
			}
			if back.String() != f.String() {
				t.Fatalf("the trace file does not round-trip:\n%s\nvs\n%s", f, back)
			}
			en, err := model.Lookup(back.Model)
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := en.Build(back.Params, back.Bug, checker.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Recheck(back.Trace(), fx.property); err != nil {
				t.Fatalf("the Go model does not re-check the converted trace: %v", err)
			}
			if !fx.replay {
				return
			}
			res, err := Replay(back, "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != bridge.Reproduced {
				t.Fatalf("replay on impl/ring: %s (%s), want %s", res.Outcome, res.Reason, bridge.Reproduced)
			}
			if res, err := Replay(back, "none"); err != nil || res.Outcome != bridge.Diverged {
				t.Fatalf("replay on the correct impl/ring: %v %v, want %s", res, err, bridge.Diverged)
			}
		})
	}
}

// TestITFAndTLCAgree: the same behaviour as TLC's JSON and as ITF gives
// the same trace file.
func TestITFAndTLCAgree(t *testing.T) {
	a, _ := convertFixture(t, tlcFixtures[1])
	b, tr := convertFixture(t, tlcFixtures[2])
	if tr.Format != "itf" {
		t.Fatalf("format %q, want itf", tr.Format)
	}
	if a.String() != b.String() {
		t.Fatalf("TLC's JSON and ITF convert differently:\n%s\nvs\n%s", a, b)
	}
}

// TestConvertNamesTheProperty: the trace of TLC's dagger no-torn-read
// config breaks no-duplicate too, earlier in the model's list: without
// properties the conversion names that one, with the config's it names
// no-torn-read, and a property the behaviour does not break is refused.
func TestConvertNamesTheProperty(t *testing.T) {
	f, _ := convertFixture(t, tlcFixtures[0], []string{}...)
	if f.Outcome.Property != "no-duplicate" {
		t.Fatalf("property %q, want no-duplicate, the model's first broken", f.Outcome.Property)
	}
	f, _ = convertFixture(t, tlcFixtures[0], "NoTornRead")
	if f.Outcome.Property != "no-torn-read" {
		t.Fatalf("property %q, want no-torn-read", f.Outcome.Property)
	}
	fx := tlcFixtures[0]
	path := filepath.Join("testdata", "tlc", fx.file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tlaplus.ParseTLATrace(path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ConvertTLA(tr, "ring", []string{"protocol=dagger"}, "", []string{"FifoOrder", "NoLoss"})
	if !errors.Is(err, tlaplus.ErrTLA) || !strings.Contains(err.Error(), "breaks none of fifo-order, no-loss") {
		t.Fatalf("err = %v, want one saying the behaviour breaks none of them", err)
	}
}

// TestConvertRejects: input that is not a behaviour of the Go model, or
// not a TLA+ trace at all, is an tlaplus.ErrTLA naming what is wrong and where.
func TestConvertRejects(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "tlc", "ring-bug-header-first.json"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	cases := []struct {
		name, input string
		params      []string
		bug         string
		want        string
	}{
		{"not json", "{", nil, "", "not a JSON object"},
		{"neither format", `{"x": 1}`, nil, "", "neither TLC's JSON trace"},
		{"no states", `{"counterexample": {"state": [], "action": []}}`, nil, "", "no counterexample states"},
		{"misnumbered", `{"counterexample": {"state": [[2, {}]], "action": []}}`, nil, "", "state 1: numbered 2"},
		{"missing variable", strings.ReplaceAll(src, `"bad":[],`, ""), []string{"protocol=credit"}, "header-first", "state 0: bad: the variable is missing"},
		{"wrong type", strings.ReplaceAll(src, `"sent":{"0":0}`, `"sent":{"0":"x"}`), nil, "header-first", "state 0: sent[0]: want an integer"},
		{"out of range", strings.ReplaceAll(src, `"sent":{"0":0}`, `"sent":{"0":300}`), nil, "header-first", "sent[0]: 300 is out of range"},
		{"other constants", src, []string{"slots=4", "batch=4"}, "header-first", "not in the domain"},
		{"other bug", src, nil, "", "state 1 (TLA+ action TxBegin) is not a successor of state 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := tlaplus.ParseTLATrace("x.json", strings.NewReader(c.input))
			if err == nil {
				_, err = ConvertTLA(tr, "ring", c.params, c.bug, nil)
			}
			if !errors.Is(err, tlaplus.ErrTLA) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want tlaplus.ErrTLA containing %q", err, c.want)
			}
		})
	}
}

// FuzzParseTLC: no input makes the readers or the conversion panic, and
// every error is an tlaplus.ErrTLA. The seeds are small on purpose: the fuzzer
// minimizes each new input it finds, which takes long on the fixtures
// (7 to 30 KB), and leaves little time for fuzzing in CI's 8 seconds.
func FuzzParseTLC(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "tlc", "ring-bug-header-first.json"))
	if err != nil {
		f.Fatal(err)
	}
	// The first state alone, as TLC writes it.
	tr, err := tlaplus.ParseTLATrace("seed", bytes.NewReader(data))
	if err != nil {
		f.Fatal(err)
	}
	var vars []string
	for k, v := range tr.States[0] {
		vars = append(vars, fmt.Sprintf("%q: %s", k, tlcJSON(v)))
	}
	slices.Sort(vars)
	f.Add([]byte(`{"vars": [], "counterexample": {"state": [[1, {` + strings.Join(vars, ", ") + `}]], "action": []}}`))
	f.Add([]byte(`{"states": [{"x": {"#map": [[{"#bigint": "1"}, {"#set": []}]]}}], "loop": 0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := tlaplus.ParseTLATrace("fuzz.json", bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, tlaplus.ErrTLA) {
				t.Fatalf("error without tlaplus.ErrTLA: %v", err)
			}
			return
		}
		for _, params := range [][]string{{"protocol=dagger"}, {"dir=rx"}} {
			if _, err := ConvertTLA(tr, "ring", params, "", nil); err != nil && !errors.Is(err, tlaplus.ErrTLA) {
				t.Fatalf("error without tlaplus.ErrTLA: %v", err)
			}
		}
		if _, err := ConvertTLA(tr, "coherence", nil, "", nil); err != nil && !errors.Is(err, tlaplus.ErrTLA) {
			t.Fatalf("error without tlaplus.ErrTLA: %v", err)
		}
	})
}

// tlcJSON writes a value as TLC's JSON dump does (functions and records
// as objects, sets and sequences as arrays), for the fuzz seeds.
func tlcJSON(v tlaplus.TLAValue) string {
	switch v.Kind {
	case tlaplus.TLAInt:
		return strconv.FormatInt(v.Int, 10)
	case tlaplus.TLAString:
		return strconv.Quote(v.Str)
	case tlaplus.TLABool:
		return strconv.FormatBool(v.Bool)
	case tlaplus.TLAFunc:
		var kv []string
		for i, k := range v.Keys {
			key := k.Str
			if k.Kind != tlaplus.TLAString {
				key = k.String()
			}
			kv = append(kv, strconv.Quote(key)+": "+tlcJSON(v.Vals[i]))
		}
		return "{" + strings.Join(kv, ", ") + "}"
	}
	var es []string
	for _, e := range v.Elems {
		es = append(es, tlcJSON(e))
	}
	return "[" + strings.Join(es, ", ") + "]"
}

// TestTLAParamsNamesTheMissingConstant: a config that sets Coherence.tla's
// first constant but not the others is refused, naming the one missing.
func TestTLAParamsNamesTheMissingConstant(t *testing.T) {
	cfg, err := tlaplus.ParseTLCConfig("x.cfg", strings.NewReader("CONSTANTS\n  Lines = 2\n  MSI = TRUE\n  Bug = \"none\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := TLAParams(cfg); !errors.Is(err, tlaplus.ErrTLA) || !strings.Contains(err.Error(), "constant Values is not set") {
		t.Fatalf("err = %v, want the missing constant named", err)
	}
}
