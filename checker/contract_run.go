package checker

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// CheckContract checks that the model keeps the Model contract on the
// first Options.ContractStates states (default DefaultContractStates) of
// a breadth-first exploration, and returns what it found. It explores by
// value, not by encoding, so that a lossy Encode cannot hide states from
// it; it asks Init and Next everything twice, encodes every state twice,
// and compares states by value as reflect.DeepEqual does. Its findings
// are values; an error means the check could not run (the model's
// declarations are malformed, or ctx was cancelled).
//
// The rules it checks are the ContractRule constants. Checks made on the
// type (RuleStateType, and RulePlainStates for a padded type) hold for
// every state; the others only for the states examined, so a clean
// report is evidence, not proof.
func (c *Checker[S]) CheckContract(ctx context.Context) (*ContractReport, error) {
	if err := c.validateDeclarations(); err != nil {
		return nil, err
	}
	k := newContractRun(c)
	k.stateType()
	if err := k.explore(ctx); err != nil {
		return nil, err
	}
	k.reportMerges()
	return &k.report, nil
}

// contractRun is one contract check: the states found so far, distinct
// by value, in breadth-first order, with indices by value and by
// encoding.
type contractRun[S any] struct {
	c     *Checker[S]
	limit int
	// plain: the model declares PlainStates. bytewise: S compares by its
	// bytes, so its bytes are its value key. shared: S holds references,
	// through which Next could change states it does not own.
	plain, bytewise, shared bool
	states                  []S
	encs                    [][]byte // encs[i] is states[i]'s encoding
	byValue, byEnc          map[string]int
	merges                  []contractMerge
	counts                  [len(ruleNames)]int
	seen                    map[string]bool // rule and field of each finding made
	report                  ContractReport
}

// contractMerge is two unequal states that encode equally, kept until
// the end so that the pairs that differ in the fewest fields are
// reported (they name the field Encode leaves out).
type contractMerge struct {
	fields []string
	a, b   int
}

// emitted is one answer of Next, with its value key when it was emitted
// and, for a state type that holds references, its fields' keys.
type emitted[S any] struct {
	a      Action
	s      S
	key    string
	leaves []Field
}

func newContractRun[S any](c *Checker[S]) *contractRun[S] {
	t := reflect.TypeFor[S]()
	var refs []Field
	referenceFields(t, "", &refs)
	_, why := bytewise(t, "")
	p, ok := c.m.(PlainStates)
	k := &contractRun[S]{c: c, limit: c.opts.ContractStates, plain: ok && p.PlainStates(),
		bytewise: why == "", shared: len(refs) > 0,
		byValue: map[string]int{}, byEnc: map[string]int{}, seen: map[string]bool{}}
	if k.limit <= 0 {
		k.limit = DefaultContractStates
	}
	return k
}

// key is s's value key: two states share it exactly when they are equal.
func (k *contractRun[S]) key(s *S) string {
	if k.bytewise {
		return string(stateBytes(s))
	}
	return string(valueKey(nil, reflect.ValueOf(s).Elem()))
}

// add records a finding, unless one of its rule and field (and action,
// for an undeclared one) was made already or the rule has had its share.
func (k *contractRun[S]) add(f ContractFinding, also string) {
	id := fmt.Sprint(f.Rule, f.Field, also)
	if k.seen[id] || k.counts[f.Rule] >= maxFindings {
		return
	}
	k.seen[id] = true
	k.counts[f.Rule]++
	k.report.Findings = append(k.report.Findings, f)
}

// stateType checks the state type itself, which holds for every state.
func (k *contractRun[S]) stateType() {
	t := reflect.TypeFor[S]()
	var refs []Field
	referenceFields(t, "", &refs)
	for _, r := range refs {
		k.add(ContractFinding{Rule: RuleStateType, Field: r.Name, Detail: fmt.Sprintf(
			"the state holds a %s, whose memory copies of a state share, so a successor can change its parent; "+
				"use arrays and small structs", r.Value)}, "")
	}
	if k.plain {
		if field, why := bytewise(t, ""); why != "" {
			k.add(ContractFinding{Rule: RulePlainStates, Field: field, Detail: fmt.Sprintf(
				"the model declares PlainStates, but its states cannot be compared by their bytes: %s", why)}, "")
		}
	}
}

// explore visits the initial states, then expands states in
// breadth-first order until limit of them are expanded or none is left.
// Invariant: every state in states has been visited (encoded, compared
// with the others, checked for its symmetry) exactly once.
func (k *contractRun[S]) explore(ctx context.Context) error {
	m := k.c.m
	first, again := m.Init(), m.Init()
	if len(first) == 0 {
		return fmt.Errorf("%w: no initial state", ErrModel)
	}
	var ans, ans2 []emitted[S]
	for i := range first {
		ans = append(ans, emitted[S]{s: first[i], key: k.key(&first[i])})
	}
	for i := range again {
		ans2 = append(ans2, emitted[S]{s: again[i], key: k.key(&again[i])})
	}
	k.compare(nil, "Init", ans, ans2)
	for _, s := range first {
		k.visit(s)
	}
	for i := 0; i < len(k.states) && i < k.limit; i++ {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		k.expand(i)
		k.report.States = i + 1
	}
	return nil
}

