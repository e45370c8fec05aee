package checker

import "fmt"

// Kind says how a property's predicates are judged over behaviours.
type Kind int

const (
	// Always: the predicate holds in every reachable state (an invariant).
	Always Kind = iota
	// Sometimes: some reachable state satisfies the predicate. A model in
	// which no state does fails the property, so a model in which nothing
	// happens cannot pass vacuously.
	Sometimes
	// Eventually: every fair behaviour from an initial state reaches a
	// state satisfying the predicate (<>P).
	Eventually
	// LeadsTo: every fair behaviour that reaches a state satisfying From
	// later reaches one satisfying the predicate (From ~> P).
	LeadsTo
)

var kindNames = [...]string{"always", "sometimes", "eventually", "leads-to"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// Liveness reports whether the kind is judged over infinite behaviours.
func (k Kind) Liveness() bool { return k == Eventually || k == LeadsTo }

// Property is one thing the checker verifies: data, not a method, so that
// tools can list, select and describe properties without running them.
type Property[S any] struct {
	Name string
	Doc  string // one sentence, shown when the property is violated
	Kind Kind
	// Holds is the invariant (Always), the witness (Sometimes) or the goal
	// (Eventually, LeadsTo).
	Holds func(S) bool
	// From is the trigger of a LeadsTo property; nil otherwise.
	From func(S) bool
	// Fair names the action kinds whose actions are assumed weakly fair
	// when judging an Eventually or LeadsTo property: an action that stays
	// enabled is eventually taken. Fairness is per action, arguments
	// included ("inc i=0" and "inc i=1" each), as TLA+'s \A i: WF(Inc(i)).
	// Actions not named here may stop happening, so with no fair action
	// any state that misses the goal can stutter forever (TLA+ semantics).
	Fair []string
}

// Invariant is a property that holds in every reachable state.
func Invariant[S any](name, doc string, holds func(S) bool) Property[S] {
	return Property[S]{Name: name, Doc: doc, Kind: Always, Holds: holds}
}

// Possible is a property that some reachable state must witness.
func Possible[S any](name, doc string, witness func(S) bool) Property[S] {
	return Property[S]{Name: name, Doc: doc, Kind: Sometimes, Holds: witness}
}

// Finally is a property that every fair behaviour reaches a goal state,
// with the named action kinds weakly fair.
func Finally[S any](name, doc string, goal func(S) bool, fair ...string) Property[S] {
	return Property[S]{Name: name, Doc: doc, Kind: Eventually, Holds: goal, Fair: fair}
}

// Leads is the property from ~> goal under weak fairness of the named
// action kinds.
func Leads[S any](name, doc string, from, goal func(S) bool, fair ...string) Property[S] {
	return Property[S]{Name: name, Doc: doc, Kind: LeadsTo, From: from, Holds: goal, Fair: fair}
}

// PropertyInfo is a property without its predicates, for listings.
type PropertyInfo struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Doc  string `json:"description,omitempty"`
}
