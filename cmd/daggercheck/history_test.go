package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	shlex "github.com/anmitsu/go-shlex"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests drive `daggercheck history` through run and hold it to
// docs/history.md: exit codes, messages naming the rule and the
// line, and the --json fields (decoded into the tests' own type).

const histories = "../../history/testdata/histories/"

// historyOut is the contract's view of `history --json`.
type historyOut struct {
	File        string `json:"file"`
	Semantics   string `json:"semantics"`
	FIFO        bool   `json:"fifo"`
	Complete    bool   `json:"complete"`
	Result      string `json:"result"`
	Rule        string `json:"rule"`
	Line        int    `json:"line"`
	Message     string `json:"message"`
	Calls       int    `json:"calls"`
	Execs       int    `json:"execs"`
	Completions struct {
		OK      int `json:"ok"`
		Timeout int `json:"timeout"`
		Error   int `json:"error"`
	} `json:"completions"`
}

var historyFields = []string{"file", "semantics", "fifo", "complete", "result", "rule", "line", "message", "calls", "execs", "completions"}

// decodeHistory decodes stdout as exactly one JSON object with exactly
// the contract's fields.
func decodeHistory(t *testing.T, stdout string) historyOut {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &fields), stdout)
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, historyFields, keys)
	var out historyOut
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&out))
	require.False(t, dec.More(), "more than one JSON value")
	return out
}

func TestHistoryExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout (0, 1) or stderr (2)
	}{
		{[]string{"history", histories + "ok-sequential.history"}, exitOK, "result: ok: exec-without-call, unknown-completion"},
		{[]string{"history", "--semantics", "exactly-once", "--fifo", "--complete", histories + "ok-pipelined.history"}, exitOK, "(exactly-once, fifo, complete)"},
		{[]string{"history", histories + "fifo-reordered.history"}, exitOK, "result: ok"},
		// Flags after the file, too.
		{[]string{"history", histories + "fifo-reordered.history", "--fifo"}, exitViolation, "result: violation of fifo-order on line 9: "},
		{[]string{"history", histories + "retry-executed-twice.history"}, exitViolation, "violation of executed-twice on line 7: call conn=1 id=1 (line 5) executes again; it executed on line 6\n  line 7: exec server=s conn=1 id=1 fn=debit arg=10 ret=80\n"},
		{[]string{"history", histories + "wrong-result.history"}, exitViolation, "violation of wrong-result on line 9"},
		{[]string{"history", "-semantics=exactly-once", "-complete", histories + "error-completion.history"}, exitViolation, "violation of not-executed on line 5"},
		{[]string{"history", "--semantics", "exactly-once", histories + "error-completion.history"}, exitOK, "note: without --complete"},
		{[]string{"history", histories + "malformed-missing-field.history"}, exitUsage, "daggercheck: malformed history: " + histories + "malformed-missing-field.history:5: exec: no ret="},
		{[]string{"history", histories + "malformed-unterminated-quote.history", "--json"}, exitUsage, "malformed-unterminated-quote.history:4: No closing quotation"},
		{[]string{"history", "--bogus", histories + "ok-sequential.history"}, exitUsage, "flag provided but not defined: -bogus"},
		{[]string{"history", "--semantics", "exactly-twice", histories + "ok-sequential.history"}, exitUsage, `--semantics "exactly-twice": want at-most-once or exactly-once`},
		{[]string{"history"}, exitUsage, "history: want a FILE to check (or - for stdin)"},
		{[]string{"history", histories + "ok-sequential.history", histories + "pending.history"}, exitUsage, "history takes one FILE (or - for stdin)"},
		{[]string{"history", histories + "no-such.history"}, exitUsage, "no-such.history"},
		{[]string{"history", histories}, exitUsage, "histories"},
		{[]string{"history", "-h"}, exitOK, "usage: daggercheck history FILE|- [flags]"},
	} {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			code, stdout, stderr := daggercheck(t, tc.args...)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			where := stdout
			if tc.code == exitUsage || slices.Contains(tc.args, "-h") {
				where = stderr
				assert.Empty(t, stdout, "nothing on stdout after an input or usage error")
			}
			assert.Contains(t, where, tc.out)
		})
	}
}

