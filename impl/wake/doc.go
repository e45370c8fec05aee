// Package wake owns parking and waking: everything in the stack that
// makes an idle goroutine sleep, and everything that wakes it.
//
// Read Bells first: one node's wake-ups. Its NIC bell is the one the
// NIC's polling goroutine parks on, rung when the host writes a TX ring
// (TXWritten) and when a packet arrives for the NIC (a transport.Socket's
// reader, a loopback wire's sending end ring it directly); its host bells,
// one per flow, are the ones the flow's threads park on, rung by the
// NIC's driver when the scheduler wrote the flow's RX ring (Delivered),
// and by a caller that files another caller's response. The cores
// (impl/ring, impl/nic's NIC, impl/transport's endpoints) ring nothing
// and call nothing back: their steps return what they wrote, and the
// drivers ring these bells.
//
// Bell is the primitive: a waiter registers (Arm), re-checks for work
// itself, then blocks (Park) until a ring, its context's end or a longest
// park; a producer rings after writing, which costs one atomic load while
// no one waits, and no wake-up is lost. The bell calls nothing back.
// Forward points a bell at another, so that the producers of several
// NICs polled by one goroutine (impl/rpc's StartShared) all wake it.
//
// Idle is the polling discipline of every free-running goroutine, as a
// value its loop consults: after a round that moved nothing, yield; after
// Spin such rounds, arm the bell, re-check, and park for at most MaxPark
// — never while work waits that no bell announces (Hold). Backoff is the
// wait between tries for room that no bell announces.
//
// The package imports only the standard library.
package wake
