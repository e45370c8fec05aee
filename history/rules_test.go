package history

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// This file tests every rule on its own: for each rule, the ways a
// history can break it and nothing else, each applied alone to a small
// correct history. Under the options that check the rule, the history
// must be rejected with that rule's name, on the line of the fault;
// under the others it must pass, so that the fault breaks that rule
// alone. A rule with no way to break it here fails the test.

// genSmallHistory is a small correct history whose first connection has
// at least two calls: clients make calls (ids distinct on a connection),
// the server executes each connection's calls in the order they were
// made, and every call completes ok with what its exec returned, the
// events of different calls interleaved at random.
func genSmallHistory(t *rapid.T) []Event {
	type call struct {
		ev    Event
		ret   string
		stage int // 0 not made, 1 made, 2 executed, 3 completed
	}
	var conns [][]*call
	for c := range rapid.IntRange(1, 2).Draw(t, "conns") {
		client := histName.Draw(t, "client")
		var calls []*call
		id := rapid.Uint64Range(0, 3).Draw(t, "firstID")
		for range rapid.IntRange(2-c, 3).Draw(t, "calls") {
			calls = append(calls, &call{ev: Event{Kind: EventCall, Client: client, Conn: uint64(c), ID: id,
				Fn: histFn.Draw(t, "fn"), Arg: histValue.Draw(t, "arg")}, ret: histValue.Draw(t, "ret")})
			id += rapid.Uint64Range(1, 3).Draw(t, "idStep")
		}
		conns = append(conns, calls)
	}
	var events []Event
	for {
		// The steps enabled: a connection's next call, its next call to
		// execute, any executed call's completion.
		var steps []*call
		for _, calls := range conns {
			if i := slices.IndexFunc(calls, func(c *call) bool { return c.stage == 0 }); i >= 0 {
				steps = append(steps, calls[i])
			}
			if i := slices.IndexFunc(calls, func(c *call) bool { return c.stage <= 1 }); i >= 0 && calls[i].stage == 1 {
				steps = append(steps, calls[i])
			}
			for _, c := range calls {
				if c.stage == 2 {
					steps = append(steps, c)
				}
			}
		}
		if len(steps) == 0 {
			return events
		}
		c := steps[rapid.IntRange(0, len(steps)-1).Draw(t, "step")]
		switch c.stage {
		case 0:
			events = append(events, c.ev)
		case 1:
			events = append(events, Event{Kind: EventExec, Server: "s", Conn: c.ev.Conn, ID: c.ev.ID, Fn: c.ev.Fn, Arg: c.ev.Arg, Ret: c.ret})
		case 2:
			events = append(events, Event{Kind: EventComplete, Client: c.ev.Client, Conn: c.ev.Conn, ID: c.ev.ID, Status: StatusOK, Ret: c.ret})
		}
		c.stage++
	}
}

// singleFault is one way to break one rule: apply changes a correct
// history so and returns the index of the event where the rule breaks.
type singleFault struct {
	rule, way string
	apply     func(t *rapid.T, h *faulted) int
}

// faulted is a history being broken, with the look-ups the faults need.
type faulted struct{ events []Event }

// pick draws one event of the kind and returns its index.
func (h *faulted) pick(t *rapid.T, kind EventKind, label string) int {
	var is []int
	for i, e := range h.events {
		if e.Kind == kind {
			is = append(is, i)
		}
	}
	return rapid.SampledFrom(is).Draw(t, label)
}

// of returns the index of the event of the kind that belongs to the
// call of event i.
func (h *faulted) of(i int, kind EventKind) int {
	return slices.IndexFunc(h.events, func(e Event) bool {
		return e.Kind == kind && e.Conn == h.events[i].Conn && e.ID == h.events[i].ID
	})
}

// insert puts e at a drawn place in from..len and returns it.
func (h *faulted) insert(t *rapid.T, from int, e Event) int {
	at := rapid.IntRange(from, len(h.events)).Draw(t, "at")
	h.events = slices.Insert(h.events, at, e)
	return at
}

// move takes event i out and puts it at index to of what remains.
func (h *faulted) move(i, to int) int {
	e := h.events[i]
	h.events = slices.Insert(slices.Delete(h.events, i, i+1), to, e)
	return to
}

