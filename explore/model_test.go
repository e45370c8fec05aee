package explore_test

import (
	"fmt"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/explore"
)

// pair is a small model for the tests: two counters a and b, each 0 to
// 3; a-inc and b-inc count up, a-reset sets a back to 0. Without
// checker.Actors, its diagram has a lane per action-name prefix: a, b.
type pair struct{}

type pairState struct{ A, B int }

func (pair) Init() []pairState { return []pairState{{}} }
func (pair) Actions() []checker.ActionKind {
	return []checker.ActionKind{{Name: "a-inc"}, {Name: "b-inc", Params: []string{"by"}}, {Name: "a-reset"}}
}
func (pair) Next(s pairState, emit func(checker.Action, pairState)) {
	if s.A < 3 {
		emit(checker.Act(0), pairState{s.A + 1, s.B})
	}
	if s.B < 3 {
		emit(checker.Act(1, 1), pairState{s.A, s.B + 1})
	}
	if s.A > 0 && s.A < 3 {
		emit(checker.Act(2), pairState{0, s.B})
	}
}
func (pair) Encode(buf []byte, s pairState) []byte { return append(buf, byte(s.A), byte(s.B)) }
func (pair) Properties() []checker.Property[pairState] {
	return []checker.Property[pairState]{
		checker.Invariant("small", "a+b stays below 5", func(s pairState) bool { return s.A+s.B < 5 }),
		checker.Possible("a-full", "a reaches 3", func(s pairState) bool { return s.A == 3 }),
		checker.Finally("b-full", "b reaches 3", func(s pairState) bool { return s.B == 3 }, "b-inc"),
	}
}

func newPair() *explore.Session {
	return explore.New[pairState](pair{}, explore.Config{Model: "pair", Params: []string{}})
}

// fp is the fingerprint the explorer gives state s of pair.
func fp(s pairState) string {
	return fmt.Sprintf("%016x", checker.Fingerprint(pair{}.Encode(nil, s)))
}
