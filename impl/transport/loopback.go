package transport

// Loopback is an in-process wire between two endpoints, with no faults:
// Step moves every frame each side has to send to the other side's
// Receive. It holds no state and starts no goroutine; the caller steps
// it. Frames pass as values, not bytes: the wire format is exercised by
// FaultyNetwork's tests and Socket.
type Loopback struct {
	A, B Endpoint
}

// Step moves A's outgoing frames to B and B's to A, and returns how many
// it moved. Receive errors are counted by the endpoints and not reported.
func (l *Loopback) Step() int {
	n := 0
	for _, f := range l.A.Outgoing() {
		_ = l.B.Receive(f)
		n++
	}
	for _, f := range l.B.Outgoing() {
		_ = l.A.Receive(f)
		n++
	}
	return n
}

// Settle steps until nothing moves, at most limit steps, and returns the
// frames moved. With no loss a reliable pair never needs Timeout.
func (l *Loopback) Settle(limit int) int {
	total := 0
	for range limit {
		n := l.Step()
		if n == 0 {
			break
		}
		total += n
	}
	return total
}
