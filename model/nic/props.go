package nic

import (
	"math/bits"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/spec"
)

// Properties of the NIC pipeline, named and described by the spec
// catalogue. buffer-conservation is a predicate on the state (a leaked
// slot is neither free nor referenced); the other safety properties are
// judged on the step that breaks them, which sets a bit in State.Bad.
// eventually-delivered assumes the network's and the NIC's actions
// (arrive, balance, send, skip) weakly fair, and nothing of the control
// plane: it may open and close connections at any time, for ever, or
// never again. That is a stronger property than fairness of every action,
// which would oblige every behaviour to close every connection again and
// again.
//
// The balancer's properties speak of the policy they name and hold
// trivially under the others: round-robin-fair under lb=round-robin,
// key-affinity under lb=key-hash.
func (m *Model) Properties() []checker.Property[State] {
	doc := func(name string) string { return spec.Lookup(spec.LevelNIC, name).Summary() }
	bit := func(name string, b uint8) checker.Property[State] {
		return checker.Invariant(name, doc(name), func(s State) bool { return s.Bad&b == 0 })
	}
	fair := []string{actionKinds[actArrive].Name, actionKinds[actBalance].Name, actionKinds[actSend].Name, actionKinds[actSkip].Name}
	return []checker.Property[State]{
		checker.Invariant("buffer-conservation", doc("buffer-conservation"), m.conserved),
		bit("lb-in-range", badRange),
		bit("response-affinity", badResponse),
		bit("key-affinity", badKey),
		bit("round-robin-fair", badRR),
		bit("connection-safety", badConn),
		checker.Possible("something-delivered", doc("something-delivered"), func(s State) bool { return s.Delivered > 0 }),
		checker.Finally("eventually-delivered", doc("eventually-delivered"), m.drained, fair...),
	}
}

// conserved: free slots + slots waiting for the balancer + slots queued
// in flow FIFOs = the buffer's capacity.
func (m *Model) conserved(s State) bool {
	n := bits.OnesCount8(s.Free) + int(s.NPending)
	for f := 0; f < m.Flows; f++ {
		n += int(s.Len[f])
	}
	return n == m.Buffer
}

// drained: every RPC has arrived and none waits in the pipeline: each
// admitted RPC was delivered or dropped for a counted reason (a full
// FIFO, or a connection closed while it waited).
func (m *Model) drained(s State) bool {
	if int(s.Arrived) != m.RPCs || s.NPending != 0 {
		return false
	}
	for f := 0; f < m.Flows; f++ {
		if s.Len[f] != 0 {
			return false
		}
	}
	return true
}

// queued is how many RPCs wait in the pipeline (for the balancer or in a
// FIFO).
func (m *Model) queued(s State) int {
	n := int(s.NPending)
	for f := 0; f < m.Flows; f++ {
		n += int(s.Len[f])
	}
	return n
}

// Dropped is how many arrived RPCs were dropped: on a closed connection
// or a full buffer at arrival, on a full FIFO, or (credit) at the
// scheduler because their connection closed while they waited.
func (m *Model) Dropped(s State) int { return int(s.Arrived) - int(s.Delivered) - m.queued(s) }
