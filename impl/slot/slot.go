package slot

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Sizes of Dagger's slot: one 64-byte cache line holds one RPC, a 12-byte
// header and 52 bytes of arguments.
const (
	Size       = 64
	HeaderSize = 12
	ArgsSize   = Size - HeaderSize // 52
	Words      = Size / 8          // 64-bit words in a Line
)

// Bits of the control byte (byte 0 of the slot, bits 0..7 of the header
// word). Bits 3..7 are reserved and must be zero.
const (
	CtlResponse   Control = 1 << 0 // 0 request, 1 response
	CtlUpdateFlag Control = 1 << 1 // Dagger: the slot's toggle; credit: the lap's phase
	CtlValid      Control = 1 << 2
	ctlReserved   Control = 0xf8
)

// Errors of the slot codec. Expected conditions are sentinel errors that
// callers test with errors.Is.
var (
	// ErrTooLarge: the arguments do not fit in one slot's 52 bytes.
	// Fragmenting larger RPCs over frames is impl/rpc's decision.
	ErrTooLarge = errors.New("slot: arguments larger than 52 bytes")
	// ErrMalformed: a slot's bytes are not a valid RPC (argl over 52, or
	// reserved control bits set).
	ErrMalformed = errors.New("slot: malformed slot")
)

// Control is the slot's control byte.
type Control uint8

// Response reports bit 0: the slot holds a response, not a request.
func (c Control) Response() bool { return c&CtlResponse != 0 }

// Flag reports bit 1, update_flag: Dagger's per-slot toggle, or the lap's
// phase in the credit protocol.
func (c Control) Flag() uint8 { return uint8(c>>1) & 1 }

// Valid reports bit 2.
func (c Control) Valid() bool { return c&CtlValid != 0 }

// String: "req", "resp", then the flag and valid bits.
func (c Control) String() string {
	kind := "req"
	if c.Response() {
		kind = "resp"
	}
	v := 0
	if c.Valid() {
		v = 1
	}
	s := fmt.Sprintf("%s flag=%d valid=%d", kind, c.Flag(), v)
	if r := c & ctlReserved; r != 0 {
		s += fmt.Sprintf(" reserved=%#02x", uint8(r))
	}
	return s
}

// RPC is the content of one slot apart from the ring's own bits
// (update_flag and valid): Dagger's header fields and 52 bytes of
// arguments, of which the first Argl are meaningful.
type RPC struct {
	Response bool   // control bit 0: a response, not a request
	RPCID    uint32 // Dagger: client id in the low 16 bits, a per-client counter in the high 16
	NFrames  uint8  // n_of_frames (Dagger leaves it unused; impl/rpc may fragment)
	FrameID  uint8  // frame_id
	FnID     uint16 // the function called
	Argl     uint16 // bytes of Args in use, at most ArgsSize
	ConnID   uint8  // c_id, the connection
	Args     [ArgsSize]byte
}

// NewRPC builds a request for function fn on connection conn with the given
// arguments; more than ArgsSize bytes is ErrTooLarge.
func NewRPC(conn uint8, id uint32, fn uint16, args []byte) (RPC, error) {
	r := RPC{ConnID: conn, RPCID: id, FnID: fn}
	return r, r.SetArgs(args)
}

