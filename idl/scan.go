package idl

import (
	"fmt"
	"unicode/utf8"
)

// tokKind is a token's class.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokName
	tokNumber
	tokPunct // one of { } ( ) [ ] ; =
	tokBad   // a character the language has no use for
)

// token is one token: its text and where it starts and ends.
type token struct {
	kind     tokKind
	text     string
	pos, end Pos // end: just after its last byte
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokBad:
		return fmt.Sprintf("character %s", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// scanner splits a file's text into tokens, skipping white space and
// comments.
type scanner struct {
	src       []byte
	off       int
	line, col int
}

func newScanner(src []byte) *scanner { return &scanner{src: src, line: 1, col: 1} }

func (s *scanner) pos() Pos { return Pos{s.line, s.col} }

// advance moves past n bytes on one line.
func (s *scanner) advance(n int) {
	s.off += n
	s.col += n
}

// next returns the next token.
func (s *scanner) next() token {
	s.skip()
	start := s.pos()
	if s.off >= len(s.src) {
		return token{kind: tokEOF, pos: start, end: start}
	}
	c, begin := s.src[s.off], s.off
	var kind tokKind
	switch {
	case isLetter(c):
		for s.advance(1); s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off]) || s.src[s.off] == '_'); s.advance(1) {
		}
		kind = tokName
	case isDigit(c):
		for s.advance(1); s.off < len(s.src) && isDigit(s.src[s.off]); s.advance(1) {
		}
		kind = tokNumber
	case c == '{' || c == '}' || c == '(' || c == ')' || c == '[' || c == ']' || c == ';' || c == '=':
		s.advance(1)
		kind = tokPunct
	default:
		r, n := utf8.DecodeRune(s.src[s.off:])
		text := fmt.Sprintf("%q", r)
		if r == utf8.RuneError && n <= 1 {
			text = fmt.Sprintf("byte %#02x", c)
		}
		s.advance(n)
		return token{kind: tokBad, text: text, pos: start, end: s.pos()}
	}
	return token{kind: kind, text: string(s.src[begin:s.off]), pos: start, end: s.pos()}
}

// skip moves past white space and comments.
func (s *scanner) skip() {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; {
		case c == '\n':
			s.off++
			s.line, s.col = s.line+1, 1
		case c == ' ' || c == '\t' || c == '\r':
			s.advance(1)
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '/':
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.advance(1)
			}
		default:
			return
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
