package history

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

const historiesDir = "testdata/histories"

// Option sets the corpus table names.
var (
	amo       = HistoryOptions{}
	amoFIFO   = HistoryOptions{FIFO: true}
	eo        = HistoryOptions{Semantics: ExactlyOnce}
	eoDone    = HistoryOptions{Semantics: ExactlyOnce, Complete: true}
	strictest = HistoryOptions{Semantics: ExactlyOnce, FIFO: true, Complete: true}
)

// allOptions is every combination of the options.
func allOptions() []HistoryOptions {
	var out []HistoryOptions
	for _, s := range []Semantics{AtMostOnce, ExactlyOnce} {
		for _, fifo := range []bool{false, true} {
			for _, complete := range []bool{false, true} {
				out = append(out, HistoryOptions{Semantics: s, FIFO: fifo, Complete: complete})
			}
		}
	}
	return out
}

// historyCase is what a corpus file gives under some options: a rule and
// the line that breaks it (no rule: the history is fine), or an input
// error containing err.
type historyCase struct {
	file string
	opts HistoryOptions
	rule string
	line int
	err  string
}

var historyCases = []historyCase{
	{file: "ok-sequential.history", opts: strictest},
	{file: "ok-pipelined.history", opts: strictest},
	{file: "ok-quoting.history", opts: strictest},
	{file: "empty.history", opts: strictest},
	{file: "fifo-per-connection.history", opts: strictest},
	{file: "timeout-unexecuted.history", opts: amoFIFO},
	{file: "timeout-unexecuted.history", opts: eo},
	{file: "timeout-unexecuted.history", opts: eoDone, rule: RuleNotExecuted, line: 6},
	{file: "timeout-executed-late.history", opts: amoFIFO},
	{file: "timeout-executed-late.history", opts: eoDone, rule: RuleNotCompleted, line: 7},
	{file: "pending.history", opts: eo},
	{file: "pending.history", opts: HistoryOptions{Complete: true}},
	{file: "pending.history", opts: eoDone, rule: RuleNotCompleted, line: 9},
	{file: "error-completion.history", opts: amo},
	{file: "error-completion.history", opts: eoDone, rule: RuleNotExecuted, line: 5},
	{file: "retry-executed-twice.history", opts: amo, rule: RuleExecutedTwice, line: 7},
	{file: "retry-executed-twice.history", opts: strictest, rule: RuleExecutedTwice, line: 7},
	{file: "exec-without-call.history", opts: amo, rule: RuleExecWithoutCall, line: 6},
	{file: "exec-wrong-arg.history", opts: amo, rule: RuleExecWithoutCall, line: 5},
	{file: "exec-before-call.history", opts: amo, rule: RuleExecWithoutCall, line: 4},
	{file: "unknown-completion.history", opts: amo, rule: RuleUnknownCompletion, line: 8},
	{file: "completion-wrong-client.history", opts: amo, rule: RuleUnknownCompletion, line: 6},
	{file: "completed-twice.history", opts: amo, rule: RuleCompletedTwice, line: 7},
	{file: "wrong-result.history", opts: amo, rule: RuleWrongResult, line: 9},
	{file: "result-before-exec.history", opts: amo, rule: RuleWrongResult, line: 6},
	{file: "id-reused.history", opts: amo, rule: RuleIDReused, line: 8},
	{file: "fifo-reordered.history", opts: eoDone},
	{file: "fifo-reordered.history", opts: amoFIFO, rule: RuleFIFOOrder, line: 9},
	{file: "fifo-lost-call.history", opts: amoFIFO},
	{file: "fifo-lost-call.history", opts: strictest, rule: RuleNotExecuted, line: 6},
	{file: "malformed-unterminated-quote.history", err: "malformed-unterminated-quote.history:4: No closing quotation"},
	{file: "malformed-missing-field.history", err: "malformed-missing-field.history:5: exec: no ret="},
	{file: "malformed-repeated-key.history", err: "malformed-repeated-key.history:4: call: arg given twice"},
	{file: "malformed-unknown-event.history", err: `malformed-unknown-event.history:4: unknown event "retry"`},
	{file: "malformed-ret-with-timeout.history", err: "malformed-ret-with-timeout.history:5: complete: ret= with status=timeout"},
	{file: "malformed-ok-without-ret.history", err: "malformed-ok-without-ret.history:6: complete: no ret="},
	{file: "malformed-negative-conn.history", err: "malformed-negative-conn.history:4: call: conn=-1: want a non-negative integer"},
	{file: "malformed-bad-status.history", err: "malformed-bad-status.history:4: complete: status=lost: want ok, timeout or error"},
	{file: "malformed-not-key-value.history", err: `malformed-not-key-value.history:3: call: "x": want key=value`},
}

