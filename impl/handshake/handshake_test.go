package handshake

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

var (
	srvAddr = netip.MustParseAddrPort("10.0.0.1:7000")
	cliAddr = netip.MustParseAddrPort("10.0.0.2:40000")
	other   = netip.MustParseAddrPort("10.0.0.3:40000")
)

func newServer(t *testing.T, f Faults, maxConns int) *Server {
	t.Helper()
	s, err := NewServer(ServerConfig{Inc: 100, MaxConns: maxConns, Flows: 2, MaxTries: 3, Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newClient(t *testing.T, inc uint64, f Faults) *Client {
	t.Helper()
	c, err := NewClient(ClientConfig{Server: srvAddr, Inc: inc, MaxTries: 3, Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sends returns the messages among effects, in order.
func sends(fx []Effect) []Msg {
	var out []Msg
	for _, e := range fx {
		if e.Kind == FxSend {
			out = append(out, e.Msg)
		}
	}
	return out
}

func kinds(fx []Effect) string {
	var s []string
	for _, e := range fx {
		if e.Kind == FxSend {
			s = append(s, "send "+e.Msg.Kind.String())
		} else {
			s = append(s, e.Kind.String())
		}
	}
	return strings.Join(s, ", ")
}

func recv(from netip.AddrPort, m Msg) Event { return Event{Kind: EvRecv, From: from, Msg: m} }

// open runs a handshake between c (at addr) and s with no loss and
// returns the connection both agree on.
func open(t *testing.T, c *Client, s *Server, addr netip.AddrPort) Conn {
	t.Helper()
	hello := sends(c.Step(Event{Kind: EvOpen}))
	if len(hello) != 1 || hello[0].Kind != KindHello {
		t.Fatalf("open sent %v", hello)
	}
	fx := s.Step(recv(addr, hello[0]))
	if got := kinds(fx); got != "opened, send WELCOME" {
		t.Fatalf("server on HELLO: %s", got)
	}
	cfx := c.Step(recv(srvAddr, sends(fx)[0]))
	if got := kinds(cfx); got != "opened" {
		t.Fatalf("client on WELCOME: %s", got)
	}
	if cfx[0].Conn.ID != fx[0].Conn.ID || cfx[0].Conn.ClientSeq != fx[0].Conn.ClientSeq || cfx[0].Conn.ServerSeq != fx[0].Conn.ServerSeq {
		t.Fatalf("client %s, server %s", cfx[0].Conn, fx[0].Conn)
	}
	return cfx[0].Conn
}

func TestOpenAndDuplicateHello(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	hello := sends(c.Step(Event{Kind: EvOpen}))[0]
	first := s.Step(recv(cliAddr, hello))
	welcome := sends(first)[0]
	// The HELLO retransmitted at a tick, and duplicated by the network.
	again := sends(c.Step(Event{Kind: EvTick}))
	if len(again) != 1 || again[0] != hello {
		t.Fatalf("tick resent %v, want %v", again, hello)
	}
	for range 2 {
		fx := s.Step(recv(cliAddr, hello))
		if got := kinds(fx); got != "send WELCOME" || sends(fx)[0] != welcome {
			t.Fatalf("duplicate HELLO: %s (%v), want the same WELCOME", got, fx)
		}
	}
	if got := s.Counters(); got.Opens != 1 || got.DupHellos != 2 {
		t.Fatalf("counters %s", got)
	}
	c.Step(recv(srvAddr, welcome))
	if fx := c.Step(recv(srvAddr, welcome)); len(fx) != 0 || c.Counters().DupWelcomes != 1 {
		t.Fatalf("duplicate WELCOME: %v", fx)
	}
	if c.State() != ClientOpen || c.Conn().ServerInc != 100 || c.Conn().ClientInc != 5 {
		t.Fatal(c)
	}
}

func TestDuplicateHelloOpensTwiceFault(t *testing.T) {
	s := newServer(t, Faults{DuplicateHelloOpensTwice: true}, 4)
	hello := Msg{Kind: KindHello, Seq: 9, Inc: 5}
	s.Step(recv(cliAddr, hello))
	if got := kinds(s.Step(recv(cliAddr, hello))); got != "opened, send WELCOME" {
		t.Fatalf("under the fault a duplicate HELLO gives %q, want a second open", got)
	}
}

func TestClientRestartReplacesConnection(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	old := open(t, c, s, cliAddr)
	// The client restarts (a new process on the same address).
	fx := c.Step(Event{Kind: EvRestart, Inc: 6})
	if got := kinds(fx); got != "closed, send HELLO" {
		t.Fatalf("restart: %s", got)
	}
	hello := sends(fx)[0]
	if hello.Seq == old.ClientSeq || hello.Seq == 0 {
		t.Fatalf("restarted client starts at seq %d (old %d)", hello.Seq, old.ClientSeq)
	}
	sfx := s.Step(recv(cliAddr, hello))
	if got := kinds(sfx); got != "closed, opened, send WELCOME" {
		t.Fatalf("server on the newer HELLO: %s", got)
	}
	if !sfx[1].Conn.Fresh || sfx[1].Conn.ClientInc != 6 {
		t.Fatal(sfx[1].Conn)
	}
	// A stale HELLO of the old incarnation is dropped.
	if fx := s.Step(recv(cliAddr, Msg{Kind: KindHello, Seq: old.ClientSeq, Inc: 5})); len(fx) != 0 || s.Counters().StaleHellos != 1 {
		t.Fatalf("stale HELLO: %v", fx)
	}
	// A stale data frame of the old incarnation on the reused c_id.
	id := sfx[1].Conn.ID
	if v := s.Admit(cliAddr, id, 5, 100); v.Deliver || !errors.Is(v.Err, ErrStale) {
		t.Fatalf("stale frame: %+v", v)
	}
	if v := s.Admit(cliAddr, id, 6, 100); !v.Deliver {
		t.Fatalf("frame of the new incarnation: %+v", v)
	}
	if v := s.Admit(other, id, 6, 100); v.Deliver || !errors.Is(v.Err, ErrForged) {
		t.Fatalf("forged frame: %+v", v)
	}
}

func TestIgnoreIncarnationFault(t *testing.T) {
	correct := newServer(t, Faults{}, 1)
	correct.Step(recv(cliAddr, Msg{Kind: KindHello, Seq: 1, Inc: 5}))
	correct.Step(recv(cliAddr, Msg{Kind: KindHello, Seq: 2, Inc: 6}))
	if v := correct.Admit(cliAddr, 0, 5, 100); v.Deliver || !errors.Is(v.Err, ErrStale) {
		t.Fatalf("correct server: stale frame on the reused c_id: %+v", v)
	}
	s := newServer(t, Faults{IgnoreIncarnation: true}, 1) // one c_id: the new connection reuses it
	s.Step(recv(cliAddr, Msg{Kind: KindHello, Seq: 1, Inc: 5}))
	s.Step(recv(cliAddr, Msg{Kind: KindHello, Seq: 2, Inc: 6}))
	if v := s.Admit(cliAddr, 0, 5, 100); !v.Deliver {
		t.Fatalf("under the fault a stale frame is delivered; got %+v", v)
	}
}

func TestSeqRestartFromZeroFault(t *testing.T) {
	f := Faults{SeqRestartFromZero: true}
	s, c := newServer(t, f, 4), newClient(t, 5, f)
	if conn := open(t, c, s, cliAddr); conn.ClientSeq != 0 {
		t.Fatalf("client seq %d under the fault, want 0", conn.ClientSeq)
	}
	hello := sends(c.Step(Event{Kind: EvRestart, Inc: 6}))[0]
	fx := s.Step(recv(cliAddr, hello))
	if got := kinds(fx); got != "opened, send WELCOME" || fx[0].Conn.Fresh || hello.Seq != 0 {
		t.Fatalf("under the fault: %s %v (seq %d), want a re-welcome keeping the state", got, fx, hello.Seq)
	}
}

func TestServerRestartResetsClient(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	conn := open(t, c, s, cliAddr)
	s.Step(Event{Kind: EvRestart, Inc: 200})
	v := s.Admit(cliAddr, conn.ID, 5, 100)
	if !v.Reset || v.Msg.Kind != KindReset || v.Msg.Inc != 200 || v.Msg.PeerInc != 5 {
		t.Fatalf("frame for the old server incarnation: %+v", v)
	}
	fx := c.Step(recv(srvAddr, v.Msg))
	if got := kinds(fx); got != "fail-calls, closed, send HELLO" {
		t.Fatalf("client on RESET: %s", got)
	}
	if !errors.Is(fx[0].Err, ErrPeerRestarted) {
		t.Fatalf("calls failed with %v", fx[0].Err)
	}
	if sends(fx)[0].Seq == conn.ClientSeq {
		t.Fatal("re-handshake reuses the starting sequence number")
	}
	// A RESET from an older server incarnation is stale.
	c2 := newClient(t, 7, Faults{})
	open(t, c2, s, other)
	if fx := c2.Step(recv(srvAddr, Msg{Kind: KindReset, Inc: 100, PeerInc: 7})); len(fx) != 0 {
		t.Fatalf("stale RESET acted on: %v", fx)
	}
	// Same incarnation: the server forgot the connection.
	if fx := c2.Step(recv(srvAddr, Msg{Kind: KindReset, Inc: 200, PeerInc: 7})); len(fx) == 0 || !errors.Is(fx[0].Err, ErrReset) {
		t.Fatalf("RESET from the same incarnation: %v", fx)
	}
}

func TestCloseFailsInflight(t *testing.T) {
	for _, drop := range []bool{false, true} {
		s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{CloseDropsInflight: drop})
		conn := open(t, c, s, cliAddr)
		fx := c.Step(Event{Kind: EvClose, InFlight: 3})
		want := "fail-calls, send CLOSE"
		if drop {
			want = "discard-calls, send CLOSE"
		}
		if got := kinds(fx); got != want || fx[0].N != 3 {
			t.Fatalf("close (fault %t): %s n=%d", drop, got, fx[0].N)
		}
		if !drop && !errors.Is(fx[0].Err, ErrClosed) {
			t.Fatal(fx[0].Err)
		}
		cl := sends(fx)[0]
		sfx := s.Step(recv(cliAddr, cl))
		if got := kinds(sfx); got != "closed, send CLOSED" {
			t.Fatalf("server on CLOSE: %s", got)
		}
		// The CLOSE retransmitted: answered again, nothing reopened.
		if got := kinds(s.Step(recv(cliAddr, cl))); got != "send CLOSED" {
			t.Fatalf("server on a second CLOSE: %s", got)
		}
		if got := kinds(c.Step(recv(srvAddr, sends(sfx)[0]))); got != "closed" || c.State() != ClientClosed {
			t.Fatalf("client on CLOSED: %s", got)
		}
		if v := s.Admit(cliAddr, conn.ID, 5, 100); !v.Reset {
			t.Fatalf("frame after close: %+v", v)
		}
	}
}

func TestRefusedAndTimeouts(t *testing.T) {
	s := newServer(t, Faults{}, 1)
	open(t, newClient(t, 5, Faults{}), s, cliAddr)
	c := newClient(t, 6, Faults{})
	fx := s.Step(recv(other, sends(c.Step(Event{Kind: EvOpen}))[0]))
	if got := kinds(fx); got != "send REFUSED" {
		t.Fatalf("full table: %s", got)
	}
	if fx := c.Step(recv(srvAddr, sends(fx)[0])); len(fx) != 1 || !errors.Is(fx[0].Err, ErrRefused) {
		t.Fatalf("client on REFUSED: %v", fx)
	}
	lost := newClient(t, 7, Faults{})
	lost.Step(Event{Kind: EvOpen})
	var got []Effect
	for range 3 {
		got = lost.Step(Event{Kind: EvTick})
	}
	if len(got) != 1 || !errors.Is(got[0].Err, ErrTimeout) || lost.State() != ClientFailed {
		t.Fatalf("after MaxTries ticks: %v", got)
	}
}

func TestShutdown(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	open(t, c, s, cliAddr)
	fx := s.Step(Event{Kind: EvShutdown})
	if got := kinds(fx); got != "send CLOSE" {
		t.Fatalf("shutdown: %s", got)
	}
	cfx := c.Step(recv(srvAddr, sends(fx)[0]))
	if got := kinds(cfx); got != "send CLOSED, fail-calls, closed" || !errors.Is(cfx[1].Err, ErrPeerClosed) {
		t.Fatalf("client on the server's CLOSE: %s", got)
	}
	if got := kinds(s.Step(recv(cliAddr, sends(cfx)[0]))); got != "closed" {
		t.Fatalf("server on CLOSED: %s", got)
	}
	if got := kinds(s.Step(recv(other, Msg{Kind: KindHello, Seq: 1, Inc: 9}))); got != "send REFUSED" {
		t.Fatalf("HELLO while shut down: %s", got)
	}
}

func TestForeignAndStaleControl(t *testing.T) {
	c := newClient(t, 5, Faults{})
	c.Step(Event{Kind: EvOpen})
	if fx := c.Step(recv(other, Msg{Kind: KindWelcome, Inc: 1, PeerInc: 5})); len(fx) != 0 || c.Counters().Foreign != 1 {
		t.Fatal("WELCOME from another address taken")
	}
	if fx := c.Step(recv(srvAddr, Msg{Kind: KindWelcome, Inc: 1, PeerInc: 4})); len(fx) != 0 || c.Counters().Stale != 1 {
		t.Fatal("WELCOME for another incarnation taken")
	}
}

func TestMsgRoundTrip(t *testing.T) {
	for _, m := range []Msg{
		{Kind: KindHello, Seq: 12345, Inc: 7},
		{Kind: KindWelcome, Conn: 3, Flow: 2, Seq: 99, Echo: 12345, Inc: 8, PeerInc: 7},
		{Kind: KindRefused, Reason: ReasonFull, Inc: 8, PeerInc: 7},
		{Kind: KindReset, Conn: 255, Inc: 8, PeerInc: 7},
		{Kind: KindClose, Conn: 1, Inc: 7, PeerInc: 8},
		{Kind: KindClosed, Conn: 1, Inc: 8, PeerInc: 7},
	} {
		b, err := AppendMsg(nil, &m)
		if err != nil || len(b) != Size || !IsControl(b) {
			t.Fatalf("%s: %v (%d bytes)", m, err, len(b))
		}
		got, err := DecodeMsg(b)
		if err != nil || got != m {
			t.Fatalf("%s: decoded %s, %v", m, got, err)
		}
	}
	for _, bad := range []Msg{{Kind: 3, Inc: 1}, {Kind: KindHello}, {Kind: KindHello, Inc: 1, PeerInc: 2}, {Kind: KindClose, Inc: 1}, {Kind: KindReset, Inc: 1, PeerInc: 1, Seq: 4}} {
		if _, err := AppendMsg(nil, &bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s encoded: %v", bad, err)
		}
	}
}

func FuzzDecodeMsg(f *testing.F) {
	m := Msg{Kind: KindWelcome, Conn: 3, Flow: 2, Seq: 99, Inc: 8, PeerInc: 7}
	b, _ := AppendMsg(nil, &m)
	f.Add(b)
	f.Add(b[:20])
	f.Add([]byte{2, 16})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMsg(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		out, err := AppendMsg(nil, &m)
		if err != nil || string(out) != string(b) {
			t.Fatalf("%s does not re-encode to its bytes: %v", m, err)
		}
	})
}

// The lowest free c_id is allocated: a closed connection's c_id is the
// next one's.
func TestLowestFreeCID(t *testing.T) {
	s := newServer(t, Faults{}, 3)
	var ids []uint16
	for i := range 5 {
		from := netip.AddrPortFrom(cliAddr.Addr(), uint16(5000+i))
		fx := s.Step(recv(from, Msg{Kind: KindHello, Seq: 1, Inc: 5}))
		ids = append(ids, fx[0].Conn.ID)
		s.Step(recv(from, Msg{Kind: KindClose, Conn: fx[0].Conn.ID, Inc: 5, PeerInc: 100}))
	}
	if got := fmt.Sprint(ids); got != "[0 0 0 0 0]" {
		t.Fatalf("c_ids %s", got)
	}
}

func TestBugFaults(t *testing.T) {
	for _, name := range Bugs {
		f, err := BugFaults(name)
		if err != nil || f.String() != name {
			t.Errorf("%s: %s, %v", name, f, err)
		}
	}
	if _, err := BugFaults("nope"); !errors.Is(err, ErrConfig) {
		t.Error(err)
	}
	if a, b := NewIncarnation(), NewIncarnation(); b <= a || a == 0 {
		t.Errorf("incarnations %d then %d", a, b)
	}
	if SeqStart(5, 0) >= SeqStart(5, 1) || SeqStart(5, 0) == SeqStart(6, 0) || SeqStart(5, 1<<21-1) >= 1<<62 || SeqStart(5, 0) == 0 {
		t.Error("SeqStart collides or is too large")
	}
}

// TestLateWelcomeOfARestartedServer is model/handshake's hello=incarnation
// trace, the rule this core followed before: a duplicated HELLO reaches
// the server after it restarted and opens a connection there; the
// client, RESET by that server, handshakes again, and the restarted
// server's late WELCOME to the first HELLO must not open the client's
// connection (the server keeps it at the first HELLO's start, and every
// call would stall), while the second HELLO replaces the server's entry.
func TestLateWelcomeOfARestartedServer(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	h0 := sends(c.Step(Event{Kind: EvOpen}))[0]
	w1 := sends(s.Step(recv(cliAddr, h0)))[0]
	s.Step(Event{Kind: EvRestart, Inc: 200})
	w2 := sends(s.Step(recv(cliAddr, h0)))[0] // the duplicate, at the new server
	if got := kinds(c.Step(recv(srvAddr, w1))); got != "opened" {
		t.Fatalf("client on the first WELCOME: %s", got)
	}
	v := s.Admit(cliAddr, c.Conn().ID, 5, 100) // the first call, at the new server
	if !v.Reset {
		t.Fatalf("call for the old server incarnation: %+v", v)
	}
	fx := c.Step(recv(srvAddr, v.Msg))
	if got := kinds(fx); got != "fail-calls, closed, send HELLO" {
		t.Fatalf("client on RESET: %s", got)
	}
	h1 := sends(fx)[0]
	if h1.Seq <= h0.Seq {
		t.Fatalf("second handshake's start %d not above the first's %d", h1.Seq, h0.Seq)
	}
	// h1 is lost; the late WELCOME w2 answers h0, not h1.
	if fx := c.Step(recv(srvAddr, w2)); len(fx) != 0 || c.State() != ClientHello {
		t.Fatalf("late WELCOME (echo %d, current start %d) taken: %v", w2.Echo, h1.Seq, fx)
	}
	resent := sends(c.Step(Event{Kind: EvTick}))[0]
	sfx := s.Step(recv(cliAddr, resent))
	if got := kinds(sfx); got != "closed, opened, send WELCOME" {
		t.Fatalf("server on the later handshake's HELLO: %s", got)
	}
	cfx := c.Step(recv(srvAddr, sends(sfx)[0]))
	if got := kinds(cfx); got != "opened" || cfx[0].Conn.ClientSeq != sfx[1].Conn.ClientSeq || cfx[0].Conn.ServerInc != 200 {
		t.Fatalf("client on the right WELCOME: %s %v", got, cfx)
	}
	// The first HELLO, late again, is stale now.
	if fx := s.Step(recv(cliAddr, h0)); len(fx) != 0 || s.Counters().StaleHellos != 1 {
		t.Fatalf("late first HELLO: %v", fx)
	}
}

// EvExpire closes a silent client's connection without a word and
// remembers it closed: the client's next frame earns a RESET, after which
// it handshakes again with a larger start, which opens a new connection;
// a late duplicate of the expired connection's HELLO is stale.
func TestExpireResetsTheClient(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	conn := open(t, c, s, cliAddr)
	hello := Msg{Kind: KindHello, Seq: conn.ClientSeq, Inc: 5}
	fx := s.Step(Event{Kind: EvExpire, Conn: conn.ID})
	if got := kinds(fx); got != "closed" || fx[0].Conn.ID != conn.ID {
		t.Fatalf("expire: %s (%v), want the connection closed and nothing sent", got, fx)
	}
	if got := s.Counters(); got.Expired != 1 || got.Closes != 0 || len(s.Conns()) != 0 {
		t.Fatalf("after expire: %s, %d connections", got, len(s.Conns()))
	}
	// The client's next data frame: RESET, from the same incarnation.
	v := s.Admit(cliAddr, conn.ID, 5, 100)
	if !v.Reset || v.Msg.Kind != KindReset || v.Msg.Inc != 100 || v.Msg.PeerInc != 5 || v.Msg.Conn != conn.ID {
		t.Fatalf("frame on the expired connection: %+v", v)
	}
	cfx := c.Step(recv(srvAddr, v.Msg))
	if got := kinds(cfx); got != "fail-calls, closed, send HELLO" || !errors.Is(cfx[0].Err, ErrReset) {
		t.Fatalf("client on RESET: %s (%v)", got, cfx)
	}
	again := sends(cfx)[0]
	if again.Inc != 5 || again.Seq <= conn.ClientSeq {
		t.Fatalf("re-handshake HELLO %v: want incarnation 5 and a start above %d", again, conn.ClientSeq)
	}
	// A late duplicate of the expired connection's HELLO: its old
	// WELCOME again, nothing reopened; the client, at its new start,
	// drops it.
	fx = s.Step(recv(cliAddr, hello))
	if got := kinds(fx); got != "send WELCOME" || s.Counters().ExpiredHellos != 1 || len(s.Conns()) != 0 {
		t.Fatalf("duplicate HELLO of the expired connection: %s, %s", got, s.Counters())
	}
	if w := sends(fx)[0]; w.Conn != conn.ID || w.Echo != conn.ClientSeq || w.Seq != conn.ServerSeq || w.Inc != 100 || w.PeerInc != 5 {
		t.Fatalf("the expired connection's WELCOME again: %v, want that of %s", w, conn)
	}
	if fx := c.Step(recv(srvAddr, sends(fx)[0])); len(fx) != 0 || c.State() != ClientHello || c.Counters().DupWelcomes != 1 {
		t.Fatalf("client at its new start on the old WELCOME: %s", kinds(fx))
	}
	// The larger start opens a new connection.
	fx = s.Step(recv(cliAddr, again))
	if got := kinds(fx); got != "opened, send WELCOME" || fx[0].Conn.ClientSeq != again.Seq {
		t.Fatalf("server on the new HELLO: %s", got)
	}
	if got := kinds(c.Step(recv(srvAddr, sends(fx)[0]))); got != "opened" || c.State() != ClientOpen {
		t.Fatalf("client on the new WELCOME: %s", got)
	}
	if got := s.Counters(); got.Opens != 2 || got.Unexpected != 0 {
		t.Fatalf("counters %s", got)
	}
	// Expiring a c_id with no connection is unexpected, and changes nothing.
	if fx := s.Step(Event{Kind: EvExpire, Conn: 3}); len(fx) != 0 || s.Counters().Unexpected != 1 || s.Counters().Expired != 1 {
		t.Fatalf("expire of an unknown c_id: %s, %s", kinds(fx), s.Counters())
	}
	if len(s.Conns()) != 1 {
		t.Fatalf("%d connections, want the new one", len(s.Conns()))
	}
}

// An expiry before the client has its WELCOME, and the WELCOME lost: the
// client's resent HELLO, a duplicate of the expired connection's, gets
// that connection's WELCOME again, and nothing opens on the server. The
// client opens, its first frame earns a RESET, and it handshakes again
// with a larger start, which opens. A duplicate HELLO of a connection its
// client closed stays unanswered.
func TestExpiryBeforeTheWelcome(t *testing.T) {
	s, c := newServer(t, Faults{}, 4), newClient(t, 5, Faults{})
	hello := sends(c.Step(Event{Kind: EvOpen}))[0]
	fx := s.Step(recv(cliAddr, hello))
	if got := kinds(fx); got != "opened, send WELCOME" {
		t.Fatalf("server on HELLO: %s", got)
	}
	lost, first := sends(fx)[0], fx[0].Conn
	if fx := s.Step(Event{Kind: EvExpire, Conn: first.ID}); kinds(fx) != "closed" {
		t.Fatalf("expire: %s", kinds(fx))
	}
	resent := sends(c.Step(Event{Kind: EvTick}))[0]
	if resent != hello {
		t.Fatalf("resent HELLO %v, want %v", resent, hello)
	}
	fx = s.Step(recv(cliAddr, resent))
	if got := kinds(fx); got != "send WELCOME" || sends(fx)[0] != lost || fx[0].To != cliAddr {
		t.Fatalf("server on the resent HELLO: %s %v, want the lost WELCOME %v again", got, fx, lost)
	}
	if got := s.Counters(); got.ExpiredHellos != 1 || got.StaleHellos != 0 || got.Opens != 1 || len(s.Conns()) != 0 {
		t.Fatalf("after the resent HELLO: %s, %d connections", got, len(s.Conns()))
	}
	cfx := c.Step(recv(srvAddr, sends(fx)[0]))
	if got := kinds(cfx); got != "opened" || c.State() != ClientOpen {
		t.Fatalf("client on the old WELCOME: %s", got)
	}
	conn := c.Conn()
	// The client's first frame: RESET; its calls fail, it handshakes again.
	fx = s.Step(Event{Kind: EvData, From: cliAddr, Conn: conn.ID, Inc: conn.ClientInc, PeerInc: conn.ServerInc})
	if got := kinds(fx); got != "send RESET, drop" || !errors.Is(fx[1].Err, ErrUnknownConn) {
		t.Fatalf("server on the first frame: %s", got)
	}
	cfx = c.Step(recv(srvAddr, sends(fx)[0]))
	if got := kinds(cfx); got != "fail-calls, closed, send HELLO" || !errors.Is(cfx[0].Err, ErrReset) {
		t.Fatalf("client on RESET: %s (%v)", got, cfx)
	}
	again := sends(cfx)[0]
	if again.Seq <= hello.Seq {
		t.Fatalf("re-handshake start %d not above %d", again.Seq, hello.Seq)
	}
	fx = s.Step(recv(cliAddr, again))
	if got := kinds(fx); got != "opened, send WELCOME" {
		t.Fatalf("server on the new HELLO: %s", got)
	}
	if got := kinds(c.Step(recv(srvAddr, sends(fx)[0]))); got != "opened" || c.State() != ClientOpen {
		t.Fatalf("client on the new WELCOME: %s", got)
	}
	// The expired connection's HELLO, late once the new one opened: stale.
	if fx := s.Step(recv(cliAddr, hello)); len(fx) != 0 || s.Counters().StaleHellos != 1 {
		t.Fatalf("late HELLO after the new connection: %s", kinds(fx))
	}

	// A connection its client closed: a late duplicate of its HELLO gets
	// no answer.
	c2 := newClient(t, 7, Faults{})
	conn2 := open(t, c2, s, other)
	hello2 := Msg{Kind: KindHello, Seq: conn2.ClientSeq, Inc: 7}
	closing := sends(c2.Step(Event{Kind: EvClose}))[0]
	if got := kinds(s.Step(recv(other, closing))); got != "closed, send CLOSED" {
		t.Fatalf("server on CLOSE: %s", got)
	}
	if fx := s.Step(recv(other, hello2)); len(fx) != 0 || s.Counters().StaleHellos != 2 || s.Counters().ExpiredHellos != 1 {
		t.Fatalf("late HELLO of a closed connection: %s, %s", kinds(fx), s.Counters())
	}
}

// A c_id expired from one address and taken by another: a frame of the
// first address on it is forged, never delivered and counted, and earns
// a RESET to its sender, naming the frame's c_id and the sender's
// incarnation; the first address's client fails its calls with ErrReset
// and handshakes again, onto a new c_id. The second address's connection
// is untouched.
func TestForgedFrameEarnsAReset(t *testing.T) {
	s := newServer(t, Faults{}, 4)
	a, b := newClient(t, 5, Faults{}), newClient(t, 7, Faults{})
	ca := open(t, a, s, cliAddr)
	if fx := s.Step(Event{Kind: EvExpire, Conn: ca.ID}); kinds(fx) != "closed" {
		t.Fatalf("expire: %s", kinds(fx))
	}
	cb := open(t, b, s, other)
	if cb.ID != ca.ID {
		t.Fatalf("b's c_id %d, want the expired %d", cb.ID, ca.ID)
	}
	fx := s.Step(Event{Kind: EvData, From: cliAddr, Conn: ca.ID, Inc: 5, PeerInc: 100})
	if got := kinds(fx); got != "send RESET, drop" || !errors.Is(fx[1].Err, ErrForged) {
		t.Fatalf("server on a's frame: %s (%v)", got, fx)
	}
	r := sends(fx)[0]
	if fx[0].To != cliAddr || r.Conn != ca.ID || r.Inc != 100 || r.PeerInc != 5 {
		t.Fatalf("RESET to %s: %v, want to %s naming c_id %d and incarnation 5", fx[0].To, r, cliAddr, ca.ID)
	}
	if got := s.Counters(); got.ForgedFrames != 1 || got.Delivered != 0 || got.Resets != 1 {
		t.Fatalf("counters %s", got)
	}
	afx := a.Step(recv(srvAddr, r))
	if got := kinds(afx); got != "fail-calls, closed, send HELLO" || !errors.Is(afx[0].Err, ErrReset) {
		t.Fatalf("a on RESET: %s (%v)", got, afx)
	}
	again := sends(afx)[0]
	if again.Inc != 5 || again.Seq <= ca.ClientSeq {
		t.Fatalf("a's HELLO again: %v", again)
	}
	fx = s.Step(recv(cliAddr, again))
	if got := kinds(fx); got != "opened, send WELCOME" || fx[0].Conn.ID == cb.ID {
		t.Fatalf("server on a's new HELLO: %s (%v)", got, fx)
	}
	if got := kinds(a.Step(recv(srvAddr, sends(fx)[0]))); got != "opened" || a.Conn().ID == cb.ID {
		t.Fatalf("a on its new WELCOME: %s, c_id %d", got, a.Conn().ID)
	}
	// b's connection is as it was: its frames are delivered.
	if c, ok := s.Lookup(cb.ID); !ok || c.Peer != other || c.ClientInc != 7 {
		t.Fatalf("b's connection: %v %t", c, ok)
	}
	if got := kinds(s.Step(Event{Kind: EvData, From: other, Conn: cb.ID, Inc: 7, PeerInc: 100})); got != "deliver" {
		t.Fatalf("b's frame: %s", got)
	}
}
