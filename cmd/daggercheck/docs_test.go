package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/internal/doctest"
	"github.com/daggercheck/daggercheck/model"
)

var rewriteDocs = flag.Bool("rewrite", false, "rewrite the docs' example blocks with what the commands print")

// The documentation shows real output: every example block that starts
// with "$ daggercheck ARGS" (or "$ go run ./cmd/daggercheck ARGS") is run
// here, from the repository's root as a reader would, and must print what
// the block shows (package doctest says what is compared).
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
	t.Chdir("../..")
	n := 0
	for _, file := range files {
		n += doctest.Check(t, file, `(?:go run \./cmd/)?daggercheck`, func(t *testing.T, args []string) (string, int) {
			var out bytes.Buffer
			rc := run(t.Context(), args, &out, &out)
			return out.String(), rc
		}, *rewriteDocs)
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

func describeForTest(t *testing.T, name string) cli.ModelInfo {
	t.Helper()
	en, err := model.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	mj, err := cli.Describe(en)
	if err != nil {
		t.Fatal(err)
	}
	return mj
}
