package explore

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/checker"
)

// CheckTimeout bounds a check the page starts.
const CheckTimeout = 10 * time.Minute

// CheckLimit is the memory, in bytes, a check the page starts may take
// before it stops incomplete.
const CheckLimit = 2 << 30

// Report is a whole check's progress and, once it is done, its verdict.
type Report struct {
	ID       string   `json:"id"`
	Config   Config   `json:"config"`
	Running  bool     `json:"running"`
	Phase    string   `json:"phase"`
	Depth    int      `json:"depth"`
	Distinct uint64   `json:"distinct"`
	Seconds  float64  `json:"seconds"`
	Verdict  string   `json:"verdict,omitempty"`
	Property string   `json:"property,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Error    string   `json:"error,omitempty"`
	Path     []string `json:"path,omitempty"` // the counterexample
	// Coverage counts how often each kind of action fired; Statuses what
	// the run found about each property.
	Coverage []Coverage        `json:"coverage,omitempty"`
	Statuses []PropertyVerdict `json:"statuses,omitempty"`
}

// Coverage is how often one kind of action fired in a check.
type Coverage struct {
	Action string `json:"action"`
	Count  uint64 `json:"count"`
}

// PropertyVerdict is what a check found about one property.
type PropertyVerdict struct {
	Property string `json:"property"`
	Status   string `json:"status"`
}

// checks holds the server's checks: at most one runs; starting one
// stops the one before.
type checks struct {
	mu     sync.Mutex
	next   int
	byID   map[string]*Report
	cancel context.CancelFunc
}

func newChecks() *checks { return &checks{byID: map[string]*Report{}} }

// Check runs a whole breadth-first check of the session's configuration,
// with every property, calling progress as it goes.
func (s *Session) Check(ctx context.Context, progress func(checker.Progress)) (*checker.Result, error) {
	return s.sp.run(ctx, checker.Options{Progress: progress, ProgressEvery: 200 * time.Millisecond, MemLimit: CheckLimit})
}

func (s *Server) startCheck(r *http.Request) (any, error) {
	sess, err := s.session(r)
	if err != nil {
		return nil, err
	}
	rep := s.launch(sess)
	return s.report(rep.ID)
}

// launch starts a check of sess's configuration, stopping the one
// running, if any.
func (s *Server) launch(sess *Session) *Report {
	c := s.checks
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		c.cancel()
	}
	c.next++
	rep := &Report{ID: strconv.Itoa(c.next), Config: sess.Config, Running: true, Phase: checker.PhaseSafety.String()}
	if len(c.byID) > 64 {
		clear(c.byID)
	}
	c.byID[rep.ID] = rep
	ctx, cancel := context.WithTimeout(s.baseCtx, CheckTimeout)
	c.cancel = cancel
	go func() {
		defer cancel()
		res, err := sess.Check(ctx, func(p checker.Progress) {
			c.mu.Lock()
			rep.Phase, rep.Depth, rep.Distinct, rep.Seconds = p.Phase.String(), p.Depth, p.Distinct, p.Elapsed.Seconds()
			c.mu.Unlock()
		})
		var path []string
		if err == nil && res.Trace != nil {
			if fps, ferr := sess.FollowTrace(res.Trace); ferr == nil {
				for _, fp := range fps {
					path = append(path, formatFP(fp))
				}
			}
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		rep.Running = false
		if err != nil {
			rep.Error = err.Error()
			return
		}
		rep.Verdict, rep.Property, rep.Reason, rep.Path = res.Verdict.String(), res.Property, res.Reason, path
		rep.Phase, rep.Depth, rep.Distinct, rep.Seconds = res.Phase.String(), res.Stats.Depth, res.Stats.Distinct, res.Stats.Duration.Seconds()
		for _, c := range res.Stats.Coverage {
			rep.Coverage = append(rep.Coverage, Coverage{Action: c.Action, Count: c.Count})
		}
		for _, st := range res.Statuses {
			rep.Statuses = append(rep.Statuses, PropertyVerdict{Property: st.Property, Status: st.Status.String()})
		}
	}()
	return rep
}

func (s *Server) report(id string) (*Report, error) {
	s.checks.mu.Lock()
	defer s.checks.mu.Unlock()
	rep, ok := s.checks.byID[id]
	if !ok {
		return nil, &apiError{http.StatusNotFound, fmt.Errorf("no check %q", id)}
	}
	out := *rep
	return &out, nil
}

func (s *Server) checkStatus(r *http.Request) (any, error) { return s.report(r.PathValue("id")) }

func (s *Server) stopCheck(r *http.Request) (any, error) {
	rep, err := s.report(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	s.checks.mu.Lock()
	if rep.Running && s.checks.cancel != nil && s.checks.next == atoi(rep.ID) {
		s.checks.cancel()
	}
	s.checks.mu.Unlock()
	return rep, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