// expand asks Next twice about state i, checks the two answers agree and
// that Next changed nothing it had handed over, and visits the
// successors.
func (k *contractRun[S]) expand(i int) {
	s := k.states[i]
	var before []Field
	if k.shared {
		before = leaves(&s)
	}
	first, again := k.next(s), k.next(s)
	if k.shared {
		k.sharedState(i, before, s, first)
	}
	k.compare(&s, "Next", first, again)
	for _, e := range first {
		k.action(&s, e.a)
		k.visit(e.s)
	}
}

// next is Next's answer about s, each successor keyed as it was emitted.
func (k *contractRun[S]) next(s S) []emitted[S] {
	var out []emitted[S]
	k.c.m.Next(s, func(a Action, t S) {
		e := emitted[S]{a: a, s: t, key: k.key(&t)}
		if k.shared {
			e.leaves = leaves(&t)
		}
		out = append(out, e)
	})
	return out
}

// sharedState reports a Next that changed state i, its argument, or a
// successor after emitting it: possible only through references.
func (k *contractRun[S]) sharedState(i int, before []Field, s S, out []emitted[S]) {
	if changed := changedLeaves(before, leaves(&s)); len(changed) > 0 {
		k.add(ContractFinding{Rule: RuleSharedState, Field: strings.Join(changed, ", "),
			Detail: "Next changed the state it was given", State: k.c.fields(k.states[i])}, "given")
	}
	for _, e := range out {
		if changed := changedLeaves(e.leaves, leaves(&e.s)); len(changed) > 0 {
			k.add(ContractFinding{Rule: RuleSharedState, Field: strings.Join(changed, ", "), Detail: fmt.Sprintf(
				"Next changed the successor of action %s (other) after emitting it", k.actionName(e.a)),
				State: k.c.fields(s), Other: k.c.fields(e.s)}, "emitted")
		}
	}
}

// leaves is the keys of s's fields, to compare with a later snapshot.
func leaves[S any](s *S) []Field {
	var out []Field
	leafKeys(reflect.ValueOf(s).Elem(), "", &out)
	return out
}

// compare reports a difference between two answers of Init or Next (of
// s) to the same question: their lengths, or the first action or state
// that differs.
func (k *contractRun[S]) compare(s *S, call string, first, again []emitted[S]) {
	if k.agree(first, again) {
		return
	}
	var state []Field
	if s != nil {
		state = k.c.fields(*s)
	}
	if len(first) != len(again) {
		k.add(ContractFinding{Rule: RuleNondeterministic, State: state, Detail: fmt.Sprintf(
			"%s gave %d states the first time and %d the second", call, len(first), len(again))}, "")
		return
	}
	for j := range first {
		a, b := first[j], again[j]
		if a.a != b.a {
			k.add(ContractFinding{Rule: RuleNondeterministic, State: state, Detail: fmt.Sprintf(
				"%s's answer %d was action %s the first time and %s the second",
				call, j, k.actionName(a.a), k.actionName(b.a))}, "")
			return
		}
		if a.key != b.key {
			var fields []string
			diffFields(reflect.ValueOf(&a.s).Elem(), reflect.ValueOf(&b.s).Elem(), "", &fields)
			k.add(ContractFinding{Rule: RuleNondeterministic, Field: strings.Join(fields, ", "),
				State: k.c.fields(a.s), Other: k.c.fields(b.s), Detail: fmt.Sprintf(
					"%s's answer %d (%s) was one state the first time and another the second",
					call, j, k.actionName(a.a))}, "")
			return
		}
	}
}

// agree reports whether two answers are the same actions and states.
func (k *contractRun[S]) agree(first, again []emitted[S]) bool {
	return slices.EqualFunc(first, again, func(a, b emitted[S]) bool { return a.a == b.a && a.key == b.key })
}

// action reports an action of a kind Actions does not declare, or with
// an argument beyond its kind's parameters: a trace would not show it,
// and weak fairness would tell apart actions a reader cannot.
func (k *contractRun[S]) action(s *S, a Action) {
	kinds := k.c.kinds
	if a.Kind < 0 || a.Kind >= len(kinds) {
		k.add(ContractFinding{Rule: RuleUndeclaredAction, State: k.c.fields(*s), Detail: fmt.Sprintf(
			"Next emitted an action of kind %d, but Actions declares %d kinds", a.Kind, len(kinds))},
			fmt.Sprint(a.Kind))
		return
	}
	for j := len(kinds[a.Kind].Params); j < MaxArgs; j++ {
		if a.Args[j] != 0 {
			k.add(ContractFinding{Rule: RuleUndeclaredAction, Field: kinds[a.Kind].Name,
				State: k.c.fields(*s), Detail: fmt.Sprintf(
					"Next emitted %s with argument %d set to %d, but the kind declares %s",
					kinds[a.Kind].Name, j, a.Args[j], plural(len(kinds[a.Kind].Params), "parameter"))}, "")
			return
		}
	}
}

