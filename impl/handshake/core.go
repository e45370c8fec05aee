package handshake

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/daggercheck/daggercheck/spec"
)

// Errors the cores hand to their drivers (in Effect.Err), for the calls
// and dials they fail. Callers test them with errors.Is.
var (
	// ErrTimeout: the peer did not answer MaxTries HELLOs (or CLOSEs).
	ErrTimeout = errors.New("handshake: no answer from the peer")
	// ErrRefused: the server refused the connection (its table is full,
	// or it is shutting down).
	ErrRefused = errors.New("handshake: connection refused by the server")
	// ErrPeerRestarted: the server restarted (a RESET from a larger
	// incarnation); the calls in flight were lost with it and failed.
	ErrPeerRestarted = errors.New("handshake: the server restarted; calls in flight failed")
	// ErrReset: the server no longer knows the connection (a RESET from
	// the same incarnation); the calls in flight failed.
	ErrReset = errors.New("handshake: the server reset the connection; calls in flight failed")
	// ErrClosed: the connection was closed locally with calls in flight.
	ErrClosed = errors.New("handshake: connection closed with calls in flight")
	// ErrPeerClosed: the server closed the connection (it shut down).
	ErrPeerClosed = errors.New("handshake: the server closed the connection")
	// ErrConfig: a configuration out of range.
	ErrConfig = errors.New("handshake: bad configuration")
)

// EventKind is what happened.
type EventKind uint8

// Events.
const (
	// EvOpen: the client starts its handshake (Client only).
	EvOpen EventKind = 1 + iota
	// EvRecv: a control packet Msg arrived from From.
	EvRecv
	// EvData: a data frame arrived from From, on c_id Conn, carrying the
	// incarnations Inc (its sender's) and PeerInc: admit it or not.
	EvData
	// EvTick: the driver's timer (one retransmission period).
	EvTick
	// EvClose: the client closes, with InFlight calls still outstanding
	// after its drain (Client only).
	EvClose
	// EvShutdown: the server closes every connection (Server only).
	EvShutdown
	// EvRestart: the endpoint restarts with incarnation Inc, forgetting
	// every connection.
	EvRestart
	// EvExpire: connection Conn's client has not been heard from for the
	// driver's idle timeout; the server closes it without a word (Server
	// only).
	EvExpire
)

var eventNames = [...]string{"open", "recv", "data", "tick", "close", "shutdown", "restart", "expire"}

