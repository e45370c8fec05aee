package nic

import "github.com/daggercheck/daggercheck/checker"

// The lanes of the NIC's sequence diagrams.
const (
	laneNetwork = "network"
	laneNIC     = "NIC"
	laneHost    = "host"
)

var _ checker.Actors = (*Model)(nil)

// Lanes are the network, the NIC's pipeline and the host, whose flows
// receive the scheduler's batches and whose control plane opens and
// closes connections.
func (m *Model) Lanes() []string { return []string{laneNetwork, laneNIC, laneHost} }

// Role places an action: an arrival comes from the network, a send
// delivers a batch to a host flow, the control plane's opens and closes
// come from the host, and balancing and skipping stay in the NIC.
func (m *Model) Role(a checker.Action) checker.Role {
	switch a.Kind {
	case actArrive:
		return checker.Role{Actor: laneNetwork, Peer: laneNIC}
	case actSend:
		return checker.Role{Actor: laneNIC, Peer: laneHost}
	case actOpen, actClose:
		return checker.Role{Actor: laneHost, Peer: laneNIC}
	}
	return checker.Role{Actor: laneNIC}
}
