package system

import "github.com/daggercheck/daggercheck/spec"

// Encode writes the state's bytes for the clients and calls in use.
func (m *Model) Encode(buf []byte, s State) []byte {
	for c := 0; c < m.Clients; c++ {
		cl, sv := &s.C[c], &s.S[c]
		buf = append(buf, cl.Issued, cl.TxRing, cl.RxRing, cl.RxRes, cl.Waiting, cl.Retries,
			cl.End.SendSeq, cl.End.Unacked, cl.End.Result, cl.End.RecvNext,
			sv.End.SendSeq, sv.End.Unacked, sv.End.Result, sv.End.RecvNext)
		for k := 0; k < m.Calls; k++ {
			buf = append(buf, cl.Status[k], cl.Got[k], sv.Exec[k])
		}
	}
	for f := 0; f < m.ServerFlows; f++ {
		fl := &s.F[f]
		buf = append(buf, fl.RxConn, fl.RxCall, fl.TxConn, fl.TxCall)
	}
	buf = append(buf, s.N)
	for _, p := range s.Net[:s.N] {
		buf = append(buf, p.Dir, p.Kind, p.Conn, p.Seq, p.Call, p.Result)
	}
	return append(buf, s.Losses, s.Dups, s.Reorders, s.RR, s.Bad)
}

// Canonical makes clients interchangeable: it renames them (and the
// connections, and the results that name them) by every permutation and
// keeps the state whose encoding is least. Renaming must map the system to
// itself: so the server's flows must all be one (shared by every
// connection) or one per connection (renamed with it), and the
// response-misrouted bug, which balances over clients in a fixed order,
// is explored without the reduction.
func (m *Model) Canonical(s State) State {
	if m.Bug == spec.BugResponseMisrouted || m.Clients == 1 || (m.ServerFlows != 1 && m.ServerFlows != m.Clients) {
		return s
	}
	best, bestEnc := s, m.Encode(nil, s)
	var buf []byte
	for _, perm := range perms[m.Clients] {
		t := rename(s, perm, m.Clients, m.ServerFlows > 1)
		buf = m.Encode(buf[:0], t)
		if string(buf) < string(bestEnc) {
			best, bestEnc = t, append(bestEnc[:0], buf...)
		}
	}
	return best
}

// perms[n] lists the permutations of 0..n-1 other than the identity.
var perms = [MaxClients + 1][][MaxClients]int{
	2: {{1, 0}},
	3: {{0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}},
}

// rename moves client c to perm[c]; with flows, server flow c too.
func rename(s State, perm [MaxClients]int, n int, flows bool) State {
	t := s
	res := func(r uint8) uint8 {
		if r == 0 {
			return 0
		}
		c, k := int(r-1)/MaxCalls, int(r-1)%MaxCalls
		return result(perm[c], k)
	}
	for c := 0; c < n; c++ {
		cl := s.C[c]
		cl.RxRes, cl.End.Result = res(cl.RxRes), res(cl.End.Result)
		for k := range cl.Got {
			cl.Got[k] = res(cl.Got[k])
		}
		sv := s.S[c]
		sv.End.Result = res(sv.End.Result)
		t.C[perm[c]], t.S[perm[c]] = cl, sv
	}
	conn := func(call, c uint8) uint8 {
		if call == 0 {
			return 0
		}
		return uint8(perm[c])
	}
	for f := 0; f < n; f++ {
		fl := s.F[f]
		fl.RxConn, fl.TxConn = conn(fl.RxCall, fl.RxConn), conn(fl.TxCall, fl.TxConn)
		if flows {
			t.F[perm[f]] = fl
		} else {
			t.F[f] = fl
		}
	}
	for i := 0; i < int(t.N); i++ {
		t.Net[i].Conn = uint8(perm[t.Net[i].Conn])
		t.Net[i].Result = res(t.Net[i].Result)
	}
	t.normalise()
	return t
}
