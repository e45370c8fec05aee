package handshake

import "github.com/daggercheck/daggercheck/checker"

// The lanes of the handshake's sequence diagrams.
const (
	laneClient  = "client"
	laneNetwork = "network"
	laneServer  = "server"
)

var _ checker.Actors = (*Model)(nil)

// Lanes are the client process, the network between them and the server
// process.
func (m *Model) Lanes() []string { return []string{laneClient, laneNetwork, laneServer} }

// Role places an action: the client's actions send into the network
// (a HELLO, a call, a CLOSE) or happen within the client (a restart, a
// timeout that fails calls); the server's restart and its expiry of a
// connection happen within it;
// the network delivers a packet to the end it is addressed to, and
// loses, duplicates or reorders it on its own lane.
func (m *Model) Role(a checker.Action) checker.Role {
	if a.Kind < 0 || a.Kind >= len(m.kinds) {
		return checker.Role{Actor: laneNetwork}
	}
	switch m.kinds[a.Kind].Name {
	case "open", "hello-timeout", "call", "close", "close-timeout":
		return checker.Role{Actor: laneClient, Peer: laneNetwork}
	case "call-timeout", "client-restart":
		return checker.Role{Actor: laneClient}
	case "server-restart", "server-expire":
		return checker.Role{Actor: laneServer}
	case "deliver":
		if len(a.Args) > 0 && ToServer(uint8(a.Args[0])) {
			return checker.Role{Actor: laneNetwork, Peer: laneServer}
		}
		return checker.Role{Actor: laneNetwork, Peer: laneClient}
	}
	return checker.Role{Actor: laneNetwork} // reorder, lose, duplicate
}