func TestHistoryJSON(t *testing.T) {
	code, stdout, stderr := daggercheck(t, "history", "--json", "--fifo", histories+"fifo-reordered.history")
	require.Equal(t, exitViolation, code, stderr)
	out := decodeHistory(t, stdout)
	want := historyOut{File: histories + "fifo-reordered.history", Semantics: "at-most-once", FIFO: true, Result: "violation",
		Rule: "fifo-order", Line: 9, Calls: 2, Execs: 2,
		Message: "call conn=1 id=1 (line 6) executes after call conn=1 id=2 (line 7), which was made after it and executed on line 8"}
	want.Completions.OK = 2
	assert.Equal(t, want, out)

	code, stdout, stderr = daggercheck(t, "history", "--json", "--semantics", "exactly-once", "--complete", histories+"ok-quoting.history")
	require.Equal(t, exitOK, code, stderr)
	out = decodeHistory(t, stdout)
	want = historyOut{File: histories + "ok-quoting.history", Semantics: "exactly-once", Complete: true, Result: "ok", Calls: 2, Execs: 2}
	want.Completions.OK = 2
	assert.Equal(t, want, out)
}

// withStdin makes `history -` read text.
func withStdin(t *testing.T, text string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(text)
	t.Cleanup(func() { stdin = old })
}

func TestHistoryStdin(t *testing.T) {
	text, err := os.ReadFile(histories + "timeout-unexecuted.history")
	require.NoError(t, err)

	withStdin(t, string(text))
	code, stdout, stderr := daggercheck(t, "history", "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "history stdin  (at-most-once)\nresult: ok")

	withStdin(t, string(text))
	code, stdout, stderr = daggercheck(t, "history", "--semantics", "exactly-once", "--complete", "--json", "-")
	require.Equal(t, exitViolation, code, stderr)
	out := decodeHistory(t, stdout)
	assert.Equal(t, "-", out.File)
	assert.Equal(t, "not-executed", out.Rule)
	assert.Equal(t, 6, out.Line)
	assert.Equal(t, 1, out.Completions.Timeout)

	withStdin(t, "call client=c conn=1 id=1 fn=f arg=x\nexec server=s conn=1 id=1 fn=f arg=x\n")
	code, stdout, stderr = daggercheck(t, "history", "-")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "malformed history: stdin:2: exec: no ret=")

	withStdin(t, "")
	code, stdout, _ = daggercheck(t, "history", "-", "--complete", "--semantics=exactly-once")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "calls        0\n")
}

func TestHistoryInUsage(t *testing.T) {
	code, stdout, _ := daggercheck(t, "help")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "  history  FILE|- [flags]")
}

// The examples in docs/history.md show real output. Their blocks start
// with "$ cd history/testdata/histories" (so they do not collide with
// TestDocsShowRealOutput, which runs blocks that start with "$
// daggercheck" from this directory) and hold commands, each followed by
// what it prints: "cat FILE", and "daggercheck ARGS", optionally reading
// "< FILE" and ending in `; echo "rc=$?"`.
func TestHistoryDocsShowRealOutput(t *testing.T) {
	const dir = "history/testdata/histories"
	text, err := os.ReadFile("../../docs/history.md")
	require.NoError(t, err)
	abs, err := filepath.Abs("../../" + dir)
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)```\n\\$ cd " + regexp.QuoteMeta(dir) + "\n(.*?)```")
	blocks := block.FindAllStringSubmatch(string(text), -1)
	require.NotEmpty(t, blocks, "no examples in docs/history.md")
	t.Chdir(abs)
	n := 0
	for _, b := range blocks {
		var cmd string
		var want strings.Builder
		check := func() {
			if cmd == "" {
				return
			}
			n++
			assert.Equal(t, want.String(), runDocCommand(t, cmd), "docs/history.md: $ %s", cmd)
		}
		for _, line := range strings.SplitAfter(b[1], "\n") {
			if c, ok := strings.CutPrefix(line, "$ "); ok {
				check()
				cmd = strings.TrimSuffix(c, "\n")
				want.Reset()
				continue
			}
			want.WriteString(line)
		}
		check()
	}
	assert.GreaterOrEqual(t, n, 4, "fewer commands than the examples show")
}

// runDocCommand runs one documented command and returns what it prints.
func runDocCommand(t *testing.T, cmd string) string {
	t.Helper()
	if file, ok := strings.CutPrefix(cmd, "cat "); ok {
		text, err := os.ReadFile(file)
		require.NoError(t, err)
		return string(text)
	}
	line, ok := strings.CutPrefix(cmd, "daggercheck ")
	require.True(t, ok, "unknown command %q", cmd)
	line, showRC := strings.CutSuffix(line, `; echo "rc=$?"`)
	args, err := shlex.Split(line, true)
	require.NoError(t, err)
	if i := slices.Index(args, "<"); i >= 0 {
		require.Equal(t, len(args)-2, i, "< FILE ends the command")
		text, err := os.ReadFile(args[i+1])
		require.NoError(t, err)
		withStdin(t, string(text))
		args = args[:i]
	}
	var out bytes.Buffer
	rc := run(t.Context(), args, &out, &out)
	if showRC {
		out.WriteString("rc=" + strconv.Itoa(rc) + "\n")
	}
	return out.String()
}
