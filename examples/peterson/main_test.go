package main

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/internal/doctest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/library.md's example blocks with what the commands print")

// docs/library.md shows real output: every block that starts with
// "$ go run ./examples/peterson ARGS" runs here, from the repository's root,
// and prints what the block shows.
func TestLibraryDocShowsRealOutput(t *testing.T) {
	t.Chdir("../..")
	n := doctest.Check(t, "docs/library.md", `go run \./examples/peterson`, func(t *testing.T, args []string) (string, int) {
		var out bytes.Buffer
		rc := program.Run(&cli.Env{Ctx: t.Context(), Stdin: &bytes.Buffer{}, Stdout: &out, Stderr: &out}, args)
		return out.String(), rc
	}, *rewrite)
	if n == 0 {
		t.Fatal("docs/library.md runs no peterson command")
	}
}

// The code docs/library.md shows is this example's, as a module of its
// own (example.com/peterson) would hold it: every Go block is, once
// formatted, part of lock/lock.go, lock/lock_test.go or main.go.
func TestLibraryDocShowsThisCode(t *testing.T) {
	doc, err := os.ReadFile("../../docs/library.md")
	require.NoError(t, err)
	var files strings.Builder
	for _, f := range []string{"lock/lock.go", "lock/lock_test.go", "main.go"} {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		files.Write(text)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		code := strings.ReplaceAll(b[1], "example.com/peterson/lock", "github.com/daggercheck/daggercheck/examples/peterson/lock")
		formatted, err := format.Source([]byte(code))
		require.NoError(t, err, "docs/library.md:\n%s", b[1])
		assert.Contains(t, files.String(), string(formatted), "docs/library.md shows code that examples/peterson does not hold")
	}
}
