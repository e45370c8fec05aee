package trace

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
)

// genResult draws a run's counterexample: every state defines the same
// fields, as a model's do.
func genResult(t *rapid.T) (model string, params []string, bug string, res *checker.Result) {
	model = word.Draw(t, "model")
	for i, n := 0, rapid.IntRange(0, 3).Draw(t, "params"); i < n; i++ {
		params = append(params, word.Draw(t, "key")+"="+word.Draw(t, "val"))
	}
	if rapid.Bool().Draw(t, "hasBug") {
		bug = word.Draw(t, "bug")
	}
	names := rapid.SliceOfNDistinct(word, 1, 4, func(s string) string { return s }).Draw(t, "fields")
	tr := &checker.Trace{LoopStart: -1}
	for i, n := 0, rapid.IntRange(1, 5).Draw(t, "steps"); i < n; i++ {
		st := checker.Step{Name: "init"}
		if i > 0 {
			st.Name = "a-" + word.Draw(t, "action")
			for j, m := 0, rapid.IntRange(0, 3).Draw(t, "args"); j < m; j++ {
				st.Args = append(st.Args, checker.Arg{Name: string(rune('z'-j)) + word.Draw(t, "arg"), Value: rapid.IntRange(-5, 1000).Draw(t, "v")})
			}
		}
		for _, name := range names {
			v := rapid.OneOf(value, rapid.SampledFrom([]string{"0", "17", "-3", "true", "false", "007", ""})).Draw(t, "fv")
			st.State = append(st.State, checker.Field{Name: name, Value: v})
		}
		tr.Steps = append(tr.Steps, st)
	}
	res = &checker.Result{Verdict: checker.Violation, Property: word.Draw(t, "prop"), Trace: tr}
	if rapid.Bool().Draw(t, "deadlock") {
		res.Verdict, res.Property = checker.Deadlock, checker.DeadlockProperty
	} else if rapid.Bool().Draw(t, "lasso") {
		tr.LoopStart = rapid.IntRange(0, len(tr.Steps)-1).Draw(t, "loop")
		tr.Stutter = tr.LoopStart == len(tr.Steps)-1
	}
	return model, params, bug, res
}

// What --itf-out writes, ParseITF reads back as the trace file that
// --trace-out writes for the same counterexample.
func TestITFReadsBackAsTheTraceFile(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		model, params, bug, res := genResult(t)
		var itf bytes.Buffer
		if err := WriteITF(&itf, model, params, bug, res); err != nil {
			t.Fatal(err)
		}
		if !IsITF(itf.Bytes()) {
			t.Fatalf("IsITF is false of\n%s", itf.String())
		}
		got, err := ParseITF("gen.itf.json", &itf)
		if err != nil {
			t.Fatal(err)
		}
		want, err := FromResult(model, params, bug, res)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() || !reflect.DeepEqual(got, want) {
			t.Fatalf("ITF read back as\n%s\nwant\n%s", got, want)
		}
	})
}

func TestParseITFRejects(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{`step init`, "x.itf.json: not an ITF trace"},
		{`{"#meta": {"source": "apalache"}, "states": []}`, `source "apalache"`},
		{`{"#meta": {"source": "daggercheck model m", "description": "oops"}}`, "description"},
		{`{"#meta": {"source": "daggercheck model m", "description": "daggercheck m: violation of p"}, "vars": ["a"], "states": [{"#meta": {"action": "init"}}]}`, `state 0: no value for var "a"`},
		{`{"#meta": {"source": "daggercheck model m", "description": "daggercheck m: violation of p"}, "vars": ["a"], "states": [{"#meta": {"action": "init"}, "a": [1]}]}`, `var "a"`},
		{`{"#meta": {"source": "daggercheck model m", "description": "daggercheck m: violation of p"}, "vars": [], "states": [{"#meta": {"action": "init"}}], "loop": 3}`, "loop 3"},
	} {
		_, err := ParseITF("x.itf.json", strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.text, err, tc.want)
		}
	}
}
