package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/daggercheck/daggercheck/explore"
)

// DefaultExploreAddr is where explore listens unless --addr says: this
// machine only.
const DefaultExploreAddr = "127.0.0.1:8421"

// explore runs `explore [MODEL] [-p key=value]... [--bug NAME] [--trace
// FILE] [--addr HOST:PORT]`: it serves the explorer's page and JSON API
// until the context ends (Ctrl-C), printing the page's URL.
func (e *Env) explore(args []string) int {
	fs := e.Flags("explore", "[MODEL] [flags]")
	var params MultiFlag
	fs.Var(&params, "p", "model parameter `key=value` (repeatable)")
	bug := fs.String("bug", "", "inject the named bug from the model's catalogue (with the parameters it needs, unless given)")
	traceFile := fs.String("trace", "", "open at this trace `file` (or ITF trace), on its model, parameters and bug")
	addr := fs.String("addr", DefaultExploreAddr, "listen on `HOST:PORT` (port 0: any free port)")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if len(pos) > 1 {
		return e.Fail(fmt.Errorf("explore takes one model, got %q", pos))
	}
	modelName := e.Program.defaultModel()
	if len(pos) == 1 {
		modelName = pos[0]
	}
	start, open := "", e.opener()
	def := explore.Config{Model: modelName, Params: params, Bug: *bug}
	if *traceFile != "" {
		if len(params) > 0 || *bug != "" {
			return e.Fail(errors.New("--trace takes the model, parameters and bug from the trace: leave out -p and --bug"))
		}
		if def, start, err = e.openTrace(*traceFile, open, len(pos) == 1, modelName); err != nil {
			return e.Fail(err)
		}
	}
	sess, err := open(def)
	if err != nil {
		return e.Fail(err)
	}
	srv := explore.NewServer(e.Ctx, open, sess.Config, e.Program.Implementation)
	return e.serve(*addr, srv, sess.Config, start)
}

// opener builds the session of a configuration of one of the program's
// models.
func (e *Env) opener() explore.Opener {
	return func(cfg explore.Config) (*explore.Session, error) {
		m, err := Lookup(e.Program.Models, cfg.Model)
		if err != nil {
			return nil, err
		}
		v, _, err := m.Configure(cfg.Params, cfg.Bug)
		if err != nil {
			return nil, err
		}
		return m.Explore(v, cfg.Bug)
	}
}

// openTrace reads --trace and follows it on its model; start is the
// path it leads along, in the page's syntax.
func (e *Env) openTrace(path string, open explore.Opener, named bool, model string) (explore.Config, string, error) {
	f, err := readTrace(path)
	if err != nil {
		return explore.Config{}, "", err
	}
	if named && f.Model != model {
		return explore.Config{}, "", fmt.Errorf("%s is a trace of model %s, not %s", path, f.Model, model)
	}
	sess, err := open(explore.Config{Model: f.Model, Params: f.Params, Bug: f.Bug})
	if err != nil {
		return explore.Config{}, "", fmt.Errorf("%s: %w", path, err)
	}
	fps, err := sess.Follow(f)
	if err != nil {
		return explore.Config{}, "", fmt.Errorf("%s: %w", path, err)
	}
	return sess.Config, explore.FormatPath(fps)[1:], nil
}

// serve listens on addr and serves srv until the context ends.
func (e *Env) serve(addr string, srv http.Handler, cfg explore.Config, start string) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return e.Fail(fmt.Errorf("--addr %s: %w", addr, err))
	}
	hash := url.Values{"model": {cfg.Model}, "p": cfg.Params}
	if cfg.Bug != "" {
		hash.Set("bug", cfg.Bug)
	}
	if start != "" {
		hash.Set("path", start)
		hash.Set("step", "0")
	}
	fmt.Fprintf(e.Stdout, "explore: model %s at http://%s/#%s\n(Ctrl-C stops it)\n", cfg.Model, ln.Addr(), hash.Encode())
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		srv = explore.LocalOnly(srv)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return e.Ctx }}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return e.Fail(fmt.Errorf("explore: %w", err))
	case <-e.Ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(ctx) // requests still running end with the context anyway
	<-done
	fmt.Fprintln(e.Stdout, "explore: stopped")
	return ExitOK
}
