package runlog

import (
	"bytes"
	"errors"
	"fmt"
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
