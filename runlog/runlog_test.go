package runlog

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Run logs round-trip through their text form, and malformed ones are
// refused naming the file and line.
func TestRunLogFormat(t *testing.T) {
	l := &RunLog{Model: "ring", Params: []string{"flows=2"}, Events: []Observation{
		Observe("send", "flow", "0", "rpc", "0"),
		Observe("take", "flow", "0", "hdr", "0,1", "args", "0,-"),
		Observe("odd", "note", "two words", "empty", ""),
	}}
	var b bytes.Buffer
	if err := l.Format(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ParseRunLog("x.run", &b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range back.Events {
		back.Events[i].Line = 0
	}
	if fmt.Sprint(back) != fmt.Sprint(l) {
		t.Fatalf("round trip:\n%v\n%v", l, back)
	}
	for _, tc := range []struct{ text, want string }{
		{"", "x.run: empty"},
		{"model ring\n", "x.run:1: want \"daggercheck-run 1\" first"},
		{"daggercheck-run 2\n", "x.run:1: format version \"2\""},
		{"daggercheck-run 1\nevent send\n", "x.run:2: an event before the model line"},
		{"daggercheck-run 1\nmodel ring\nevent send flow\n", "x.run:3: field \"flow\": want key=value"},
		{"daggercheck-run 1\nmodel ring\nevent send a=1 a=2\n", "x.run:3: field a given twice"},
		{"daggercheck-run 1\nmodel ring\nevent send a='1\n", "x.run:3:"},
		{"daggercheck-run 1\nmodel ring\nstep x\n", "x.run:3: unknown line \"step\""},
		{"daggercheck-run 1\n", "x.run: no model line"},
	} {
		_, err := ParseRunLog("x.run", strings.NewReader(tc.text))
		if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an ErrSyntax naming %q", tc.text, err, tc.want)
		}
	}
}

// FuzzParseRunLog: what parses formats and parses back to the same log;
// every error is an ErrSyntax. (bridge/dagger's FuzzValidate validates
// what parses.)
func FuzzParseRunLog(f *testing.F) {
	f.Add("daggercheck-run 1\nmodel ring\nparam flows=2\nevent send flow=0 rpc=0\nevent take flow=0 hdr=0 args=0\n")
	f.Add("daggercheck-run 1\nmodel system\nevent call client=0 id=0\n# c\n\nevent complete client=0 id=0 status=ok\n")
	f.Add("daggercheck-run 1\nmodel ring\nevent take flow=0 hdr='0,1' args=\"0,-\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		l, err := ParseRunLog("fuzz.run", strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("an error that is not ErrSyntax: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := l.Format(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ParseRunLog("again.run", &b)
		if err != nil {
			t.Fatalf("a log that parsed does not parse after formatting: %v\n%s", err, b.String())
		}
		for i := range l.Events {
			l.Events[i].Line = 0
		}
		for i := range back.Events {
			back.Events[i].Line = 0
		}
		if !reflect.DeepEqual(back, l) {
			t.Fatalf("round trip changed the log:\n%#v\n%#v", l, back)
		}
	})
}
