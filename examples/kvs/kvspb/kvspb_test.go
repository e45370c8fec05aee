package kvspb

import (
	"bytes"
	"errors"
	"testing"

	"github.com/daggercheck/daggercheck/idl"
	"github.com/daggercheck/daggercheck/idl/wire"
	"github.com/daggercheck/daggercheck/impl/slot"
)

// The IDL's bound is the slot's payload.
func TestMaxSizeIsTheSlotPayload(t *testing.T) {
	if idl.MaxSize != slot.ArgsSize {
		t.Fatalf("idl.MaxSize %d, slot.ArgsSize %d", idl.MaxSize, slot.ArgsSize)
	}
}

// kvs.dproto's layout, pinned: a change to the file or the generator
// that moves a byte shows here.
func TestLayout(t *testing.T) {
	xyz, v := Value("xyz"), Value("v")
	b, err := SetArg{Key: "ab", Value: xyz}.MarshalBinary()
	want := append(append([]byte("ab"), make([]byte, 14)...), xyz[:]...)
	if err != nil || !bytes.Equal(b, want) {
		t.Errorf("SetArg: %x %v, want %x", b, err, want)
	}
	b, err = GetRet{Found: true, Version: 0x01020304, Value: v}.MarshalBinary()
	want = append([]byte{1, 4, 3, 2, 1}, v[:]...)
	if err != nil || !bytes.Equal(b, want) {
		t.Errorf("GetRet: %x %v, want %x", b, err, want)
	}
	sizes := [...]int{KeySize, GetRetSize, SetArgSize, SetRetSize, DeleteRetSize}
	if sizes != [...]int{16, 37, 48, 4, 1} {
		t.Errorf("sizes %v", sizes)
	}
	if KVSGetFn != 1 || KVSSetFn != 2 || KVSDeleteFn != 3 {
		t.Errorf("function numbers %d %d %d", KVSGetFn, KVSSetFn, KVSDeleteFn)
	}
}

// Encoding into a caller's buffer allocates nothing; decoding allocates
// only a string field's bytes.
func TestEncodingAllocations(t *testing.T) {
	arg := SetArg{Key: "key", Value: Value("value")}
	ret := GetRet{Found: true, Version: 3, Value: Value("value")}
	var buf [idl.MaxSize]byte
	enc := testing.AllocsPerRun(100, func() {
		if _, err := arg.AppendBinary(buf[:0]); err != nil {
			t.Fatal(err)
		}
	})
	b, _ := ret.MarshalBinary()
	var got GetRet
	dec := testing.AllocsPerRun(100, func() {
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
	})
	if enc != 0 || dec != 0 || got != ret {
		t.Errorf("encode SetArg: %v allocations, decode GetRet: %v, want 0 (got %v)", enc, dec, got)
	}
}

func TestValue(t *testing.T) {
	if v := Value("hi"); v[0] != 'h' || v[1] != 'i' || v[2] != 0 {
		t.Errorf("%x", v)
	}
	long := Value(string(bytes.Repeat([]byte("x"), 40)))
	if long != [32]byte(bytes.Repeat([]byte("x"), 32)) {
		t.Errorf("%x", long)
	}
}

// FuzzDecodeKVS: the first byte picks one of kvs.dproto's messages, the
// rest are decoded. Decoding never panics and fails only with
// ErrMalformed; what it accepts encodes back to the same bytes, and
// decodes again to the same message (decode(encode(x)) == x).
func FuzzDecodeKVS(f *testing.F) {
	seed := func(i byte, m interface{ MarshalBinary() ([]byte, error) }) {
		b, _ := m.MarshalBinary()
		f.Add(append([]byte{i}, b...))
	}
	seed(0, Key{Key: "k"})
	seed(1, GetRet{Found: true, Version: 7, Value: Value("v")})
	seed(2, SetArg{Key: "0123456789abcdef", Value: Value("v")})
	seed(3, SetRet{Version: 1})
	seed(4, DeleteRet{Found: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		b := data[1:]
		switch data[0] % 5 {
		case 0:
			roundTrip[Key](t, b)
		case 1:
			roundTrip[GetRet](t, b)
		case 2:
			roundTrip[SetArg](t, b)
		case 3:
			roundTrip[SetRet](t, b)
		default:
			roundTrip[DeleteRet](t, b)
		}
	})
}

func roundTrip[T interface {
	comparable
	MarshalBinary() ([]byte, error)
}, P interface {
	*T
	UnmarshalBinary([]byte) error
}](t *testing.T, b []byte) {
	var x T
	if err := P(&x).UnmarshalBinary(b); err != nil {
		if !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("%x: %v is not ErrMalformed", b, err)
		}
		return
	}
	again, err := x.MarshalBinary()
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("%x decodes to %v, which encodes to %x, %v", b, x, again, err)
	}
	var y T
	if err := P(&y).UnmarshalBinary(again); err != nil || y != x {
		t.Fatalf("decode(encode(%v)) = %v, %v", x, y, err)
	}
}
