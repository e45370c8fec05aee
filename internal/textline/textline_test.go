package textline

import (
	"reflect"
	"strings"
	"testing"

	shlex "github.com/anmitsu/go-shlex"
	"pgregory.net/rapid"
)

// Any non-empty string survives Quote and shlex.Split, including quotes,
// backslashes, # and non-ASCII.
func TestQuoteRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		words := rapid.SliceOfN(rapid.StringMatching(`[^\x00\n\r]{1,12}`), 1, 6).Draw(t, "words")
		var line []string
		for _, w := range words {
			line = append(line, Quote(w))
		}
		got, err := shlex.Split(strings.Join(line, " "), true)
		if err != nil || !reflect.DeepEqual(got, words) {
			t.Fatalf("%q -> %q -> %q (%v)", words, strings.Join(line, " "), got, err)
		}
	})
}

// A key=QuoteValue(value) word reads back as one word, key=value, and a
// value with a space or "=" in it is always quoted.
func TestQuoteValue(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"3", "x=3"}, {"", "x=''"}, {"a=b", "x='a=b'"}, {"valid=1 flag=1", "x='valid=1 flag=1'"},
		{"[0 0]", "x='[0 0]'"}, {"rpc0", "x=rpc0"}, {"it's", `x='it'"'"'s'`},
	} {
		word := "x=" + QuoteValue(tc.value)
		if word != tc.want {
			t.Errorf("x=QuoteValue(%q) = %s, want %s", tc.value, word, tc.want)
		}
		got, err := shlex.Split(word+" y=1", true)
		if err != nil || !reflect.DeepEqual(got, []string{"x=" + tc.value, "y=1"}) {
			t.Errorf("%s y=1 reads back as %q (%v)", word, got, err)
		}
	}
}
