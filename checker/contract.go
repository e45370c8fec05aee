package checker

import (
	"fmt"
	"io"
	"strings"
)

// ContractRule names a rule of the Model contract (see Model) that a
// model broke. Each of them makes a search quietly wrong: it explores too
// few states or too many, or it cannot rebuild its counterexamples.
type ContractRule int

const (
	// RuleStateType: the state type holds slices, maps, pointers,
	// interfaces, channels or functions, which copies of a state share,
	// so a successor can change its parent.
	RuleStateType ContractRule = iota
	// RuleEncodeMerges: two states that differ encode equally, so the
	// checker takes them for one and explores only the first.
	RuleEncodeMerges
	// RuleEncodeSplits: equal states, or one state encoded twice, encode
	// differently, so the checker counts one state as several.
	RuleEncodeSplits
	// RuleNondeterministic: Init or Next answered differently when asked
	// twice about the same state.
	RuleNondeterministic
	// RuleSharedState: Next changed the state it was given, or a
	// successor after emitting it.
	RuleSharedState
	// RuleUndeclaredAction: Next emitted an action whose kind Actions
	// does not declare, or with an argument beyond its kind's parameters.
	RuleUndeclaredAction
	// RulePlainStates: the model declares PlainStates, but its state type
	// cannot be compared by its bytes, or two states that encode equally
	// differ in their bytes.
	RulePlainStates
	// RuleCanonical: Canonical maps a representative to another state.
	RuleCanonical
)

var ruleNames = [...]string{"state-type", "encode-merges", "encode-splits", "nondeterministic",
	"shared-state", "undeclared-action", "plain-states", "canonical"}

func (r ContractRule) String() string {
	if r < 0 || int(r) >= len(ruleNames) {
		return fmt.Sprintf("rule(%d)", int(r))
	}
	return ruleNames[r]
}

// ContractFinding is one breach of the Model contract: which rule, the
// field at fault and the states that show it.
type ContractFinding struct {
	Rule ContractRule
	// Field is the path of the field at fault, as traces name fields
	// ("Flows[1].Seen"; "Flows[].Seen" for a field of the type), or ""
	// where no one field is: a state asked about twice, two equal states.
	Field  string
	Detail string // what is wrong, in one sentence
	// State and Other are the states that show it, formatted as traces
	// show them; Other is nil when one state is enough.
	State, Other []Field
}

// String is the finding in a few lines: the rule and the field, the
// detail, then each state.
func (f ContractFinding) String() string {
	var b strings.Builder
	b.WriteString(f.Rule.String())
	if f.Field != "" {
		b.WriteString(" " + f.Field)
	}
	b.WriteString(": " + f.Detail)
	for i, st := range [][]Field{f.State, f.Other} {
		if st == nil {
			continue
		}
		b.WriteString([]string{"\n  state: ", "\n  other: "}[i])
		for j, fl := range st {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(fl.Name + "=" + fl.Value)
		}
	}
	return b.String()
}

// ContractReport is what CheckContract found: a value, like Result.
type ContractReport struct {
	States   int // states whose successors were examined
	Findings []ContractFinding
}

// OK reports whether the model kept the contract on every state examined.
func (r *ContractReport) OK() bool { return len(r.Findings) == 0 }

// Format writes the report for people: a summary line, then each finding.
func (r *ContractReport) Format(w io.Writer) {
	if r.OK() {
		fmt.Fprintf(w, "contract: ok on %s\n", plural(r.States, "state"))
		return
	}
	fmt.Fprintf(w, "contract: %s on %s\n", plural(len(r.Findings), "finding"), plural(r.States, "state"))
	for _, f := range r.Findings {
		fmt.Fprintln(w, f)
	}
}

// String is the report as Format writes it.
func (r *ContractReport) String() string {
	var b strings.Builder
	r.Format(&b)
	return b.String()
}

// plural is n and the noun, in the plural unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// DefaultContractStates is how many states CheckContract examines
// unless Options.ContractStates says otherwise: enough for the usual
// mistakes to show, in 2 to 20 milliseconds on the shipped models.
const DefaultContractStates = 1000

// maxFindings bounds the findings of one rule, so that a mistake made in
// every state is reported a few times, not thousands.
const maxFindings = 5
