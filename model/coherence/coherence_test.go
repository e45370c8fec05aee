package coherence_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/modeltest"
	"github.com/daggercheck/daggercheck/spec"
)

// The exact counts of every shipped configuration are pinned here, so
// that any change to the coherence model's state space shows up in review
// (and so that tla/ can be held to the same numbers). They are what the
// checker computes; change them only with the model, and say why.
var pinned = map[string]modeltest.Pinned{
	"default":         {Distinct: 17257, Generated: 42765, Depth: 32},
	"msi":             {Distinct: 12988, Generated: 33049, Depth: 34},
	"ordered":         {Distinct: 17257, Generated: 42765, Depth: 32}, // one line: the same as unordered (see Configs)
	"values-3":        {Distinct: 30815, Generated: 81045, Depth: 32},
	"lines-2":         {Distinct: 410685, Generated: 1835157, Depth: 47},
	"lines-2-msi":     {Distinct: 114200, Generated: 531297, Depth: 37},
	"lines-2-ordered": {Distinct: 616796, Generated: 2229565, Depth: 47},
}

var suite = modeltest.Suite[coherence.State, *coherence.Model]{Params: coherence.Params, New: coherence.New,
	Configs: coherence.Configs, Pinned: pinned, Bugs: coherence.Bugs}

func TestShippedConfigsHold(t *testing.T) { suite.ShippedConfigsHold(t) }

// Every bug is caught by the property its catalogue entry names, with a
// minimal counterexample, and its parameters hold without it.
func TestBugsAreCaught(t *testing.T) { suite.BugsAreCaught(t) }

func TestResultDoesNotDependOnWorkers(t *testing.T) {
	params := []string{"lines=2", "writes=1", "values=1", "protocol=msi"}
	one := modeltest.BFS(t, suite.Build(t, params, ""), checker.Options{Workers: 1})
	two := modeltest.BFS(t, suite.Build(t, params, ""), checker.Options{Workers: 2})
	one.AssertOK(t)
	two.AssertOK(t)
	if one.Stats.Distinct != two.Stats.Distinct || one.Stats.Generated != two.Stats.Generated || one.Stats.Depth != two.Stats.Depth {
		t.Fatalf("1 worker: %d/%d/%d, 2 workers: %d/%d/%d (distinct/generated/depth)",
			one.Stats.Distinct, one.Stats.Generated, one.Stats.Depth, two.Stats.Distinct, two.Stats.Generated, two.Stats.Depth)
	}
	// A violation too: the same property, and a shortest trace of the same length.
	bug := modeltest.BFS(t, suite.Build(t, nil, "no-invalidate"), checker.Options{Workers: 1})
	bug2 := modeltest.BFS(t, suite.Build(t, nil, "no-invalidate"), checker.Options{Workers: 2})
	if bug.Property != bug2.Property || bug.Trace.Len() != bug2.Trace.Len() {
		t.Fatalf("1 worker: %s in %d steps, 2 workers: %s in %d steps", bug.Property, bug.Trace.Len(), bug2.Property, bug2.Trace.Len())
	}
}

// withExclusive is a model with the exclusive-granted witness whatever
// its protocol, to ask whether MSI ever grants E.
type withExclusive struct{ *coherence.Model }

func (m withExclusive) Properties() []checker.Property[coherence.State] {
	return []checker.Property[coherence.State]{checker.Possible("exclusive-granted", "", func(s coherence.State) bool {
		for c := range s.Cache {
			for _, cl := range s.Cache[c] {
				if cl.St == coherence.E {
					return true
				}
			}
		}
		return false
	})}
}

// MESI and MSI differ: only MESI ever grants a line Exclusive (MSI has no
// E), and their state spaces differ.
func TestMSIHasNoExclusive(t *testing.T) {
	mesi := suite.Build(t, []string{"protocol=mesi"}, "")
	msi := suite.Build(t, []string{"protocol=msi"}, "")
	modeltest.BFS(t, withExclusive{mesi}, checker.Options{}).AssertOK(t)
	modeltest.BFS(t, withExclusive{msi}, checker.Options{}).AssertViolation(t, "exclusive-granted")
	var names []string
	for _, p := range mesi.Properties() {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, "exclusive-granted") {
		t.Fatalf("mesi properties %v lack exclusive-granted", names)
	}
	a := modeltest.BFS(t, mesi, checker.Options{})
	b := modeltest.BFS(t, msi, checker.Options{})
	if a.Stats.Distinct == b.Stats.Distinct {
		t.Fatalf("mesi and msi both reach %d states", a.Stats.Distinct)
	}
}

// The model's properties are the catalogue's: same names, same kinds;
// every bug breaks a property the model has (or deadlock freedom).
func TestPropertiesComeFromTheCatalogue(t *testing.T) {
	props := map[string]bool{checker.DeadlockProperty: true}
	for _, p := range checker.New(suite.Build(t, nil, ""), checker.Options{}).Properties() {
		doc := spec.Lookup(spec.LevelCoherence, p.Name)
		if doc.Kind != p.Kind {
			t.Errorf("%s: the model says %s, the catalogue %s", p.Name, p.Kind, doc.Kind)
		}
		props[p.Name] = true
	}
	for _, b := range coherence.Bugs {
		if !props[b.Breaks] {
			t.Errorf("bug %s breaks %q, which the model does not have", b.Name, b.Breaks)
		}
	}
}

func TestNewRejectsBadBugs(t *testing.T) {
	v, err := spec.ParseParams(coherence.Params, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coherence.New(v, "no-such-bug"); err == nil {
		t.Fatal("an unknown bug was accepted")
	}
	if _, err := coherence.New(v, "single-vnet"); !errors.Is(err, spec.ErrParam) {
		t.Fatalf("single-vnet with unordered channels: got %v, want a parameter error", err)
	}
}

// Messages, copies and directory entries print in one stable line each:
// traces, golden files and diffs use these strings.
func TestStrings(t *testing.T) {
	for _, c := range []struct {
		got  string
		want string
	}{
		{coherence.Msg{From: coherence.CPU, To: coherence.Home, Type: coherence.GetM}.String(), "GetM cpu->home line0"},
		{coherence.Msg{From: coherence.NIC, To: coherence.Home, Type: coherence.PutM, Line: 1, Val: 2}.String(), "PutM(2) nic->home line1"},
		{coherence.Msg{From: coherence.Home, To: coherence.NIC, Type: coherence.FwdGetS}.String(), "FwdGetS home->nic line0"},
		{coherence.CacheLine{St: coherence.MIa, Val: 1}.String(), "MI_A(1)"},
		{coherence.CacheLine{St: coherence.ISd}.String(), "IS_D"},
		{coherence.DirLine{St: coherence.DirS, Holders: 3}.String(), "S{cpu,nic}"},
		{coherence.DirLine{St: coherence.DirEM, Holders: 1, Busy: coherence.WaitFwdS, Req: 1}.String(),
			"EM(cpu) busy: GetS from nic, awaits SnoopResp"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// A trace names every field the model describes, by agent and line.
	m := suite.Build(t, []string{"lines=2"}, "")
	var names []string
	for _, f := range checker.New(m, checker.Options{}).FieldsOf(m.Init()[0]) {
		names = append(names, f.Name)
	}
	want := "cpu.line[0] nic.line[0] dir.line[0] mem[0] last[0] cpu.line[1] nic.line[1] dir.line[1] mem[1] last[1] cpu.writes nic.writes net seen bad"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("fields %q, want %q", got, want)
	}
}
