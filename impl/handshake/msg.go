package handshake

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Kind is a control packet's kind, header byte 1. The transport's data
// kinds are below 16, so a driver tells the two apart by that byte
// (IsControl).
type Kind uint8

// Control packet kinds.
const (
	KindHello   Kind = 16
	KindWelcome Kind = 17
	KindRefused Kind = 18
	KindReset   Kind = 19
	KindClose   Kind = 20
	KindClosed  Kind = 21
)

var kindNames = [...]string{"HELLO", "WELCOME", "REFUSED", "RESET", "CLOSE", "CLOSED"}

// String is the kind's name in capitals, or "kind(N)".
func (k Kind) String() string {
	if k >= KindHello && k <= KindClosed {
		return kindNames[k-KindHello]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Sizes and versions of the wire form.
const (
	// Size is a control packet's length.
	Size = 40
	// Version is the header version of control packets (and of the
	// transport's frames that carry incarnations).
	Version = 2
)

// Reasons a server refuses a HELLO (Msg.Reason of REFUSED).
const (
	ReasonFull    = 1 // every connection id is in use
	ReasonClosing = 2 // the server is shutting down
)

// Errors of the codec; every one matches ErrMalformed.
var (
	ErrMalformed = errors.New("handshake: malformed control packet")
)

// Msg is one control packet, decoded.
type Msg struct {
	Kind Kind
	// Conn is the connection id (WELCOME, RESET, CLOSE, CLOSED).
	Conn uint16
	// Flow is the server flow of the connection (WELCOME).
	Flow uint8
	// Reason is why a HELLO was refused (REFUSED).
	Reason uint8
	// Seq is the sender's starting sequence number (HELLO, WELCOME).
	Seq uint64
	// Echo is, in a WELCOME, the starting sequence number of the HELLO it
	// answers: a client takes only the WELCOME of its current HELLO.
	Echo uint64
	// Inc is the sender's incarnation, never 0; PeerInc the incarnation
	// the sender believes the receiver has (0 in a HELLO).
	Inc, PeerInc uint64
}

// String is a stable one-line description:
//
//	WELCOME conn=3 flow=1 seq=77 inc=9 peer-inc=5
func (m Msg) String() string {
	s := fmt.Sprintf("%s conn=%d", m.Kind, m.Conn)
	switch m.Kind {
	case KindWelcome:
		s += fmt.Sprintf(" flow=%d", m.Flow)
	case KindRefused:
		s += fmt.Sprintf(" reason=%d", m.Reason)
	}
	if m.Kind == KindHello || m.Kind == KindWelcome {
		s += fmt.Sprintf(" seq=%d", m.Seq)
	}
	if m.Kind == KindWelcome {
		s += fmt.Sprintf(" echo=%d", m.Echo)
	}
	return s + fmt.Sprintf(" inc=%d peer-inc=%d", m.Inc, m.PeerInc)
}

// IsControl reports whether a datagram's bytes claim to be a control
// packet (version 2 and a control kind), so that a driver hands it to
// DecodeMsg rather than to the transport's frame decoder.
func IsControl(b []byte) bool {
	return len(b) >= 2 && b[0] == Version && b[1] >= byte(KindHello) && b[1] <= 0x1f
}

// AppendMsg appends m's 40 bytes to dst. A message DecodeMsg would
// refuse is an error matching ErrMalformed, and dst is returned
// unchanged.
func AppendMsg(dst []byte, m *Msg) ([]byte, error) {
	if err := m.check(); err != nil {
		return dst, err
	}
	var b [Size]byte
	b[0] = Version
	b[1] = byte(m.Kind)
	binary.LittleEndian.PutUint16(b[2:4], m.Conn)
	switch m.Kind {
	case KindWelcome:
		b[4] = m.Flow
	case KindRefused:
		b[4] = m.Reason
	}
	binary.LittleEndian.PutUint64(b[8:16], m.Seq)
	binary.LittleEndian.PutUint64(b[16:24], m.Echo)
	binary.LittleEndian.PutUint64(b[24:32], m.Inc)
	binary.LittleEndian.PutUint64(b[32:40], m.PeerInc)
	return append(dst, b[:]...), nil
}

// DecodeMsg parses one control packet. It never panics; anything but a
// well-formed packet of a known kind is an error matching ErrMalformed
// that says what is wrong.
func DecodeMsg(b []byte) (Msg, error) {
	if len(b) != Size {
		return Msg{}, fmt.Errorf("%w: %d bytes, want %d", ErrMalformed, len(b), Size)
	}
	if b[0] != Version {
		return Msg{}, fmt.Errorf("%w: version %d, want %d", ErrMalformed, b[0], Version)
	}
	m := Msg{
		Kind:    Kind(b[1]),
		Conn:    binary.LittleEndian.Uint16(b[2:4]),
		Seq:     binary.LittleEndian.Uint64(b[8:16]),
		Echo:    binary.LittleEndian.Uint64(b[16:24]),
		Inc:     binary.LittleEndian.Uint64(b[24:32]),
		PeerInc: binary.LittleEndian.Uint64(b[32:40]),
	}
	switch m.Kind {
	case KindWelcome:
		m.Flow = b[4]
	case KindRefused:
		m.Reason = b[4]
	default:
		if b[4] != 0 {
			return Msg{}, fmt.Errorf("%w: %s with byte 4 = %d, want 0", ErrMalformed, m.Kind, b[4])
		}
	}
	if b[5]|b[6]|b[7] != 0 {
		return Msg{}, fmt.Errorf("%w: %s with reserved bytes set", ErrMalformed, m.Kind)
	}
	if err := m.check(); err != nil {
		return Msg{}, err
	}
	return m, nil
}

// check enforces what each kind may carry.
func (m *Msg) check() error {
	if m.Kind < KindHello || m.Kind > KindClosed {
		return fmt.Errorf("%w: unknown kind %d", ErrMalformed, uint8(m.Kind))
	}
	switch {
	case m.Inc == 0:
		return fmt.Errorf("%w: %s with sender incarnation 0", ErrMalformed, m.Kind)
	case m.Kind == KindHello && (m.PeerInc != 0 || m.Conn != 0):
		return fmt.Errorf("%w: HELLO names a peer incarnation %d or c_id %d", ErrMalformed, m.PeerInc, m.Conn)
	case m.Kind != KindHello && m.PeerInc == 0:
		return fmt.Errorf("%w: %s with peer incarnation 0", ErrMalformed, m.Kind)
	case m.Kind != KindHello && m.Kind != KindWelcome && m.Seq != 0:
		return fmt.Errorf("%w: %s with a sequence number", ErrMalformed, m.Kind)
	case m.Kind != KindWelcome && m.Echo != 0:
		return fmt.Errorf("%w: %s with an echoed sequence number", ErrMalformed, m.Kind)
	case m.Kind == KindRefused && m.Conn != 0:
		return fmt.Errorf("%w: REFUSED names c_id %d", ErrMalformed, m.Conn)
	case m.Kind != KindWelcome && m.Flow != 0, m.Kind != KindRefused && m.Reason != 0:
		return fmt.Errorf("%w: %s with a flow or a reason", ErrMalformed, m.Kind)
	}
	return nil
}
