package explore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/trace"
)

// Limits on what one request may ask of the server.
const (
	MaxBody       = 1 << 20 // bytes of a posted trace file
	MaxLimit      = 2000000 // states a search may visit
	SearchTimeout = time.Minute
	maxSessions   = 32 // configurations kept built
)

// Opener builds the session of a configuration: cfg.Params may give
// only some parameters (the others take their defaults) and the result's
// Config gives them all. An error is bad input and should name the
// culprit.
type Opener func(cfg Config) (*Session, error)

// Server is the explorer's HTTP side: the page, its assets and the JSON
// API (docs/explore.md lists the routes). It keeps no state of a
// client's: each request names its configuration in the query string
// and its state by a path of fingerprints.
type Server struct {
	open    Opener
	def     Config
	impl    Implementation
	mux     *http.ServeMux
	mu      sync.Mutex
	built   map[string]*Session
	checks  *checks
	baseCtx context.Context
}

// NewServer serves the sessions open builds; def is the configuration
// of a request that names none; impl, if not nil, replays paths on the
// implementation. ctx bounds the checks the page starts.
func NewServer(ctx context.Context, open Opener, def Config, impl Implementation) *Server {
	s := &Server{open: open, def: def, impl: impl, mux: http.NewServeMux(), built: map[string]*Session{},
		checks: newChecks(), baseCtx: ctx}
	s.routes()
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil { // a model that panics must not take the server down
			writeError(w, http.StatusInternalServerError, fmt.Errorf("internal error: %v", v))
		}
	}()
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.Handle("GET /static/", http.FileServerFS(assets))
	s.mux.HandleFunc("GET /.model", s.api(s.model))
	s.mux.HandleFunc("GET /.states", s.api(s.states))
	s.mux.HandleFunc("GET /.states/{path...}", s.api(s.states))
	s.mux.HandleFunc("GET /.search/{path...}", s.api(s.search))
	s.mux.HandleFunc("GET /.svg/{path...}", s.svg)
	s.mux.HandleFunc("GET /.trace/{path...}", s.traceFile)
	s.mux.HandleFunc("POST /.trace", s.api(s.load))
	s.mux.HandleFunc("GET /.impl/{path...}", s.api(s.implSteps))
	s.mux.HandleFunc("POST /.check", s.api(s.startCheck))
	s.mux.HandleFunc("GET /.check/{id}", s.api(s.checkStatus))
	s.mux.HandleFunc("DELETE /.check/{id}", s.api(s.stopCheck))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range []string{"/.model", "/.states", "/.search/", "/.svg/", "/.trace", "/.impl/", "/.check"} {
			if strings.HasPrefix(r.URL.Path, p) {
				writeError(w, http.StatusMethodNotAllowed, fmt.Errorf("%s does not take %s (docs/explore.md lists the routes)", r.URL.Path, r.Method))
				return
			}
		}
		writeError(w, http.StatusNotFound, fmt.Errorf("no route %s %s (docs/explore.md lists them)", r.Method, r.URL.Path))
	})
}

// apiError is an error with the HTTP status it answers.
type apiError struct {
	status int
	err    error
}

func (e *apiError) Error() string { return e.err.Error() }
func (e *apiError) Unwrap() error { return e.err }

func badRequest(err error) error    { return &apiError{http.StatusBadRequest, err} }
func unprocessable(err error) error { return &apiError{http.StatusUnprocessableEntity, err} }

// api turns a handler returning a value into one writing it as JSON,
// or the error as {"error": "..."} with its status.
func (s *Server) api(h func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		_ = enc.Encode(v) // the client went away: nothing to tell it
	}
}

func statusOf(err error) int {
	var ae *apiError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae.status
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrBadPath), errors.Is(err, ErrNotSearchable):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnknownState):
		return http.StatusNotFound
	case errors.Is(err, ErrNotABehaviour):
		return http.StatusUnprocessableEntity
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// session returns the session of the request's configuration: the query
// string's model, p (repeatable, key=value) and bug, or the default.
func (s *Server) session(r *http.Request) (*Session, error) {
	q := r.URL.Query()
	cfg := s.def
	if q.Has("model") || q.Has("p") || q.Has("bug") {
		cfg = Config{Model: q.Get("model"), Params: q["p"], Bug: q.Get("bug")}
		if cfg.Model == "" {
			cfg.Model = s.def.Model
		}
	}
	return s.sessionOf(cfg)
}