// Every corpus file gives what the table says, opens with a # paragraph
// on what it shows, and is in the table.
func TestHistoryCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(historiesDir, "*.history"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no histories under %s (%v)", historiesDir, err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if !slices.ContainsFunc(historyCases, func(c historyCase) bool { return c.file == name }) {
			t.Errorf("%s is not in the table", name)
		}
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(text), "# ") {
			t.Errorf("%s does not open with a # paragraph on what it shows", name)
		}
	}
	for _, c := range historyCases {
		t.Run(fmt.Sprintf("%s/%s", c.file, describe(c.opts)), func(t *testing.T) {
			f, err := os.Open(filepath.Join(historiesDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			h, err := ParseHistory(c.file, f)
			if c.err != "" {
				_, after, _ := strings.Cut(c.err, ":")
				line, _, _ := strings.Cut(after, ":")
				if !strings.Contains(header(t, c.file), "line "+line) {
					t.Errorf("the opening paragraph does not name line %s", line)
				}
				if err == nil || !errors.Is(err, ErrHistorySyntax) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want an error containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The opening paragraph says what breaks, and where.
			if c.rule != "" && !(strings.Contains(header(t, c.file), c.rule) && strings.Contains(header(t, c.file), fmt.Sprintf("line %d", c.line))) {
				t.Errorf("the opening paragraph does not name %s and line %d", c.rule, c.line)
			}
			res := h.Check(c.opts)
			switch v := res.Violation; {
			case c.rule == "" && v != nil:
				t.Fatalf("want ok, got %s", v)
			case c.rule != "" && v == nil:
				t.Fatalf("want %s on line %d, got ok", c.rule, c.line)
			case v != nil && (v.Rule != c.rule || v.Line != c.line || v.Event.Line != c.line):
				t.Fatalf("want %s on line %d, got %s (event on line %d)", c.rule, c.line, v, v.Event.Line)
			}
		})
	}
}

// header is a corpus file's opening # paragraph.
func header(t *testing.T, file string) string {
	text, err := os.ReadFile(filepath.Join(historiesDir, file))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(l, "#") {
			break
		}
		b.WriteString(strings.TrimPrefix(l, "#"))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func describe(o HistoryOptions) string {
	s := o.Semantics.String()
	if o.FIFO {
		s += "+fifo"
	}
	if o.Complete {
		s += "+complete"
	}
	return s
}

// A violation's message names the calls and lines involved.
func TestHistoryViolationMessages(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts HistoryOptions
		want string
	}{
		{"retry-executed-twice.history", amo, "executed-twice on line 7: call conn=1 id=1 (line 5) executes again; it executed on line 6"},
		{"exec-without-call.history", amo, "exec-without-call on line 6: no call conn=2 id=1 before this exec"},
		{"exec-wrong-arg.history", amo, "exec-without-call on line 5: exec conn=1 id=1 runs fn=put arg=k=2, but the call on line 4 asked for fn=put arg=k=1"},
		{"unknown-completion.history", amo, "unknown-completion on line 8: no call conn=1 id=2 before this completion (client c)"},
		{"completion-wrong-client.history", amo, "unknown-completion on line 6: client b completes call conn=1 id=1, but client a made it (line 4)"},
		{"completed-twice.history", amo, "completed-twice on line 7: call conn=1 id=1 (line 4) completes again; it completed on line 6 with status=ok"},
		{"wrong-result.history", amo, "wrong-result on line 9: call conn=1 id=1 (line 5) completes ok with ret=4, but its exec on line 7 returned ret=3"},
		{"result-before-exec.history", amo, "wrong-result on line 6: call conn=1 id=1 (line 5) completes ok with ret=y before any exec of it"},
		{"id-reused.history", amo, "id-reused on line 8: call conn=1 id=1 reuses the id of the call on line 5"},
		{"fifo-reordered.history", amoFIFO, "fifo-order on line 9: call conn=1 id=1 (line 6) executes after call conn=1 id=2 (line 7), which was made after it and executed on line 8"},
		{"timeout-executed-late.history", eoDone, "not-completed on line 7: call conn=3 id=9 (line 6) completed with status=timeout, not ok"},
		{"pending.history", eoDone, "not-completed on line 9: call conn=1 id=2 never completed"},
		{"error-completion.history", eoDone, "not-executed on line 5: call conn=2 id=4 never executed"},
	} {
		h := readHistory(t, tc.file)
		v := h.Check(tc.opts).Violation
		if v == nil || !strings.HasPrefix(v.String(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.file, v, tc.want)
		}
	}
}

func readHistory(t *testing.T, file string) *History {
	t.Helper()
	f, err := os.Open(filepath.Join(historiesDir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := ParseHistory(file, f)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The statistics count the whole history, whatever the verdict.
func TestHistoryStats(t *testing.T) {
	res := readHistory(t, "retry-executed-twice.history").Check(amo)
	want := HistoryStats{Calls: 1, Execs: 2, Completions: Completions{OK: 1}}
	if res.Stats != want {
		t.Errorf("got %+v, want %+v", res.Stats, want)
	}
	res = readHistory(t, "timeout-unexecuted.history").Check(amo)
	want = HistoryStats{Calls: 2, Execs: 1, Completions: Completions{OK: 1, Timeout: 1}}
	if res.Stats != want || !res.OK() {
		t.Errorf("got %+v (ok %v), want %+v", res.Stats, res.OK(), want)
	}
}

func TestHistoryOptionsRules(t *testing.T) {
	base := []string{RuleExecWithoutCall, RuleUnknownCompletion, RuleCompletedTwice, RuleWrongResult, RuleIDReused, RuleExecutedTwice}
	for _, tc := range []struct {
		opts HistoryOptions
		want []string
	}{
		{amo, base},
		{HistoryOptions{Complete: true}, base},
		{eo, base},
		{amoFIFO, append(slices.Clone(base), RuleFIFOOrder)},
		{eoDone, append(slices.Clone(base), RuleNotExecuted, RuleNotCompleted)},
		{strictest, append(slices.Clone(base), RuleFIFOOrder, RuleNotExecuted, RuleNotCompleted)},
	} {
		if got := tc.opts.Rules(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", describe(tc.opts), got, tc.want)
		}
	}
}

func TestParseSemantics(t *testing.T) {
	for _, s := range []Semantics{AtMostOnce, ExactlyOnce} {
		if got, err := ParseSemantics(s.String()); err != nil || got != s {
			t.Errorf("%s: got %v, %v", s, got, err)
		}
	}
	if _, err := ParseSemantics("exactly-twice"); err == nil {
		t.Error("exactly-twice accepted")
	}
}

// Malformed lines are input errors naming the file, the line and what is
// wrong there.
func TestMalformedHistoriesNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"call client=c conn=1 id=1 fn=f\n", "bad.history:1: call: no arg= (want call client=… conn=… id=… fn=… arg=…)"},
		{"# c\n\ncall client=c conn=1 id=1 fn='' arg=x\n", "bad.history:3: call: fn is empty"},
		{"call client= conn=1 id=1 fn=f arg=x\n", "bad.history:1: call: client is empty"},
		{"exec server='' conn=1 id=1 fn=f arg=x ret=y\n", "bad.history:1: exec: server is empty"},
		{"call client=c conn=18446744073709551616 id=1 fn=f arg=x\n", "bad.history:1: call: conn=18446744073709551616: want a non-negative integer"},
		{"call client=c conn=1 id=+1 fn=f arg=x\n", "bad.history:1: call: id=+1: want a non-negative integer"},
		{"call client=c conn=1 id= fn=f arg=x\n", "bad.history:1: call: id='': want a non-negative integer"},
		{"call client=c conn=1 id=1 fn=f arg=x\\", "bad.history:1: No escaped character"},
		{"call client=c conn=1 id=1 fn=f arg=\"x\n", "bad.history:1: No closing quotation"},
		{"call client=c conn=1 id=1 fn=f arg=x =y\n", `bad.history:1: call: "=y": want key=value`},
		{"complete client=c conn=1 id=1\n", "bad.history:1: complete: no status="},
		{"complete client=c conn=1 id=1 status=error ret=\n", "bad.history:1: complete: ret= with status=error"},
		{"complete client=c conn=1 id=1 status=OK ret=1\n", "bad.history:1: complete: status=OK: want ok, timeout or error"},
		{"call client=c conn=1 id=1 fn=f arg=x\x00\n", "bad.history:1: a NUL byte"},
		{"Call client=c conn=1 id=1 fn=f arg=x\n", `bad.history:1: unknown event "Call"`},
		{"call\n", "bad.history:1: call: no client="},
		{"call client=c conn=1 id=1 fn=f arg=x\n" + strings.Repeat("x", 17<<20), "bad.history:2: a line longer than 16 MiB"},
	} {
		_, err := ParseHistory("bad.history", strings.NewReader(tc.text))
		if err == nil || !errors.Is(err, ErrHistorySyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60q: got %v, want an error containing %q", tc.text, err, tc.want)
		}
	}
}

// What the format allows beyond the plain case: ignored keys, empty
// values, comments anywhere, CRLF line ends; keys of other events (ret
// on a call) are ignored too.
func TestParseHistoryAccepts(t *testing.T) {
	text := "  # comment\r\n\r\ncall ts=1 client=c conn=007 id=0 fn=f arg='' note='x y' ret=ignored status=ok\r\n" +
		"exec server=s conn=7 id=0 fn=f arg= ret=\"a b\"\r\n\t#another\ncomplete client=c conn=7 id=0 status=ok ret='a b' trailer=\n" +
		"complete client=c conn=8 id=1 status=timeout\n"
	h, err := ParseHistory("good.history", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{Kind: EventCall, Client: "c", Conn: 7, ID: 0, Fn: "f", Arg: "", Line: 3},
		{Kind: EventExec, Server: "s", Conn: 7, ID: 0, Fn: "f", Arg: "", Ret: "a b", Line: 4},
		{Kind: EventComplete, Client: "c", Conn: 7, ID: 0, Status: StatusOK, Ret: "a b", Line: 6},
		{Kind: EventComplete, Client: "c", Conn: 8, ID: 1, Status: StatusTimeout, Line: 7},
	}
	if !reflect.DeepEqual(h.Events, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", h.Events, want)
	}
	var b strings.Builder
	if err := h.Format(&b); err != nil {
		t.Fatal(err)
	}
	wantText := "call client=c conn=7 id=0 fn=f arg=''\n" +
		"exec server=s conn=7 id=0 fn=f arg='' ret='a b'\n" +
		"complete client=c conn=7 id=0 status=ok ret='a b'\n" +
		"complete client=c conn=8 id=1 status=timeout\n"
	if b.String() != wantText {
		t.Fatalf("Format wrote\n%s\nwant\n%s", b.String(), wantText)
	}
}

var (
	histName  = rapid.SampledFrom([]string{"a", "b", "web 1", "it's", "#c", "ü"})
	histFn    = rapid.SampledFrom([]string{"get", "put", "add", "a b"})
	histValue = rapid.StringMatching(`[^\x00\n\r]{0,8}`)
)

// genEvent is any well-formed event, for the round trip.
func genEvent(t *rapid.T) Event {
	e := Event{Kind: rapid.SampledFrom([]EventKind{EventCall, EventExec, EventComplete}).Draw(t, "kind"),
		Conn: rapid.Uint64().Draw(t, "conn"), ID: rapid.Uint64().Draw(t, "id")}
	switch e.Kind {
	case EventCall:
		e.Client, e.Fn, e.Arg = histName.Draw(t, "client"), histFn.Draw(t, "fn"), histValue.Draw(t, "arg")
	case EventExec:
		e.Server, e.Fn, e.Arg, e.Ret = histName.Draw(t, "server"), histFn.Draw(t, "fn"), histValue.Draw(t, "arg"), histValue.Draw(t, "ret")
	case EventComplete:
		e.Client = histName.Draw(t, "client")
		e.Status = rapid.SampledFrom([]Status{StatusOK, StatusTimeout, StatusError}).Draw(t, "status")
		if e.Status == StatusOK {
			e.Ret = histValue.Draw(t, "ret")
		}
	}
	return e
}

func stripHistoryLines(events []Event) []Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Line = 0
	}
	return out
}

func TestHistoryRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := &History{Events: rapid.SliceOfN(rapid.Custom(genEvent), 0, 8).Draw(t, "events")}
		var b strings.Builder
		h.Format(&b)
		g, err := ParseHistory("gen.history", strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		if got := stripHistoryLines(g.Events); !reflect.DeepEqual(got, h.Events) && len(h.Events)+len(got) > 0 {
			t.Fatalf("round trip changed the history:\n%s\nwant %#v\ngot  %#v", b.String(), h.Events, got)
		}
	})
}

// genCorrectHistory is the history of a correct system: clients make
// calls on their connections (several may be in flight), the server
// executes each connection's calls once and in the order they were made,
// and each call completes ok with what its exec returned; at the end
// everything has executed and completed.
func genCorrectHistory(t *rapid.T) []Event {
	type conn struct {
		client  string
		nextID  uint64
		pending []Event // called, not executed, in call order
	}
	conns := make([]*conn, rapid.IntRange(1, 3).Draw(t, "conns"))
	for i := range conns {
		conns[i] = &conn{client: histName.Draw(t, "client"), nextID: rapid.Uint64Range(0, 3).Draw(t, "firstID")}
	}
	var events, executed []Event // executed: execs whose call has not completed
	exec := func(c int) {
		call := conns[c].pending[0]
		conns[c].pending = conns[c].pending[1:]
		x := Event{Kind: EventExec, Server: histName.Draw(t, "server"), Conn: call.Conn, ID: call.ID, Fn: call.Fn, Arg: call.Arg, Ret: histValue.Draw(t, "ret")}
		events = append(events, x)
		executed = append(executed, x)
	}
	complete := func(i int) {
		x := executed[i]
		executed = slices.Delete(executed, i, i+1)
		events = append(events, Event{Kind: EventComplete, Client: conns[x.Conn].client, Conn: x.Conn, ID: x.ID, Status: StatusOK, Ret: x.Ret})
	}
	withPending := func() []int {
		var out []int
		for i, c := range conns {
			if len(c.pending) > 0 {
				out = append(out, i)
			}
		}
		return out
	}
	for step, n := 0, rapid.IntRange(0, 40).Draw(t, "steps"); step < n; step++ {
		switch rapid.IntRange(0, 2).Draw(t, "action") {
		case 0:
			c := rapid.IntRange(0, len(conns)-1).Draw(t, "callConn")
			call := Event{Kind: EventCall, Client: conns[c].client, Conn: uint64(c), ID: conns[c].nextID, Fn: histFn.Draw(t, "fn"), Arg: histValue.Draw(t, "arg")}
			conns[c].nextID += rapid.Uint64Range(1, 3).Draw(t, "idStep")
			conns[c].pending = append(conns[c].pending, call)
			events = append(events, call)
		case 1:
			if p := withPending(); len(p) > 0 {
				exec(rapid.SampledFrom(p).Draw(t, "execConn"))
			}
		case 2:
			if len(executed) > 0 {
				complete(rapid.IntRange(0, len(executed)-1).Draw(t, "completeCall"))
			}
		}
	}
	for p := withPending(); len(p) > 0; p = withPending() {
		exec(rapid.SampledFrom(p).Draw(t, "drainExec"))
	}
	for len(executed) > 0 {
		complete(rapid.IntRange(0, len(executed)-1).Draw(t, "drainComplete"))
	}
	return events
}

