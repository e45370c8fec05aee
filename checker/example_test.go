package checker_test

import (
	"context"
	"fmt"
	"os"

	"github.com/daggercheck/daggercheck/checker"
)

// peterson is Peterson's mutual exclusion for two processes. Each raises
// its flag, gives the other the turn, waits until the other's flag is
// down or the turn is its own, enters its critical section, and leaves
// it lowering its flag. It has 20 states.
//
// Its variants are the mistakes the examples catch: bug "wrong-turn"
// waits for the wrong turn and breaks mutual exclusion; lossyEncode
// leaves Turn out of the encoding, which the search cannot see (15
// states, all fine) and the contract check names.
type peterson struct {
	bug         string
	lossyEncode bool
}

type petersonState struct {
	PC   [2]uint8 // 0 idle, 1 flag raised, 2 turn given, 3 critical
	Flag [2]bool
	Turn uint8
}

var _ checker.Model[petersonState] = peterson{}

const (
	raise = iota
	yield
	enter
	leave
)

func (peterson) Init() []petersonState { return []petersonState{{}} }

func (peterson) Actions() []checker.ActionKind {
	p := []string{"p"}
	return []checker.ActionKind{{Name: "raise", Params: p}, {Name: "yield", Params: p},
		{Name: "enter", Params: p}, {Name: "leave", Params: p}}
}

func (m peterson) Next(s petersonState, emit func(checker.Action, petersonState)) {
	for p := range 2 {
		t, other := s, 1-p
		switch s.PC[p] {
		case 0:
			t.Flag[p], t.PC[p] = true, 1
			emit(checker.Act(raise, p), t)
		case 1:
			t.Turn, t.PC[p] = uint8(other), 2
			emit(checker.Act(yield, p), t)
		case 2:
			mine := s.Turn == uint8(p)
			if m.bug == "wrong-turn" {
				mine = !mine
			}
			if !s.Flag[other] || mine {
				t.PC[p] = 3
				emit(checker.Act(enter, p), t)
			}
		case 3:
			t.Flag[p], t.PC[p] = false, 0
			emit(checker.Act(leave, p), t)
		}
	}
}

func (m peterson) Encode(buf []byte, s petersonState) []byte {
	buf = append(buf, s.PC[0], s.PC[1], b2u(s.Flag[0]), b2u(s.Flag[1]))
	if m.lossyEncode {
		return buf
	}
	return append(buf, s.Turn)
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (peterson) Properties() []checker.Property[petersonState] {
	return []checker.Property[petersonState]{
		checker.Invariant("mutex", "at most one process is in its critical section",
			func(s petersonState) bool { return s.PC[0] != 3 || s.PC[1] != 3 }),
		checker.Possible("critical", "a process enters its critical section",
			func(s petersonState) bool { return s.PC[0] == 3 || s.PC[1] == 3 }),
		checker.Leads("p0-enters", "process 0, once its flag is up, enters its critical section",
			func(s petersonState) bool { return s.PC[0] == 1 },
			func(s petersonState) bool { return s.PC[0] == 3 }, "raise", "yield", "enter", "leave"),
	}
}

// printT stands for the *testing.T of a test: it prints what a failed
// assertion reports.
type printT struct{}

func (printT) Helper() {}
func (printT) Fatalf(format string, args ...any) {
	fmt.Printf("FAIL: "+format+"\n", args...)
}

// A run is configuration, then one verb.
func Example() {
	res, err := checker.New(peterson{}, checker.Options{Workers: 2}).BFS(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verdict, res.Stats.Distinct, "states")
	// Output: ok 20 states
}

// A wrong Encode quietly loses states: this one leaves out Turn, and the
// search checks 15 states instead of 20 and answers ok. The contract
// check names the field.
func ExampleChecker_CheckContract() {
	m := peterson{lossyEncode: true}
	res, _ := checker.New(m, checker.Options{}).BFS(context.Background())
	fmt.Println("search:", res.Verdict, res.Stats.Distinct, "states")

	report, err := checker.New(m, checker.Options{}).CheckContract(context.Background())
	if err != nil {
		panic(err)
	}
	report.Format(os.Stdout)
	// Output:
	// search: ok 15 states
	// contract: 1 finding on 20 states
	// encode-merges Turn: two states that differ only in Turn encode equally, so the checker takes them for one: Encode leaves Turn out (a field that does not matter in a configuration must be kept zero there)
	//   state: PC[0]=0 PC[1]=0 Flag[0]=false Flag[1]=false Turn=0
	//   other: PC[0]=0 PC[1]=0 Flag[0]=false Flag[1]=false Turn=1
}

// In a test, AssertHolds fails the test, listing every property that
// does not hold with its counterexample.
func ExampleAssertHolds() {
	t := printT{} // in a test, the *testing.T
	checker.AssertHolds(t, peterson{}, checker.Options{})
	checker.AssertHolds(t, peterson{}, checker.Options{}, "mutex", "critical")
	fmt.Println("peterson holds")
	// Output: peterson holds
}

// AssertBreaks asserts that a broken variant breaks a property, and
// returns the shortest counterexample, for the test to look at.
func ExampleAssertBreaks() {
	t := printT{} // in a test, the *testing.T
	trace := checker.AssertBreaks(t, peterson{bug: "wrong-turn"}, checker.Options{}, "mutex")
	fmt.Print(trace)
	// Output:
	// counterexample, 6 steps:
	//     0  init       PC[0]=0 PC[1]=0 Flag[0]=false Flag[1]=false Turn=0
	//     1  raise p=0  PC[0]=1 Flag[0]=true
	//     2  raise p=1  PC[1]=1 Flag[1]=true
	//     3  yield p=1  PC[1]=2
	//     4  enter p=1  PC[1]=3
	//     5  yield p=0  PC[0]=2 Turn=1
	//     6  enter p=0  PC[0]=3
}

// AssertContract fails the test on any breach of the Model contract.
func ExampleAssertContract() {
	t := printT{} // in a test, the *testing.T
	checker.AssertContract(t, peterson{}, checker.Options{})
	fmt.Println("contract kept")
	// Output: contract kept
}

// With Continue, breadth-first search goes past the first violation and
// lists every property the model breaks, each with its shortest
// counterexample.
func ExampleOptions_continue() {
	res, err := checker.New(peterson{bug: "wrong-turn"}, checker.Options{Continue: true}).BFS(context.Background())
	if err != nil {
		panic(err)
	}
	for _, v := range res.Violations {
		fmt.Printf("%s (%s): %d steps\n", v.Property, v.Kind, v.Trace.Len())
	}
	// Output:
	// mutex (always): 6 steps
	// p0-enters (leads-to): 8 steps
}