func (k EventKind) String() string {
	if k >= EvOpen && k <= EvExpire {
		return eventNames[k-EvOpen]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is one input of a step.
type Event struct {
	Kind     EventKind
	From     netip.AddrPort // EvRecv, EvData
	Msg      Msg            // EvRecv
	Conn     uint16         // EvData, EvExpire
	Inc      uint64         // EvData: the frame's sender incarnation; EvRestart: the new incarnation
	PeerInc  uint64         // EvData: the frame's receiver incarnation
	InFlight int            // EvClose
}

// String is a stable one-line description.
func (e Event) String() string {
	switch e.Kind {
	case EvRecv:
		return fmt.Sprintf("recv from=%s %s", e.From, e.Msg)
	case EvData:
		return fmt.Sprintf("data from=%s conn=%d inc=%d peer-inc=%d", e.From, e.Conn, e.Inc, e.PeerInc)
	case EvClose:
		return fmt.Sprintf("close in-flight=%d", e.InFlight)
	case EvRestart:
		return fmt.Sprintf("restart inc=%d", e.Inc)
	case EvExpire:
		return fmt.Sprintf("expire conn=%d", e.Conn)
	}
	return e.Kind.String()
}

// EffectKind is what a step wants done.
type EffectKind uint8

// Effects.
const (
	// FxSend: send Msg to To.
	FxSend EffectKind = 1 + iota
	// FxOpened: connection Conn is open; build its transport state (a
	// fresh one at the starting sequence numbers, or with Fresh false
	// keep the one it has).
	FxOpened
	// FxClosed: connection Conn.ID is closed; drop its transport state.
	FxClosed
	// FxFailed: the dial failed with Err (the client is done).
	FxFailed
	// FxFailCalls: fail every call in flight on the connection with Err.
	FxFailCalls
	// FxDiscardCalls: forget the calls in flight without failing them
	// (only under the fault close-drops-inflight).
	FxDiscardCalls
	// FxDeliver: give the data frame to the connection's transport.
	FxDeliver
	// FxDrop: drop the data frame (counted; Err says why).
	FxDrop
)

var effectNames = [...]string{"send", "opened", "closed", "failed", "fail-calls", "discard-calls", "deliver", "drop"}

func (k EffectKind) String() string {
	if k >= FxSend && k <= FxDrop {
		return effectNames[k-FxSend]
	}
	return fmt.Sprintf("effect(%d)", uint8(k))
}

// Conn is one open connection as both ends agree on it.
type Conn struct {
	ID        uint16
	Flow      uint8
	Peer      netip.AddrPort // the other end's address
	ClientInc uint64
	ServerInc uint64
	// ClientSeq and ServerSeq are the starting sequence numbers of the
	// client's and the server's direction.
	ClientSeq, ServerSeq uint64
	// Fresh: the transport state starts afresh at the starting sequence
	// numbers (false only under seq-restart-from-zero's re-welcome).
	Fresh bool
}

// String is a stable one-line description.
func (c Conn) String() string {
	return fmt.Sprintf("conn=%d flow=%d peer=%s client-inc=%d server-inc=%d client-seq=%d server-seq=%d fresh=%t",
		c.ID, c.Flow, c.Peer, c.ClientInc, c.ServerInc, c.ClientSeq, c.ServerSeq, c.Fresh)
}

// Effect is one output of a step.
type Effect struct {
	Kind EffectKind
	To   netip.AddrPort // FxSend
	Msg  Msg            // FxSend
	Conn Conn           // FxOpened, FxClosed, FxFailCalls, FxDiscardCalls
	Err  error          // FxFailed, FxFailCalls, FxDrop
	N    int            // FxFailCalls, FxDiscardCalls: the calls in flight (as the driver said at EvClose; -1: all of them)
}

// String is a stable one-line description.
func (e Effect) String() string {
	switch e.Kind {
	case FxSend:
		return fmt.Sprintf("send to=%s %s", e.To, e.Msg)
	case FxOpened, FxClosed:
		return fmt.Sprintf("%s %s", e.Kind, e.Conn)
	case FxFailed, FxDrop:
		return fmt.Sprintf("%s: %v", e.Kind, e.Err)
	case FxFailCalls:
		return fmt.Sprintf("fail-calls conn=%d n=%d: %v", e.Conn.ID, e.N, e.Err)
	case FxDiscardCalls:
		return fmt.Sprintf("discard-calls conn=%d n=%d", e.Conn.ID, e.N)
	}
	return e.Kind.String()
}

// Faults are the injectable mutations of the cores (see the package
// comment); the zero value is the correct protocol.
type Faults struct {
	DuplicateHelloOpensTwice bool
	IgnoreIncarnation        bool
	SeqRestartFromZero       bool
	CloseDropsInflight       bool
}

// Bugs lists the catalogue, in order.
// The names are spec's, which model/handshake's catalogue shares.
var Bugs = []string{spec.BugDuplicateHelloOpensTwice, spec.BugIgnoreIncarnation, spec.BugSeqRestartFromZero, spec.BugCloseDropsInflight}

// BugFaults maps a bug name to its fault; "" is none, another name
// ErrConfig.
func BugFaults(name string) (Faults, error) {
	var f Faults
	switch name {
	case "":
	case spec.BugDuplicateHelloOpensTwice:
		f.DuplicateHelloOpensTwice = true
	case spec.BugIgnoreIncarnation:
		f.IgnoreIncarnation = true
	case spec.BugSeqRestartFromZero:
		f.SeqRestartFromZero = true
	case spec.BugCloseDropsInflight:
		f.CloseDropsInflight = true
	default:
		return Faults{}, fmt.Errorf("%w: unknown handshake bug %q (the handshake's are %s)", ErrConfig, name, strings.Join(Bugs, ", "))
	}
	return f, nil
}

// String lists the faults set by bug name, comma-separated; "none".
func (f Faults) String() string {
	var on []string
	for i, set := range []bool{f.DuplicateHelloOpensTwice, f.IgnoreIncarnation, f.SeqRestartFromZero, f.CloseDropsInflight} {
		if set {
			on = append(on, Bugs[i])
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, ",")
}

// SeqStart is the starting sequence number of an endpoint of incarnation
// inc at its attempt'th handshake (0, 1, ... below 2^21): a hash of the
// incarnation below 2^40, plus attempt times 2^40. An incarnation's later
// handshakes have larger starts, 2^40 apart (more frames than a
// connection sends), and every start is below 2^62, so no sequence
// number of a connection's lifetime wraps.
func SeqStart(inc, attempt uint64) uint64 {
	x := inc * 0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	return (x>>24 | 1) + (attempt%(1<<21))<<40
}

var incMu sync.Mutex
var lastInc uint64

// NewIncarnation returns a fresh incarnation: the wall clock in
// nanoseconds, made strictly larger than any this process returned
// before, so that an endpoint that restarts — in this process or in a
// new one, later — has a larger incarnation than its last.
func NewIncarnation() uint64 {
	incMu.Lock()
	defer incMu.Unlock()
	now := uint64(time.Now().UnixNano())
	if now <= lastInc {
		now = lastInc + 1
	}
	lastInc = now
	return now
}