// render writes events as a history with comments and blank lines drawn
// between them, and returns the text and each event's line.
func render(t *rapid.T, events []Event) (string, []int) {
	var b strings.Builder
	lines := make([]int, len(events))
	n := 0
	for i, e := range events {
		for rapid.IntRange(0, 4).Draw(t, "noise") == 0 {
			n++
			b.WriteString(rapid.SampledFrom([]string{"", "# comment", "   ", "  # call conn=1 id=1"}).Draw(t, "noiseLine") + "\n")
		}
		n++
		lines[i] = n
		b.WriteString(e.String() + "\n")
	}
	return b.String(), lines
}

// The history of a correct system keeps every rule under every option.
func TestCorrectHistoriesPass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := genCorrectHistory(t)
		text, _ := render(t, events)
		h, err := ParseHistory("gen.history", strings.NewReader(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		for _, o := range allOptions() {
			res := h.Check(o)
			if !res.OK() {
				t.Fatalf("%s: %s\n%s", describe(o), res.Violation, text)
			}
			calls, execs, oks := 0, 0, 0
			for _, e := range events {
				switch e.Kind {
				case EventCall:
					calls++
				case EventExec:
					execs++
				case EventComplete:
					oks++
				}
			}
			if want := (HistoryStats{Calls: calls, Execs: execs, Completions: Completions{OK: oks}}); res.Stats != want {
				t.Fatalf("stats %+v, want %+v", res.Stats, want)
			}
		}
	})
}

