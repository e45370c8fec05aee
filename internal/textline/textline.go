package textline

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	shlex "github.com/anmitsu/go-shlex"
)

// MaxLine is the longest line a Reader reads: 16 MiB.
const MaxLine = 16 << 20

// Reader reads one file of a line format: blank lines and lines whose
// first non-blank character is # are skipped, and every other line is
// split like a POSIX shell. Its errors wrap the format's syntax error
// and name the file and the line.
type Reader struct {
	name   string
	syntax error
	sc     *bufio.Scanner
	line   int   // the number of the line last read
	err    error // the line Lines stopped at
}

// NewReader reads r, a file called name in error messages, whose
// format's parse errors wrap syntax.
func NewReader(name string, r io.Reader, syntax error) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxLine)
	return &Reader{name: name, syntax: syntax, sc: sc}
}

// errNUL is a line with a NUL byte, which no text format here allows.
var errNUL = errors.New("a NUL byte")

// Line is the number of the line last read; after the end of the input,
// the number of lines.
func (r *Reader) Line() int { return r.line }

// Errorf is a syntax error at the line last read:
// "SYNTAX: NAME:LINE: MESSAGE".
func (r *Reader) Errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s:%d: %s", r.syntax, r.name, r.line, fmt.Sprintf(format, args...))
}

// Lines yields the words of each line that has any, in order. It stops
// at the end of the input or at a line that cannot be split, with a NUL
// byte or an unterminated quote; Err then says which.
func (r *Reader) Lines() iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for r.sc.Scan() {
			r.line++
			line := strings.TrimSpace(r.sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if strings.ContainsRune(line, 0) {
				r.err = r.Errorf("%v", errNUL)
				return
			}
			words, err := shlex.Split(line, true)
			if err != nil {
				r.err = r.Errorf("%v", err)
				return
			}
			if len(words) > 0 && !yield(words) {
				return
			}
		}
	}
}

// Err is why Lines stopped before the end of the input: a line that
// cannot be split, named at its line, or, as a syntax error at the line
// after the last one read, a line longer than MaxLine (bufio.ErrTooLong)
// or a read error. It is nil at the end of the input.
func (r *Reader) Err() error {
	if r.err != nil {
		return r.err
	}
	if err := r.sc.Err(); err != nil {
		return fmt.Errorf("%w: %s:%d: %v", r.syntax, r.name, r.line+1, err)
	}
	return nil
}

// ScanErr is the scanner's own error behind Err, for a format that words
// it otherwise: nil when the input ended or a line could not be split.
func (r *Reader) ScanErr() error { return r.sc.Err() }

// IsParam reports whether the words after "param" are one key=value with
// a key, as the trace and run-log headers write a model parameter.
func IsParam(rest []string) bool {
	return len(rest) == 1 && strings.Contains(rest[0], "=") && !strings.HasPrefix(rest[0], "=")
}

// Quote returns s as one shell word that shlex.Split reads back as s:
// plain words as they are, anything else in single quotes.
func Quote(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-[]", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return quote(s)
}

// QuoteValue is Quote for the value of a key=value word, written as
// key=QuoteValue(value): a value with "=" in it is quoted too, so that
// nobody takes what follows its "=" for another field.
func QuoteValue(s string) string {
	if strings.Contains(s, "=") {
		return quote(s)
	}
	return Quote(s)
}

func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// Header reads the lines that trace files and run logs open with:
// "MAGIC VERSION" first, then, among the format's own header lines,
// "param key=value" ones before the body starts.
type Header struct {
	Magic   string // the first word of the first line
	Version int
	Body    string // what the body's lines are called: "step", "event"
	Params  []string
	seen    bool
}

// First checks that the version line comes first: key is the first word
// of a line.
func (h *Header) First(r *Reader, key string) error {
	if !h.seen && key != h.Magic {
		return r.Errorf("want \"%s %d\" first, got %q", h.Magic, h.Version, key)
	}
	return nil
}

// Line reads words if they are the version line or a parameter, and
// reports whether they were; inBody says whether the body has started.
func (h *Header) Line(r *Reader, words []string, inBody bool) (bool, error) {
	switch key, rest := words[0], words[1:]; key {
	case h.Magic:
		if h.seen {
			return true, r.Errorf("a second version line")
		}
		if len(rest) != 1 || rest[0] != strconv.Itoa(h.Version) {
			return true, r.Errorf("format version %q, this daggercheck reads version %d", strings.Join(rest, " "), h.Version)
		}
		h.seen = true
	case "param":
		if inBody {
			return true, r.Errorf("param after the first %s", h.Body)
		}
		if !IsParam(rest) {
			return true, r.Errorf("want param key=value")
		}
		h.Params = append(h.Params, rest[0])
	default:
		return false, nil
	}
	return true, nil
}

// Seen reports whether the version line has been read.
func (h *Header) Seen() bool { return h.seen }
