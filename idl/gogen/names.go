package gogen

import (
	"strings"

	"github.com/daggercheck/daggercheck/idl"
)

// GoName is the exported Go name of an IDL name: each part between
// underscores capitalised, the underscores dropped (value_len: ValueLen,
// getArg: GetArg).
func GoName(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// messageMethods are the methods of every generated message, which no
// field's Go name may shadow.
var messageMethods = []string{"AppendBinary", "MarshalBinary", "UnmarshalBinary", "String"}

// namespace holds the Go names declared in one scope and reports a name
// declared twice as an error at the later declaration.
type namespace struct {
	errs  *idl.ErrorList
	file  string
	scope string // "the package", "message GetArg", ...
	names map[string]string
}

func newNamespace(errs *idl.ErrorList, file, scope string) *namespace {
	return &namespace{errs: errs, file: file, scope: scope, names: map[string]string{}}
}

// declare records name for what (at pos); false when it is taken.
func (ns *namespace) declare(name, what string, pos idl.Pos) bool {
	if prev, ok := ns.names[name]; ok {
		*ns.errs = append(*ns.errs, &idl.Error{File: ns.file, Pos: pos,
			Msg: "Go name " + name + " of " + what + " collides with " + prev + " in " + ns.scope})
		return false
	}
	ns.names[name] = what
	return true
}

// checkNames reports every Go name collision in f.
func checkNames(f *idl.File) error {
	var errs idl.ErrorList
	pkg := newNamespace(&errs, f.Name, "the package")
	for _, m := range f.Messages {
		what := "message " + m.Name
		pkg.declare(GoName(m.Name), what, m.Pos)
		pkg.declare(GoName(m.Name)+"Size", what+"'s size", m.Pos)
		fields := newNamespace(&errs, f.Name, what)
		for _, name := range messageMethods {
			fields.declare(name, "the method "+name, idl.Pos{})
		}
		for _, fl := range m.Fields {
			fields.declare(GoName(fl.Name), "field "+fl.Name, fl.Pos)
		}
	}
	for _, s := range f.Services {
		what, g := "service "+s.Name, GoName(s.Name)
		for _, name := range []string{g + "Client", "New" + g + "Client", g + "Server", "Register" + g + "Server"} {
			pkg.declare(name, what, s.Pos)
		}
		methods := newNamespace(&errs, f.Name, what+"'s client")
		methods.declare("RPC", "the method RPC", idl.Pos{})
		for _, r := range s.RPCs {
			rw := "rpc " + r.Name
			pkg.declare(g+GoName(r.Name)+"Fn", rw+"'s function number", r.Pos)
			for _, name := range []string{GoName(r.Name), "Go" + GoName(r.Name), GoName(r.Name) + "Result"} {
				methods.declare(name, rw, r.Pos)
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
