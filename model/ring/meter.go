package ring

import (
	"math/bits"

	"github.com/daggercheck/daggercheck/checker"
)

// Names of the costs Measure reports.
const (
	CostCoherence = "coherence-messages" // requests, snoops, invalidations, data and acks on the coherent link
	CostMMIO      = "mmio-writes"        // CPU writes into the NIC's register space
	CostDMARead   = "dma-reads"          // NIC reads of host memory over PCIe
	CostDMAWrite  = "dma-writes"         // NIC writes into host memory over PCIe
	CostRPCs      = "rpcs"               // RPCs consumed, the unit to divide by
)

// line is what the meter knows of one cache line: whether the CPU holds
// it exclusively (it may store without asking) and whether the NIC holds
// a valid copy (its poll hits without asking).
type line struct{ cpu, nic bool }

// store is a write by one side: ownership must move to it unless it has
// it; the other side's copy is invalidated.
func (l *line) store(cpuSide bool, msgs *int) {
	mine, theirs := &l.cpu, &l.nic
	if !cpuSide {
		mine, theirs = &l.nic, &l.cpu
	}
	if !*mine {
		*msgs += 2 // ownership request, grant with data
		if *theirs {
			*msgs += 2 // invalidation of the other copy, its ack
		}
	}
	*mine, *theirs = true, false
}

// load is a read by one side: a miss fetches the line (snooping it from
// the other side if that side owns it); a hit costs nothing.
func (l *line) load(cpuSide bool, msgs *int) {
	mine, theirs := &l.nic, &l.cpu
	if cpuSide {
		mine, theirs = &l.cpu, &l.nic
	}
	if *mine {
		return
	}
	*msgs += 2 // read request, data
	if *theirs {
		*msgs++ // snoop of the owner, which keeps a shared copy
	}
	*mine = true
}

// Measure counts the interconnect transactions of a behaviour, the
// model's version of Dagger's efficiency argument. With the coherent
// interface the ring lives in host memory and both sides cache it: a
// store costs messages only when the line must change hands, and a poll
// of a line nobody wrote since the last poll hits in the NIC's cache for
// free. With doorbells each batch costs one MMIO write and each line one
// DMA read; with MMIO each RPC costs one MMIO write (two if split). The
// credit lines cost what their owners' writes and the other side's reads
// of them cost. RX lines are written by the NIC over PCIe, as in Dagger.
func (m *Model) Measure(states []State, actions []checker.Action) []checker.Count {
	var msgs, mmio, dmaR, dmaW int
	ring := make([][]line, m.Flows)
	credit := make([]line, m.Flows) // the consumer's credit line
	for f := range ring {
		ring[f] = make([]line, m.Slots)
	}
	for i := 1; i < len(states); i++ {
		from, to := &states[i-1], &states[i]
		f := actions[i].Args[0]
		name := m.kinds[actions[i].Kind].Name
		changed := -1
		for j := 0; j < m.Slots; j++ {
			if from.F[f].Ring[j] != to.F[f].Ring[j] {
				changed = j
			}
		}
		cpuProduces := !m.RX
		// A producer's first store of an RPC reads the consumer's credit
		// line (credit protocol) to admit it.
		if !m.Dagger && to.F[f].Sent > from.F[f].Sent && (m.RX || m.Interface == "coherent") {
			credit[f].load(cpuProduces, &msgs)
		}
		switch name {
		case "write-header", "write-args", "write-valid":
			if m.Interface == "coherent" && changed >= 0 {
				ring[f][changed].store(true, &msgs)
			}
		case "poll-line":
			ring[f][actions[i].Args[1]].load(false, &msgs)
		case "doorbell", "mmio-write", "mmio-write-lo", "mmio-write-hi":
			mmio++
		case "dma-read":
			dmaR++
		case "nic-write":
			dmaW++
		case "return-credit":
			switch {
			case m.RX:
				credit[f].store(true, &msgs) // the host's credit line, read by the NIC
			case m.Interface == "coherent":
				credit[f].store(false, &msgs)
			default:
				dmaW++ // the NIC writes its count into host memory
			}
		}
	}
	rpcs := 0
	last := states[len(states)-1]
	for f := 0; f < m.Flows; f++ {
		rpcs += bits.OnesCount8(last.F[f].Taken)
	}
	return []checker.Count{{Name: CostCoherence, N: msgs}, {Name: CostMMIO, N: mmio},
		{Name: CostDMARead, N: dmaR}, {Name: CostDMAWrite, N: dmaW}, {Name: CostRPCs, N: rpcs}}
}
