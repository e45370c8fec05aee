package checker_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

// This file breaks each rule of the Model contract on purpose, in small
// variants of the Peterson model (example_test.go) and a few models of
// their own, and checks that CheckContract names the rule, the field and
// the states.

func contract[S any](t *testing.T, m checker.Model[S]) *checker.ContractReport {
	t.Helper()
	r, err := checker.New(m, checker.Options{}).CheckContract(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantFinding fails t unless the report holds exactly one finding of
// rule on field, and its text includes each of texts.
func wantFinding(t *testing.T, r *checker.ContractReport, rule checker.ContractRule, field string, texts ...string) checker.ContractFinding {
	t.Helper()
	var got []checker.ContractFinding
	for _, f := range r.Findings {
		if f.Rule == rule && f.Field == field {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("want one %s finding on %q, got:\n%s", rule, field, r)
	}
	for _, text := range texts {
		if !strings.Contains(got[0].String(), text) {
			t.Fatalf("the %s finding does not say %q:\n%s", rule, text, got[0])
		}
	}
	return got[0]
}

func TestContractKeptByPeterson(t *testing.T) {
	r := contract(t, peterson{})
	if !r.OK() || r.States != 20 {
		t.Fatalf("want ok on all 20 states, got:\n%s", r)
	}
	if r := contract(t, peterson{bug: "wrong-turn"}); !r.OK() {
		t.Fatalf("a wrong protocol keeps the contract all the same:\n%s", r)
	}
}

// The mistake that passes a search silently: Encode leaves out Turn, and
// the search says ok on 15 states instead of 20. The check names Turn,
// and shows two states that differ in Turn alone.
func TestContractNamesTheFieldEncodeLeavesOut(t *testing.T) {
	r := contract(t, peterson{lossyEncode: true})
	if len(r.Findings) != 1 {
		t.Fatalf("want the one finding, got:\n%s", r)
	}
	f := wantFinding(t, r, checker.RuleEncodeMerges, "Turn", "differ only in Turn")
	diff := 0
	for i := range f.State {
		if f.State[i] != f.Other[i] {
			diff++
			if f.State[i].Name != "Turn" {
				t.Fatalf("the two states differ in %s:\n%s", f.State[i].Name, f)
			}
		}
	}
	if diff != 1 {
		t.Fatalf("the two states should differ in Turn alone:\n%s", f)
	}
}

// flaky answers differently every other time it is asked: its Next
// emits its actions in the opposite order, and its Encode appends how
// often it was called.
type flaky struct {
	peterson
	nextCalls, encodeCalls *int
	flakyEncode            bool
}

func (m flaky) Next(s petersonState, emit func(checker.Action, petersonState)) {
	*m.nextCalls++
	var out []func()
	m.peterson.Next(s, func(a checker.Action, t petersonState) { out = append(out, func() { emit(a, t) }) })
	if *m.nextCalls%2 == 0 {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	for _, f := range out {
		f()
	}
}

func (m flaky) Encode(buf []byte, s petersonState) []byte {
	buf = m.peterson.Encode(buf, s)
	if m.flakyEncode {
		*m.encodeCalls++
		buf = append(buf, byte(*m.encodeCalls))
	}
	return buf
}

func TestContractNondeterministicNext(t *testing.T) {
	r := contract(t, flaky{nextCalls: new(int), encodeCalls: new(int)})
	wantFinding(t, r, checker.RuleNondeterministic, "",
		"Next's answer 0 was action raise p=0 the first time and raise p=1 the second", "state: PC[0]=0 PC[1]=0")
}

func TestContractEncodeSplits(t *testing.T) {
	r := contract(t, flaky{peterson: peterson{}, nextCalls: new(int), encodeCalls: new(int), flakyEncode: true})
	f := wantFinding(t, r, checker.RuleEncodeSplits, "", "Encode gave two encodings of one state, which differ from byte 5 on")
	if f.Other != nil {
		t.Fatalf("one state shows it:\n%s", f)
	}
}

// undeclared emits an action of a fifth kind, and gives enter an
// argument it does not declare.
type undeclared struct{ peterson }

func (m undeclared) Next(s petersonState, emit func(checker.Action, petersonState)) {
	m.peterson.Next(s, func(a checker.Action, t petersonState) {
		if a.Kind == enter {
			a.Args[1] = 7
		}
		emit(a, t)
	})
	if s.PC == [2]uint8{1, 1} {
		emit(checker.Act(4), s)
	}
}

func TestContractUndeclaredAction(t *testing.T) {
	r := contract(t, undeclared{})
	var kinds, args int
	for _, f := range r.Findings {
		switch {
		case f.Rule != checker.RuleUndeclaredAction:
			t.Fatalf("unexpected finding:\n%s", f)
		case strings.Contains(f.Detail, "an action of kind 4, but Actions declares 4 kinds"):
			kinds++
		case f.Field == "enter" && strings.Contains(f.Detail, "enter with argument 1 set to 7, but the kind declares 1 parameter"):
			args++
		}
	}
	if kinds != 1 || args != 1 {
		t.Fatalf("want one finding of each, got:\n%s", r)
	}
}

// journal keeps a log of its steps in a slice: copies of a state share
// the log's array, so appending to it for one successor overwrites what
// another successor holds, and its Next writes into the state it is
// given.
type journal struct{ scribble bool }

type journalState struct {
	N   uint8
	Log []uint8
}

func (journal) Init() []journalState {
	return []journalState{{Log: make([]uint8, 0, 8)}}
}
func (journal) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "note", Params: []string{"v"}}}
}
func (m journal) Next(s journalState, emit func(checker.Action, journalState)) {
	if s.N >= 3 {
		return
	}
	if m.scribble && len(s.Log) > 0 {
		s.Log[0] = 9
	}
	for v := range uint8(2) {
		emit(checker.Act(0, int(v)), journalState{N: s.N + 1, Log: append(s.Log, v)})
	}
}
func (journal) Encode(buf []byte, s journalState) []byte {
	return append(append(buf, s.N), s.Log...)
}
func (journal) Properties() []checker.Property[journalState] { return nil }
func (journal) Terminal(journalState) bool                   { return true }

func TestContractStateTypeAndSharedState(t *testing.T) {
	r := contract(t, journal{})
	wantFinding(t, r, checker.RuleStateType, "Log", "holds a slice")
	wantFinding(t, r, checker.RuleSharedState, "Log", "Next changed the successor of action note v=0 (other) after emitting it",
		"other: N=1 Log=[1]")

	r = contract(t, journal{scribble: true})
	wantFinding(t, r, checker.RuleStateType, "Log", "holds a slice")
	var changed int
	for _, f := range r.Findings {
		if f.Rule == checker.RuleSharedState && f.Field == "Log" && strings.Contains(f.Detail, "Next changed the state it was given") {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("want the state Next changed, got:\n%s", r)
	}
}

// stack pushes and pops small values; a pop leaves the popped value in
// its slot, which Encode rightly ignores. Declaring PlainStates, it
// tells the checker to compare the bytes, stray value included.
type stack struct{}

type stackState struct {
	Slot [2]uint8
	N    uint8
}

func (stack) Init() []stackState { return []stackState{{}} }
func (stack) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "push", Params: []string{"v"}}, {Name: "pop"}}
}
func (stack) Next(s stackState, emit func(checker.Action, stackState)) {
	if s.N < 2 {
		for v := range uint8(2) {
			t := s
			t.Slot[s.N], t.N = v+1, s.N+1
			emit(checker.Act(0, int(v)), t)
		}
	}
	if s.N > 0 {
		t := s
		t.N--
		emit(checker.Act(1), t)
	}
}
func (stack) Encode(buf []byte, s stackState) []byte {
	return append(append(buf, s.N), s.Slot[:s.N]...)
}
func (stack) Properties() []checker.Property[stackState] { return nil }
func (stack) PlainStates() bool                          { return true }

