package main

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/internal/doctest"
)

const directive = "//go:generate go run github.com/daggercheck/daggercheck/cmd/daggergen "

// generation is one go:generate line that runs daggergen.
type generation struct {
	dir, pkg string   // the directive's folder and package
	args     []string // its arguments, without -o
	out      string   // the file it writes, in dir
}

// generations finds every daggergen directive under root.
func generations(t *testing.T, root string) []generation {
	var gens []generation
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pkg := ""
		sc := bufio.NewScanner(bytes.NewReader(text))
		for sc.Scan() {
			line := sc.Text()
			if name, ok := strings.CutPrefix(line, "package "); ok && pkg == "" {
				pkg = strings.TrimSpace(name)
			}
			rest, ok := strings.CutPrefix(line, directive)
			if !ok {
				continue
			}
			g := generation{dir: filepath.Dir(path), pkg: pkg}
			fields := strings.Fields(rest)
			for i := 0; i < len(fields); i++ {
				if fields[i] == "-o" && i+1 < len(fields) {
					g.out = fields[i+1]
					i++
					continue
				}
				g.args = append(g.args, fields[i])
			}
			if g.out == "" {
				g.out = filepath.Base(g.args[len(g.args)-1]) + ".go"
			}
			gens = append(gens, g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return gens
}

// Every committed generated file is what daggergen writes now: each
// go:generate directive of the repository runs again, from its folder,
// into a temporary file, which must equal the committed one — so
// `go generate ./...` leaves `git diff --exit-code` clean.
func TestCommittedCodeIsUpToDate(t *testing.T) {
	gens := generations(t, "../..")
	var dirs []string
	for _, g := range gens {
		dirs = append(dirs, filepath.ToSlash(g.dir))
	}
	for _, want := range []string{"../../examples/kvs/kvspb", "../../idl/internal/everytype"} {
		if !strings.Contains(strings.Join(dirs, " "), want) {
			t.Errorf("no daggergen directive in %s (found %v)", want, dirs)
		}
	}
	for _, g := range gens {
		t.Run(g.dir, func(t *testing.T) {
			tmp := filepath.Join(t.TempDir(), "out.go")
			t.Chdir(g.dir)
			var stdout, stderr bytes.Buffer
			env := func(k string) string { return map[string]string{"GOPACKAGE": g.pkg}[k] }
			if rc := run(append([]string{"-o", tmp}, g.args...), env, &stdout, &stderr); rc != 0 {
				t.Fatalf("daggergen %v: exit %d: %s", g.args, rc, stderr.String())
			}
			got, _ := os.ReadFile(tmp)
			want, err := os.ReadFile(g.out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s is not what daggergen %v writes: run go generate ./... and commit", g.dir, g.out, g.args)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.dproto")
	bad := filepath.Join(dir, "bad.dproto")
	os.WriteFile(good, []byte("message A { int32 x; }\n"), 0o644)
	os.WriteFile(bad, []byte("message A {\n\tint32 x\n}\n"), 0o644)
	noEnv := func(string) string { return "" }
	out := filepath.Join(dir, "a.go")
	for _, tc := range []struct {
		args []string
		rc   int
		want string // in what it prints
	}{
		{[]string{"-pkg", "p", "-o", out, good}, 0, "a.go: written from " + good},
		{[]string{"-pkg", "p", "-o", out, good}, 0, "a.go: up to date"},
		{[]string{"-pkg", "p", "-o", out, bad}, 1, bad + `:2:9: missing ";" after field x (found "}")`},
		{[]string{"-pkg", "p", filepath.Join(dir, "none.dproto")}, 1, "no such file"},
		{[]string{good}, 2, "no package name"},
		{[]string{"-pkg", "p"}, 2, "usage: daggergen"},
		{[]string{"-nosuch", good}, 2, "flag provided but not defined"},
	} {
		var stdout, stderr bytes.Buffer
		rc := run(tc.args, noEnv, &stdout, &stderr)
		if rc != tc.rc || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
			t.Errorf("daggergen %v: exit %d, printed %q; want exit %d and %q", tc.args, rc, stdout.String()+stderr.String(), tc.rc, tc.want)
		}
	}
	if code, err := os.ReadFile(out); err != nil || !bytes.Contains(code, []byte("type A struct")) {
		t.Errorf("a.go: %v\n%s", err, code)
	}
}

var rewrite = flag.Bool("rewrite", false, "rewrite docs/idl.md's daggergen blocks with what the commands print")

// docs/idl.md shows real output: every block that starts with
// "$ daggergen ARGS" runs here, from the repository's root.
func TestIDLDocShowsRealOutput(t *testing.T) {
	t.Chdir("../..")
	n := doctest.Check(t, "docs/idl.md", "daggergen", func(t *testing.T, args []string) (string, int) {
		var out bytes.Buffer
		rc := run(args, func(string) string { return "" }, &out, &out)
		return out.String(), rc
	}, *rewrite)
	if n < 6 {
		t.Fatalf("docs/idl.md runs %d daggergen commands, want every error file's", n)
	}
}

// docs/idl.md shows real files and real code: a dproto block that opens
// with "// PATH" is that file, and every Go block is part of the
// example's files (leading white space aside).
func TestIDLDocShowsRealCode(t *testing.T) {
	doc, err := os.ReadFile("../../docs/idl.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range regexp.MustCompile("(?s)```dproto\n// ([^\n]*)\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		file, err := os.ReadFile(filepath.Join("../..", b[1]))
		if err != nil || string(file) != b[2] {
			t.Errorf("docs/idl.md shows %s otherwise than it is (%v)", b[1], err)
		}
	}
	var code strings.Builder
	for _, f := range []string{"examples/kvs/kvspb/kvs.dproto.go", "examples/kvs/kvspb/doc.go", "examples/kvs/store/store.go", "examples/kvs/store/example_test.go"} {
		text, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		code.WriteString(unindent(string(text)))
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 5 {
		t.Fatalf("docs/idl.md has %d Go blocks", len(blocks))
	}
	for _, b := range blocks {
		if !strings.Contains(code.String(), unindent(b[1])) {
			t.Errorf("docs/idl.md shows code that examples/kvs does not hold:\n%s", b[1])
		}
	}
}

func unindent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " \t")
	}
	return strings.Join(lines, "\n")
}
