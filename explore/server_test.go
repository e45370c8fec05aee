package explore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/explore"
)

// newServer serves pair (and the endless line, as model "line").
func newServer(t *testing.T) *httptest.Server {
	open := func(cfg explore.Config) (*explore.Session, error) {
		switch {
		case len(cfg.Params) > 0:
			return nil, fmt.Errorf("model %s: unknown parameter %q", cfg.Model, cfg.Params[0])
		case cfg.Model == "pair":
			return newPair(), nil
		case cfg.Model == "line":
			return explore.New[int](line{}, explore.Config{Model: "line"}), nil
		}
		return nil, fmt.Errorf("unknown model %q (known: pair, line)", cfg.Model)
	}
	ts := httptest.NewServer(explore.NewServer(t.Context(), open, explore.Config{Model: "pair"}, nil))
	t.Cleanup(ts.Close)
	return ts
}

// call makes a request and decodes the JSON answer.
func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &out), "not JSON: %s", raw)
	return res.StatusCode, out
}

func TestAPIWalksStatesByFingerprintPath(t *testing.T) {
	ts := newServer(t)
	code, body := call(t, "GET", ts.URL+"/.states", "")
	require.Equal(t, 200, code)
	init := body["initial"].([]any)[0].(map[string]any)
	assert.Equal(t, fp(pairState{}), init["fp"])

	code, body = call(t, "GET", ts.URL+"/.states/"+fp(pairState{})+"/"+fp(pairState{1, 0}), "")
	require.Equal(t, 200, code, body)
	assert.Len(t, body["steps"], 2)
	assert.Len(t, body["moves"], 3)

	code, body = call(t, "GET", ts.URL+"/.search/"+fp(pairState{})+"?property=small", "")
	require.Equal(t, 200, code, body)
	assert.Equal(t, true, body["found"])
	assert.Equal(t, float64(5), body["steps"])

	code, body = call(t, "GET", ts.URL+"/.model", "")
	require.Equal(t, 200, code, body)
	assert.Equal(t, []any{"a", "b"}, body["lanes"])
}

func TestAPIAnswersBadRequestsWithAJSONError(t *testing.T) {
	ts := newServer(t)
	init := "/" + fp(pairState{})
	for _, c := range []struct {
		method, route, body string
		status              int
		says                string
	}{
		{"GET", "/.states/xyz", "", 400, "not a hex digit"},
		{"GET", "/.states/1/+2", "", 400, "malformed state path"},
		{"GET", "/.states" + init + "/" + fp(pairState{3, 3}), "", 404, "no action of state"},
		{"GET", "/.states/1234", "", 404, "no initial state"},
		{"GET", "/.states" + init + "?model=nope", "", 400, "unknown model"},
		{"GET", "/.states" + init + "?p=x=1", "", 400, "unknown parameter"},
		{"GET", "/.search" + init + "?property=b-full", "", 400, "cannot search"},
		{"GET", "/.search" + init + "?property=small&limit=-1", "", 400, "limit"},
		{"GET", "/.search" + init + "?property=small&limit=x", "", 400, "limit"},
		{"GET", "/.svg/", "", 400, "at least one state"},
		{"GET", "/.trace/zz", "", 400, "malformed"},
		{"GET", "/.impl" + init, "", 404, "no implementation"},
		{"GET", "/.check/77", "", 404, "no check"},
		{"GET", "/.nothing", "", 404, "no route"},
		{"PUT", "/.states", "", 405, "does not take PUT"},
		{"DELETE", "/.trace", "", 405, "does not take DELETE"},
		{"POST", "/.trace", "", 400, "empty trace"},
		{"POST", "/.trace", "hello", 400, "malformed trace"},
		{"POST", "/.trace", strings.Repeat("#", explore.MaxBody+1), 413, "too large"},
		{"POST", "/.trace", "daggercheck-trace 1\nmodel other\nstep init\nstate x=1\noutcome ok\n", 422, "unknown model"},
		{"POST", "/.trace?model=pair", "daggercheck-trace 1\nmodel line\nstep init\nstate state=0\noutcome ok\n", 422, "not pair"},
		{"POST", "/.trace", "daggercheck-trace 1\nmodel pair\nstep init\nstate A=0 B=0\nstep a-reset\nstate A=0\noutcome ok\n", 422, "step 1 (line 5): a-reset is not enabled"},
	} {
		req, err := http.NewRequest(c.method, ts.URL+c.route, strings.NewReader(c.body))
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, c.status, res.StatusCode, "%s %s: %s", c.method, c.route, raw)
		var e struct{ Error string }
		require.NoError(t, json.Unmarshal(raw, &e), "%s %s: not JSON: %s", c.method, c.route, raw)
		assert.Contains(t, e.Error, c.says, "%s %s", c.method, c.route)
	}
}

