package nic_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/spec"
)

// The exact counts of every shipped configuration are pinned here for
// review: a change to the NIC model's state space shows up as a change to
// these numbers. They are what the checker computes; change them only
// with the model, and say why.
var pinned = map[string]modeltest.Pinned{
	"default":          {Distinct: 6812, Generated: 52521, Depth: 13},
	"static":           {Distinct: 4820, Generated: 37745, Depth: 13},
	"random":           {Distinct: 7860, Generated: 63313, Depth: 13},
	"key-hash":         {Distinct: 18396, Generated: 143801, Depth: 14},
	"fifo-1":           {Distinct: 6088, Generated: 47309, Depth: 13},
	"batch-2":          {Distinct: 14064, Generated: 108661, Depth: 17},
	"batch-4":          {Distinct: 130716, Generated: 1036809, Depth: 21},
	"flows-3":          {Distinct: 41848, Generated: 408937, Depth: 15},
	"flows-3-key-hash": {Distinct: 123216, Generated: 1225137, Depth: 16},
	"rpcs-5":           {Distinct: 126412, Generated: 1103769, Depth: 21},
}

var suite = modeltest.Suite[nic.State, *nic.Model]{Params: nic.Params, New: nic.New,
	Configs: nic.Configs, Pinned: pinned, Bugs: nic.Bugs, WeakPoints: nic.WeakPoints}

func TestShippedConfigsHold(t *testing.T) { suite.ShippedConfigsHold(t) }

func TestDaggerWeakPoints(t *testing.T) { suite.WeakPointsShow(t) }

// Dagger's batch starvation is a liveness failure, not a deadlock: the
// scheduler keeps going round the flows, finding no whole batch.
func TestBatchStarvationIsALasso(t *testing.T) {
	res := modeltest.BFS(t, suite.Build(t, []string{"protocol=dagger", "batch=2"}, ""), checker.Options{Only: []string{"eventually-delivered"}})
	tr := res.AssertViolation(t, "eventually-delivered")
	if tr.LoopStart < 0 || tr.Stutter {
		t.Fatalf("want a loop of scheduler steps, got loop start %d stutter %v\n%s", tr.LoopStart, tr.Stutter, tr)
	}
	for _, st := range tr.Steps[tr.LoopStart+1:] {
		if name := st.Name; name != "skip" {
			t.Fatalf("the starving loop takes %s, want only skip\n%s", name, tr)
		}
	}
}

// Every bug is caught by the property its catalogue entry names, with a
// minimal counterexample, and its parameters hold without it.
func TestBugsAreCaught(t *testing.T) { suite.BugsAreCaught(t) }

func TestResultDoesNotDependOnWorkers(t *testing.T) {
	for _, params := range [][]string{nil, {"flows=3", "conns=3", "lb=random"}, {"lb=key-hash", "batch=2"}} {
		one := modeltest.BFS(t, suite.Build(t, params, ""), checker.Options{Workers: 1})
		two := modeltest.BFS(t, suite.Build(t, params, ""), checker.Options{Workers: 2})
		one.AssertOK(t)
		two.AssertOK(t)
		if one.Stats.Distinct != two.Stats.Distinct || one.Stats.Generated != two.Stats.Generated || one.Stats.Depth != two.Stats.Depth {
			t.Fatalf("%v: 1 worker: %d/%d/%d, 2 workers: %d/%d/%d (distinct/generated/depth)", params,
				one.Stats.Distinct, one.Stats.Generated, one.Stats.Depth, two.Stats.Distinct, two.Stats.Generated, two.Stats.Depth)
		}
	}
	// Violations too: the same property, and a shortest trace of the same length.
	for _, w := range nic.WeakPoints {
		one := modeltest.BFS(t, suite.Build(t, w.Params, ""), checker.Options{Workers: 1})
		two := modeltest.BFS(t, suite.Build(t, w.Params, ""), checker.Options{Workers: 2})
		if one.Property != two.Property || one.Trace.Len() != two.Trace.Len() || one.Stats.Distinct != two.Stats.Distinct {
			t.Fatalf("%v: 1 worker: %s in %d steps (%d states), 2 workers: %s in %d steps (%d states)", w.Params,
				one.Property, one.Trace.Len(), one.Stats.Distinct, two.Property, two.Trace.Len(), two.Stats.Distinct)
		}
	}
}

// step takes the action FormatAction describes as label from s, failing
// the test when s does not enable it.
func step(t *testing.T, m *nic.Model, s nic.State, label string) nic.State {
	t.Helper()
	var next []nic.State
	var labels []string
	m.Next(s, func(a checker.Action, u nic.State) {
		l := m.FormatAction(a)
		labels = append(labels, l)
		if l == label {
			next = append(next, u)
		}
	})
	if len(next) != 1 {
		t.Fatalf("%q: %d successors; enabled: %q", label, len(next), labels)
	}
	return next[0]
}

func field(t *testing.T, m *nic.Model, s nic.State, name string) string {
	t.Helper()
	for _, f := range m.Fields(s) {
		if f.Name == name {
			return f.Value
		}
	}
	t.Fatalf("no field %s", name)
	return ""
}

