package model_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/grid"
	"github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/trace"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/traces from what the checker finds now")

const docsTraces = "../docs/traces"

// example is a counterexample the documentation shows: which run makes it.
type example struct {
	file     string
	model    string
	params   []string
	bug      string
	property string
}

func slug(s string) string {
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// examples are the ring model's weak points of the published protocol,
// its bug catalogue, the nic model's weak points and catalogue, the
// coherence and system models' catalogues and what udp does not
// guarantee, each the run the docs show.
func examples() []example {
	var out []example
	for _, w := range ring.WeakPoints {
		out = append(out, example{file: "ring-dagger-" + slug(w.Name) + ".trace", model: "ring", params: w.Params, property: w.Property})
	}
	for _, b := range ring.Bugs {
		out = append(out, example{file: "ring-bug-" + b.Name + ".trace", model: "ring", params: b.Params, bug: b.Name, property: b.Breaks})
	}
	for _, b := range grid.Bugs {
		out = append(out, example{file: "grid-bug-" + b.Name + ".trace", model: "grid",
			params: []string{"dims=2", "size=3"}, bug: b.Name, property: b.Breaks})
	}
	for _, w := range nic.WeakPoints {
		out = append(out, example{file: "nic-dagger-" + slug(w.Name) + ".trace", model: "nic", params: w.Params, property: w.Property})
	}
	for _, b := range nic.Bugs {
		out = append(out, example{file: "nic-bug-" + b.Name + ".trace", model: "nic",
			params: b.Params, bug: b.Name, property: b.Breaks})
	}
	for _, b := range system.Bugs {
		out = append(out, example{file: "system-bug-" + b.Name + ".trace", model: "system",
			params: b.Params, bug: b.Name, property: b.Breaks})
	}
	for _, p := range system.UDPGaps {
		out = append(out, example{file: "system-udp-" + p + ".trace", model: "system",
			params: []string{"transport=udp"}, property: p})
	}
	for _, b := range handshake.Bugs {
		out = append(out, example{file: "handshake-bug-" + b.Name + ".trace", model: "handshake",
			params: b.Params, bug: b.Name, property: b.Breaks})
	}
	out = append(out, example{file: "handshake-hello-incarnation.trace", model: "handshake",
		params: handshake.ImplHello, property: handshake.IncarnationAloneBreaks})
	out = append(out, example{file: "handshake-closed-forget.trace", model: "handshake",
		params: handshake.ForgetClosed, property: handshake.ForgetClosedBreaks})
	for _, b := range coherence.Bugs {
		out = append(out, example{file: "coherence-bug-" + b.Name + ".trace", model: "coherence",
			params: b.Params, bug: b.Name, property: b.Breaks})
	}
	return out
}

func search(t *testing.T, ex example) *trace.File {
	t.Helper()
	en, err := model.Lookup(ex.model)
	if err != nil {
		t.Fatal(err)
	}
	opts := checker.Options{Only: []string{ex.property}}
	if ex.property == checker.DeadlockProperty {
		opts.Only = nil // deadlock detection is not a named property
	}
	r, vals, err := en.Build(ex.params, ex.bug, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.BFS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, err := trace.FromResult(ex.model, vals.Assignments(), ex.bug, res)
	if err != nil {
		t.Fatalf("%s: %v", ex.file, err)
	}
	return f
}

// The documented counterexamples are committed trace files that are what
// the checker finds today (run with -rewrite to update them after a
// deliberate change, and review the diff).
func TestDocumentedTracesAreCurrent(t *testing.T) {
	for _, ex := range examples() {
		t.Run(ex.file, func(t *testing.T) {
			want := search(t, ex).String()
			path := filepath.Join(docsTraces, ex.file)
			if *rewrite {
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./model -rewrite)", err)
			}
			if string(got) != want {
				t.Fatalf("%s is not what the checker finds now; run go test ./model -run TestDocumentedTracesAreCurrent -rewrite and review the diff", path)
			}
		})
	}
}

// Every committed trace file re-checks: parsed, replayed on its model
// without any search, and confirmed to break the property it names.
func TestCommittedTracesRecheck(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(docsTraces, "*.trace"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no trace files in %s (%v)", docsTraces, err)
	}
	want := examples()
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			if !slices.ContainsFunc(want, func(e example) bool { return e.file == filepath.Base(path) }) {
				t.Errorf("%s is not a documented example; remove it or add it to examples()", path)
			}
			f, err := trace.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			recheck(t, path, f)
		})
	}
}

// recheck replays a trace file on its model without a search: every step
// must be the model's, and the outcome the one the file names.
func recheck(t *testing.T, name string, f *trace.File) {
	t.Helper()
	en, err := model.Lookup(f.Model)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := en.Build(f.Params, f.Bug, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	property := f.Outcome.Property
	if f.Outcome.Result == "deadlock" {
		property = checker.DeadlockProperty
	}
	if _, err := r.Recheck(f.Trace(), property); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
