package wire

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The two classes of Error.
var (
	// ErrMalformed: the bytes are not an encoding of the message.
	ErrMalformed = errors.New("malformed message")
	// ErrInvalid: the value has no encoding.
	ErrInvalid = errors.New("invalid message")
)

// Error is a message that could not be decoded or encoded. Its text is
// short, as a server's handler errors travel back in one slot's 52
// bytes: "decode GetArg: 3 bytes, want 16".
type Error struct {
	Encode  bool   // encoding (ErrInvalid), not decoding (ErrMalformed)
	Message string // the IDL's message name
	Field   string // the IDL's field name; "" for the whole message
	Reason  string
}

func (e *Error) Error() string {
	verb := "decode"
	if e.Encode {
		verb = "encode"
	}
	if e.Field == "" {
		return verb + " " + e.Message + ": " + e.Reason
	}
	return verb + " " + e.Message + "." + e.Field + ": " + e.Reason
}

// Is makes an Error match ErrMalformed or ErrInvalid.
func (e *Error) Is(target error) bool {
	return target == ErrInvalid && e.Encode || target == ErrMalformed && !e.Encode
}

// CheckSize is nil when b is exactly size bytes, message's encoding's
// size, and an Error otherwise.
func CheckSize(message string, b []byte, size int) error {
	if len(b) == size {
		return nil
	}
	return &Error{Message: message, Reason: fmt.Sprintf("%d bytes, want %d", len(b), size)}
}

// Bool decodes a bool's byte: 0 or 1.
func Bool(message, field string, c byte) (bool, error) {
	switch c {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, &Error{Message: message, Field: field, Reason: fmt.Sprintf("bool byte %d, want 0 or 1", c)}
}

// PutString writes s into dst, a string[len(dst)] field, padded with
// zero bytes. s must be UTF-8 without zero bytes, and fit.
func PutString(message, field string, dst []byte, s string) error {
	switch {
	case len(s) > len(dst):
		return &Error{Encode: true, Message: message, Field: field, Reason: fmt.Sprintf("%d bytes, over string[%d]", len(s), len(dst))}
	case strings.IndexByte(s, 0) >= 0:
		return &Error{Encode: true, Message: message, Field: field, Reason: "holds a zero byte"}
	case !utf8.ValidString(s):
		return &Error{Encode: true, Message: message, Field: field, Reason: "not UTF-8"}
	}
	clear(dst[copy(dst, s):])
	return nil
}

// String decodes a string[len(src)] field: UTF-8 up to the first zero
// byte, and zero bytes after it.
func String(message, field string, src []byte) (string, error) {
	n := bytes.IndexByte(src, 0)
	if n < 0 {
		n = len(src)
	}
	for i, c := range src[n:] {
		if c != 0 {
			return "", &Error{Message: message, Field: field, Reason: fmt.Sprintf("byte %d after the string's end", n+i)}
		}
	}
	if !utf8.Valid(src[:n]) {
		return "", &Error{Message: message, Field: field, Reason: "not UTF-8"}
	}
	return string(src[:n]), nil
}
