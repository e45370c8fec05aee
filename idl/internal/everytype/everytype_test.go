package everytype

import (
	"bytes"
	"context"
	"encoding"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/daggercheck/daggercheck/idl/wire"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// message is what every generated message is.
type message interface {
	encoding.BinaryAppender
	encoding.BinaryMarshaler
	String() string
}

// Compile-time checks that the generated messages are what the standard
// library's interfaces say.
var (
	_ message                    = Scalars{}
	_ encoding.BinaryUnmarshaler = (*Scalars)(nil)
	_ message                    = Arrays{}
	_ encoding.BinaryUnmarshaler = (*Arrays)(nil)
	_ message                    = Text{}
	_ encoding.BinaryUnmarshaler = (*Text)(nil)
	_ message                    = Empty{}
	_ encoding.BinaryUnmarshaler = (*Empty)(nil)
)

// roundTrip checks that x encodes (unless one of its strings has no
// encoding, which must then be ErrInvalid) to Size bytes that decode to x
// and encode again to the same bytes.
func roundTrip[T any, P interface {
	*T
	encoding.BinaryUnmarshaler
}](t *rapid.T, x T, size int, encodable bool) {
	m := any(x).(message)
	b, err := m.AppendBinary([]byte{0xAA})
	if !encodable {
		if !errors.Is(err, wire.ErrInvalid) || !bytes.Equal(b, []byte{0xAA}) {
			t.Fatalf("%v: encoded (%x, %v), want ErrInvalid and b as it was", x, b, err)
		}
		return
	}
	if err != nil || len(b) != 1+size {
		t.Fatalf("%v: %d bytes, %v", x, len(b), err)
	}
	var y T
	if err := P(&y).UnmarshalBinary(b[1:]); err != nil {
		t.Fatalf("%v: decode: %v", x, err)
	}
	again, err := any(y).(message).MarshalBinary()
	if err != nil || !bytes.Equal(again, b[1:]) {
		t.Fatalf("%v: decoded %v encodes to %x, want %x", x, y, again, b[1:])
	}
	if !hasNaN(reflect.ValueOf(x)) && !reflect.DeepEqual(x, y) {
		t.Fatalf("decode(encode(%v)) = %v", x, y)
	}
}

func hasNaN(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(v.Float())
	case reflect.Array, reflect.Struct:
		n := v.Len
		if v.Kind() == reflect.Struct {
			n = v.NumField
		}
		for i := range n() {
			e := v.Index
			if v.Kind() == reflect.Struct {
				e = v.Field
			}
			if hasNaN(e(i)) {
				return true
			}
		}
	}
	return false
}

// fits reports whether s has an encoding as a string[n].
func fits(s string, n int) bool {
	return len(s) <= n && utf8.ValidString(s) && !strings.Contains(s, "\x00")
}

// text draws strings that mostly fit their fields and sometimes do not.
func text(t *rapid.T, label string, n int) string {
	return rapid.OneOf(
		rapid.StringN(0, n, n),
		rapid.String(),
		rapid.SampledFrom([]string{"", "\x00", "a\x00", "\xff", strings.Repeat("é", n)}),
	).Draw(t, label)
}

func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		roundTrip[Scalars](t, rapid.Make[Scalars]().Draw(t, "scalars"), ScalarsSize, true)
		roundTrip[Arrays](t, rapid.Make[Arrays]().Draw(t, "arrays"), ArraysSize, true)
		roundTrip[Empty](t, Empty{}, EmptySize, true)
		x := Text{ShortName: text(t, "short", 8), Initial: text(t, "initial", 1), LongName: text(t, "long", 36)}
		copy(x.Tag[:], rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "tag"))
		roundTrip[Text](t, x, TextSize, fits(x.ShortName, 8) && fits(x.Initial, 1) && fits(x.LongName, 36))
	})
}