var singleFaults = []singleFault{
	{RuleExecWithoutCall, "an exec of a call never made", func(t *rapid.T, h *faulted) int {
		x := h.events[h.pick(t, EventExec, "exec")]
		x.ID += 1000
		return h.insert(t, 0, x)
	}},
	{RuleExecWithoutCall, "an exec that runs another function than its call asked for", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventExec, "exec")
		h.events[i].Fn += rapid.SampledFrom([]string{"x", " ", "'"}).Draw(t, "fnSuffix")
		return i
	}},
	{RuleExecWithoutCall, "an exec with another argument than its call's", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventExec, "exec")
		h.events[i].Arg += rapid.SampledFrom([]string{"x", " ", "'"}).Draw(t, "argSuffix")
		return i
	}},
	{RuleExecWithoutCall, "an exec before its call", func(t *rapid.T, h *faulted) int {
		c := h.pick(t, EventCall, "call")
		return h.move(h.of(c, EventExec), rapid.IntRange(0, c).Draw(t, "to"))
	}},
	{RuleUnknownCompletion, "a completion of a call never made", func(t *rapid.T, h *faulted) int {
		x := h.events[h.pick(t, EventComplete, "completion")]
		x.ID += 1000
		return h.insert(t, 0, x)
	}},
	{RuleUnknownCompletion, "a completion seen by another client than the caller", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventComplete, "completion")
		h.events[i].Client += "'"
		return i
	}},
	{RuleCompletedTwice, "a second completion", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventComplete, "completion")
		again := h.events[i]
		if again.Status = rapid.SampledFrom([]Status{StatusOK, StatusTimeout, StatusError}).Draw(t, "status"); again.Status != StatusOK {
			again.Ret = ""
		}
		return h.insert(t, i+1, again)
	}},
	{RuleWrongResult, "an ok completion with another result than its exec's", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventComplete, "completion")
		h.events[i].Ret += rapid.SampledFrom([]string{"x", " ", "'"}).Draw(t, "retSuffix")
		return i
	}},
	{RuleWrongResult, "an ok completion before its call's exec", func(t *rapid.T, h *faulted) int {
		c := h.pick(t, EventCall, "call")
		return h.move(h.of(c, EventComplete), rapid.IntRange(c+1, h.of(c, EventExec)).Draw(t, "to"))
	}},
	{RuleIDReused, "a second call with the id of an earlier one", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventCall, "call")
		again := h.events[i]
		again.Arg = histValue.Draw(t, "arg")
		return h.insert(t, i+1, again)
	}},
	{RuleExecutedTwice, "a second exec of a call", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventExec, "exec")
		again := h.events[i]
		again.Ret = rapid.SampledFrom([]string{again.Ret, again.Ret + "'"}).Draw(t, "ret")
		return h.insert(t, i+1, again)
	}},
	{RuleFIFOOrder, "a call executed after the next call on its connection", func(t *rapid.T, h *faulted) int {
		// Two consecutive calls on connection 0, a then b: b's exec moves
		// to just before a's (and b's call, if it came after a's exec,
		// to just before that).
		var calls []int
		for i, e := range h.events {
			if e.Kind == EventCall && e.Conn == 0 {
				calls = append(calls, i)
			}
		}
		k := rapid.IntRange(0, len(calls)-2).Draw(t, "pair")
		a, b := calls[k], calls[k+1]
		xa := h.of(a, EventExec)
		if b > xa {
			b = h.move(b, xa)
			xa++
		}
		h.move(h.of(b, EventExec), xa)
		return xa + 1
	}},
	{RuleNotExecuted, "a call lost: never executed, never completed", func(t *rapid.T, h *faulted) int {
		c := h.pick(t, EventCall, "call")
		x, done := h.of(c, EventExec), h.of(c, EventComplete)
		h.events = slices.Delete(h.events, max(x, done), max(x, done)+1)
		h.events = slices.Delete(h.events, min(x, done), min(x, done)+1)
		return c
	}},
	{RuleNotExecuted, "a call never executed, which timed out or failed", func(t *rapid.T, h *faulted) int {
		c := h.pick(t, EventCall, "call")
		done := h.of(c, EventComplete)
		h.events[done].Status, h.events[done].Ret = rapid.SampledFrom([]Status{StatusTimeout, StatusError}).Draw(t, "status"), ""
		h.events = slices.Delete(h.events, h.of(c, EventExec), h.of(c, EventExec)+1)
		return c
	}},
	{RuleNotCompleted, "an executed call that never completes", func(t *rapid.T, h *faulted) int {
		c := h.pick(t, EventCall, "call")
		h.events = slices.Delete(h.events, h.of(c, EventComplete), h.of(c, EventComplete)+1)
		return c
	}},
	{RuleNotCompleted, "an executed call that times out or fails", func(t *rapid.T, h *faulted) int {
		i := h.pick(t, EventComplete, "completion")
		h.events[i].Status, h.events[i].Ret = rapid.SampledFrom([]Status{StatusTimeout, StatusError}).Draw(t, "status"), ""
		return i
	}},
}

// Every rule has generated single-fault histories, and each is rejected
// with its rule's name, on the fault's line, exactly under the options
// that check the rule, and passes under the others.
func TestEachRuleAlone(t *testing.T) {
	for _, r := range HistoryRules {
		if !slices.ContainsFunc(singleFaults, func(f singleFault) bool { return f.rule == r.Name }) {
			t.Errorf("rule %s has no single-fault histories", r.Name)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		base := genSmallHistory(t)
		for _, f := range singleFaults {
			h := &faulted{events: slices.Clone(base)}
			at := f.apply(t, h)
			text, lines := render(t, h.events)
			parsed, err := ParseHistory("fault.history", strings.NewReader(text))
			if err != nil {
				t.Fatalf("%s: %v\n%s", f.way, err, text)
			}
			for _, o := range allOptions() {
				v := parsed.Check(o).Violation
				want := "no violation"
				if slices.Contains(o.Rules(), f.rule) {
					want = fmt.Sprintf("%s on line %d", f.rule, lines[at])
				}
				got := "no violation"
				if v != nil {
					got = fmt.Sprintf("%s on line %d", v.Rule, v.Line)
				}
				if got != want {
					t.Fatalf("%s (breaks %s alone), %s: got %s, want %s\n%v\n%s", f.way, f.rule, describe(o), got, want, v, text)
				}
			}
		}
	})
}
