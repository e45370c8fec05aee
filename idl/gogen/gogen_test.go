package gogen

import (
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/idl"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/*.golden with what Generate writes")

func generate(t interface {
	Helper()
	Fatalf(string, ...any)
}, name, src string) ([]byte, error) {
	t.Helper()
	f, err := idl.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return Generate(f, Options{Package: "p", Source: filepath.Base(name)})
}

// Generation is deterministic: each testdata/*.dproto generates its
// .golden file, byte for byte (go test ./idl/gogen -rewrite rewrites them;
// review the diff). The generated code of examples/kvs and
// idl/internal/everytype, which compiles and is tested, is checked the
// same way by cmd/daggergen's tests.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.dproto")
	if len(files) == 0 {
		t.Fatal("no testdata/*.dproto")
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := generate(t, file, string(src))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		again, _ := generate(t, file, string(src))
		if string(again) != string(got) {
			t.Fatalf("%s: two runs differ", file)
		}
		golden := strings.TrimSuffix(file, ".dproto") + ".golden"
		if *rewrite {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s generates other code than %s (go test ./idl/gogen -rewrite, then review the diff):\n%s", file, golden, got)
		}
	}
}

func TestGoName(t *testing.T) {
	for name, want := range map[string]string{"key": "Key", "value_len": "ValueLen", "getArg": "GetArg", "KVS": "KVS", "a__b_": "AB", "x9_y": "X9Y"} {
		if got := GoName(name); got != want {
			t.Errorf("GoName(%q) = %q, want %q", name, got, want)
		}
	}
}

// Go names that collide are errors at the later declaration.
func TestNameCollisions(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"message A { int32 string; }", "f.dproto:1:13: Go name String of field string collides with the method String in message A"},
		{"message A { int32 value_len; int32 valueLen; }", "f.dproto:1:30: Go name ValueLen of field valueLen collides with field value_len in message A"},
		{"message a {}\nmessage A {}", "f.dproto:2:9: Go name A of message A collides with message a in the package"},
		{"message ASize {}\nmessage A {}", "f.dproto:2:9: Go name ASize of message A's size collides with message ASize in the package"},
		{"message SClient {}\nservice S {}", "f.dproto:2:9: Go name SClient of service S collides with message SClient in the package"},
		{"message A {}\nservice S { rpc Get(A) returns (A); rpc GoGet(A) returns (A); }", "f.dproto:2:41: Go name GoGet of rpc GoGet collides with rpc Get in service S's client"},
		{"message A {}\nservice S { rpc RPC(A) returns (A); }", "f.dproto:2:17: Go name RPC of rpc RPC collides with the method RPC in service S's client"},
		{"message SGetFn {}\nservice S { rpc Get(SGetFn) returns (SGetFn); }", "f.dproto:2:17: Go name SGetFn of rpc Get's function number collides with message SGetFn in the package"},
	} {
		_, err := generate(t, "f.dproto", tc.src)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}

// idlFile draws a valid IDL file: messages of random fields (within 52
// bytes) and services of RPCs between them, with distinct Go names.
func idlFile(t *rapid.T) string {
	kinds := []string{"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "bool", "string", "bytes"}
	var b strings.Builder
	nm := rapid.IntRange(1, 4).Draw(t, "messages")
	for i := range nm {
		fmt.Fprintf(&b, "message M%d {\n", i)
		size := 0
		for j := range rapid.IntRange(0, 5).Draw(t, "fields") {
			k := rapid.SampledFrom(kinds).Draw(t, "kind")
			elem := map[string]int{"int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "uint64": 8, "float64": 8}[k]
			elem = max(elem, 1)
			n := 0
			if k == "string" || k == "bytes" || rapid.Bool().Draw(t, "array") {
				n = rapid.IntRange(1, 4).Draw(t, "len")
			}
			if size+elem*max(n, 1) > idl.MaxSize {
				break
			}
			size += elem * max(n, 1)
			typ := k
			if n > 0 {
				typ += "[" + strconv.Itoa(n) + "]"
			}
			fmt.Fprintf(&b, "\t%s f_%d;\n", typ, j)
		}
		b.WriteString("}\n")
	}
	for s := range rapid.IntRange(0, 2).Draw(t, "services") {
		fmt.Fprintf(&b, "service S%d {\n", s)
		for r := range rapid.IntRange(0, 3).Draw(t, "rpcs") {
			fmt.Fprintf(&b, "\trpc R%d(M%d) returns (M%d);\n", r, rapid.IntRange(0, nm-1).Draw(t, "arg"), rapid.IntRange(0, nm-1).Draw(t, "ret"))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// For any valid file, Generate writes Go that parses and uses every
// package it imports (an unused import would not compile).
func TestGeneratedCodeParsesAndUsesItsImports(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src := idlFile(t)
		code, err := generate(t, "r.dproto", src)
		if err != nil {
			t.Fatalf("%s\n%v", src, err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), "r.go", code, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("%s\n%v", code, err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if name := path[strings.LastIndex(path, "/")+1:]; !strings.Contains(string(code), name+".") {
				t.Fatalf("%s imports %s and does not use it:\n%s", src, path, code)
			}
		}
	})
}

// FuzzGenerate: for any file that parses, Generate never panics, and it
// writes Go that parses or fails with Go name collisions inside the file.
func FuzzGenerate(f *testing.F) {
	for _, file := range []string{"testdata/messages.dproto", "../internal/everytype/everytype.dproto", "../../examples/kvs/kvs.dproto", "../testdata/errors/go-names.dproto"} {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := idl.Parse("f.dproto", []byte(src))
		if err != nil {
			return
		}
		code, err := Generate(file, Options{Package: "p", Source: "f.dproto"})
		if err != nil {
			var list idl.ErrorList
			if !errors.As(err, &list) || len(list) == 0 || !strings.Contains(err.Error(), "Go name") {
				t.Fatalf("%q: %v", src, err)
			}
			return
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "f.go", code, 0); err != nil {
			t.Fatalf("%q: %v\n%s", src, err, code)
		}
	})
}
