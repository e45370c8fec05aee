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
