// Package wire is what the Go code that idl/gogen generates calls at run
// time: the checks of a message's size, its bools and its fixed strings,
// and the errors they return.
//
// Read Error first: every encoding or decoding failure of a generated
// message is one, naming the message and the field in the IDL's words
// (GetArg.key), and it matches ErrMalformed (bytes that are not an
// encoding: too short or too long, a bool byte other than 0 and 1, a
// string that is not UTF-8 or whose zero padding is not all zeros) or
// ErrInvalid (a value with no encoding: a string longer than its field
// or holding a zero byte) with errors.Is.
//
// Encodings are canonical: a decoder accepts exactly the bytes its
// encoder writes, so decoding then encoding gives back the same bytes.
//
// The package imports only the standard library.
package wire
