package coherence

import (
	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// cacheSteps emits what cache c may do on line l by itself: load or store
// on a hit, issue a miss, evict. A cache has at most one request per line
// outstanding, so in a transient state it only loads (SM_A keeps its
// shared copy) or waits.
func (m *Model) cacheSteps(s State, c, l int, emit func(checker.Action, State)) {
	cl := s.Cache[c][l]
	if cl.St.readable() {
		t := s
		read(&t, c, l, cl.Val)
		emit(checker.Act(actLoad, c, l), t)
	}
	if (cl.St == E || cl.St == M) && s.Writes[c] > 0 {
		// E becomes M silently: the home already counts E as owned.
		for v := 1; v <= m.Values; v++ {
			t := s
			t.Writes[c]--
			write(&t, c, l, uint8(v))
			emit(checker.Act(actStore, c, l, v), t)
		}
	}
	req := func(st LineState, typ MsgType, val uint8) State {
		t := s
		t.Cache[c][l] = CacheLine{St: st}
		if st.hasData() {
			t.Cache[c][l].Val = cl.Val
		}
		m.send(&t, Msg{From: uint8(c), To: Home, Type: typ, Line: uint8(l), Val: val})
		return t
	}
	switch cl.St {
	case I:
		emit(checker.Act(actLoadMiss, c, l), req(ISd, GetS, 0))
		if s.Writes[c] > 0 {
			t := req(IMd, GetM, 0)
			t.Writes[c]--
			emit(checker.Act(actStoreMiss, c, l), t)
		}
	case S:
		if s.Writes[c] > 0 {
			t := req(SMa, Upg, 0)
			t.Writes[c]--
			emit(checker.Act(actStoreMiss, c, l), t)
		}
		emit(checker.Act(actEvict, c, l), req(SIa, PutS, 0))
	case E:
		emit(checker.Act(actEvict, c, l), req(EIa, PutE, 0))
	case M:
		emit(checker.Act(actEvict, c, l), req(MIa, PutM, cl.Val))
	}
}

// cacheRecv emits the receipt of message i by its cache, unless the cache
// leaves it waiting. A message that arrives early — an Inv or snoop that
// overtook the grant it follows, which only an unordered network allows —
// waits until the grant has arrived. A message no entry covers is taken
// and marks the state (no-unexpected-message).
func (m *Model) cacheRecv(s State, i int, emit func(checker.Action, State)) {
	x := s.Net[i]
	c, l := int(x.To), int(x.Line)
	cl := s.Cache[c][l]
	t := s
	remove(&t, i)
	act := func(arg int) checker.Action { return checker.Act(actCacheRecv, c, int(x.Type), l, arg) }
	unexpected := func() {
		t.Bad |= badUnexpected
		emit(act(int(x.Val)), t)
	}
	reply := func(typ MsgType, val uint8) {
		m.send(&t, Msg{From: uint8(c), To: Home, Type: typ, Line: uint8(l), Val: val})
	}
	switch x.Type {
	case DataS, DataE:
		if cl.St != ISd {
			unexpected()
			return
		}
		st := S
		if x.Type == DataE {
			st = E
		}
		t.Cache[c][l] = CacheLine{St: st, Val: x.Val}
		read(&t, c, l, x.Val) // the load that missed
		emit(act(int(x.Val)), t)
	case DataM, UpgAck:
		if x.Type == DataM && cl.St != IMd || x.Type == UpgAck && cl.St != SMa {
			unexpected()
			return
		}
		// The store that missed, with its (reserved) write.
		for v := 1; v <= m.Values; v++ {
			u := t
			write(&u, c, l, uint8(v))
			emit(act(v), u)
		}
	case Inv:
		var next LineState
		switch cl.St {
		case S:
			next = I
		case SMa: // our upgrade lost the race: the home will send data
			next = IMd
		case SIa:
			next = IIa
		case ISd: // overtook our data: wait for it
			return
		default:
			unexpected()
			return
		}
		t.Cache[c][l] = CacheLine{St: next}
		reply(InvAck, 0)
		emit(act(0), t)
	case FwdGetS, FwdGetM:
		keep := x.Type == FwdGetS // keep a shared copy, or drop the line
		var next LineState
		switch cl.St {
		case M, E:
			next = I
			if keep {
				next = S
			}
		case MIa, EIa: // our write-back is in flight; answer anyway
			next = IIa
			if keep {
				next = SIa
			}
		case ISd, IMd, SMa: // overtook our grant: wait for it
			return
		default:
			unexpected()
			return
		}
		if cl.St == MIa && m.Bug == spec.BugLostWriteback {
			reply(SnoopAck, 0)
		} else {
			reply(SnoopResp, cl.Val)
		}
		t.Cache[c][l] = CacheLine{St: next}
		if next.hasData() {
			t.Cache[c][l].Val = cl.Val
		}
		emit(act(0), t)
	case PutAck:
		switch cl.St {
		case MIa, EIa, SIa, IIa:
			t.Cache[c][l] = CacheLine{St: I}
			emit(act(0), t)
		default:
			unexpected()
		}
	default:
		unexpected()
	}
}
