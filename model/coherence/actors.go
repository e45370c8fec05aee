package coherence

import "github.com/daggercheck/daggercheck/checker"

var _ checker.Actors = (*Model)(nil)

// Lanes are the CPU's cache, the home agent between the caches, and the
// NIC's cache.
func (m *Model) Lanes() []string { return []string{agentNames[0], agentNames[Home], agentNames[1]} }

// Role places an action: loads and stores that hit stay in their cache;
// misses and evictions send a request to the home agent; a receive is
// drawn as the message arriving from its sender.
func (m *Model) Role(a checker.Action) checker.Role {
	agent := func(i int) string {
		if i < 0 || i >= len(agentNames) {
			return agentNames[Home]
		}
		return agentNames[i]
	}
	switch a.Kind {
	case actLoad, actStore:
		return checker.Role{Actor: agent(a.Args[0])}
	case actLoadMiss, actStoreMiss, actEvict:
		return checker.Role{Actor: agent(a.Args[0]), Peer: agentNames[Home]}
	case actHomeRecv:
		return checker.Role{Actor: agentNames[Home], Peer: agent(a.Args[0]), Receive: true}
	default: // actCacheRecv
		return checker.Role{Actor: agent(a.Args[0]), Peer: agentNames[Home], Receive: true}
	}
}
