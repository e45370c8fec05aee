// Package gogen turns a checked IDL file (idl.File) into Go: one type per
// message with its fixed little-endian encoding, and per service a typed
// client over an rpc.Client, a server interface and the function that
// installs it on an rpc.Node. cmd/daggergen is the command around it,
// which go generate runs.
//
// Read Generate first. Its output is gofmt'ed and depends only on the
// file and the Options (no map order, no time, no paths but the source's
// base name), so committed generated code can be checked by generating
// it again. For message M and service S, with rpc R(A) returns (B) = N:
//
//	type M struct{ ... }                          // the fields, with Go names (value_len: ValueLen)
//	const MSize = ...                             // its bytes in a slot
//	func (m M) AppendBinary(b []byte) ([]byte, error) // encoding.BinaryAppender
//	func (m M) MarshalBinary() ([]byte, error)
//	func (m *M) UnmarshalBinary(b []byte) error    // exactly MSize bytes
//	func (m M) String() string
//	const SRFn uint16 = N
//	type SClient struct{ ... }
//	func NewSClient(c *rpc.Client) *SClient
//	func (c *SClient) R(ctx context.Context, arg A) (B, error) // blocking
//	func (c *SClient) GoR(arg A, tag uint64) (uint32, error)  // non-blocking
//	func (c *SClient) RResult(cp *rpc.Completion) (B, error)  // its completion, decoded
//	type SServer interface{ R(arg A) (B, error); ... }
//	func RegisterSServer(node *rpc.Node, impl SServer) error
//
// Go names that collide (two IDL names with one Go name, a field named
// string whose Go name is the String method, an rpc Get beside an rpc
// GoGet) are errors at the IDL position of the later one, in the same
// idl.ErrorList form as the parser's.
//
// It imports idl and the standard library; the code it writes imports
// impl/rpc and idl/wire.
package gogen