var _ checker.PlainStates = stack{}

func TestContractPlainStatesStrayByte(t *testing.T) {
	r := contract(t, stack{})
	wantFinding(t, r, checker.RulePlainStates, "Slot[0]", "declares PlainStates", "differ only in Slot[0]",
		"state: Slot[0]=0 Slot[1]=0 N=0", "other: Slot[0]=1 Slot[1]=0 N=0")
	wantFinding(t, r, checker.RulePlainStates, "Slot[1]", "differ only in Slot[1]",
		"state: Slot[0]=1 Slot[1]=0 N=1", "other: Slot[0]=1 Slot[1]=1 N=1")
	if len(r.Findings) != 2 {
		t.Fatalf("want a finding for each slot, got:\n%s", r)
	}
}

// paddedPeterson declares PlainStates for a state with padding.
type paddedPeterson struct{ peterson }

func (paddedPeterson) PlainStates() bool { return true }

func TestContractPlainStatesPadding(t *testing.T) {
	r := contract(t, paddedModel[paddedState]{})
	wantFinding(t, r, checker.RulePlainStates, "B", "padding before B")
	r = contract(t, paddedModel[floatState]{})
	wantFinding(t, r, checker.RulePlainStates, "X", "X is a float64")
	if r := contract(t, paddedPeterson{}); !r.OK() {
		t.Fatalf("Peterson's state is plain:\n%s", r)
	}
}

// rotating's Canonical rotates the counters instead of sorting them.
type rotating struct{ bag }

func (rotating) Canonical(s bagState) bagState { return bagState{s[1], s[2], s[0], s[3]} }

func TestContractCanonical(t *testing.T) {
	if r := contract(t, bag{k: 3, n: 2}); !r.OK() {
		t.Fatalf("sorting is canonical:\n%s", r)
	}
	r := contract(t, rotating{bag{k: 3, n: 2}})
	wantFinding(t, r, checker.RuleCanonical, "[1], [2]", "Canonical(Canonical(s)) must be Canonical(s)",
		"state: state=[0 0 1 0]", "other: state=[0 1 0 0]")
}

// The check examines the first ContractStates states, breadth-first.
func TestContractStatesBound(t *testing.T) {
	r, err := checker.New(peterson{lossyEncode: true}, checker.Options{ContractStates: 5}).CheckContract(ctx)
	if err != nil || r.States != 5 {
		t.Fatalf("want 5 states examined, got %v, %v", r, err)
	}
	if _, err := checker.New(jugs{3, 5, 4}, checker.Options{}).CheckContract(ctx); err != nil {
		t.Fatalf("jugs: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := checker.New(peterson{}, checker.Options{}).CheckContract(cancelled); !errors.Is(err, cancelled.Err()) {
		t.Fatalf("a cancelled check: %v", err)
	}
}

func TestAssertContract(t *testing.T) {
	var ft fakeT
	checker.AssertContract(&ft, peterson{lossyEncode: true}, checker.Options{})
	if !strings.Contains(ft.failed, "breaks its contract") || !strings.Contains(ft.failed, "encode-merges Turn") {
		t.Fatalf("AssertContract said %q", ft.failed)
	}
	ft = fakeT{}
	if r := checker.AssertContract(&ft, peterson{}, checker.Options{}); ft.failed != "" || !r.OK() {
		t.Fatalf("AssertContract failed a sound model: %s", ft.failed)
	}
}
