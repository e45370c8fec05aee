package ring

import "github.com/daggercheck/daggercheck/checker"

// The lanes of the ring's sequence diagrams: the host's CPU, whose
// memory holds the rings, and the NIC.
const (
	laneCPU = "CPU"
	laneNIC = "NIC"
)

var _ checker.Actors = (*Model)(nil)

// Lanes are the CPU and the NIC.
func (m *Model) Lanes() []string { return []string{laneCPU, laneNIC} }

// Role places an action: the CPU's stores into its own memory stay on
// its lane; the NIC's polls and DMA reads of that memory are drawn as
// the line coming from the CPU; MMIO stores, doorbells, the NIC's writes
// of the RX ring and credits cross from one to the other.
func (m *Model) Role(a checker.Action) checker.Role {
	if a.Kind < 0 || a.Kind >= len(m.kinds) {
		return checker.Role{Actor: laneCPU}
	}
	switch m.kinds[a.Kind].Name {
	case "write-header", "write-args", "fence", "write-valid", "load-header", "load-args", "recheck":
		return checker.Role{Actor: laneCPU}
	case "mmio-write", "mmio-write-lo", "mmio-write-hi", "doorbell":
		return checker.Role{Actor: laneCPU, Peer: laneNIC}
	case "poll-line", "dma-read":
		return checker.Role{Actor: laneNIC, Peer: laneCPU, Receive: true}
	case "nic-write":
		return checker.Role{Actor: laneNIC, Peer: laneCPU}
	case "return-credit":
		if m.RX {
			return checker.Role{Actor: laneCPU, Peer: laneNIC}
		}
		return checker.Role{Actor: laneNIC, Peer: laneCPU}
	}
	return checker.Role{Actor: laneNIC} // process, mmio-take
}
