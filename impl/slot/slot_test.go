package slot

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// full is an RPC with every field away from zero.
func full() RPC {
	r := RPC{Response: true, RPCID: 0xa1b2c3d4, NFrames: 0x05, FrameID: 0x06, FnID: 0x0807, ConnID: 0x0b, Argl: ArgsSize}
	for i := range r.Args {
		r.Args[i] = byte(0x0c + i)
	}
	return r
}

func TestSlotRoundTrip(t *testing.T) {
	small, err := NewRPC(3, 42, 7, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []RPC{{}, small, full(), {RPCID: ^uint32(0), FnID: ^uint16(0), Argl: 1}} {
		for _, flag := range []uint8{0, 1} {
			for _, valid := range []bool{false, true} {
				var s Slot
				if err := r.Encode(&s, flag, valid); err != nil {
					t.Fatalf("%s: %v", r, err)
				}
				got, c, err := Decode(&s)
				if err != nil {
					t.Fatalf("%s: decode: %v", r, err)
				}
				if got != r {
					t.Errorf("round trip: got %s, want %s", got, r)
				}
				if c.Flag() != flag || c.Valid() != valid || c.Response() != r.Response {
					t.Errorf("%s flag=%d valid=%v: control %s", r, flag, valid, c)
				}
				l := LineOf(&s)
				if back := l.Slot(); back != s {
					t.Errorf("line round trip changed the bytes")
				}
				if h := l.Header(); h.Flag() != flag || h.Valid() != valid || h.RPCID() != r.RPCID {
					t.Errorf("header word %s, want flag=%d valid=%v rpc_id=%d", h, flag, valid, r.RPCID)
				}
			}
		}
	}
}

// TestSlotLayoutPinned pins Dagger's byte layout and which fields the
// header word (word 0) carries: a change here changes the protocol.
func TestSlotLayoutPinned(t *testing.T) {
	r := full()
	var s Slot
	if err := r.Encode(&s, 1, true); err != nil {
		t.Fatal(err)
	}
	want := "07" + "d4c3b2a1" + "05" + "06" + "0708" + "3400" + "0b" +
		"0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	if got := hex.EncodeToString(s[:]); got != want {
		t.Fatalf("slot bytes\n got %s\nwant %s", got, want)
	}
	l := LineOf(&s)
	if l[0] != 0x07_06_05_a1b2c3d4_07 {
		t.Errorf("header word %#016x", l[0])
	}
	if l[1] != 0x0f0e0d0c_0b_0034_08 {
		t.Errorf("word 1 %#016x", l[1])
	}
	h := l.Header()
	if h.Control() != CtlResponse|CtlUpdateFlag|CtlValid || h.RPCID() != 0xa1b2c3d4 || h.NFrames() != 5 || h.FrameID() != 6 {
		t.Errorf("header word fields: %s nframes=%d frame=%d", h, h.NFrames(), h.FrameID())
	}
	if CtlResponse != 1 || CtlUpdateFlag != 2 || CtlValid != 4 {
		t.Errorf("control bits moved: response=%d update_flag=%d valid=%d", CtlResponse, CtlUpdateFlag, CtlValid)
	}
	if l.ArgsTag() != 0x0f0e0d0c {
		t.Errorf("args tag %#x, want args[0:4] little-endian", l.ArgsTag())
	}
}

func TestRPCString(t *testing.T) {
	r, err := NewRPC(1, 7, 3, []byte{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rpc  RPC
		want string
	}{
		{r, "req rpc_id=7 fn=3 conn=1 frame=0/0 argl=4 args=01020304"},
		{RPC{Response: true, RPCID: 9, FrameID: 1, NFrames: 2}, "resp rpc_id=9 fn=0 conn=0 frame=1/2 argl=0 args=-"},
		{RPC{Argl: 60}, "req rpc_id=0 fn=0 conn=0 frame=0/0 argl=60 args=" + hex.EncodeToString(make([]byte, ArgsSize))},
	} {
		if got := c.rpc.String(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
	if got := Control(0x0f).String(); got != "resp flag=1 valid=1 reserved=0x08" {
		t.Errorf("control string %q", got)
	}
}

func TestTooLarge(t *testing.T) {
	if _, err := NewRPC(0, 0, 0, make([]byte, ArgsSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("NewRPC with 53 bytes: %v", err)
	}
	r, err := NewRPC(0, 0, 0, make([]byte, ArgsSize))
	if err != nil {
		t.Fatalf("52 bytes fit: %v", err)
	}
	r.Argl = ArgsSize + 1
	var s Slot
	s[0] = 0xaa
	if err := r.Encode(&s, 0, true); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Encode argl 53: %v", err)
	}
	if s[0] != 0xaa {
		t.Errorf("a refused Encode wrote the slot")
	}
}

func TestDecodeMalformed(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Slot)
	}{
		{"argl 53", func(s *Slot) { s[9], s[10] = 53, 0 }},
		{"argl 65535", func(s *Slot) { s[9], s[10] = 0xff, 0xff }},
		{"reserved control bit", func(s *Slot) { s[0] |= 0x80 }},
	} {
		var s Slot
		c.edit(&s)
		if _, _, err := Decode(&s); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", c.name, err)
		}
	}
}

// FuzzDecodeSlot: Decode never panics; it rejects argl over 52 and
// reserved control bits; whatever it accepts encodes back to the same
// bytes.
func FuzzDecodeSlot(f *testing.F) {
	var s Slot
	f.Add(s[:])
	r := full()
	_ = r.Encode(&s, 1, true)
	f.Add(s[:])
	s[9] = 53
	f.Add(s[:])
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Slot
		copy(s[:], b)
		rpc, c, err := Decode(&s)
		l := LineOf(&s)
		if wr, wc, werr := l.Decode(); wr != rpc || wc != c || (werr == nil) != (err == nil) {
			t.Fatalf("word decode %s %s %v, byte decode %s %s %v", wr, wc, werr, rpc, c, err)
		}
		argl := int(s[9]) | int(s[10])<<8
		if argl > ArgsSize || s[0]&0xf8 != 0 {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("argl %d control %#x accepted: %v", argl, s[0], err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid slot rejected: %v", err)
		}
		var back Slot
		if err := rpc.Encode(&back, c.Flag(), c.Valid()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back[:], s[:]) {
			t.Fatalf("re-encoded %x\n       from %x", back, s)
		}
		_ = rpc.String()
	})
}

// The word-level codec the ring uses agrees with the byte-level one.
func TestWordCodecMatchesBytes(t *testing.T) {
	small, _ := NewRPC(3, 42, 7, []byte("hello"))
	for _, r := range []RPC{{}, small, full()} {
		for _, flag := range []uint8{0, 1} {
			var s Slot
			if err := r.Encode(&s, flag, true); err != nil {
				t.Fatal(err)
			}
			if got, want := r.Line(flag, true), LineOf(&s); got != want {
				t.Errorf("%s: Line %x, bytes give %x", r, got, want)
			}
			l := LineOf(&s)
			var back RPC
			if err := l.DecodeInto(&back); err != nil || back != r {
				t.Errorf("DecodeInto: %s, %v; want %s", back, err, r)
			}
		}
	}
}
