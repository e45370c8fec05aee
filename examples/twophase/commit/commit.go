// Package commit is the two-phase commit protocol, as Lamport and Gray
// specify it in TwoPhase.tla, as a model for the checker: a transaction
// manager (TM) and rms resource managers (RMs). Each RM works, then
// prepares (telling the TM) or decides on its own to abort; the TM
// commits once every RM has prepared, or aborts at any time before, and
// tells the RMs, which follow it. Messages are never lost and may be
// received any number of times (the set of messages only grows).
//
// The RMs are interchangeable, so the model declares a symmetry: the
// checker stores one state per way of sorting them. It imports the
// checker and spec only; main.go next to it gives it the whole
// daggercheck command line through package cli.
package commit

import (
	"fmt"
	"slices"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// MaxRMs is the most resource managers a model may have.
const MaxRMs = 8

// Params: the number of resource managers.
var Params = []spec.Param{
	{Name: "rms", Default: "3", Description: "resource managers", Min: 1, Max: MaxRMs},
}

// The bug catalogue, each with the property that catches it.
var Bugs = []spec.Bug{
	{Name: "commit-early", Breaks: "consistent",
		Description: "the TM commits once all RMs but one have prepared, so the last may abort a committed transaction"},
	{Name: "silent-abort", Breaks: spec.Deadlock,
		Description: "the TM aborts without telling the RMs, so a prepared RM waits for ever"},
}

// RM is a resource manager's state.
type RM uint8

const (
	Working RM = iota
	Prepared
	Committed
	Aborted
)

func (r RM) String() string { return [...]string{"working", "prepared", "committed", "aborted"}[r] }

// TM is the transaction manager's state.
type TM uint8

const (
	TMInit TM = iota
	TMCommitted
	TMAborted
)

func (t TM) String() string { return [...]string{"init", "committed", "aborted"}[t] }

// State is TwoPhase.tla's variables: each RM's state, the TM's, the set
// of RMs the TM knows prepared, and the messages sent.
type State struct {
	RM         [MaxRMs]RM
	TM         TM
	TMPrepared [MaxRMs]bool // the Prepared messages the TM has received
	SentPrep   [MaxRMs]bool // the Prepared messages sent
	SentCommit bool
	SentAbort  bool
}

// Model is two-phase commit with rms RMs, with a bug or none.
type Model struct {
	rms int
	bug string
}

// The capabilities the model offers, checked by the compiler.
var (
	_ checker.Model[State]      = (*Model)(nil)
	_ checker.Terminator[State] = (*Model)(nil)
	_ checker.Symmetric[State]  = (*Model)(nil)
	_ checker.Formatter[State]  = (*Model)(nil)
)

// New builds the model from its parameters; bug is "" or a name from Bugs.
func New(v spec.Values, bug string) (*Model, error) {
	if bug != "" && !slices.ContainsFunc(Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
		return nil, fmt.Errorf("unknown bug %q", bug)
	}
	return &Model{rms: v.Int("rms"), bug: bug}, nil
}

// The kinds of action: TwoPhase.tla's, by name.
const (
	actTMRcvPrepared = iota
	actTMCommit
	actTMAbort
	actRMPrepare
	actRMChooseToAbort
	actRMRcvCommit
	actRMRcvAbort
)

// Init: every RM working, the TM in init, no messages.
func (m *Model) Init() []State { return []State{{}} }

// Actions names the kinds of action; the RMs' and one of the TM's take
// the RM.
func (m *Model) Actions() []checker.ActionKind {
	rm := []string{"rm"}
	return []checker.ActionKind{{Name: "tm-rcv-prepared", Params: rm}, {Name: "tm-commit"}, {Name: "tm-abort"},
		{Name: "rm-prepare", Params: rm}, {Name: "rm-choose-to-abort", Params: rm},
		{Name: "rm-rcv-commit", Params: rm}, {Name: "rm-rcv-abort", Params: rm}}
}

// Next emits the TM's steps, then each RM's. A step that would change
// nothing (receiving a message again) is left out.
func (m *Model) Next(s State, emit func(checker.Action, State)) {
	m.nextTM(s, emit)
	for i := range m.rms {
		if s.RM[i] == Working {
			t := s
			t.RM[i], t.SentPrep[i] = Prepared, true
			emit(checker.Act(actRMPrepare, i), t)
			t = s
			t.RM[i] = Aborted
			emit(checker.Act(actRMChooseToAbort, i), t)
		}
		if s.SentCommit && s.RM[i] != Committed {
			t := s
			t.RM[i] = Committed
			emit(checker.Act(actRMRcvCommit, i), t)
		}
		if s.SentAbort && s.RM[i] != Aborted {
			t := s
			t.RM[i] = Aborted
			emit(checker.Act(actRMRcvAbort, i), t)
		}
	}
}

// nextTM emits the TM's steps: receive a Prepared message, commit once
// every RM has prepared (commit-early: all but one), abort.
func (m *Model) nextTM(s State, emit func(checker.Action, State)) {
	if s.TM != TMInit {
		return
	}
	prepared := 0
	for i := range m.rms {
		if s.TMPrepared[i] {
			prepared++
		} else if s.SentPrep[i] {
			t := s
			t.TMPrepared[i] = true
			emit(checker.Act(actTMRcvPrepared, i), t)
		}
	}
	need := m.rms
	if m.bug == "commit-early" {
		need = m.rms - 1
	}
	if prepared >= need {
		t := s
		t.TM, t.SentCommit = TMCommitted, true
		emit(checker.Act(actTMCommit), t)
	}
	t := s
	t.TM, t.SentAbort = TMAborted, m.bug != "silent-abort"
	emit(checker.Act(actTMAbort), t)
}

// Encode writes the RMs in use and the TM, a byte each, and the flags
// as bits.
func (m *Model) Encode(buf []byte, s State) []byte {
	for i := range m.rms {
		buf = append(buf, byte(s.RM[i])|bit(s.TMPrepared[i])<<2|bit(s.SentPrep[i])<<3)
	}
	return append(buf, byte(s.TM)|bit(s.SentCommit)<<2|bit(s.SentAbort)<<3)
}

func bit(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// Canonical sorts the RMs by what the state says of each: the RMs are
// interchangeable, so states that differ only in their order are one.
func (m *Model) Canonical(s State) State {
	key := func(i int) byte { return byte(s.RM[i]) | bit(s.TMPrepared[i])<<2 | bit(s.SentPrep[i])<<3 }
	order := make([]int, m.rms)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(key(a)) - int(key(b)) })
	t := s
	for to, from := range order {
		t.RM[to], t.TMPrepared[to], t.SentPrep[to] = s.RM[from], s.TMPrepared[from], s.SentPrep[from]
	}
	return t
}

