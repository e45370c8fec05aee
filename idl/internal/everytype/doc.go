// Package everytype is the generated code of everytype.dproto, which has
// every kind of field the IDL language has, for the tests and the fuzzing
// of idl/gogen's encoders and decoders.
//
// It imports impl/rpc and idl/wire.
package everytype

//go:generate go run github.com/daggercheck/daggercheck/cmd/daggergen everytype.dproto
