package transport

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// Packet is what a transport carries: one Dagger packet, decoded — the
// RPC of a 64-byte slot (impl/slot). DecodeFrame decodes a frame's slot
// into it once, where the bytes come in; AppendFrame encodes it once,
// where they go out; in between, and up through the NIC, it travels as
// this value.
type Packet = slot.RPC

// Sizes of a frame on the wire.
const (
	// HeaderSize is the transport header that precedes the packet.
	HeaderSize = 16
	// PacketSize is one Dagger packet, an RPC slot.
	PacketSize = slot.Size
	// DataFrameSize is the size of a data or raw frame; an ack is
	// HeaderSize bytes alone.
	DataFrameSize = HeaderSize + PacketSize
	// Version is the header version of frames without incarnations,
	// between two ends that know each other (ConnectUDP's sockets).
	Version = 1
	// VersionInc is the header version of frames that carry both ends'
	// incarnations (impl/handshake), between processes: a 40-byte header.
	VersionInc = 2
	// HeaderSizeInc is a version-2 header; DataFrameSizeInc a version-2
	// data or raw frame.
	HeaderSizeInc    = 40
	DataFrameSizeInc = HeaderSizeInc + PacketSize
)

// Kind is a frame's kind, header byte 1.
type Kind uint8

// Frame kinds.
const (
	// KindData carries a packet with a sequence number of the reliable
	// transport.
	KindData Kind = 1
	// KindAck carries no packet; its Seq acknowledges, cumulatively,
	// every data frame of its connection up to and including Seq.
	KindAck Kind = 2
	// KindRaw carries a packet best effort (the udp transport); its Seq
	// is the sender's frame counter, for traces only.
	KindRaw Kind = 3
)

