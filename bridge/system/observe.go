package system

import (
	"fmt"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/history"
	modelsystem "github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/runlog"
)

// Validate explains a run log of the system model (SystemRunLog makes
// one from an RPC history) by a behaviour of the model; see
// bridge.Follow.
func Validate(l *runlog.RunLog, opts bridge.ValidateOptions) (*bridge.ValidateResult, error) {
	return bridge.Validate(l, opts, bridge.Model[*modelsystem.Model]{Params: modelsystem.Params, New: modelsystem.New}, observer)
}

// The system's run log is its RPC history, numbered as the model numbers
// things (SystemRunLog converts a history):
//
//	event call client=C id=K                 client C issues its call K
//	event exec conn=C id=K                   the server runs call K of connection C
//	event complete client=C id=K status=ok   client C takes call K's response
//	event complete client=C id=K status=timeout   (udp) client C gives up on call K
//
// Client C's connection is connection C, and its calls are numbered from
// 0. The rings, the NICs, the transport and the network are internal: the
// search supplies every loss, duplicate, reordering, acknowledgement and
// retransmission that could lie between the events.

// observer maps the system model's steps to those events.
func observer(m *modelsystem.Model) bridge.Observer[modelsystem.State] {
	kinds := m.Actions()
	name := func(a checker.Action) string { return kinds[a.Kind].Name }
	// logged is the event a step logs, if any.
	logged := func(a checker.Action, pre, post *modelsystem.State) (runlog.Observation, bool) {
		i := a.Args[0]
		num := func(n uint8) string { return fmt.Sprint(int(n) - 1) }
		switch name(a) {
		case "call":
			return runlog.Observe("call", "client", fmt.Sprint(i), "id", num(post.C[i].Issued)), true
		case "server-exec":
			f := &pre.F[i]
			return runlog.Observe("exec", "conn", fmt.Sprint(f.RxConn), "id", num(f.RxCall)), true
		case "complete":
			if c := &pre.C[i]; c.RxRing == c.Waiting { // else a stale response, dropped
				return runlog.Observe("complete", "client", fmt.Sprint(i), "id", num(c.RxRing), "status", "ok"), true
			}
		case "give-up":
			return runlog.Observe("complete", "client", fmt.Sprint(i), "id", num(pre.C[i].Waiting), "status", "timeout"), true
		}
		return runlog.Observation{}, false
	}
	return bridge.Observer[modelsystem.State]{
		Internal: func(a checker.Action, pre, post *modelsystem.State) bool {
			_, ok := logged(a, pre, post)
			return !ok
		},
		Explains: func(ev *runlog.Observation, a checker.Action, pre, post *modelsystem.State) (bool, error) {
			var keys []string
			switch ev.Name {
			case "call":
				keys = []string{"client", "id"}
			case "exec":
				keys = []string{"conn", "id"}
			case "complete":
				keys = []string{"client", "id", "status"}
			default:
				return false, fmt.Errorf("unknown system event %q (want call, exec or complete)", ev.Name)
			}
			for _, k := range keys {
				if _, ok := ev.Get(k); !ok {
					return false, fmt.Errorf("%s: no field %s", ev.Name, k)
				}
			}
			got, ok := logged(a, pre, post)
			if !ok || got.Name != ev.Name {
				return false, nil
			}
			for _, k := range keys {
				if v, _ := got.Get(k); v != mustGet(ev, k) {
					return false, nil
				}
			}
			return true, nil
		},
		Describe: func(a checker.Action, pre, post *modelsystem.State) string {
			o, _ := logged(a, pre, post)
			return o.String()
		},
	}
}

func mustGet(o *runlog.Observation, key string) string {
	v, _ := o.Get(key)
	return v
}

// SystemRunLog turns an RPC history into a run log of the system model
// with parameters params: each connection becomes the client with the next
// number in order of first appearance, and each connection's call ids
// become call numbers in the same way. Execs and completions must name
// calls the history called; timeouts and errors are both the model's
// give-up.
func SystemRunLog(params []string, h *history.History) (*runlog.RunLog, error) {
	l := &runlog.RunLog{Model: "system", Params: params}
	type callKey struct{ conn, id uint64 } // a history names a call by its connection and id
	clients := map[uint64]int{}
	calls := map[callKey]int{}
	perConn := map[uint64]int{}
	for _, e := range h.Events {
		if e.Kind == history.EventCall {
			if _, ok := clients[e.Conn]; !ok {
				clients[e.Conn] = len(clients)
			}
			k := callKey{e.Conn, e.ID}
			if _, ok := calls[k]; !ok {
				calls[k] = perConn[e.Conn]
				perConn[e.Conn]++
			}
		}
		c, ok := clients[e.Conn]
		k, okCall := calls[callKey{e.Conn, e.ID}]
		if !ok || !okCall {
			return nil, fmt.Errorf("history line %d: %s of a call the history never called", e.Line, e.Kind)
		}
		o := runlog.Observation{Line: e.Line}
		switch e.Kind {
		case history.EventCall:
			o = runlog.Observe("call", "client", fmt.Sprint(c), "id", fmt.Sprint(k))
		case history.EventExec:
			o = runlog.Observe("exec", "conn", fmt.Sprint(c), "id", fmt.Sprint(k))
		case history.EventComplete:
			st := "ok"
			if e.Status != history.StatusOK {
				st = "timeout"
			}
			o = runlog.Observe("complete", "client", fmt.Sprint(c), "id", fmt.Sprint(k), "status", st)
		}
		o.Line = e.Line
		l.Events = append(l.Events, o)
	}
	return l, nil
}