func TestAPILoadsATraceOnItsConfiguration(t *testing.T) {
	ts := newServer(t)
	tr := "daggercheck-trace 1\nmodel pair\nstep init\nstate A=0 B=0\nstep a-inc\nstate A=1\nstep b-inc by=1\nstate B=1\noutcome ok\n"
	code, body := call(t, "POST", ts.URL+"/.trace", tr)
	require.Equal(t, 200, code, body)
	assert.Equal(t, []any{fp(pairState{}), fp(pairState{1, 0}), fp(pairState{1, 1})}, body["path"])

	// And the path's trace file reads back as the same behaviour.
	res, err := http.Get(ts.URL + "/.trace/" + strings.Join([]string{fp(pairState{}), fp(pairState{1, 0}), fp(pairState{1, 1})}, "/"))
	require.NoError(t, err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	code, again := call(t, "POST", ts.URL+"/.trace", string(raw))
	require.Equal(t, 200, code, again)
	assert.Equal(t, body["path"], again["path"])
}

func TestAPIDiagramIsAnSVGDownload(t *testing.T) {
	ts := newServer(t)
	res, err := http.Get(ts.URL + "/.svg/" + fp(pairState{}) + "/" + fp(pairState{1, 0}))
	require.NoError(t, err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "image/svg+xml", res.Header.Get("Content-Type"))
	assert.Contains(t, res.Header.Get("Content-Disposition"), "attachment")
	wellFormed(t, string(raw))
}

func TestAPISearchOfAnEndlessModelStopsAtItsBound(t *testing.T) {
	ts := newServer(t)
	s := explore.New[int](line{}, explore.Config{Model: "line"})
	code, body := call(t, "GET", ts.URL+"/.search/"+s.Initial()[0].FP+"?model=line&property=never&limit=5000", "")
	require.Equal(t, 200, code, body)
	assert.Equal(t, false, body["found"])
	assert.Equal(t, float64(5000), body["explored"])
}

func TestAPISearchEndsWithItsRequest(t *testing.T) {
	ts := newServer(t)
	s := explore.New[int](line{}, explore.Config{Model: "line"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+"/.search/"+s.Initial()[0].FP+"?model=line&property=never&limit="+fmt.Sprint(explore.MaxLimit), nil)
	require.NoError(t, err)
	start := time.Now()
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Skip("the search finished within the deadline on this machine")
	}
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestAPIRunsAWholeCheck(t *testing.T) {
	ts := newServer(t)
	code, body := call(t, "POST", ts.URL+"/.check", "")
	require.Equal(t, 200, code, body)
	id := body["id"].(string)
	deadline := time.Now().Add(20 * time.Second)
	for body["running"] == true && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		code, body = call(t, "GET", ts.URL+"/.check/"+id, "")
		require.Equal(t, 200, code, body)
	}
	assert.Equal(t, "violation", body["verdict"])
	assert.Equal(t, "small", body["property"])
	assert.Len(t, body["path"], 6, "the shortest counterexample: five actions to a+b=5")
	assert.Len(t, body["coverage"], 3)
}

func TestPageAndAssetsAreServed(t *testing.T) {
	ts := newServer(t)
	for _, route := range []string{"/", "/static/app.js", "/static/style.css"} {
		res, err := http.Get(ts.URL + route)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, 200, res.StatusCode, route)
	}
}

func TestLocalOnlyRefusesOtherHosts(t *testing.T) {
	h := explore.LocalOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	for host, want := range map[string]int{"127.0.0.1:8421": 204, "localhost:8421": 204, "[::1]:80": 204, "LOCALHOST": 204,
		"evil.example:8421": 403, "10.0.0.1": 403, "": 403} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/.model", nil)
		req.Host = host
		h.ServeHTTP(rec, req)
		assert.Equal(t, want, rec.Code, host)
	}
}

// FuzzAPI: whatever the request, the server answers it with a status
// below 500 and, on the JSON routes, a JSON body.
func FuzzAPI(f *testing.F) {
	init := "/" + fp(pairState{})
	for _, seed := range []struct{ method, target, body string }{
		{"GET", "/.states" + init, ""},
		{"GET", "/.search" + init + "?property=small&limit=10", ""},
		{"GET", "/.svg" + init + "/" + fp(pairState{1, 0}), ""},
		{"POST", "/.trace", "daggercheck-trace 1\nmodel pair\nstep init\nstate A=0 B=0\noutcome ok\n"},
		{"GET", "/.states/1/2?model=line", ""},
		{"DELETE", "/.check/1", ""},
	} {
		f.Add(seed.method, seed.target, seed.body)
	}
	open := func(cfg explore.Config) (*explore.Session, error) {
		if cfg.Model == "line" && len(cfg.Params) == 0 {
			return explore.New[int](line{}, explore.Config{Model: "line"}), nil
		}
		if cfg.Model != "pair" || len(cfg.Params) > 0 || cfg.Bug != "" {
			return nil, fmt.Errorf("no such configuration")
		}
		return newPair(), nil
	}
	srv := explore.NewServer(context.Background(), open, explore.Config{Model: "pair"}, nil)
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method == "POST" && strings.HasPrefix(target, "/.check") {
			return // starts a check that outlives the input
		}
		if method != "GET" && method != "POST" && method != "DELETE" {
			method = "GET"
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(u.Path, "/") {
			return
		}
		if strings.Contains(u.RawQuery, "limit") {
			return // a search bounded by its limit, which the input picks
		}
		req, err := http.NewRequest(method, "http://localhost"+u.RequestURI(), strings.NewReader(body))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
		}
		if strings.HasPrefix(u.Path, "/.") && !strings.HasPrefix(u.Path, "/.svg/") && !strings.HasPrefix(u.Path, "/.trace/") && rec.Code >= 300 && rec.Code < 400 {
			return // the mux's redirect of an unclean path
		}
		if strings.HasPrefix(u.Path, "/.") && rec.Code >= 400 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: %d, not JSON: %s", method, target, rec.Code, rec.Body)
		}
	})
}
