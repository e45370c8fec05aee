package main

import (
	"bytes"
	"flag"
	"testing"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/internal/doctest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/library.md's example blocks with what the commands print")

// docs/library.md shows real output: every block that starts with
// "$ go run ./examples/twophase ARGS" runs here, from the repository's root,
// and prints what the block shows.
func TestLibraryDocShowsRealOutput(t *testing.T) {
	t.Chdir("../..")
	n := doctest.Check(t, "docs/library.md", `go run \./examples/twophase`, func(t *testing.T, args []string) (string, int) {
		var out bytes.Buffer
		rc := program.Run(&cli.Env{Ctx: t.Context(), Stdin: &bytes.Buffer{}, Stdout: &out, Stderr: &out}, args)
		return out.String(), rc
	}, *rewrite)
	if n == 0 {
		t.Fatal("docs/library.md runs no twophase command")
	}
}