// The control plane's answers, for every operation, every id (one past
// the table too) and every table entry: the documented table, then the
// model's steps, which report it and change the table only on OK.
func TestStatusTable(t *testing.T) {
	for _, c := range []struct {
		op            nic.Op
		inTable, open bool
		want          spec.ConnStatus
	}{
		{nic.OpOpen, true, false, spec.ConnOK},
		{nic.OpOpen, true, true, spec.ConnAlreadyOpen},
		{nic.OpOpen, false, false, spec.ConnIDWrong},
		{nic.OpClose, true, true, spec.ConnOK},
		{nic.OpClose, true, false, spec.ConnIsClosed},
		{nic.OpClose, false, false, spec.ConnIDWrong},
	} {
		if got := nic.Want(c.op, c.inTable, c.open); got != c.want {
			t.Errorf("Want(%s, in table %v, open %v) = %s, want %s", c.op, c.inTable, c.open, got, c.want)
		}
	}
	names := map[spec.ConnStatus]string{spec.ConnOK: "OK", spec.ConnAlreadyOpen: "AlreadyOpen",
		spec.ConnIsClosed: "IsClosed", spec.ConnIDWrong: "IdWrong"}
	for st, name := range names {
		if st.String() != name {
			t.Errorf("status %d prints %q, want Dagger's %q", st, st.String(), name)
		}
	}

	for _, bug := range []string{"", "status-swap"} {
		m := suite.Build(t, []string{"conns=2"}, bug)
		for open := uint8(0); open < 4; open++ {
			s := m.Init()[0]
			s.Open = open
			got := map[string]nic.State{}
			m.Next(s, func(a checker.Action, u nic.State) {
				if l := m.FormatAction(a); strings.HasPrefix(l, "open ") || strings.HasPrefix(l, "close ") {
					got[l] = u
				}
			})
			if len(got) != 2*3 {
				t.Fatalf("table %02b: control steps %v, want open and close of conn0..conn2", open, got)
			}
			for _, op := range []nic.Op{nic.OpOpen, nic.OpClose} {
				for id := 0; id <= 2; id++ {
					isOpen := id < 2 && open&(1<<id) != 0
					want := nic.Want(op, id < 2, isOpen)
					reported := want
					if bug == "status-swap" {
						switch want {
						case spec.ConnAlreadyOpen:
							reported = spec.ConnIsClosed
						case spec.ConnIsClosed:
							reported = spec.ConnAlreadyOpen
						}
					}
					label := op.String() + " conn" + string(rune('0'+id)) + ": " + reported.String()
					u, ok := got[label]
					if !ok {
						t.Fatalf("bug %q, table %02b: no step %q among %v", bug, open, label, slices.Collect(mapKeys(got)))
					}
					wantOpen := open
					if want == spec.ConnOK {
						wantOpen ^= 1 << id
					}
					if u.Open != wantOpen {
						t.Errorf("bug %q: %q from table %02b leaves %02b, want %02b", bug, label, open, u.Open, wantOpen)
					}
					if broken := u.Bad != 0; broken != (reported != want) {
						t.Errorf("bug %q: %q from table %02b: broken=%v", bug, label, open, broken)
					}
				}
			}
		}
	}
}

func mapKeys(m map[string]nic.State) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Drops are counted for every documented reason, and a leaked slot shows.
func TestDropsAreCounted(t *testing.T) {
	m := suite.Build(t, nil, "")
	s := m.Init()[0]
	s = step(t, m, s, "close conn0: OK")
	s = step(t, m, s, "arrive rpc0: request conn0") // on a closed connection
	if field(t, m, s, "dropped") != "1" || field(t, m, s, "buf0") != "free" {
		t.Fatalf("an arrival on a closed connection: %v", m.Fields(s))
	}
	// Queued, then its connection closes: the credit scheduler drops it.
	s = step(t, m, s, "open conn0: OK")
	s = step(t, m, s, "arrive rpc1: request conn0")
	s = step(t, m, s, "balance buf0 -> flow0")
	s = step(t, m, s, "close conn0: OK")
	s = step(t, m, s, "send flow0: 1 entry")
	if field(t, m, s, "dropped") != "2" || field(t, m, s, "delivered") != "0" || s.Bad != 0 {
		t.Fatalf("a queued RPC of a closed connection: %v", m.Fields(s))
	}

	// A full FIFO: credit frees the slot, Dagger leaks it.
	for _, c := range []struct {
		protocol, buf string
		conserved     bool
	}{{"credit", "free", true}, {"dagger", "leaked", false}} {
		m := suite.Build(t, []string{"protocol=" + c.protocol, "fifo=1"}, "")
		s := m.Init()[0]
		s = step(t, m, s, "arrive rpc0: response conn0")
		s = step(t, m, s, "arrive rpc1: response conn0")
		s = step(t, m, s, "balance buf0 -> flow0")
		s = step(t, m, s, "balance buf1 -> flow0")
		if field(t, m, s, "dropped") != "1" || field(t, m, s, "buf1") != c.buf {
			t.Fatalf("%s, a full FIFO: %v", c.protocol, m.Fields(s))
		}
		held := true
		for _, p := range m.Properties() {
			if p.Name == "buffer-conservation" {
				held = p.Holds(s)
			}
		}
		if held != c.conserved {
			t.Fatalf("%s: buffer-conservation %v after an overflow, want %v", c.protocol, held, c.conserved)
		}
	}
}

