package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/trace"
)

func runModel(t *testing.T, name string, params []string, bug string, only ...string) *checker.Result {
	t.Helper()
	en, err := model.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := en.Build(params, bug, checker.Options{Only: only})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.BFS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The ITF export is valid JSON in the ADR-015 shape, defines every var in
// every state, types integers as #bigint, keeps the actions in #meta and
// the loop of a lasso, and is byte-stable.
func TestITF(t *testing.T) {
	for _, tc := range []struct {
		name, model string
		params      []string
		bug, prop   string
	}{
		{"safety", "ring", []string{"protocol=dagger"}, "", "no-torn-read"},
		{"lasso", "grid", []string{"dims=2", "size=2"}, "undo", "reaches-corner"},
		{"stutter", "system", []string{"transport=udp"}, "", "exactly-once"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runModel(t, tc.model, tc.params, tc.bug, tc.prop)
			var a, b bytes.Buffer
			if err := trace.WriteITF(&a, tc.model, tc.params, tc.bug, res); err != nil {
				t.Fatal(err)
			}
			again := runModel(t, tc.model, tc.params, tc.bug, tc.prop)
			trace.WriteITF(&b, tc.model, tc.params, tc.bug, again)
			if a.String() != b.String() {
				t.Fatal("two runs wrote different ITF")
			}
			var doc struct {
				Meta   map[string]any   `json:"#meta"`
				Vars   []string         `json:"vars"`
				States []map[string]any `json:"states"`
				Loop   *int             `json:"loop"`
			}
			if err := json.Unmarshal(a.Bytes(), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, a.String())
			}
			if doc.Meta["format"] != "ITF" || len(doc.States) != len(res.Trace.Steps) {
				t.Fatalf("meta %v, %d states for %d steps", doc.Meta, len(doc.States), len(res.Trace.Steps))
			}
			for i, st := range doc.States {
				meta := st["#meta"].(map[string]any)
				if int(meta["index"].(float64)) != i || meta["action"] != res.Trace.Steps[i].Name {
					t.Fatalf("state %d meta %v", i, meta)
				}
				for _, v := range doc.Vars {
					if _, ok := st[v]; !ok {
						t.Fatalf("state %d lacks var %s", i, v)
					}
				}
				for _, f := range res.Trace.Steps[i].State {
					if m, ok := st[f.Name].(map[string]any); ok && m["#bigint"] != f.Value {
						t.Fatalf("state %d %s = %v, want #bigint %s", i, f.Name, m, f.Value)
					}
				}
			}
			if (doc.Loop != nil) != (res.Trace.LoopStart >= 0) || (doc.Loop != nil && *doc.Loop != res.Trace.LoopStart) {
				t.Fatalf("loop %v, trace loop %d", doc.Loop, res.Trace.LoopStart)
			}
		})
	}
}
