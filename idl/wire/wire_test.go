package wire

import (
	"errors"
	"testing"
)

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		err            error
		text           string
		malformed, bad bool
	}{
		{CheckSize("M", []byte{1}, 2), "decode M: 1 bytes, want 2", true, false},
		{func() error { _, err := Bool("M", "f", 9); return err }(), "decode M.f: bool byte 9, want 0 or 1", true, false},
		{func() error { _, err := String("M", "s", []byte{'a', 0, 'b'}); return err }(), "decode M.s: byte 2 after the string's end", true, false},
		{PutString("M", "s", make([]byte, 1), "ab"), "encode M.s: 2 bytes, over string[1]", false, true},
	} {
		if tc.err == nil || tc.err.Error() != tc.text || errors.Is(tc.err, ErrMalformed) != tc.malformed || errors.Is(tc.err, ErrInvalid) != tc.bad {
			t.Errorf("%v, want %q (malformed %t, invalid %t)", tc.err, tc.text, tc.malformed, tc.bad)
		}
	}
}

// A string fills its field up to the first zero byte; the rest is zero
// padding, cleared whatever dst held.
func TestStringPadding(t *testing.T) {
	dst := []byte("xxxxxx")
	if err := PutString("M", "s", dst, "hé"); err != nil || string(dst) != "h\xc3\xa9\x00\x00\x00" {
		t.Fatalf("%q %v", dst, err)
	}
	s, err := String("M", "s", dst)
	if err != nil || s != "hé" {
		t.Fatalf("%q %v", s, err)
	}
	if s, err := String("M", "s", []byte("full")); err != nil || s != "full" {
		t.Fatalf("a string filling its field: %q %v", s, err)
	}
	if ok, err := Bool("M", "f", 1); !ok || err != nil {
		t.Fatal(ok, err)
	}
}
