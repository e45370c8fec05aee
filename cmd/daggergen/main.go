// Command daggergen generates Go from an IDL file (idl): the messages'
// types and encodings, and each service's typed client, server interface
// and registration (idl/gogen). go generate runs it:
//
//	//go:generate go run github.com/daggercheck/daggercheck/cmd/daggergen ../kvs.dproto
//
// writes kvs.dproto.go into the directive's directory, in its package
// ($GOPACKAGE, which go generate sets). Usage:
//
//	daggergen [-pkg NAME] [-o FILE] FILE.dproto
//
// An IDL file with errors prints them, one per line as
// "file:line:col: reason", writes nothing and exits 1; bad usage exits 2.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/daggercheck/daggercheck/idl"
	"github.com/daggercheck/daggercheck/idl/gogen"
)

func main() { os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr)) }

// run is the command: it returns the exit code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("daggergen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pkg := fs.String("pkg", "", "the generated file's Go package (default $GOPACKAGE, set by go generate)")
	out := fs.String("o", "", "the file to write (default the IDL file's base name with .go added, in the current directory)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: daggergen [-pkg NAME] [-o FILE] FILE.dproto")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	src := fs.Arg(0)
	if *pkg == "" {
		*pkg = getenv("GOPACKAGE")
	}
	if *pkg == "" {
		fmt.Fprintln(stderr, "daggergen: no package name: give -pkg, or run it from go generate (which sets $GOPACKAGE)")
		return 2
	}
	if *out == "" {
		*out = filepath.Base(src) + ".go"
	}
	code, err := generate(src, *pkg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, code) {
		fmt.Fprintf(stdout, "%s: up to date\n", *out)
		return 0
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		fmt.Fprintln(stderr, "daggergen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: written from %s\n", *out, src)
	return 0
}

// generate reads, parses and checks the IDL file and returns its Go code.
func generate(src, pkg string) ([]byte, error) {
	text, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("daggergen: %w", err)
	}
	f, err := idl.Parse(src, text)
	if err != nil {
		return nil, err
	}
	return gogen.Generate(f, gogen.Options{Package: pkg, Source: strings.TrimSpace(filepath.Base(src))})
}
