package dagger

import (
	"errors"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/runlog"
)

// Events a model's observer cannot read are input errors naming the line;
// logs of models without an observer are refused.
func TestValidateBadEvents(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"daggercheck-run 1\nmodel ring\nevent send flow=0\n", "line 3: send: no field rpc"},
		{"daggercheck-run 1\nmodel ring\nevent send flow=x rpc=0\n", "line 3: send: field flow=\"x\""},
		{"daggercheck-run 1\nmodel ring\nevent jump flow=0\n", "line 3: unknown ring event \"jump\""},
		{"daggercheck-run 1\nmodel ring\nevent take flow=0 hdr=0,1 args=0\n", "line 3: take: 2 headers but 1 argument blocks"},
		{"daggercheck-run 1\nmodel system\nevent call client=0\n", "line 3: call: no field id"},
	} {
		l, err := runlog.ParseRunLog("x.run", strings.NewReader(tc.text))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Validate(l, bridge.ValidateOptions{})
		if err == nil || !errors.Is(err, runlog.ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want a runlog.ErrSyntax naming %q", tc.text, err, tc.want)
		}
	}
	l := &runlog.RunLog{Model: "coherence"}
	if _, err := Validate(l, bridge.ValidateOptions{}); !errors.Is(err, bridge.ErrUnsupported) {
		t.Errorf("coherence: got %v, want ErrUnsupported", err)
	}
	l = &runlog.RunLog{Model: "ring", Params: []string{"slots=99"}}
	if _, err := Validate(l, bridge.ValidateOptions{}); err == nil || !strings.Contains(err.Error(), "slots") {
		t.Errorf("slots=99: got %v", err)
	}
}

// FuzzValidate: validating a run log never panics, whatever the log
// (bounded, for speed); runlog's FuzzParseRunLog fuzzes the format.
func FuzzValidate(f *testing.F) {
	f.Add("daggercheck-run 1\nmodel ring\nparam flows=2\nevent send flow=0 rpc=0\nevent take flow=0 hdr=0 args=0\n")
	f.Add("daggercheck-run 1\nmodel system\nevent call client=0 id=0\n# c\n\nevent complete client=0 id=0 status=ok\n")
	f.Add("daggercheck-run 1\nmodel ring\nevent take flow=0 hdr='0,1' args=\"0,-\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		l, err := runlog.ParseRunLog("fuzz.run", strings.NewReader(text))
		if err != nil || len(l.Events) >= 20 {
			return
		}
		_, _ = Validate(l, bridge.ValidateOptions{MaxStates: 2000})
	})
}