// The decoders' errors name the message and field, and match
// ErrMalformed; the message is left as it was.
func TestDecodeErrors(t *testing.T) {
	good, _ := Text{ShortName: "ab", LongName: "long"}.MarshalBinary()
	bad := func(at int, c byte) []byte { b := bytes.Clone(good); b[at] = c; return b }
	var boolBad [ScalarsSize]byte
	boolBad[ScalarsSize-1] = 2
	var flagsBad [ArraysSize]byte
	flagsBad[ArraysSize-1] = 7
	for _, tc := range []struct {
		m    encoding.BinaryUnmarshaler
		b    []byte
		want string
	}{
		{new(Text), good[:10], "decode Text: 10 bytes, want 49"},
		{new(Text), append(bytes.Clone(good), 0), "decode Text: 50 bytes, want 49"},
		{new(Empty), []byte{0}, "decode Empty: 1 bytes, want 0"},
		{new(Scalars), boolBad[:], "decode Scalars.flag: bool byte 2, want 0 or 1"},
		{new(Arrays), flagsBad[:], "decode Arrays.flags: bool byte 7, want 0 or 1"},
		{new(Text), bad(5, 'x'), "decode Text.short_name: byte 5 after the string's end"},
		{new(Text), bad(0, 0xff), "decode Text.short_name: not UTF-8"},
		{new(Text), bad(8, 0x80), "decode Text.initial: not UTF-8"},
	} {
		before := reflect.ValueOf(tc.m).Elem().Interface()
		err := tc.m.UnmarshalBinary(tc.b)
		if err == nil || err.Error() != tc.want || !errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrInvalid) {
			t.Errorf("%x: %v, want %s (ErrMalformed)", tc.b, err, tc.want)
		}
		if after := reflect.ValueOf(tc.m).Elem().Interface(); !reflect.DeepEqual(before, after) {
			t.Errorf("%x: the message changed to %v", tc.b, after)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		m    Text
		want string
	}{
		{Text{ShortName: "123456789"}, "encode Text.short_name: 9 bytes, over string[8]"},
		{Text{Initial: "é"}, "encode Text.initial: 2 bytes, over string[1]"},
		{Text{LongName: "a\x00b"}, "encode Text.long_name: holds a zero byte"},
		{Text{LongName: "\xffb"}, "encode Text.long_name: not UTF-8"},
	} {
		_, err := tc.m.MarshalBinary()
		if err == nil || err.Error() != tc.want || !errors.Is(err, wire.ErrInvalid) {
			t.Errorf("%v: %v, want %s (ErrInvalid)", tc.m, err, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	x := Text{ShortName: "ab", Initial: "c", Tag: [4]byte{1, 2, 0xfe, 0xff}, LongName: `"q"`}
	want := `Text{short_name:"ab" initial:"c" tag:0102feff long_name:"\"q\""}`
	if x.String() != want {
		t.Errorf("%s\nwant %s", x, want)
	}
	if (Empty{}).String() != "Empty{}" {
		t.Errorf("%s", Empty{})
	}
}

// FuzzDecodeEveryType: the first byte picks a message, the rest are
// decoded; decoding never panics, fails only with ErrMalformed, and what
// it accepts encodes back to the same bytes (the encoding is canonical,
// so decode(encode(x)) == x for every decoded x).
func FuzzDecodeEveryType(f *testing.F) {
	for _, m := range []message{Scalars{I8: -1, F64: math.Inf(1), Flag: true}, Arrays{Flags: [2]bool{true}}, Text{ShortName: "héllo", LongName: "x"}, Empty{}} {
		b, _ := m.MarshalBinary()
		for i, k := range []message{Scalars{}, Arrays{}, Text{}, Empty{}} {
			if reflect.TypeOf(k) == reflect.TypeOf(m) {
				f.Add(append([]byte{byte(i)}, b...))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		var m interface {
			encoding.BinaryUnmarshaler
			encoding.BinaryMarshaler
			String() string
		}
		switch data[0] % 4 {
		case 0:
			m = new(Scalars)
		case 1:
			m = new(Arrays)
		case 2:
			m = new(Text)
		default:
			m = new(Empty)
		}
		if err := m.UnmarshalBinary(data[1:]); err != nil {
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("%x: %v is not ErrMalformed", data, err)
			}
			return
		}
		b, err := m.MarshalBinary()
		if err != nil || !bytes.Equal(b, data[1:]) {
			t.Fatalf("%x decodes to %v, which encodes to %x, %v", data[1:], m, b, err)
		}
		_ = m.String()
	})
}

// every is an Every server whose results are made from the arguments.
type every struct{}

func (every) Scalars(a Scalars) (Arrays, error) {
	return Arrays{I64s: [1]int64{a.I64}, F64s: [1]float64{a.F64}, Flags: [2]bool{a.Flag, !a.Flag}}, nil
}
func (every) Text(a Text) (Empty, error) {
	if a.ShortName == "fail" {
		return Empty{}, errors.New("asked to fail")
	}
	return Empty{}, nil
}
func (every) Empty(Empty) (Text, error) { return Text{ShortName: "empty", Tag: [4]byte{1}}, nil }

// The generated client and server over two nodes on the loopback: every
// RPC, explicit and implicit function numbers, empty messages both ways,
// a handler's error.
func TestServiceOverLoopback(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	srv, _ := rpc.NewNode(rpc.Config{Name: "server"})
	cli, _ := rpc.NewNode(rpc.Config{Name: "client"})
	if err := RegisterEveryServer(srv, every{}); err != nil {
		t.Fatal(err)
	}
	if err := RegisterEveryServer(srv, every{}); err == nil || !strings.Contains(err.Error(), "fn 10 registered twice") {
		t.Errorf("registered twice: %v", err)
	}
	if err := RegisterEveryServer(cli, nil); err == nil {
		t.Error("a nil server registered")
	}
	if err := rpc.StartShared(ctx, srv, cli); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer cli.Close()
	c, err := rpc.ConnectLoopback(cli, srv, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	ev := NewEveryClient(c)
	if EveryScalarsFn != 10 || EveryTextFn != 11 || EveryEmptyFn != 3 {
		t.Errorf("function numbers %d %d %d, want 10 11 3", EveryScalarsFn, EveryTextFn, EveryEmptyFn)
	}
	got, err := ev.Scalars(ctx, Scalars{I64: -5, F64: 2.5, Flag: true})
	if want := (Arrays{I64s: [1]int64{-5}, F64s: [1]float64{2.5}, Flags: [2]bool{true, false}}); err != nil || got != want {
		t.Errorf("Scalars: %v %v, want %v", got, err, want)
	}
	if _, err := ev.Text(ctx, Text{ShortName: "ok"}); err != nil {
		t.Errorf("Text: %v", err)
	}
	if _, err := ev.Text(ctx, Text{ShortName: "fail"}); !errors.Is(err, rpc.ErrRemote) || !strings.Contains(err.Error(), "asked to fail") {
		t.Errorf("Text: %v, want ErrRemote with the handler's error", err)
	}
	if got, err := ev.Empty(ctx, Empty{}); err != nil || got.ShortName != "empty" || got.Tag != [4]byte{1} {
		t.Errorf("Empty: %v %v", got, err)
	}
}
