package traces

import (
	"bufio"
	"errors"
	"io"
	"strings"

	shlex "github.com/anmitsu/go-shlex"
)

// lineScanner reads the line formats of this package (trace files, RPC
// histories): blank lines and lines whose first non-blank character is #
// are skipped, and every other line is split like a POSIX shell. Lines
// may be up to 16 MiB long.
type lineScanner struct {
	sc   *bufio.Scanner
	line int // the number of the line last read
}

func newLineScanner(r io.Reader) *lineScanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	return &lineScanner{sc: sc}
}

// errNUL is a line with a NUL byte, which no text format here allows.
var errNUL = errors.New("a NUL byte")

// next returns the words of the next line that has any; ok is false at the
// end of the input (see err). An error is the line's: a NUL byte or an
// unterminated quote.
func (s *lineScanner) next() (words []string, ok bool, err error) {
	for s.sc.Scan() {
		s.line++
		line := strings.TrimSpace(s.sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsRune(line, 0) {
			return nil, true, errNUL
		}
		words, err := shlex.Split(line, true)
		if err != nil {
			return nil, true, err
		}
		if len(words) == 0 {
			continue
		}
		return words, true, nil
	}
	return nil, false, nil
}

// err is why reading stopped: nil at the end of the input,
// bufio.ErrTooLong for a line over the limit (on line+1), or a read error.
func (s *lineScanner) err() error { return s.sc.Err() }

// isParam reports whether the words after "param" are one key=value with
// a key, as the trace and run-log headers write a model parameter.
func isParam(rest []string) bool {
	return len(rest) == 1 && strings.Contains(rest[0], "=") && !strings.HasPrefix(rest[0], "=")
}