// SetArgs copies b into the arguments and sets Argl; the bytes past it are
// zeroed, so equal arguments give equal RPCs.
func (r *RPC) SetArgs(b []byte) error {
	if len(b) > ArgsSize {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	r.Args = [ArgsSize]byte{}
	copy(r.Args[:], b)
	r.Argl = uint16(len(b))
	return nil
}

// Arguments returns the meaningful arguments (a view into r.Args, clamped
// to ArgsSize so a bad Argl cannot make it panic).
func (r *RPC) Arguments() []byte { return r.Args[:min(int(r.Argl), ArgsSize)] }

// String is a stable one-line description, used by golden files and
// trace diffs:
//
//	req rpc_id=7 fn=3 conn=1 frame=0/0 argl=4 args=01020304
func (r RPC) String() string {
	kind := "req"
	if r.Response {
		kind = "resp"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s rpc_id=%d fn=%d conn=%d frame=%d/%d argl=%d args=", kind, r.RPCID, r.FnID, r.ConnID, r.FrameID, r.NFrames, r.Argl)
	if a := r.Arguments(); len(a) > 0 {
		b.WriteString(hex.EncodeToString(a))
	} else {
		b.WriteString("-")
	}
	return b.String()
}

// Slot is one 64-byte line in Dagger's byte layout (packed, little-endian):
//
//	byte  0      control: bit 0 request(0)/response(1), bit 1 update_flag, bit 2 valid
//	bytes 1..4   rpc_id
//	byte  5      n_of_frames
//	byte  6      frame_id
//	bytes 7..8   fn_id
//	bytes 9..10  argl
//	byte  11     c_id
//	bytes 12..63 arguments
//
// The ring holds the same bytes as eight little-endian 64-bit words (see
// Line), so the header word — word 0, bytes 0..7 — carries the control
// byte, the whole rpc_id, n_of_frames, frame_id and fn_id's low byte, and
// one atomic store publishes it.
type Slot [Size]byte

// Encode writes r into s with the given update_flag and valid bits.
// Arguments longer than ArgsSize are ErrTooLarge and leave s untouched.
func (r *RPC) Encode(s *Slot, flag uint8, valid bool) error {
	if r.Argl > ArgsSize {
		return fmt.Errorf("%w: argl %d", ErrTooLarge, r.Argl)
	}
	s[0] = byte(r.control(flag, valid))
	binary.LittleEndian.PutUint32(s[1:5], r.RPCID)
	s[5] = r.NFrames
	s[6] = r.FrameID
	binary.LittleEndian.PutUint16(s[7:9], r.FnID)
	binary.LittleEndian.PutUint16(s[9:11], r.Argl)
	s[11] = r.ConnID
	copy(s[HeaderSize:], r.Args[:])
	return nil
}

func (r *RPC) control(flag uint8, valid bool) Control {
	var c Control
	if r.Response {
		c |= CtlResponse
	}
	if flag&1 != 0 {
		c |= CtlUpdateFlag
	}
	if valid {
		c |= CtlValid
	}
	return c
}

// Decode reads the RPC and the control byte out of s. It never panics;
// a slot whose argl exceeds ArgsSize or whose reserved control bits are set
// is ErrMalformed (the RPC returned then is the zero value).
func Decode(s *Slot) (RPC, Control, error) {
	c := Control(s[0])
	if c&ctlReserved != 0 {
		return RPC{}, c, fmt.Errorf("%w: reserved control bits %#02x set", ErrMalformed, uint8(c&ctlReserved))
	}
	r := RPC{
		Response: c.Response(),
		RPCID:    binary.LittleEndian.Uint32(s[1:5]),
		NFrames:  s[5],
		FrameID:  s[6],
		FnID:     binary.LittleEndian.Uint16(s[7:9]),
		Argl:     binary.LittleEndian.Uint16(s[9:11]),
		ConnID:   s[11],
	}
	if r.Argl > ArgsSize {
		return RPC{}, c, fmt.Errorf("%w: argl %d > %d", ErrMalformed, r.Argl, ArgsSize)
	}
	copy(r.Args[:], s[HeaderSize:])
	return r, c, nil
}

// Line is a slot as the ring holds it: eight 64-bit words, word i being
// bytes 8i..8i+7 of the Slot read little-endian. Word 0 is the header
// word; words 1..7 are "the arguments" for the protocol's purposes — they
// also carry fn_id's high byte, argl and c_id, which are stored with the
// arguments, before the header word.
type Line [Words]uint64

// LineOf converts a slot to its words.
func LineOf(s *Slot) Line {
	var l Line
	for i := range l {
		l[i] = binary.LittleEndian.Uint64(s[8*i:])
	}
	return l
}

// Slot converts the words back to bytes.
func (l *Line) Slot() Slot {
	var s Slot
	for i, w := range l {
		binary.LittleEndian.PutUint64(s[8*i:], w)
	}
	return s
}

// Line encodes r straight into words, as LineOf of Encode's slot would;
// the caller has checked Argl (a larger one spills into c_id).
func (r *RPC) Line(flag uint8, valid bool) Line {
	var l Line
	l[0] = uint64(r.control(flag, valid)) | uint64(r.RPCID)<<8 | uint64(r.NFrames)<<40 |
		uint64(r.FrameID)<<48 | uint64(r.FnID&0xff)<<56
	l[1] = uint64(r.FnID>>8) | uint64(r.Argl)<<8 | uint64(r.ConnID)<<24 |
		uint64(binary.LittleEndian.Uint32(r.Args[0:4]))<<32
	for i := 2; i < Words; i++ {
		l[i] = binary.LittleEndian.Uint64(r.Args[8*i-HeaderSize:])
	}
	return l
}

// DecodeInto is Decode over the words, writing into dst.
func (l *Line) DecodeInto(dst *RPC) error {
	c := Control(l[0])
	if c&ctlReserved != 0 {
		return fmt.Errorf("%w: reserved control bits %#02x set", ErrMalformed, uint8(c&ctlReserved))
	}
	argl := uint16(l[1] >> 8)
	if argl > ArgsSize {
		return fmt.Errorf("%w: argl %d > %d", ErrMalformed, argl, ArgsSize)
	}
	dst.Response = c.Response()
	dst.RPCID = uint32(l[0] >> 8)
	dst.NFrames = uint8(l[0] >> 40)
	dst.FrameID = uint8(l[0] >> 48)
	dst.FnID = uint16(l[0]>>56) | uint16(l[1]&0xff)<<8
	dst.Argl = argl
	dst.ConnID = uint8(l[1] >> 24)
	binary.LittleEndian.PutUint32(dst.Args[0:4], uint32(l[1]>>32))
	for i := 2; i < Words; i++ {
		binary.LittleEndian.PutUint64(dst.Args[8*i-HeaderSize:], l[i])
	}
	return nil
}

// Header returns the header word.
func (l *Line) Header() HeaderWord { return HeaderWord(l[0]) }

// Decode is the package's Decode of the line's bytes.
func (l *Line) Decode() (RPC, Control, error) {
	var r RPC
	if err := l.DecodeInto(&r); err != nil {
		return RPC{}, Control(l[0]), err
	}
	return r, Control(l[0]), nil
}

// ArgsTag is the default abstraction of a line's arguments: the first four
// argument bytes, little-endian (impl/ring's Ring.Abstract).
func (l *Line) ArgsTag() uint32 { return uint32(l[1] >> 32) }

// HeaderWord is word 0 of a line, the one the credit protocol stores last
// and loads first:
//
//	bits  0..7   control byte (bit 0 response, bit 1 update_flag = phase, bit 2 valid)
//	bits  8..39  rpc_id
//	bits 40..47  n_of_frames
//	bits 48..55  frame_id
//	bits 56..63  fn_id, low byte
type HeaderWord uint64

// Bit positions of the header word's fields.
const (
	hwValid   = uint64(CtlValid)
	hwFlag    = uint64(CtlUpdateFlag)
	hwIDShift = 8
)

// Control returns the control byte.
func (h HeaderWord) Control() Control { return Control(h) }

// Valid reports the valid bit.
func (h HeaderWord) Valid() bool { return uint64(h)&hwValid != 0 }

// Flag returns update_flag (the phase, in the credit protocol).
func (h HeaderWord) Flag() uint8 { return uint8(uint64(h)>>1) & 1 }

// RPCID returns rpc_id.
func (h HeaderWord) RPCID() uint32 { return uint32(uint64(h) >> hwIDShift) }

// NFrames returns n_of_frames.
func (h HeaderWord) NFrames() uint8 { return uint8(uint64(h) >> 40) }

// FrameID returns frame_id.
func (h HeaderWord) FrameID() uint8 { return uint8(uint64(h) >> 48) }

// String: the control bits and rpc_id.
func (h HeaderWord) String() string {
	return fmt.Sprintf("%s rpc_id=%d", h.Control(), h.RPCID())
}
