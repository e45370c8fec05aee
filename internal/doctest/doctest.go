// Package doctest holds the documentation to the commands it shows: every
// example block of a Markdown file that starts with "$ COMMAND ARGS" is
// run, and what the command prints must be what the block shows. The
// tests of cmd/daggercheck and of the examples' command lines use it.
//
// It imports go-shlex and the standard library.
package doctest

import (
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	shlex "github.com/anmitsu/go-shlex"
)

// Run runs a command line with args and returns what it printed (stdout
// and stderr together) and its exit code.
type Run func(t *testing.T, args []string) (output string, code int)

// timing matches the lines that measure time and memory, which a block
// shows but no run repeats.
var timing = regexp.MustCompile(`^  time  |^  memory  |^progress: `)

// Check runs, in file, every block that starts with "$ " and a match of
// command (a regular expression for the command's name, as
// `(?:go run \./cmd/)?daggercheck`), then the arguments, and compares what
// run prints with the block, except the lines that measure time and
// memory, and except where the block elides lines with "  ...". A block
// ending in `; echo "rc=$?"` shows the exit code too. Blocks with
// --progress are skipped (their progress lines depend on timing). With
// rewrite, it writes what the commands print into the blocks instead
// (those without elisions). It returns the number of blocks run.
func Check(t *testing.T, file, command string, run Run, rewrite bool) int {
	t.Helper()
	// The examples show runs on one processor, where --workers' default
	// is one worker: nothing else a command prints depends on the number.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```\n\\$ " + command + " ([^\n]*)\n(.*?)```")
	rewritten, n := string(text), 0
	for _, m := range block.FindAllStringSubmatch(string(text), -1) {
		cmdline, want := m[1], m[2]
		if strings.Contains(cmdline, "--progress") {
			continue
		}
		n++
		t.Run(file+": "+cmdline, func(t *testing.T) {
			got := runBlock(t, cmdline, run)
			if rewrite && !strings.Contains(want, "  ...\n") {
				rewritten = strings.Replace(rewritten, m[0], strings.Replace(m[0], want, keepTiming(got, want), 1), 1)
				return
			}
			compare(t, file, got, want)
		})
	}
	if rewrite && rewritten != string(text) {
		if err := os.WriteFile(file, []byte(rewritten), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// runBlock runs a block's command line and returns what it printed, with
// "rc=N" after it when the line asks for the exit code.
func runBlock(t *testing.T, cmdline string, run Run) string {
	showRC := strings.HasSuffix(cmdline, `; echo "rc=$?"`)
	args, err := shlex.Split(strings.TrimSuffix(cmdline, `; echo "rc=$?"`), true)
	if err != nil {
		t.Fatal(err)
	}
	got, rc := run(t, args)
	if showRC {
		got += "rc=" + strconv.Itoa(rc) + "\n"
	}
	return got
}

// keepTiming is got with the block's time and memory lines kept, so that
// a rewrite changes only what a command decides.
func keepTiming(got, want string) string {
	lines, old := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range lines {
		if i < len(old) && timing.MatchString(lines[i]) && timing.MatchString(old[i]) {
			lines[i] = old[i]
		}
	}
	return strings.Join(lines, "\n")
}

// compare fails t unless got shows what want does, line by line; a want
// line "  ..." skips output up to the block's next line.
func compare(t *testing.T, file, got, want string) {
	t.Helper()
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	j := 0
	for i, w := range wantLines {
		if w == "  ..." {
			if i+1 < len(wantLines) {
				for j < len(gotLines) && gotLines[j] != wantLines[i+1] {
					j++
				}
			}
			continue
		}
		if j >= len(gotLines) {
			t.Fatalf("%s: the output ends before the block's line %q", file, w)
		}
		g := gotLines[j]
		j++
		if timing.MatchString(w) && timing.MatchString(g) {
			continue
		}
		if g != w {
			t.Fatalf("%s: the block shows\n%s\nbut the command prints\n%s", file, w, g)
		}
	}
}