// String: "data", "ack", "raw" or "kind(N)".
func (k Kind) String() string {
	switch k {
	case KindData:
		return "data"
	case KindAck:
		return "ack"
	case KindRaw:
		return "raw"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// carries reports whether frames of kind k carry a packet.
func (k Kind) carries() bool { return k == KindData || k == KindRaw }

// Errors of the frame codec. Every specific error also matches
// ErrMalformed, so a driver can count "malformed" with one errors.Is.
var (
	// ErrMalformed: the bytes are not a valid frame.
	ErrMalformed = errors.New("transport: malformed frame")
	// ErrTruncated: fewer bytes than the frame's kind needs.
	ErrTruncated = errors.New("transport: truncated frame")
	// ErrOversized: more bytes than the frame's kind has.
	ErrOversized = errors.New("transport: oversized frame")
	// ErrVersion: a header version this package does not speak.
	ErrVersion = errors.New("transport: unknown frame version")
	// ErrKind: a frame kind this package does not know.
	ErrKind = errors.New("transport: unknown frame kind")
)

// Frame is one transport frame. Packet is meaningful for KindData and
// KindRaw only (it is zero in a decoded ack).
//
// On the wire (little-endian, fixed size):
//
//	byte  0      version (1)
//	byte  1      kind: 1 data, 2 ack, 3 raw
//	bytes 2..3   connection id
//	bytes 4..7   reserved, zero
//	bytes 8..15  sequence number
//	bytes 16..79 the packet: a 64-byte Dagger slot (data and raw only)
//
// A data or raw frame is 80 bytes, an ack 16; any other length is an
// error. The packet is a slot in Dagger's byte layout (impl/slot) whose
// ring bits are those of a packet on the wire, update_flag 0 and valid 1
// (a ring's phase and validity mean nothing between two NICs); Packet
// holds it decoded.
//
// A frame with Inc set is version 2 (VersionInc): its 40-byte header adds
// the sender's incarnation and the one it believes the receiver has
// (impl/handshake), so that a frame of an old incarnation of either end
// is never taken for one of the current connection:
//
//	bytes 0..15   as version 1, with version 2, but for byte 4
//	byte  4       flags: bit 0 HasAck (data frames only); other bits zero
//	bytes 16..23  Ack, a cumulative ack carried by a data frame (HasAck), else zero
//	bytes 24..31  Inc, the sender's incarnation (never 0)
//	bytes 32..39  PeerInc, the receiver's as the sender believes it
//	bytes 40..103 the packet (data and raw only)
type Frame struct {
	Kind   Kind
	Conn   uint16
	Seq    uint64
	Packet Packet
	// Inc and PeerInc are the incarnations of a version-2 frame; Inc 0
	// is a version-1 frame, which has none.
	Inc, PeerInc uint64
	// HasAck: a version-2 data frame also acknowledges, cumulatively,
	// every data frame of the other direction up to Ack (the reliable
	// transport's piggy-backed ack, ReliableConfig.PiggybackAcks).
	HasAck bool
	Ack    uint64
}

// String is a stable one-line description:
//
//	data conn=1 seq=4 req rpc_id=7 fn=3 conn=1 frame=0/0 argl=1 args=2a
//	ack conn=1 seq=4
func (f Frame) String() string {
	s := fmt.Sprintf("%s conn=%d seq=%d", f.Kind, f.Conn, f.Seq)
	if f.Inc != 0 {
		s += fmt.Sprintf(" inc=%d peer-inc=%d", f.Inc, f.PeerInc)
	}
	if f.HasAck {
		s += fmt.Sprintf(" ack=%d", f.Ack)
	}
	if !f.Kind.carries() {
		return s
	}
	if checkPacket(&f.Packet) != nil {
		return s + " malformed-packet"
	}
	return s + " " + f.Packet.String()
}

// Size is the number of bytes f takes on the wire.
func (f *Frame) Size() int {
	h := f.headerSize()
	if f.Kind.carries() {
		return h + PacketSize
	}
	return h
}

func (f *Frame) headerSize() int {
	if f.Inc != 0 {
		return HeaderSizeInc
	}
	return HeaderSize
}

func malformed(specific error, format string, args ...any) error {
	return fmt.Errorf("%w: %w: "+format, append([]any{ErrMalformed, specific}, args...)...)
}

// AppendFrame appends f's wire bytes to dst, encoding the packet: the
// one encode on its way out. An unknown kind or a packet no slot can
// carry is an error matching ErrMalformed, and dst is returned unchanged.
func AppendFrame(dst []byte, f *Frame) ([]byte, error) {
	switch f.Kind {
	case KindData, KindRaw:
		if err := checkPacket(&f.Packet); err != nil {
			return dst, err
		}
	case KindAck:
	default:
		return dst, malformed(ErrKind, "kind %d", uint8(f.Kind))
	}
	if f.HasAck && (f.Kind != KindData || f.Inc == 0) {
		return dst, fmt.Errorf("%w: an ack rides on version-2 data frames only", ErrMalformed)
	}
	if !f.HasAck && f.Ack != 0 {
		return dst, fmt.Errorf("%w: ack %d without HasAck", ErrMalformed, f.Ack)
	}
	var h [HeaderSizeInc]byte
	h[0] = Version
	h[1] = byte(f.Kind)
	binary.LittleEndian.PutUint16(h[2:4], f.Conn)
	binary.LittleEndian.PutUint64(h[8:16], f.Seq)
	if f.Inc != 0 {
		h[0] = VersionInc
		binary.LittleEndian.PutUint64(h[24:32], f.Inc)
		binary.LittleEndian.PutUint64(h[32:40], f.PeerInc)
		if f.HasAck {
			h[4] = 1
			binary.LittleEndian.PutUint64(h[16:24], f.Ack)
		}
	}
	dst = append(dst, h[:f.headerSize()]...)
	if f.Kind.carries() {
		var s slot.Slot
		_ = f.Packet.Encode(&s, 0, true) // checked above
		dst = append(dst, s[:]...)
	}
	return dst, nil
}

// EncodeFrame returns f's wire bytes (see AppendFrame).
func EncodeFrame(f Frame) ([]byte, error) {
	return AppendFrame(make([]byte, 0, DataFrameSize), &f)
}

// DecodeFrame parses one frame. It never panics; bytes that are not a
// frame give an error matching ErrMalformed and, more precisely, one of
// ErrTruncated, ErrOversized, ErrVersion, ErrKind or (a reserved field
// set, a bad packet) ErrMalformed alone.
func DecodeFrame(b []byte) (Frame, error) {
	if len(b) < HeaderSize {
		return Frame{}, malformed(ErrTruncated, "%d bytes, header needs %d", len(b), HeaderSize)
	}
	hs := HeaderSize
	switch b[0] {
	case Version:
	case VersionInc:
		hs = HeaderSizeInc
	default:
		return Frame{}, malformed(ErrVersion, "version %d", b[0])
	}
	f := Frame{
		Kind: Kind(b[1]),
		Conn: binary.LittleEndian.Uint16(b[2:4]),
		Seq:  binary.LittleEndian.Uint64(b[8:16]),
	}
	want := hs
	switch f.Kind {
	case KindData, KindRaw:
		want = hs + PacketSize
	case KindAck:
	default:
		return Frame{}, malformed(ErrKind, "kind %d", b[1])
	}
	r := binary.LittleEndian.Uint32(b[4:8])
	if hs == HeaderSizeInc && f.Kind == KindData {
		r &^= 1 // the HasAck flag
	}
	if r != 0 {
		return Frame{}, fmt.Errorf("%w: reserved bytes 4..7 = %#x", ErrMalformed, r)
	}
	if hs == HeaderSizeInc {
		if len(b) < hs {
			return Frame{}, malformed(ErrTruncated, "%d bytes, a version 2 header needs %d", len(b), hs)
		}
		f.HasAck = b[4]&1 != 0 && f.Kind == KindData
		if f.HasAck {
			f.Ack = binary.LittleEndian.Uint64(b[16:24])
		} else if binary.LittleEndian.Uint64(b[16:24]) != 0 {
			return Frame{}, fmt.Errorf("%w: bytes 16..23 set without the ack flag", ErrMalformed)
		}
		f.Inc, f.PeerInc = binary.LittleEndian.Uint64(b[24:32]), binary.LittleEndian.Uint64(b[32:40])
		if f.Inc == 0 {
			return Frame{}, fmt.Errorf("%w: version 2 frame with sender incarnation 0", ErrMalformed)
		}
	}
	switch {
	case len(b) < want:
		return Frame{}, malformed(ErrTruncated, "%s frame of %d bytes, needs %d", f.Kind, len(b), want)
	case len(b) > want:
		return Frame{}, malformed(ErrOversized, "%s frame of %d bytes, has %d", f.Kind, len(b), want)
	}
	if f.Kind.carries() {
		// The one decode of the packet on its way in.
		r, c, err := slot.Decode((*slot.Slot)(b[hs:]))
		switch {
		case err != nil:
			return Frame{}, fmt.Errorf("%w: packet: %w", ErrMalformed, err)
		case c.Flag() != 0 || !c.Valid():
			return Frame{}, fmt.Errorf("%w: packet control byte %s, want update_flag 0 and valid 1", ErrMalformed, c)
		}
		f.Packet = r
	}
	return f, nil
}

// checkPacket: a packet that no slot can carry (argl over 52) is refused
// at Send, so a frame once queued always encodes.
func checkPacket(p *Packet) error {
	if p.Argl > slot.ArgsSize {
		return fmt.Errorf("%w: packet: argl %d over %d", ErrMalformed, p.Argl, slot.ArgsSize)
	}
	return nil
}
