package system

import "github.com/daggercheck/daggercheck/checker"

// The lanes of the system's sequence diagrams, from the client threads
// to the server's.
const (
	laneClient    = "client host"
	laneClientNIC = "client NIC"
	laneNetwork   = "network"
	laneServerNIC = "server NIC"
	laneServer    = "server host"
)

var _ checker.Actors = (*Model)(nil)

// Lanes are the client host, its NIC, the network, the server's NIC and
// the server host.
func (m *Model) Lanes() []string {
	return []string{laneClient, laneClientNIC, laneNetwork, laneServerNIC, laneServer}
}

// Role places an action: a call goes from a client thread to its NIC,
// which sends (and retransmits) it into the network; the network
// delivers a packet to the NIC it is addressed to, or loses, duplicates
// or reorders it; the server executes and hands its response to its NIC;
// a completion reaches the client thread.
func (m *Model) Role(a checker.Action) checker.Role {
	if a.Kind < 0 || a.Kind >= len(m.kinds) {
		return checker.Role{Actor: laneNetwork}
	}
	switch m.kinds[a.Kind].Name {
	case "call", "retry":
		return checker.Role{Actor: laneClient, Peer: laneClientNIC}
	case "give-up":
		return checker.Role{Actor: laneClient}
	case "nic-send", "retransmit":
		return checker.Role{Actor: laneClientNIC, Peer: laneNetwork}
	case "server-retransmit":
		return checker.Role{Actor: laneServerNIC, Peer: laneNetwork}
	case "server-exec":
		return checker.Role{Actor: laneServer}
	case "server-send":
		return checker.Role{Actor: laneServer, Peer: laneServerNIC}
	case "complete":
		return checker.Role{Actor: laneClientNIC, Peer: laneClient}
	case "deliver":
		if a.Args[0] == toServer {
			return checker.Role{Actor: laneNetwork, Peer: laneServerNIC}
		}
		return checker.Role{Actor: laneNetwork, Peer: laneClientNIC}
	}
	return checker.Role{Actor: laneNetwork} // lose, duplicate, reorder
}
