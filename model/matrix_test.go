package model_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/trace"
)

const (
	matrixDoc    = "../docs/matrix.md"
	matrixTraces = "../docs/matrix"
)

// matrixPreamble opens docs/matrix.md; the rest is what the matrix
// command prints.
const matrixPreamble = `# The design-space matrix

Which of Dagger's configurations keep which guarantees, and at what cost on the
interconnect. Every model's design space (its knobs, each with the values checked,
and the parameters every configuration shares) is checked configuration by
configuration, with every violated property and its shortest counterexample:

    daggercheck matrix --no-times --out docs/matrix

A cell is ok (the property holds in every reachable state), ✗ and the length of
the shortest counterexample (a link to its trace under docs/matrix, which
` + "`go test ./model`" + ` re-checks on the model and ` + "`go test ./bridge/dagger`" + ` replays on the
implementation where it has the component: the ring's on every interface, the
coherence handshake's on the model alone), ? (not judged: the check stopped at
--budget) or – (the configuration has no such property). "per RPC" is what the
model's meter counts on the shortest behaviour that does the model's job, divided
by the RPCs it consumes. The summary under each table says, for each value of each
knob, which properties it breaks, under which settings of the other knobs, and
whether another value of the same knob keeps the property with the rest the same.

This file is generated: ` + "`go test ./model -run TestMatrixDocIsCurrent -rewrite`" + `
rewrites it and docs/matrix; review the diff. Larger spaces run from the command
line (see docs/checker.md, "matrix").

`

// runMatrix runs the matrix command over every model into dir/matrix and
// returns docs/matrix.md as it should read.
func runMatrix(t *testing.T, dir string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	p := cli.Program{Name: "daggercheck", Models: model.All()}
	code := p.Run(&cli.Env{Stdout: &out, Stderr: &errOut},
		[]string{"matrix", "--no-times", "--workers", "2", "--out", filepath.Join(dir, "matrix")})
	if code != cli.ExitOK {
		t.Fatalf("matrix: exit %d: %s", code, errOut.String())
	}
	return matrixPreamble + out.String()
}

// tracesUnder maps each .trace file under dir, by its path relative to
// dir, to its text.
func tracesUnder(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".trace") {
			return err
		}
		raw, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(raw)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// docs/matrix.md and the traces it links to are what the matrix command
// finds today (run with -rewrite after a deliberate change, and review
// the diff).
func TestMatrixDocIsCurrent(t *testing.T) {
	dir := t.TempDir()
	want := runMatrix(t, dir)
	wantTraces := tracesUnder(t, filepath.Join(dir, "matrix"))
	if *rewrite {
		if err := os.WriteFile(matrixDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(matrixTraces); err != nil {
			t.Fatal(err)
		}
		for rel, text := range wantTraces {
			path := filepath.Join(matrixTraces, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	got, err := os.ReadFile(matrixDoc)
	if err != nil {
		t.Fatalf("%v (run go test ./model -run TestMatrixDocIsCurrent -rewrite)", err)
	}
	if string(got) != want {
		t.Errorf("%s is not what the matrix command prints now; run go test ./model -run TestMatrixDocIsCurrent -rewrite and review the diff", matrixDoc)
	}
	gotTraces := tracesUnder(t, matrixTraces)
	for rel, text := range wantTraces {
		if gotTraces[rel] != text {
			t.Errorf("docs/matrix/%s is not the counterexample the matrix finds now (rewrite, and review the diff)", rel)
		}
	}
	for rel := range gotTraces {
		if _, ok := wantTraces[rel]; !ok {
			t.Errorf("docs/matrix/%s is no longer a counterexample of the matrix; remove it (rewrite does)", rel)
		}
	}
}

// Every link of docs/matrix.md names a committed trace, and every trace
// under docs/matrix re-checks: replayed on its model without a search, it
// breaks the property it names.
func TestMatrixTracesRecheck(t *testing.T) {
	doc, err := os.ReadFile(matrixDoc)
	if err != nil {
		t.Fatal(err)
	}
	traces := tracesUnder(t, matrixTraces)
	if len(traces) == 0 {
		t.Fatalf("no traces under %s", matrixTraces)
	}
	var linked []string
	for _, m := range regexp.MustCompile(`\]\((matrix/[^)]+\.trace)\)`).FindAllStringSubmatch(string(doc), -1) {
		rel := strings.TrimPrefix(m[1], "matrix/")
		linked = append(linked, rel)
		if _, ok := traces[rel]; !ok {
			t.Errorf("docs/matrix.md links to %s, which is not committed", m[1])
		}
	}
	for rel, text := range traces {
		t.Run(rel, func(t *testing.T) {
			if !slices.Contains(linked, rel) {
				t.Errorf("docs/matrix/%s is not linked from docs/matrix.md", rel)
			}
			f, err := trace.Parse(rel, strings.NewReader(text))
			if err != nil {
				t.Fatal(err)
			}
			recheck(t, rel, f)
		})
	}
}
