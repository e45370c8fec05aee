package idl

import "fmt"

// Parse parses, checks and lays out an IDL file; name is the file's name
// for positions. Its error is an ErrorList: the first syntax error, or
// every problem the checks found (unknown types and messages, duplicate
// names and function numbers, messages over MaxSize), in file order.
func Parse(name string, src []byte) (*File, error) {
	p := &parser{s: newScanner(src), errs: errorList{file: name}}
	p.next()
	p.file()
	if p.errs.errs != nil {
		return nil, p.errs.err()
	}
	return check(name, p.messages, p.services)
}

// The declarations as written, before names are resolved.
type (
	rawMessage struct {
		pos    Pos
		name   string
		fields []rawField
	}
	rawField struct {
		pos      Pos // of the type
		typeName string
		length   int // -1: no [N]
		lenPos   Pos
		name     string
		namePos  Pos
	}
	rawService struct {
		pos  Pos
		name string
		rpcs []rawRPC
	}
	rawRPC struct {
		pos            Pos // of the name
		name           string
		arg, ret       string
		argPos, retPos Pos
		fn             int // -1: no "= N"
		fnPos          Pos
	}
)

// maxNumber bounds the numbers the parser keeps; a larger one is kept as
// maxNumber, which every check rejects as out of range.
const maxNumber = 1 << 20

// parser is a recursive-descent parser that stops at the first syntax
// error (after it, every token is the end of file).
type parser struct {
	s        *scanner
	tok      token
	prevEnd  Pos // where the previous token ended
	errs     errorList
	messages []rawMessage
	services []rawService
}

func (p *parser) next() {
	p.prevEnd = p.tok.end
	if p.errs.errs != nil {
		p.tok = token{kind: tokEOF, pos: p.tok.pos, end: p.tok.pos}
		return
	}
	p.tok = p.s.next()
	if p.tok.kind == tokBad {
		p.fail(p.tok.pos, "unexpected %s", p.tok)
	}
}

// fail records a syntax error; parsing stops.
func (p *parser) fail(pos Pos, format string, args ...any) {
	if p.errs.errs == nil {
		p.errs.add(pos, format, args...)
	}
	p.tok = token{kind: tokEOF, pos: pos, end: pos}
}

func (p *parser) failed() bool { return p.errs.errs != nil }

// is reports whether the token is punctuation or a name with text.
func (p *parser) is(text string) bool {
	return (p.tok.kind == tokPunct || p.tok.kind == tokName) && p.tok.text == text
}

// expect consumes text or fails, saying what it should have followed.
func (p *parser) expect(text, after string) {
	if !p.is(text) {
		p.fail(p.tok.pos, "expected %q %s, found %s", text, after, p.tok)
		return
	}
	p.next()
}

// semicolon consumes the ";" that ends a declaration, or fails where it
// is missing: just after the declaration's last token.
func (p *parser) semicolon(what string) {
	if !p.is(";") {
		p.fail(p.prevEnd, "missing \";\" after %s (found %s)", what, p.tok)
		return
	}
	p.next()
}

// name consumes a name or fails.
func (p *parser) name(what string) (string, Pos) {
	t := p.tok
	if t.kind != tokName {
		p.fail(t.pos, "expected %s, found %s", what, t)
		return "", t.pos
	}
	p.next()
	return t.text, t.pos
}

// number consumes a decimal number, or fails.
func (p *parser) number(what string) (int, Pos) {
	t := p.tok
	if t.kind != tokNumber {
		p.fail(t.pos, "expected %s, found %s", what, t)
		return 0, t.pos
	}
	p.next()
	n := 0
	for i := 0; i < len(t.text) && n < maxNumber; i++ {
		n = n*10 + int(t.text[i]-'0')
	}
	return min(n, maxNumber), t.pos
}

func (p *parser) file() {
	for p.tok.kind != tokEOF {
		switch {
		case p.is("message"):
			p.message()
		case p.is("service"):
			p.service()
		default:
			p.fail(p.tok.pos, "expected message or service, found %s", p.tok)
		}
	}
}

func (p *parser) message() {
	p.next()
	m := rawMessage{}
	m.name, m.pos = p.name("a message name after message")
	p.expect("{", fmt.Sprintf("after message %s", m.name))
	for !p.failed() && !p.is("}") {
		if p.tok.kind == tokEOF {
			p.fail(p.tok.pos, "message %s: expected a field or \"}\", found end of file", m.name)
			return
		}
		m.fields = append(m.fields, p.field(m.name))
	}
	p.next()
	p.messages = append(p.messages, m)
}

// field parses "type name;" or "type[N] name;".
func (p *parser) field(msg string) rawField {
	f := rawField{length: -1}
	f.typeName, f.pos = p.name(fmt.Sprintf("a field type in message %s", msg))
	if p.is("[") {
		p.next()
		f.length, f.lenPos = p.number("a length in [ ]")
		p.expect("]", fmt.Sprintf("after the length of %s[", f.typeName))
	}
	f.name, f.namePos = p.name(fmt.Sprintf("a field name after type %s", f.typeName))
	p.semicolon(fmt.Sprintf("field %s", f.name))
	return f
}

func (p *parser) service() {
	p.next()
	s := rawService{}
	s.name, s.pos = p.name("a service name after service")
	p.expect("{", fmt.Sprintf("after service %s", s.name))
	for !p.failed() && !p.is("}") {
		if !p.is("rpc") {
			p.fail(p.tok.pos, "service %s: expected rpc or \"}\", found %s", s.name, p.tok)
			return
		}
		s.rpcs = append(s.rpcs, p.rpc())
	}
	p.next()
	p.services = append(p.services, s)
}

// rpc parses "rpc Name(Arg) returns (Ret) [= N];".
func (p *parser) rpc() rawRPC {
	p.next()
	r := rawRPC{fn: -1}
	r.name, r.pos = p.name("an rpc name after rpc")
	p.expect("(", fmt.Sprintf("after rpc %s", r.name))
	r.arg, r.argPos = p.name(fmt.Sprintf("the argument message of rpc %s", r.name))
	p.expect(")", fmt.Sprintf("after rpc %s's argument", r.name))
	p.expect("returns", fmt.Sprintf("after rpc %s's argument", r.name))
	p.expect("(", "after returns")
	r.ret, r.retPos = p.name(fmt.Sprintf("the result message of rpc %s", r.name))
	p.expect(")", fmt.Sprintf("after rpc %s's result", r.name))
	if p.is("=") {
		p.next()
		r.fn, r.fnPos = p.number(fmt.Sprintf("a function number after rpc %s's =", r.name))
	}
	p.semicolon(fmt.Sprintf("rpc %s", r.name))
	return r
}