// The credit scheduler passes over a partial batch once, then flushes it;
// Dagger's passes over it for ever.
func TestPartialBatchFlush(t *testing.T) {
	for _, c := range []struct {
		protocol string
		flushed  bool
	}{{"credit", true}, {"dagger", false}} {
		m := suite.Build(t, []string{"protocol=" + c.protocol, "batch=2"}, "")
		s := m.Init()[0]
		s = step(t, m, s, "arrive rpc0: request conn0")
		s = step(t, m, s, "balance buf0 -> flow0")
		s = step(t, m, s, "skip flow0")
		s = step(t, m, s, "skip flow1")
		label := "skip flow0"
		if c.flushed {
			label = "send flow0: 1 entry"
		}
		s = step(t, m, s, label)
		if got := field(t, m, s, "delivered"); got != map[bool]string{true: "1", false: "0"}[c.flushed] {
			t.Fatalf("%s: delivered %s after a round", c.protocol, got)
		}
	}
}

// The model's properties are the catalogue's: same names, same kinds;
// every bug breaks a property the model has.
func TestPropertiesComeFromTheCatalogue(t *testing.T) {
	props := map[string]bool{}
	for _, p := range checker.New(suite.Build(t, nil, ""), checker.Options{}).Properties() {
		doc := spec.Lookup(spec.LevelNIC, p.Name)
		if doc.Kind != p.Kind {
			t.Errorf("%s: the model says %s, the catalogue %s", p.Name, p.Kind, doc.Kind)
		}
		props[p.Name] = true
	}
	for _, d := range spec.Catalogue() {
		if d.Level == spec.LevelNIC && !props[d.Name] {
			t.Errorf("the catalogue's %s is not a property of the model", d.Name)
		}
	}
	for _, b := range nic.Bugs {
		if !props[b.Breaks] {
			t.Errorf("bug %s breaks %q, which the model does not have", b.Name, b.Breaks)
		}
	}
	for _, w := range nic.WeakPoints {
		if !props[w.Property] {
			t.Errorf("weak point %s breaks %q, which the model does not have", w.Name, w.Property)
		}
	}
}

func TestNewRejectsBadConfigurations(t *testing.T) {
	for _, c := range []struct {
		params []string
		bug    string
	}{
		{[]string{"batch=2", "fifo=1"}, ""},
		{[]string{"batch=4"}, ""}, // fifo=2
		{[]string{"batch=2", "buffer=1"}, ""},
		{[]string{"protocol=dagger"}, "leak-on-overflow"},
		{nil, "no-flush"}, // batch=1
		{[]string{"lb=static"}, "rr-wrap-late"},
		{[]string{"lb=random"}, "rr-wrap-early"},
		{[]string{"flows=1"}, "rr-wrap-early"},
		{nil, "rehash-on-full"},
		{[]string{"lb=static"}, "response-balanced"},
	} {
		v, err := spec.ParseParams(nic.Params, c.params)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nic.New(v, c.bug); !errors.Is(err, spec.ErrParam) {
			t.Errorf("%v --bug %q: got %v, want a parameter error", c.params, c.bug, err)
		}
	}
	v, _ := spec.ParseParams(nic.Params, nil)
	if _, err := nic.New(v, "no-such-bug"); err == nil {
		t.Fatal("an unknown bug was accepted")
	}
}

// RPCs and actions print in one stable line each; a trace names every
// field the model describes.
func TestStrings(t *testing.T) {
	m := suite.Build(t, []string{"lb=key-hash", "batch=2"}, "")
	for _, c := range []struct{ got, want string }{
		{nic.RPC{Conn: 1}.String(), "request conn1"},
		{nic.RPC{Conn: 0, Response: 1}.String(), "response conn0"},
		{nic.RPC{Conn: 2, Key: 1}.String(), "request conn2 key1"},
		{m.FormatAction(checker.Act(0, 2, 1, 0, 1)), "arrive rpc2: request conn1 key1"},
		{m.FormatAction(checker.Act(1, 0, 1)), "balance buf0 -> flow1"},
		{m.FormatAction(checker.Act(2, 1, 2)), "send flow1: 2 entries"},
		{m.FormatAction(checker.Act(3, 0)), "skip flow0"},
		{m.FormatAction(checker.Act(4, 1, int(spec.ConnAlreadyOpen))), "open conn1: AlreadyOpen"},
		{m.FormatAction(checker.Act(5, 2, int(spec.ConnIDWrong))), "close conn2: IdWrong"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	var names []string
	for _, f := range m.Fields(m.Init()[0]) {
		names = append(names, f.Name)
	}
	want := "arrived buf0 buf1 buf2 lb.pending fifo0 fifo1 tx.next tx.passed-partial conns.open delivered dropped ghost.key-flow broken"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("fields %q, want %q", got, want)
	}
}
