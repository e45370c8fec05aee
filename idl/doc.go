// Package idl is the interface language of Dagger's RPCs, in the spirit
// of Dagger's .dproto files: messages of fixed-size fields and services
// of RPCs, each message laid out in the 52 bytes of one slot's payload.
//
// Read Parse first: it takes a file's text and returns a File whose
// messages are laid out (every field's byte offset, every message's
// size) and whose RPCs are resolved (their argument and result messages,
// their function numbers), or an ErrorList whose every line reads
// "file:line:col: reason".
//
//	// kvs.dproto
//	message GetArg { string[16] key; }
//	message GetRet { bool found; bytes[32] value; }
//	service KVS {
//		rpc Get(GetArg) returns (GetRet);     // fn 1
//		rpc Put(GetArg) returns (GetRet) = 7; // fn 7
//	}
//
// The grammar, in EBNF (comments run from // to the end of the line):
//
//	file    = { message | service } .
//	message = "message" name "{" { field } "}" .
//	field   = type name ";" .
//	type    = scalar [ "[" length "]" ] | ( "string" | "bytes" ) "[" length "]" .
//	scalar  = "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" |
//	          "float32" | "float64" | "bool" .
//	service = "service" name "{" { rpc } "}" .
//	rpc     = "rpc" name "(" name ")" "returns" "(" name ")" [ "=" number ] ";" .
//	name    = letter { letter | digit | "_" } .
//
// Layout: a message's fields follow one another in declaration order,
// packed (no padding), little-endian; a bool is one byte (0 or 1), an
// array its elements in order, string[N] N bytes of UTF-8 padded with
// zero bytes, bytes[N] N bytes. A message over MaxSize bytes is an error
// that names the field that overflows.
//
// Function numbers: within a service, an RPC with "= N" has function
// number N (0..65535); one without has the previous RPC's number plus
// one, the first 1 — so a service without any "= N" numbers its RPCs in
// declaration order from 1. Two RPCs of a service with one number are an
// error.
//
// The package knows nothing of Go: idl/gogen turns a File into Go code,
// cmd/daggergen is the command that go generate runs, and idl/wire holds
// what the generated code calls at run time. It imports only the
// standard library.
package idl