// One mutation of a correct history is caught, under every option, by the
// rule it breaks, on the line where it happens.
func TestMutationsAreCaught(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := genCorrectHistory(t)
		indexes := func(kind EventKind) []int {
			var out []int
			for i, e := range events {
				if e.Kind == kind {
					out = append(out, i)
				}
			}
			return out
		}
		insert := func(from int, e Event) int {
			at := rapid.IntRange(from, len(events)).Draw(t, "at")
			events = slices.Insert(events, at, e)
			return at
		}
		var rule string
		var at int
		switch kind := rapid.SampledFrom([]string{"duplicate-exec", "wrong-ret", "unknown-completion", "reused-id"}).Draw(t, "mutation"); kind {
		case "duplicate-exec":
			execs := indexes(EventExec)
			if len(execs) == 0 {
				t.Skip("no exec to duplicate")
			}
			i := rapid.SampledFrom(execs).Draw(t, "exec")
			dup := events[i]
			dup.Ret = rapid.SampledFrom([]string{dup.Ret, dup.Ret + "'"}).Draw(t, "dupRet")
			rule, at = RuleExecutedTwice, insert(i+1, dup)
		case "wrong-ret":
			oks := indexes(EventComplete)
			if len(oks) == 0 {
				t.Skip("no completion to corrupt")
			}
			at = rapid.SampledFrom(oks).Draw(t, "completion")
			events[at].Ret += rapid.SampledFrom([]string{"x", " ", "'"}).Draw(t, "suffix")
			rule = RuleWrongResult
		case "unknown-completion":
			// An id beyond any called on the connection, or a connection
			// nobody used.
			c := Event{Kind: EventComplete, Client: "a", Conn: rapid.Uint64Range(0, 3).Draw(t, "conn"), ID: 1000,
				Status: rapid.SampledFrom([]Status{StatusOK, StatusTimeout, StatusError}).Draw(t, "status")}
			if c.Status == StatusOK {
				c.Ret = histValue.Draw(t, "ret")
			}
			rule, at = RuleUnknownCompletion, insert(0, c)
		case "reused-id":
			calls := indexes(EventCall)
			if len(calls) == 0 {
				t.Skip("no call to reuse")
			}
			i := rapid.SampledFrom(calls).Draw(t, "call")
			again := events[i]
			again.Arg = histValue.Draw(t, "arg")
			rule, at = RuleIDReused, insert(i+1, again)
		}
		text, lines := render(t, events)
		h, err := ParseHistory("mutant.history", strings.NewReader(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		for _, o := range allOptions() {
			v := h.Check(o).Violation
			if v == nil || v.Rule != rule || v.Line != lines[at] {
				t.Fatalf("%s: want %s on line %d, got %v\n%s", describe(o), rule, lines[at], v, text)
			}
		}
	})
}