// actionName is a as traces show it, or its kind's number when the model
// does not declare that kind.
func (k *contractRun[S]) actionName(a Action) string {
	if a.Kind < 0 || a.Kind >= len(k.c.kinds) {
		return fmt.Sprintf("of kind %d", a.Kind)
	}
	kind := k.c.kinds[a.Kind]
	st := Step{Name: kind.Name}
	for i, p := range kind.Params {
		st.Args = append(st.Args, Arg{Name: p, Value: a.Args[i]})
	}
	if k.c.label != nil {
		st.Text = k.c.label(a)
	}
	return st.Label()
}

// visit encodes a state twice and compares it with the states found
// before: an equal one must encode alike, and one that encodes alike must
// be equal (kept in merges, for the end). A new state is added.
func (k *contractRun[S]) visit(s S) {
	m := k.c.m
	key := k.key(&s)
	enc, enc2 := m.Encode(nil, s), m.Encode(nil, s)
	if !bytes.Equal(enc, enc2) {
		k.add(ContractFinding{Rule: RuleEncodeSplits, State: k.c.fields(s), Detail: fmt.Sprintf(
			"Encode gave two encodings of one state, which differ from byte %d on", firstDifference(enc, enc2))}, "")
	}
	if j, ok := k.byValue[key]; ok {
		if !bytes.Equal(k.encs[j], enc) {
			k.add(ContractFinding{Rule: RuleEncodeSplits, State: k.c.fields(k.states[j]), Other: k.c.fields(s),
				Detail: fmt.Sprintf("two equal states encode differently, from byte %d on",
					firstDifference(k.encs[j], enc))}, "")
		}
		return
	}
	i := len(k.states)
	k.states, k.encs = append(k.states, s), append(k.encs, enc)
	k.byValue[key] = i
	if j, ok := k.byEnc[string(enc)]; ok {
		var fields []string
		diffFields(reflect.ValueOf(&k.states[j]).Elem(), reflect.ValueOf(&s).Elem(), "", &fields)
		k.merges = append(k.merges, contractMerge{fields: fields, a: j, b: i})
	} else {
		k.byEnc[string(enc)] = i
	}
	k.canonical(s)
}

// canonical checks that Canonical maps a representative to itself: a
// class with two representatives is explored twice, and liveness and
// replay take the representative for the class.
func (k *contractRun[S]) canonical(s S) {
	if k.c.canon == nil {
		return
	}
	r := k.c.canon(s)
	r2 := k.c.canon(r)
	if k.key(&r) == k.key(&r2) {
		return
	}
	var fields []string
	diffFields(reflect.ValueOf(&r).Elem(), reflect.ValueOf(&r2).Elem(), "", &fields)
	k.add(ContractFinding{Rule: RuleCanonical, Field: strings.Join(fields, ", "), State: k.c.fields(r),
		Other: k.c.fields(r2), Detail: "Canonical maps a representative (state) to another state (other): " +
			"Canonical(Canonical(s)) must be Canonical(s)"}, "")
}

// reportMerges reports the unequal states that encode equally, those
// that differ in the fewest fields first, and skips a pair whose fields
// include those of a pair already reported: the field Encode leaves out
// is then named alone, not with the fields that happen to differ too.
func (k *contractRun[S]) reportMerges() {
	slices.SortStableFunc(k.merges, func(a, b contractMerge) int { return len(a.fields) - len(b.fields) })
	var named [][]string
	for _, mg := range k.merges {
		if slices.ContainsFunc(named, func(n []string) bool { return subset(n, mg.fields) }) {
			continue
		}
		named = append(named, mg.fields)
		field := strings.Join(mg.fields, ", ")
		only := "only in " + field
		if len(mg.fields) > 1 {
			only = "in " + field
		}
		f := ContractFinding{Rule: RuleEncodeMerges, Field: field, State: k.c.fields(k.states[mg.a]),
			Other: k.c.fields(k.states[mg.b]), Detail: fmt.Sprintf(
				"two states that differ %s encode equally, so the checker takes them for one: "+
					"Encode leaves %s out (a field that does not matter in a configuration must be kept zero there)", only, field)}
		if k.plain {
			f.Rule = RulePlainStates
			f.Detail = fmt.Sprintf("the model declares PlainStates, but two states that differ %s encode equally: "+
				"either Encode leaves out %s, or it is a slot the configuration does not use and must stay zero, "+
				"since the checker compares plain states by their bytes", only, field)
		}
		k.add(f, "")
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
