package transport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
)

func TestFrameRoundTrip(t *testing.T) {
	for _, f := range []Frame{
		{Kind: KindData, Conn: 7, Seq: 1<<40 + 3, Packet: packet(t, 7, 42)},
		{Kind: KindAck, Conn: 65535, Seq: 0},
		{Kind: KindRaw, Conn: 0, Seq: 9, Packet: packet(t, 0, 1)},
	} {
		b, err := EncodeFrame(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(b) != f.Size() {
			t.Fatalf("%s: %d bytes, Size %d", f, len(b), f.Size())
		}
		g, err := DecodeFrame(b)
		if err != nil || g != f {
			t.Fatalf("round trip of %s: got %s, %v", f, g, err)
		}
	}
}

func TestFrameLayout(t *testing.T) {
	f := Frame{Kind: KindData, Conn: 0x0102, Seq: 0x0807060504030201, Packet: packet(t, 2, 5)}
	b, err := EncodeFrame(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{Version, byte(KindData), 0x02, 0x01, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}
	var s slot.Slot // the packet on the wire: update_flag 0, valid 1
	if err := f.Packet.Encode(&s, 0, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b[:HeaderSize], want) || !bytes.Equal(b[HeaderSize:], s[:]) {
		t.Fatalf("layout: % x", b)
	}
	if got, want := f.String(), "data conn=258 seq=578437695752307201 req rpc_id=5 fn=3 conn=2 frame=0/0 argl=8 args=0500000000000000"; got != want {
		t.Fatalf("String:\n got %s\nwant %s", got, want)
	}
	if got := (Frame{Kind: KindAck, Conn: 1, Seq: 4}).String(); got != "ack conn=1 seq=4" {
		t.Fatalf("ack String: %s", got)
	}
}

func TestDecodeFrameRejects(t *testing.T) {
	good, _ := EncodeFrame(Frame{Kind: KindData, Conn: 1, Seq: 2, Packet: packet(t, 1, 2)})
	ack, _ := EncodeFrame(Frame{Kind: KindAck, Conn: 1, Seq: 2})
	mod := func(b []byte, f func([]byte)) []byte { c := append([]byte(nil), b...); f(c); return c }
	for _, tc := range []struct {
		name string
		b    []byte
		err  error
	}{
		{"empty", nil, ErrTruncated},
		{"short header", good[:HeaderSize-1], ErrTruncated},
		{"data without packet", good[:HeaderSize], ErrTruncated},
		{"truncated packet", good[:DataFrameSize-1], ErrTruncated},
		{"oversized data", append(append([]byte(nil), good...), 0), ErrOversized},
		{"oversized ack", append(append([]byte(nil), ack...), 0), ErrOversized},
		{"version 0", mod(good, func(b []byte) { b[0] = 0 }), ErrVersion},
		{"version 3", mod(good, func(b []byte) { b[0] = 3 }), ErrVersion},
		{"version 2 short header", mod(good, func(b []byte) { b[0] = 2 })[:30], ErrTruncated},
		{"version 2 incarnation 0", append(mod(good, func(b []byte) { b[0] = 2 }), make([]byte, 24)...), ErrMalformed},
		{"kind 0", mod(good, func(b []byte) { b[1] = 0 }), ErrKind},
		{"kind 9", mod(good, func(b []byte) { b[1] = 9 }), ErrKind},
		{"reserved", mod(good, func(b []byte) { b[5] = 1 }), ErrMalformed},
		{"packet reserved control bits", mod(good, func(b []byte) { b[HeaderSize] |= 0x80 }), ErrMalformed},
		{"packet argl 53", mod(good, func(b []byte) { binary.LittleEndian.PutUint16(b[HeaderSize+9:], 53) }), ErrMalformed},
		{"packet update_flag set", mod(good, func(b []byte) { b[HeaderSize] |= byte(slot.CtlUpdateFlag) }), ErrMalformed},
		{"packet not valid", mod(good, func(b []byte) { b[HeaderSize] &^= byte(slot.CtlValid) }), ErrMalformed},
	} {
		f, err := DecodeFrame(tc.b)
		if !errors.Is(err, tc.err) || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.err)
		}
		if f != (Frame{}) {
			t.Errorf("%s: non-zero frame %s with an error", tc.name, f)
		}
	}
	if _, err := EncodeFrame(Frame{Kind: 0}); !errors.Is(err, ErrKind) {
		t.Errorf("encode kind 0: %v", err)
	}
	bad := Packet{Argl: slot.ArgsSize + 1} // no slot carries it
	if _, err := EncodeFrame(Frame{Kind: KindData, Packet: bad}); !errors.Is(err, ErrMalformed) {
		t.Errorf("encode bad packet: %v", err)
	}
}