// Terminal: the run may stop once every RM has decided.
func (m *Model) Terminal(s State) bool {
	for i := range m.rms {
		if s.RM[i] != Committed && s.RM[i] != Aborted {
			return false
		}
	}
	return true
}

// Properties: TwoPhase.tla's TCConsistent; both outcomes happen; and
// every RM decides, under weak fairness of every step but an RM's choice
// to abort.
func (m *Model) Properties() []checker.Property[State] {
	return []checker.Property[State]{
		checker.Invariant("consistent", "no RM has committed while another has aborted", m.consistent),
		checker.Possible("all-committed", "some behaviour commits at every RM", func(s State) bool { return m.all(s, Committed) }),
		checker.Possible("all-aborted", "some behaviour aborts at every RM", func(s State) bool { return m.all(s, Aborted) }),
		checker.Finally("decided", "every RM commits or aborts in the end (every step but an RM's choice to abort weakly fair)",
			m.Terminal, "tm-rcv-prepared", "tm-commit", "tm-abort", "rm-prepare", "rm-rcv-commit", "rm-rcv-abort"),
	}
}

func (m *Model) consistent(s State) bool {
	committed, aborted := false, false
	for i := range m.rms {
		committed = committed || s.RM[i] == Committed
		aborted = aborted || s.RM[i] == Aborted
	}
	return !committed || !aborted
}

func (m *Model) all(s State, r RM) bool {
	for i := range m.rms {
		if s.RM[i] != r {
			return false
		}
	}
	return true
}

// Fields shows each RM with what the TM knows of it, then the TM and the
// messages sent to all.
func (m *Model) Fields(s State) []checker.Field {
	var out []checker.Field
	for i := range m.rms {
		v := s.RM[i].String()
		if s.TMPrepared[i] {
			v += " (TM knows prepared)"
		} else if s.SentPrep[i] {
			v += " (Prepared sent)"
		}
		out = append(out, checker.Field{Name: fmt.Sprintf("rm%d", i), Value: v})
	}
	return append(out, checker.Field{Name: "tm", Value: s.TM.String()},
		checker.Field{Name: "commit-sent", Value: fmt.Sprint(s.SentCommit)},
		checker.Field{Name: "abort-sent", Value: fmt.Sprint(s.SentAbort)})
}
