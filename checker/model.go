package checker

// Model is a finite state machine for the checker to explore. S is the
// state: a plain value that the checker copies freely, so a state must not
// share mutable memory (slices, maps, pointers) with its successors; use
// arrays and small structs. Every method of a model, and every predicate,
// takes states by value.
//
// Checker.CheckContract checks a model against this contract on its first
// states, and names the rule and the field it breaks.
//
// Init and Next must be deterministic: the checker rebuilds counterexamples
// by replaying them, and a model that answers differently the second time
// yields a trace that does not match its fingerprints (the checker reports
// that as an error in the model rather than printing a wrong trace).
type Model[S any] interface {
	// Init returns the initial states.
	Init() []S
	// Actions names the model's kinds of action; Action.Kind indexes it.
	Actions() []ActionKind
	// Next calls emit once for each action enabled in s, with the state the
	// action leads to. emit may retain the successor; Next must not modify
	// it afterwards.
	Next(s S, emit func(Action, S))
	// Encode appends a canonical binary encoding of s to buf and returns the
	// extended buffer. Two states encode equally exactly when they are equal;
	// the fingerprint is a hash of this encoding.
	Encode(buf []byte, s S) []byte
	// Properties lists what must hold of the model's behaviours.
	Properties() []Property[S]
}

// Symmetric is implemented by models whose states come in classes of
// equivalent states (say, flows that can be renamed). Canonical returns the
// class's representative; the checker stores only representatives.
type Symmetric[S any] interface {
	Canonical(s S) S
}

// Formatter is implemented by models that describe their states field by
// field. Without it the checker flattens the state struct by reflection
// (arrays become name[i], nested structs name.field).
type Formatter[S any] interface {
	Fields(s S) []Field
}

// ActionFormatter is implemented by models that describe their actions
// better than "name param=value ..." (with enum names, say). The text is
// for people; traces keep the kind and the numeric arguments as well.
type ActionFormatter interface {
	FormatAction(a Action) string
}

// Terminator is implemented by models with states where the system may
// legitimately stop (all work done). A state with no enabled action is a
// deadlock unless Terminal reports true for it.
type Terminator[S any] interface {
	Terminal(s S) bool
}

// Screened is implemented by models that can tell in one cheap call that
// a state satisfies every one of their Always properties (say, when each
// is a bit of one verdict field). InvariantsHold may report false of a
// state where all hold, never true of one where some property fails: on
// false the checker evaluates the properties one by one. It spares the
// checker a call per invariant for every new state. Like every method of
// a model, it takes the state by value: a pointer measured no faster
// (the ring model's 182-byte state, on its largest configuration).
type Screened[S any] interface {
	InvariantsHold(s S) bool
}

// Meter is implemented by models that count what a behaviour costs: bus
// transactions, messages, copies. The checker measures the shortest
// behaviour that witnesses each Sometimes property (Result.Witnesses);
// the model walks the path with whatever bookkeeping it needs (which
// cache holds a line, say) that its states do not carry. actions[i] is
// the action into states[i]; actions[0] is the zero Action.
type Meter[S any] interface {
	Measure(states []S, actions []Action) []Count
}

// Count is one named quantity a Meter reports.
type Count struct {
	Name string
	N    int
}

// ActionKind describes one kind of action: its name and the names of its
// arguments, in the order of Action.Args.
type ActionKind struct {
	Name   string
	Params []string
}

// MaxArgs is the most arguments an action may carry.
const MaxArgs = 6

// Action is one labelled transition: the kind of action (an index into
// Model.Actions) and its arguments. It is a small comparable value so that
// successor generation allocates nothing.
type Action struct {
	Kind int
	Args [MaxArgs]int
}

// Act builds an Action of the given kind with the given arguments.
func Act(kind int, args ...int) Action {
	if len(args) > MaxArgs {
		panic("checker: an action carries at most MaxArgs arguments")
	}
	a := Action{Kind: kind}
	copy(a.Args[:], args)
	return a
}

// Field is one named, formatted part of a state.
type Field struct {
	Name  string
	Value string
}

// Actors is implemented by models whose actions are taken by named
// parties (a CPU, a NIC, a network, a server), so that tools can draw a
// behaviour as a sequence diagram: a lane per actor, each step a box on
// its actor's lane or an arrow between two lanes. The checker itself
// never calls it. Without it, tools draw one lane per action-name prefix
// (the "tm" of "tm-commit") or a single lane.
type Actors interface {
	// Lanes names the actors, in the order a diagram draws them, left to
	// right.
	Lanes() []string
	// Role places action a: the actor that takes it and the peer it
	// reaches. Both are names from Lanes.
	Role(a Action) Role
}

// Role is where one action sits in a sequence diagram.
type Role struct {
	// Actor is the lane of the party that takes the action.
	Actor string
	// Peer is the lane the action reaches: the receiver of what it
	// sends, the owner of the memory it reads or writes, the sender of
	// what it receives; "" (or Actor) for a step within the actor.
	Peer string
	// Receive says the action takes in something from Peer: the arrow
	// runs from Peer to Actor instead of from Actor to Peer.
	Receive bool
}