// Every rule is documented in docs/history.md, under its name.
func TestHistoryRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/history.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range HistoryRules {
		if !strings.Contains(string(doc), "`"+r.Name+"`") {
			t.Errorf("docs/history.md does not document rule %s", r.Name)
		}
	}
}

func FuzzParseHistory(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(historiesDir, "*.history"))
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(text))
	}
	f.Add("call client=c conn=1 id=1 fn=f arg=x\ncomplete client=c conn=1 id=1 status=ok ret=\\'\n")
	f.Add("exec server=s conn=0 id=0 fn=f arg=\"a\\\"b\" ret=$x\n")
	f.Fuzz(func(t *testing.T, text string) {
		h, err := ParseHistory("fuzz.history", strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, ErrHistorySyntax) || !strings.Contains(err.Error(), "fuzz.history:") {
				t.Fatalf("error %v does not wrap ErrHistorySyntax or name the file", err)
			}
			return
		}
		lines := map[int]bool{}
		for _, e := range h.Events {
			lines[e.Line] = true
		}
		for _, o := range allOptions() {
			if v := h.Check(o).Violation; v != nil && !lines[v.Line] {
				t.Fatalf("%s: %s names line %d, which holds no event", describe(o), v, v.Line)
			}
		}
		// What parses, formats and parses back to the same events.
		var b strings.Builder
		h.Format(&b)
		g, err := ParseHistory("again.history", strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("re-parse failed: %v\n%s", err, b.String())
		}
		if got, want := stripHistoryLines(g.Events), stripHistoryLines(h.Events); !reflect.DeepEqual(got, want) {
			t.Fatalf("format/parse changed the history:\n%s\nwant %#v\ngot  %#v", b.String(), want, got)
		}
		sc := bufio.NewScanner(strings.NewReader(b.String()))
		for i := 0; sc.Scan(); i++ {
			if g.Events[i].Line != i+1 {
				t.Fatalf("formatted event %d read from line %d", i, g.Events[i].Line)
			}
		}
	})
}
