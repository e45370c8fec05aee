package spec

// systemProperties are the properties of model/system: calls from client
// applications through client rings, the client NIC, the network, the
// server NIC, the server's rings and handler, and back.
var systemProperties = []PropertyDoc{
	{Name: "response-matching", Level: LevelSystem, Kind: "always", Description: "" +
		"A client completes only a call it made and is waiting for, with that call's result. A " +
		"response written to the wrong client's ring (a response routed by a load balancer instead " +
		"of by its connection) completes another client's call with a foreign result."},
	{Name: "at-most-once", Level: LevelSystem, Kind: "always", Description: "" +
		"The server's handler runs each call at most once, however the network duplicates, delays " +
		"or reorders its packets and however often the client resends it. UDP gives no such " +
		"guarantee: a duplicated request, or a resend after a lost response, runs again."},
	{Name: "exactly-once", Level: LevelSystem, Kind: "eventually", Description: "" +
		"Every call runs exactly once and completes with its result, within the fault budget and " +
		"under weak fairness of every action but the network's faults: the guarantee of the reliable " +
		"transport (sequence numbers, acknowledgements, retransmission on timeout, receiver " +
		"de-duplication). UDP gives none: a lost request or response ends in a timeout, and a " +
		"duplicate runs twice."},
	{Name: "eventual-completion", Level: LevelSystem, Kind: "eventually", Description: "" +
		"Every call eventually completes, with its result or with a timeout, under weak fairness of " +
		"every action but the network's faults: no client waits forever. Both transports give it; " +
		"UDP only because the RPC layer gives up."},
	{Name: "all-completed-ok", Level: LevelSystem, Kind: "sometimes", Description: "" +
		"Some behaviour completes every call with its result, each run once: the system does what it " +
		"is for, so it cannot pass vacuously."},
}

// The end-to-end system's bug catalogue, each caught by the property it
// names. model/system's --bug, impl/transport's faults (BugFaults) and,
// for response-misrouted, impl/nic's share these names.
const (
	BugNoDedup           = "no-dedup"
	BugAckBeforeDelivery = "ack-before-delivery"
	BugSeqNotAdvanced    = "seq-not-advanced"
	BugRetransmitNewSeq  = "retransmit-new-seq"
	BugResponseMisrouted = "response-misrouted"
)

// SystemBugs is the catalogue, with the parameters each bug needs beyond the
// defaults to show.
var SystemBugs = []Bug{
	{Name: BugNoDedup, Breaks: "at-most-once",
		Description: "the receiver does not de-duplicate: a retransmitted or duplicated request that arrives after the original runs again"},
	{Name: BugAckBeforeDelivery, Breaks: Deadlock,
		Description: "the receiver acknowledges a packet before it has a ring slot for it; when the ring is full (another connection's call is in it) the packet is dropped although acknowledged, never resent, and its client waits forever"},
	{Name: BugSeqNotAdvanced, Params: []string{"calls=2"}, Breaks: Deadlock,
		Description: "the sender does not advance its sequence number after an acknowledgement, so its next call carries an old number, the receiver discards it as a duplicate and acknowledges it, and the client waits forever (needs calls=2)"},
	{Name: BugRetransmitNewSeq, Breaks: "at-most-once",
		Description: "a retransmission takes a new sequence number, so the receiver cannot tell it from a new call"},
	{Name: BugResponseMisrouted, Breaks: "response-matching",
		Description: "the server NIC routes a response by its load balancer (round-robin over connections) instead of by the call's connection"},
}
