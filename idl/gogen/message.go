package gogen

import (
	"fmt"
	"strings"

	"github.com/daggercheck/daggercheck/idl"
)

// message writes a message's type, size and methods.
func (g *gen) message(m *idl.Message) {
	name := GoName(m.Name)
	g.doc("%s is message %s, %d bytes in a slot.", name, m.Name, m.Size)
	g.p("type %s struct {", name)
	for _, f := range m.Fields {
		where := fmt.Sprintf("bytes %d..%d", f.Offset, f.Offset+f.Type.Size()-1)
		if f.Type.Size() == 1 {
			where = fmt.Sprintf("byte %d", f.Offset)
		}
		g.p("%s %s // %s, %s", GoName(f.Name), goType(f.Type), f.Type, where)
	}
	g.p("}\n")
	g.doc("%sSize is the size of %s's encoding.", name, name)
	g.p("const %sSize = %d\n", name, m.Size)
	g.appendBinary(m)
	g.doc("MarshalBinary is m's encoding, %sSize bytes.", name)
	g.p("func (m %s) MarshalBinary() ([]byte, error) { return m.AppendBinary(make([]byte, 0, %sSize)) }\n", name, name)
	g.unmarshalBinary(m)
	g.stringer(m)
}

func (g *gen) appendBinary(m *idl.Message) {
	name := GoName(m.Name)
	g.doc("AppendBinary appends m's encoding, %sSize bytes, to b; on error it returns b as it was.", name)
	g.p("func (m %s) AppendBinary(b []byte) ([]byte, error) {", name)
	if len(m.Fields) == 0 {
		g.p("return b, nil\n}\n")
		return
	}
	g.p("n := len(b)")
	g.p("b = append(b, make([]byte, %sSize)...)", name)
	g.p("p := b[n:]")
	for _, f := range m.Fields {
		v := "m." + GoName(f.Name)
		switch t := f.Type; {
		case t.Kind == idl.String:
			g.p("if err := wire.PutString(%q, %q, p[%d:%d], %s); err != nil {", m.Name, f.Name, f.Offset, f.Offset+t.Len, v)
			g.p("return b[:n], err\n}")
		case t.Kind == idl.Bytes:
			g.p("copy(p[%d:%d], %s[:])", f.Offset, f.Offset+t.Len, v)
		case t.IsArray():
			g.p("for i := range %s {", v)
			g.p("%s", putElem(t.Kind, offset(f.Offset, t.Kind.ElemSize(), true), v+"[i]"))
			g.p("}")
		default:
			g.p("%s", putElem(t.Kind, offset(f.Offset, 0, false), v))
		}
	}
	g.p("return b, nil\n}\n")
}

// offset is the Go expression of an element's offset in the encoding.
func offset(base, size int, indexed bool) string {
	switch {
	case !indexed:
		return fmt.Sprint(base)
	case base == 0 && size == 1:
		return "i"
	case base == 0:
		return fmt.Sprintf("%d*i", size)
	case size == 1:
		return fmt.Sprintf("%d+i", base)
	}
	return fmt.Sprintf("%d+%d*i", base, size)
}

// putElem is the statement that encodes one scalar v at offset o of p.
func putElem(k idl.Kind, o, v string) string {
	bits := k.ElemSize() * 8
	switch {
	case k == idl.Bool:
		return fmt.Sprintf("if %s {\np[%s] = 1\n}", v, o)
	case k == idl.Uint8:
		return fmt.Sprintf("p[%s] = %s", o, v)
	case k == idl.Int8:
		return fmt.Sprintf("p[%s] = byte(%s)", o, v)
	case k.Float():
		return fmt.Sprintf("binary.LittleEndian.PutUint%d(p[%s:], math.Float%dbits(%s))", bits, o, bits, v)
	case k.Signed():
		return fmt.Sprintf("binary.LittleEndian.PutUint%d(p[%s:], uint%d(%s))", bits, o, bits, v)
	}
	return fmt.Sprintf("binary.LittleEndian.PutUint%d(p[%s:], %s)", bits, o, v)
}

// getElem is the statement that decodes one scalar at offset o of b into
// v; a bool's may fail.
func getElem(msg, field string, k idl.Kind, o, v string) string {
	bits := k.ElemSize() * 8
	switch {
	case k == idl.Bool:
		return fmt.Sprintf("if %s, err = wire.Bool(%q, %q, b[%s]); err != nil {\nreturn err\n}", v, msg, field, o)
	case k == idl.Uint8:
		return fmt.Sprintf("%s = b[%s]", v, o)
	case k == idl.Int8:
		return fmt.Sprintf("%s = int8(b[%s])", v, o)
	case k.Float():
		return fmt.Sprintf("%s = math.Float%dfrombits(binary.LittleEndian.Uint%d(b[%s:]))", v, bits, bits, o)
	case k.Signed():
		return fmt.Sprintf("%s = int%d(binary.LittleEndian.Uint%d(b[%s:]))", v, bits, bits, o)
	}
	return fmt.Sprintf("%s = binary.LittleEndian.Uint%d(b[%s:])", v, bits, o)
}

func (g *gen) unmarshalBinary(m *idl.Message) {
	name := GoName(m.Name)
	g.doc("UnmarshalBinary decodes m from b, exactly %sSize bytes as AppendBinary writes them; on error m is unchanged.", name)
	g.p("func (m *%s) UnmarshalBinary(b []byte) error {", name)
	g.p("if err := wire.CheckSize(%q, b, %sSize); err != nil {\nreturn err\n}", m.Name, name)
	g.p("var v %s", name)
	for _, f := range m.Fields {
		if f.Type.Kind == idl.Bool || f.Type.Kind == idl.String {
			g.p("var err error")
			break
		}
	}
	for _, f := range m.Fields {
		v := "v." + GoName(f.Name)
		switch t := f.Type; {
		case t.Kind == idl.String:
			g.p("if %s, err = wire.String(%q, %q, b[%d:%d]); err != nil {\nreturn err\n}", v, m.Name, f.Name, f.Offset, f.Offset+t.Len)
		case t.Kind == idl.Bytes:
			g.p("copy(%s[:], b[%d:%d])", v, f.Offset, f.Offset+t.Len)
		case t.IsArray():
			g.p("for i := range %s {", v)
			g.p("%s", getElem(m.Name, f.Name, t.Kind, offset(f.Offset, t.Kind.ElemSize(), true), v+"[i]"))
			g.p("}")
		default:
			g.p("%s", getElem(m.Name, f.Name, t.Kind, offset(f.Offset, 0, false), v))
		}
	}
	g.p("*m = v\nreturn nil\n}\n")
}

// stringer writes String: the message's name and its fields by their
// IDL names, on one line.
func (g *gen) stringer(m *idl.Message) {
	name := GoName(m.Name)
	g.doc("String is m on one line, its fields by their IDL names.")
	if len(m.Fields) == 0 {
		g.p("func (m %s) String() string { return %q }\n", name, m.Name+"{}")
		return
	}
	var format, args []string
	for _, f := range m.Fields {
		format = append(format, f.Name+":"+verb(f.Type))
		args = append(args, "m."+GoName(f.Name))
	}
	g.p("func (m %s) String() string {", name)
	g.p("return fmt.Sprintf(%q, %s)\n}\n", m.Name+"{"+strings.Join(format, " ")+"}", strings.Join(args, ", "))
}
