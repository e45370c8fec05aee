package idl

// check resolves the declarations' names, numbers the RPCs and lays out
// the messages, collecting every problem.
func check(name string, raws []rawMessage, rawServices []rawService) (*File, error) {
	c := &checker{errs: errorList{file: name}, byName: map[string]*Message{}, declared: map[string]bool{}}
	for _, rm := range raws {
		c.declared[rm.name] = true
	}
	f := &File{Name: name}
	for _, rm := range raws {
		if m := c.message(rm); m != nil {
			f.Messages = append(f.Messages, m)
		}
	}
	seen := map[string]Pos{}
	for _, rs := range rawServices {
		if first, ok := seen[rs.name]; ok {
			c.errs.add(rs.pos, "duplicate service %s (first at %s)", rs.name, first)
			continue
		}
		seen[rs.name] = rs.pos
		f.Services = append(f.Services, c.service(rs))
	}
	if err := c.errs.err(); err != nil {
		return nil, err
	}
	return f, nil
}

type checker struct {
	errs     errorList
	byName   map[string]*Message
	declared map[string]bool // every message's name, for a field whose type names one

}

// message resolves a message's field types and lays it out; nil when it
// duplicates an earlier message's name.
func (c *checker) message(rm rawMessage) *Message {
	if first, ok := c.byName[rm.name]; ok {
		c.errs.add(rm.pos, "duplicate message %s (first at %s)", rm.name, first.Pos)
		return nil
	}
	m := &Message{Pos: rm.pos, Name: rm.name}
	c.byName[rm.name] = m
	seen := map[string]Pos{}
	for _, rf := range rm.fields {
		if first, ok := seen[rf.name]; ok {
			c.errs.add(rf.namePos, "duplicate field %s in message %s (first at %s)", rf.name, rm.name, first)
			continue
		}
		seen[rf.name] = rf.namePos
		t, ok := c.fieldType(rf)
		if !ok {
			continue
		}
		m.Fields = append(m.Fields, &Field{Pos: rf.pos, Name: rf.name, Type: t})
	}
	c.layout(m, rm)
	return m
}

// fieldType resolves a field's type.
func (c *checker) fieldType(rf rawField) (Type, bool) {
	k := lookupKind(rf.typeName)
	switch {
	case k == 0 && c.declared[rf.typeName]:
		c.errs.add(rf.pos, "field %s's type %s is a message: a field is a scalar, an array, string[N] or bytes[N]", rf.name, rf.typeName)
		return Type{}, false
	case k == 0:
		c.errs.add(rf.pos, "unknown type %q in field %s (want int8..int64, uint8..uint64, float32, float64, bool, string[N] or bytes[N])", rf.typeName, rf.name)
		return Type{}, false
	case (k == String || k == Bytes) && rf.length < 0:
		c.errs.add(rf.pos, "%s needs a length in field %s: %s[N]", k, rf.name, k)
		return Type{}, false
	case rf.length == 0:
		c.errs.add(rf.lenPos, "length 0 in field %s: want 1 or more", rf.name)
		return Type{}, false
	case rf.length >= maxNumber:
		c.errs.add(rf.lenPos, "length too large in field %s: a message holds at most %d bytes", rf.name, MaxSize)
		return Type{}, false
	}
	return Type{Kind: k, Len: max(rf.length, 0)}, true
}

// layout places the fields one after another and names the first that
// ends past MaxSize.
func (c *checker) layout(m *Message, rm rawMessage) {
	for _, f := range m.Fields {
		f.Offset = m.Size
		m.Size += f.Type.Size()
	}
	if m.Size <= MaxSize {
		return
	}
	for _, f := range m.Fields {
		if end := f.Offset + f.Type.Size(); end > MaxSize {
			c.errs.add(f.Pos, "message %s is %d bytes, over the %d of a slot: field %s (%s at offset %d) ends at byte %d",
				m.Name, m.Size, MaxSize, f.Name, f.Type, f.Offset, end)
			return
		}
	}
}

// service resolves a service's RPCs' messages and numbers them.
func (c *checker) service(rs rawService) *Service {
	s := &Service{Pos: rs.pos, Name: rs.name}
	seen := map[string]Pos{}
	byFn := map[uint16]*RPC{}
	next := 1
	for _, rr := range rs.rpcs {
		if first, ok := seen[rr.name]; ok {
			c.errs.add(rr.pos, "duplicate rpc %s in service %s (first at %s)", rr.name, rs.name, first)
			continue
		}
		seen[rr.name] = rr.pos
		r := &RPC{Pos: rr.pos, Name: rr.name, Arg: c.lookup(rr, rr.arg, rr.argPos, "argument"), Ret: c.lookup(rr, rr.ret, rr.retPos, "result")}
		fn, pos := next, rr.pos
		if rr.fn >= 0 {
			fn, pos, r.Explicit = rr.fn, rr.fnPos, true
		}
		next = fn + 1
		switch {
		case fn >= maxNumber: // the number as written was larger still
			c.errs.add(pos, "function number of rpc %s out of range 0..65535", rr.name)
			continue
		case fn > 0xffff:
			c.errs.add(pos, "function number %d of rpc %s out of range 0..65535", fn, rr.name)
			continue
		}
		r.Fn = uint16(fn)
		if prev, ok := byFn[r.Fn]; ok {
			c.errs.add(pos, "rpc %s has function number %d, as rpc %s (at %s) has", rr.name, fn, prev.Name, prev.Pos)
			continue
		}
		byFn[r.Fn] = r
		s.RPCs = append(s.RPCs, r)
	}
	return s
}

// lookup resolves an RPC's argument or result message.
func (c *checker) lookup(rr rawRPC, name string, pos Pos, role string) *Message {
	if m, ok := c.byName[name]; ok {
		return m
	}
	if lookupKind(name) != 0 {
		c.errs.add(pos, "%s %s of rpc %s is a type, not a message: wrap it in a message", role, name, rr.name)
		return nil
	}
	c.errs.add(pos, "unknown message %s in rpc %s's %s", name, rr.name, role)
	return nil
}
