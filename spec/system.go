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