// FuzzDecodeFrame: DecodeFrame never panics, and what it accepts
// encodes back to the same bytes.
func TestFrameWithIncarnationsRoundTrips(t *testing.T) {
	for _, fr := range []Frame{
		{Kind: KindData, Conn: 300, Seq: 1 << 61, Packet: packet(t, 1, 2), Inc: 7, PeerInc: 8},
		{Kind: KindAck, Conn: 3, Seq: 4, Inc: 9},
		{Kind: KindRaw, Conn: 5, Seq: 6, Packet: packet(t, 5, 6), Inc: 1, PeerInc: 1 << 63},
		{Kind: KindData, Conn: 2, Seq: 3, Packet: packet(t, 2, 3), Inc: 1, PeerInc: 2, HasAck: true, Ack: 1<<62 + 5},
	} {
		b, err := EncodeFrame(fr)
		if err != nil || len(b) != fr.Size() || b[0] != VersionInc {
			t.Fatalf("%s: %v, %d bytes", fr, err, len(b))
		}
		got, err := DecodeFrame(b)
		if err != nil || got != fr {
			t.Fatalf("%s decoded as %s: %v", fr, got, err)
		}
	}
}

func TestAckRidesOnVersion2DataOnly(t *testing.T) {
	for _, fr := range []Frame{
		{Kind: KindData, Conn: 1, Packet: packet(t, 1, 2), HasAck: true, Ack: 3},        // version 1
		{Kind: KindAck, Conn: 1, Inc: 1, HasAck: true, Ack: 3},                          // not data
		{Kind: KindData, Conn: 1, Packet: packet(t, 1, 2), Inc: 1, Ack: 3},              // no flag
		{Kind: KindRaw, Conn: 1, Packet: packet(t, 1, 2), Inc: 1, HasAck: true, Ack: 3}, // raw
	} {
		if _, err := EncodeFrame(fr); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s encoded: %v", fr, err)
		}
	}
}

func FuzzDecodeFrame(f *testing.F) {
	for _, fr := range []Frame{
		{Kind: KindData, Conn: 1, Seq: 2, Packet: packet(f, 1, 2)},
		{Kind: KindAck, Conn: 3, Seq: 4},
		{Kind: KindRaw, Conn: 5, Seq: 6, Packet: packet(f, 5, 6)},
		{Kind: KindData, Conn: 1, Seq: 2, Packet: packet(f, 1, 2), Inc: 7, PeerInc: 8},
		{Kind: KindAck, Conn: 3, Seq: 4, Inc: 9, PeerInc: 1},
		{Kind: KindData, Conn: 1, Seq: 2, Packet: packet(f, 1, 2), Inc: 7, PeerInc: 8, HasAck: true, Ack: 99},
	} {
		b, _ := EncodeFrame(fr)
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		out, err := EncodeFrame(fr)
		if err != nil {
			t.Fatalf("decoded %s does not encode: %v", fr, err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("re-encoding %s:\n got % x\nwant % x", fr, out, b)
		}
		_ = fr.String()
	})
}
