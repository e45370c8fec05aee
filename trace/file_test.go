package trace

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/checker"
)

var word = rapid.StringMatching(`[a-z][a-z0-9.\-\[\]]{0,8}`)
var value = rapid.StringMatching(`[^\x00\n\r]{0,10}`)

func genFile(t *rapid.T) *File {
	f := &File{Model: word.Draw(t, "model"), Outcome: Outcome{LoopStart: -1}}
	for i, n := 0, rapid.IntRange(0, 3).Draw(t, "params"); i < n; i++ {
		f.Params = append(f.Params, word.Draw(t, "key")+"="+value.Draw(t, "val"))
	}
	if rapid.Bool().Draw(t, "hasBug") {
		f.Bug = word.Draw(t, "bug")
	}
	for i, n := 0, rapid.IntRange(1, 5).Draw(t, "steps"); i < n; i++ {
		st := Step{Action: "init"}
		if i > 0 {
			st.Action = "a-" + word.Draw(t, "action")
			for j, m := 0, rapid.IntRange(0, 3).Draw(t, "args"); j < m; j++ {
				st.Args = append(st.Args, checker.Arg{Name: fmt.Sprintf("%s%d", word.Draw(t, "arg"), j), Value: rapid.IntRange(-5, 1000).Draw(t, "v")})
			}
		}
		if rapid.Bool().Draw(t, "hasState") || i == 0 {
			st.State = []checker.Field{}
			for j, m := 0, rapid.IntRange(1, 3).Draw(t, "fields"); j < m; j++ {
				st.State = append(st.State, checker.Field{Name: word.Draw(t, "field"), Value: value.Draw(t, "fv")})
			}
		}
		f.Steps = append(f.Steps, st)
	}
	switch rapid.IntRange(0, 3).Draw(t, "outcome") {
	case 0:
		f.Outcome.Result = "ok"
	case 1:
		f.Outcome.Result = "deadlock"
	default:
		f.Outcome.Result, f.Outcome.Property = "violation", word.Draw(t, "prop")
		if rapid.Bool().Draw(t, "lasso") {
			f.Outcome.LoopStart = rapid.IntRange(0, len(f.Steps)-1).Draw(t, "loop")
			f.Outcome.Stutter = f.Outcome.LoopStart == len(f.Steps)-1 && rapid.Bool().Draw(t, "stutter")
		}
	}
	return f
}

func stripLines(f *File) {
	for i := range f.Steps {
		f.Steps[i].Line = 0
	}
}

func TestFileRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFile(t)
		text := f.String()
		g, err := Parse("gen.trace", strings.NewReader(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		stripLines(g)
		if !reflect.DeepEqual(f, g) {
			t.Fatalf("round trip changed the file:\n%s\nwant %#v\ngot  %#v", text, f, g)
		}
	})
}

func TestMalformedFilesNameFileAndLine(t *testing.T) {
	good := "daggercheck-trace 1\nmodel ring\nparam slots=2\nstep init\nstate a=1\nstep go x=1\noutcome violation p\nloop 0\n"
	if _, err := Parse("good.trace", strings.NewReader(good)); err != nil {
		t.Fatalf("good file rejected: %v", err)
	}
	for _, tc := range []struct{ text, want string }{
		{"", "bad.trace: empty"},
		{"model ring\n", "bad.trace:1: want \"daggercheck-trace 1\" first"},
		{"daggercheck-trace 2\n", "bad.trace:1: format version \"2\""},
		{"daggercheck-trace 1\nstep init\n", "bad.trace:2: a step before the model line"},
		{"daggercheck-trace 1\nmodel ring\nstep go\n", "bad.trace:3: the first step, and only it, is init"},
		{"daggercheck-trace 1\nmodel ring\nstep init\nstep init\n", "bad.trace:4: the first step, and only it, is init"},
		{"daggercheck-trace 1\nmodel ring\nstep init\nstep go flow=x\n", "bad.trace:4: argument flow: \"x\" is not an integer"},
		{"daggercheck-trace 1\nmodel ring\nstep init\nstep go flow\n", "bad.trace:4: argument \"flow\": want key=value"},
		{"daggercheck-trace 1\nmodel ring\nstep init\nstate a='1\n", "bad.trace:4: No closing quotation"},
		{"daggercheck-trace 1\nmodel ring\nstep init\n", "bad.trace:3: no outcome line"},
		{"daggercheck-trace 1\nmodel ring\nstep init\noutcome violation\n", "bad.trace:4: outcome \"violation\""},
		{"daggercheck-trace 1\nmodel ring\nstep init\noutcome ok\nstep go\n", "bad.trace:5: \"step\" after the outcome"},
		{"daggercheck-trace 1\nmodel ring\nstep init\noutcome deadlock\nloop 3\n", "bad.trace:5: loop \"3\": want a step number from 0 to 0"},
		{"daggercheck-trace 1\nmodel ring\nstep init\nstep go\noutcome deadlock\nstutter 0\n", "bad.trace:6: stutter 0: only the last step"},
		{"daggercheck-trace 1\nmodel ring\nfrobnicate\n", "bad.trace:3: unknown line \"frobnicate\""},
		{"daggercheck-trace 1\nmodel ring\nparam =3\n", "bad.trace:3: want param key=value"},
		{"daggercheck-trace 1\nmodel ring\nstep init x=1\n", "bad.trace:3: the init step takes no arguments"},
		{"daggercheck-trace 1\nmodel ring\nstep init\nstep go x=1 x=2\n", "bad.trace:4: argument x given twice"},
		{"daggercheck-trace 1\nmodel ring\nstep init\noutcome deadlock p\n", "bad.trace:4: outcome \"deadlock p\""},
	} {
		_, err := Parse("bad.trace", strings.NewReader(tc.text))
		if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.text, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("daggercheck-trace 1\nmodel ring\nparam slots=2\nbug b\nstep init\nstate a=1 'b=x y'\nstep go x=1\noutcome violation p\nloop 0\n")
	f.Add("daggercheck-trace 1\nmodel grid\nstep init\nstep inc i=0\nstate c[0]=1\noutcome deadlock\n")
	f.Add("daggercheck-trace 1\n# comment\nmodel m\nstep init\nstep x\noutcome violation q\nstutter 1\n")
	f.Add("daggercheck-trace 1\nmodel 'a b'\nstep init\nstate \"x\\\"y\"=1\noutcome ok\n")
	f.Add("daggercheck-trace 1\nmodel m\nstep init\nstate a='unterminated\n")
	f.Fuzz(func(t *testing.T, text string) {
		g, err := Parse("fuzz.trace", strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "fuzz.trace") {
				t.Fatalf("error %v does not wrap ErrSyntax or name the file", err)
			}
			return
		}
		// What parses, formats and parses back to the same file.
		stripLines(g)
		h, err := Parse("again.trace", strings.NewReader(g.String()))
		if err != nil {
			t.Fatalf("re-parse failed: %v\n%s", err, g.String())
		}
		stripLines(h)
		if !reflect.DeepEqual(g, h) {
			t.Fatalf("format/parse changed the file:\n%s", g.String())
		}
	})
}
