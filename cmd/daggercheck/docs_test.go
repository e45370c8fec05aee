package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	shlex "github.com/anmitsu/go-shlex"

	"github.com/daggercheck/daggercheck/model"
)

var rewriteDocs = flag.Bool("rewrite", false, "rewrite the docs' example blocks with what the commands print")

// The documentation shows real output: every example block that starts
// with "$ daggercheck ARGS" (or "$ go run ./cmd/daggercheck ARGS") is run here and must print what the block
// shows, except the lines that measure time and memory, and except where the block
// elides lines with "  ...". A block ending in `; echo "rc=$?"` shows the
// exit code too. Blocks with --progress are skipped (their progress lines
// depend on timing).
//
// go test ./cmd/daggercheck -run DocsShowRealOutput -rewrite writes what
// the commands print into the blocks (those without elisions); review the
// diff before committing it.
func TestDocsShowRealOutput(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	for i := range files {
		files[i], _ = filepath.Abs(files[i])
	}
	t.Chdir("../..") // the examples run from the repository's root, as a reader would
	// The examples show runs on one processor, where --workers' default is
	// one worker: nothing else a command prints depends on the number.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	block := regexp.MustCompile("(?s)```\n\\$ (?:go run \\./cmd/)?daggercheck ([^\n]*)\n(.*?)```")
	timing := regexp.MustCompile(`^  time  |^  memory  |^progress: `)
	n := 0
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rewritten := string(text)
		for _, m := range block.FindAllStringSubmatch(string(text), -1) {
			cmdline, want := m[1], m[2]
			if strings.Contains(cmdline, "--progress") {
				continue
			}
			n++
			name := filepath.Base(file) + ": daggercheck " + cmdline
			t.Run(name, func(t *testing.T) {
				showRC := strings.HasSuffix(cmdline, `; echo "rc=$?"`)
				args, err := shlex.Split(strings.TrimSuffix(cmdline, `; echo "rc=$?"`), true)
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				rc := run(t.Context(), args, &out, &out, false)
				got := out.String()
				if showRC {
					got += "rc=" + strconv.Itoa(rc) + "\n"
				}
				if *rewriteDocs && !strings.Contains(want, "  ...\n") {
					// Keep the block's time and memory lines, so a rewrite
					// changes only what a command decides.
					lines, old := strings.Split(got, "\n"), strings.Split(want, "\n")
					for i := range lines {
						if i < len(old) && timing.MatchString(lines[i]) && timing.MatchString(old[i]) {
							lines[i] = old[i]
						}
					}
					got = strings.Join(lines, "\n")
					rewritten = strings.Replace(rewritten, m[0], strings.Replace(m[0], want, got, 1), 1)
					return
				}
				gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
				j := 0
				for i, w := range wantLines {
					if w == "  ..." {
						// Elided: skip to the block's next line in the output.
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
			})
		}
		if *rewriteDocs && rewritten != string(text) {
			if err := os.WriteFile(file, []byte(rewritten), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no documented examples found")
	}
}

// The parameter tables in the docs list exactly what the registry offers.
func TestDocsParameterTables(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	section := regexp.MustCompile("(?s)`daggercheck check (\\w+) -p key=value \\.\\.\\.`[^\n]*\n\n\\| parameter .*?\n\n")
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ([^|]*) \\| ([^|]*) \\| (.*) \\|$")
	n := 0
	for _, file := range files {
		text, _ := os.ReadFile(file)
		for _, m := range section.FindAllStringSubmatch(string(text), -1) {
			n++
			mj := describeForTest(t, m[1])
			var want []string
			for _, p := range mj.Params {
				// Choices are written "a, b" in the docs: a bare | would split the cell.
				want = append(want, strings.Join([]string{p.Name, p.Default, strings.ReplaceAll(p.Range, "|", ", "), p.Description}, " | "))
			}
			var got []string
			for _, r := range row.FindAllStringSubmatch(m[0], -1) {
				got = append(got, strings.Join(r[1:], " | "))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s: the %s parameter table is\n%s\nbut the model has\n%s", file, m[1], strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
	if n == 0 {
		t.Fatal("no parameter tables found")
	}
}

func describeForTest(t *testing.T, name string) modelJSON {
	t.Helper()
	en, err := model.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	mj, err := describe(en)
	if err != nil {
		t.Fatal(err)
	}
	return mj
}