func (s *Server) sessionOf(cfg Config) (*Session, error) {
	key := cfg.Model + "\x00" + strings.Join(cfg.Params, "\x00") + "\x00" + cfg.Bug
	s.mu.Lock()
	sess, ok := s.built[key]
	s.mu.Unlock()
	if ok {
		return sess, nil
	}
	sess, err := s.open(cfg)
	if err != nil {
		return nil, badRequest(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.built) >= maxSessions {
		clear(s.built) // a rebuild is cheap: sessions hold no states
	}
	s.built[key] = sess
	return sess, nil
}

// pathOf reads the request's session and its path of fingerprints.
func (s *Server) pathOf(r *http.Request) (*Session, []uint64, error) {
	fps, err := ParsePath(r.PathValue("path"))
	if err != nil {
		return nil, nil, err
	}
	sess, err := s.session(r)
	if err != nil {
		return nil, nil, err
	}
	return sess, fps, nil
}

// actionKind is a kind of action in the API.
type actionKind struct {
	Name   string   `json:"name"`
	Params []string `json:"params,omitempty"`
}

// modelInfo is GET /.model's answer.
type modelInfo struct {
	Config     Config       `json:"config"`
	Actions    []actionKind `json:"actions"`
	Properties []Property   `json:"properties"`
	Lanes      []string     `json:"lanes"`
	Initial    []State      `json:"initial"`
	Impl       bool         `json:"impl"` // GET /.impl answers for this model
}

func (s *Server) model(r *http.Request) (any, error) {
	sess, err := s.session(r)
	if err != nil {
		return nil, err
	}
	var kinds []actionKind
	for _, k := range sess.kinds {
		kinds = append(kinds, actionKind{Name: k.Name, Params: k.Params})
	}
	return modelInfo{Config: sess.Config, Actions: kinds, Properties: sess.props, Lanes: sess.lanes,
		Initial: sess.Initial(), Impl: s.impl != nil && s.impl.Supports(sess.Config.Model)}, nil
}

func (s *Server) states(r *http.Request) (any, error) {
	sess, fps, err := s.pathOf(r)
	if err != nil {
		return nil, err
	}
	if len(fps) == 0 {
		return map[string]any{"initial": sess.Initial()}, nil
	}
	return sess.Walk(fps)
}

func (s *Server) search(r *http.Request) (any, error) {
	sess, fps, err := s.pathOf(r)
	if err != nil {
		return nil, err
	}
	limit := DefaultSearchLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > MaxLimit {
			return nil, badRequest(fmt.Errorf("limit %q: want 1 to %d states", v, MaxLimit))
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), SearchTimeout)
	defer cancel()
	found, err := sess.Search(ctx, fps, r.URL.Query().Get("property"), limit)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("search stopped after %s: %w", SearchTimeout, err)
	}
	return found, err
}

// svg writes the path's sequence diagram as an SVG download.
func (s *Server) svg(w http.ResponseWriter, r *http.Request) {
	sess, fps, err := s.pathOf(r)
	if err == nil && len(fps) == 0 {
		err = fmt.Errorf("%w: the diagram needs a path of at least one state", ErrBadPath)
	}
	var p *Path
	if err == nil {
		p, err = sess.Walk(fps)
	}
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sess.Config.Model+`-path.svg"`)
	_ = sess.Diagram(title(sess.Config), p).WriteSVG(w)
}

// traceFile writes the path as a trace file download.
func (s *Server) traceFile(w http.ResponseWriter, r *http.Request) {
	sess, fps, err := s.pathOf(r)
	var f *trace.File
	if err == nil {
		f, err = sess.TraceFile(fps)
	}
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sess.Config.Model+`.trace"`)
	_ = f.Format(w)
}

// title names a configuration in a line.
func title(c Config) string {
	t := c.Model + " " + strings.Join(c.Params, " ")
	if c.Bug != "" {
		t += " --bug " + c.Bug
	}
	return t
}

// loaded is POST /.trace's answer: the trace's configuration and path.
type loaded struct {
	Config   Config   `json:"config"`
	Path     []string `json:"path"`
	Outcome  string   `json:"outcome"`
	Property string   `json:"property,omitempty"`
}

// load reads a posted trace file (or ITF trace) and follows it on its
// configuration.
func (s *Server) load(r *http.Request) (any, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBody))
	if err != nil {
		return nil, err
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "posted trace"
	}
	f, err := ReadTrace(name, raw)
	if err != nil {
		return nil, badRequest(err)
	}
	if want := r.URL.Query().Get("model"); want != "" && want != f.Model {
		return nil, unprocessable(fmt.Errorf("%s is a trace of model %s, not %s", name, f.Model, want))
	}
	sess, err := s.sessionOf(Config{Model: f.Model, Params: f.Params, Bug: f.Bug})
	if err != nil {
		return nil, unprocessable(fmt.Errorf("%s: %w", name, err))
	}
	fps, err := sess.Follow(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := loaded{Config: sess.Config, Outcome: f.Outcome.Result, Property: f.Outcome.Property}
	for _, fp := range fps {
		out.Path = append(out.Path, formatFP(fp))
	}
	return out, nil
}

// implSteps replays the path on the implementation.
func (s *Server) implSteps(r *http.Request) (any, error) {
	sess, fps, err := s.pathOf(r)
	if err != nil {
		return nil, err
	}
	if s.impl == nil || !s.impl.Supports(sess.Config.Model) {
		return nil, &apiError{http.StatusNotFound, fmt.Errorf("no implementation to replay model %s on", sess.Config.Model)}
	}
	f, err := sess.TraceFile(fps)
	if err != nil {
		return nil, err
	}
	return s.impl.Replay(f)
}
