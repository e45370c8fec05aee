package kvspb

// Value is a value of the store made from s: its first 32 bytes, padded
// with zero bytes (values are exactly 32 bytes; kvs.dproto's bytes[32]).
func Value(s string) [32]byte {
	var v [32]byte
	copy(v[:], s)
	return v
}
