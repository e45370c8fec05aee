package gogen

import (
	"github.com/daggercheck/daggercheck/idl"
)

// service writes a service's function numbers, client, server interface
// and registration.
func (g *gen) service(s *idl.Service) {
	sn := GoName(s.Name)
	g.doc("Function numbers of service %s's RPCs.", s.Name)
	g.p("const (")
	for _, r := range s.RPCs {
		g.p("%s%sFn uint16 = %d // rpc %s(%s) returns (%s)", sn, GoName(r.Name), r.Fn, r.Name, r.Arg.Name, r.Ret.Name)
	}
	g.p(")\n")
	g.client(s)
	g.server(s)
}

func (g *gen) client(s *idl.Service) {
	sn := GoName(s.Name)
	g.doc("%sClient calls service %s's RPCs over an rpc.Client. It is safe for concurrent use, as the rpc.Client is.", sn, s.Name)
	g.p("type %sClient struct{ rpc *rpc.Client }\n", sn)
	g.doc("New%sClient is a client of service %s over c.", sn, s.Name)
	g.p("func New%sClient(c *rpc.Client) *%sClient { return &%sClient{rpc: c} }\n", sn, sn, sn)
	g.doc("RPC is the rpc.Client the calls go over: its Completions and WaitCompletions poll for the non-blocking calls' results.")
	g.p("func (c *%sClient) RPC() *rpc.Client { return c.rpc }\n", sn)
	for _, r := range s.RPCs {
		g.clientRPC(s, r)
	}
}

func (g *gen) clientRPC(s *idl.Service, r *idl.RPC) {
	sn, rn := GoName(s.Name), GoName(r.Name)
	arg, ret, fn := GoName(r.Arg.Name), GoName(r.Ret.Name), sn+rn+"Fn"
	full := s.Name + "." + r.Name
	g.doc("%s calls %s (fn %d) and waits for its result until ctx ends.", rn, full, r.Fn)
	g.p("func (c *%sClient) %s(ctx context.Context, arg %s) (%s, error) {", sn, rn, arg, ret)
	g.p("var buf [%sSize]byte", arg)
	g.p("args, err := arg.AppendBinary(buf[:0])")
	g.p("if err != nil {\nreturn %s{}, fmt.Errorf(\"%s: %%w\", err)\n}", ret, full)
	g.p("b, err := c.rpc.Call(ctx, %s, args)", fn)
	g.p("if err != nil {\nreturn %s{}, fmt.Errorf(\"%s: %%w\", err)\n}", ret, full)
	g.p("var r %s", ret)
	g.p("if err := r.UnmarshalBinary(b); err != nil {\nreturn %s{}, fmt.Errorf(\"%s: %%w\", err)\n}", ret, full)
	g.p("return r, nil\n}\n")

	g.doc("Go%s starts %s (fn %d) without waiting and returns its rpc_id; its rpc.Completion, with tag, comes from c.RPC().Completions, and %sResult decodes it. rpc.ErrBusy: no room now, nothing was sent.", rn, full, r.Fn, rn)
	g.p("func (c *%sClient) Go%s(arg %s, tag uint64) (uint32, error) {", sn, rn, arg)
	g.p("var buf [%sSize]byte", arg)
	g.p("args, err := arg.AppendBinary(buf[:0])")
	g.p("if err != nil {\nreturn 0, fmt.Errorf(\"%s: %%w\", err)\n}", full)
	g.p("id, err := c.rpc.Go(%s, args, tag)", fn)
	g.p("if err != nil {\nreturn 0, fmt.Errorf(\"%s: %%w\", err)\n}", full)
	g.p("return id, nil\n}\n")

	g.doc("%sResult is the result of a %s call started by Go%s, from its completion: the call's error, or its decoded result.", rn, full, rn)
	g.p("func (c *%sClient) %sResult(cp *rpc.Completion) (%s, error) {", sn, rn, ret)
	g.p("if cp.Fn != %s {\nreturn %s{}, fmt.Errorf(\"%s: completion of fn %%d, want %%d\", cp.Fn, %s)\n}", fn, ret, full, fn)
	g.p("if cp.Err != nil {\nreturn %s{}, fmt.Errorf(\"%s: %%w\", cp.Err)\n}", ret, full)
	g.p("var r %s", ret)
	g.p("if err := r.UnmarshalBinary(cp.Ret()); err != nil {\nreturn %s{}, fmt.Errorf(\"%s: %%w\", err)\n}", ret, full)
	g.p("return r, nil\n}\n")
}

func (g *gen) server(s *idl.Service) {
	sn := GoName(s.Name)
	g.doc("%sServer implements service %s. Register%sServer installs it on a node, whose server threads call its methods, several at once with several flows or a worker pool. An error fails the call with rpc.ErrRemote and the error's text (its first 52 bytes).", sn, s.Name, sn)
	g.p("type %sServer interface {", sn)
	for _, r := range s.RPCs {
		g.p("%s(arg %s) (%s, error) // rpc %s, fn %d", GoName(r.Name), GoName(r.Arg.Name), GoName(r.Ret.Name), r.Name, r.Fn)
	}
	g.p("}\n")
	g.doc("Register%sServer installs impl's methods on node as the handlers of service %s's function numbers; register before node.Start. A number already registered is an error (the handlers installed before it stay).", sn, s.Name)
	g.p("func Register%sServer(node *rpc.Node, impl %sServer) error {", sn, sn)
	g.p("if impl == nil {\nreturn fmt.Errorf(\"Register%sServer: nil implementation\")\n}", sn)
	g.p("handlers := []struct {\nfn uint16\nname string\nh rpc.Handler\n}{")
	for _, r := range s.RPCs {
		arg := GoName(r.Arg.Name)
		g.p("{%s%sFn, %q, func(args, ret []byte) ([]byte, error) {", sn, GoName(r.Name), s.Name+"."+r.Name)
		g.p("var arg %s", arg)
		g.p("if err := arg.UnmarshalBinary(args); err != nil {\nreturn nil, err\n}")
		g.p("r, err := impl.%s(arg)", GoName(r.Name))
		g.p("if err != nil {\nreturn nil, err\n}")
		g.p("return r.AppendBinary(ret)")
		g.p("}},")
	}
	g.p("}")
	g.p("for _, h := range handlers {")
	g.p("if err := node.Handle(h.fn, h.name, h.h); err != nil {\nreturn fmt.Errorf(\"Register%sServer: %%w\", err)\n}", sn)
	g.p("}\nreturn nil\n}\n")
}
