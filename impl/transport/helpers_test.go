package transport

import (
	"encoding/binary"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
)

// packet builds the i-th test packet of connection conn: a request whose
// rpc_id is i and whose arguments are i's eight bytes.
func packet(t testing.TB, conn uint8, i uint64) Packet {
	t.Helper()
	var a [8]byte
	binary.LittleEndian.PutUint64(a[:], i)
	r, err := slot.NewRPC(conn, uint32(i), 3, a[:])
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// index recovers i from packet(t, conn, i).
func index(p Packet) uint64 {
	return binary.LittleEndian.Uint64(p.Args[:])
}

func mustReliable(t testing.TB, cfg ReliableConfig) *Reliable {
	t.Helper()
	r, err := NewReliable(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
