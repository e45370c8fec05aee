package spec

// The NIC properties speak of the pipeline between the network and the
// host's RX rings: an RPC that arrives takes a slot of the request buffer,
// the load balancer pushes the slot's index into a flow FIFO, and the TX
// scheduler writes it into the flow's RX ring ("delivers" it) and frees
// the slot.
var nicProperties = []PropertyDoc{
	{Name: "buffer-conservation", Level: LevelNIC, Kind: "always", Description: "" +
		"Every request-buffer slot is accounted for: free slots plus slots waiting for the balancer " +
		"plus slots queued in flow FIFOs equal the buffer's capacity. Dagger drops the index when a " +
		"flow FIFO is full and never returns its slot to the free list, so the buffer leaks a slot " +
		"per overflow until every arrival is dropped."},
	{Name: "lb-in-range", Level: LevelNIC, Kind: "always", Description: "" +
		"The load balancer only picks flows that exist: the chosen flow is below the number of " +
		"flows. Dagger's round-robin counter wraps at a register that holds flows-1; comparing " +
		"with the wrong bound sends a request to a FIFO that is not there."},
	{Name: "response-affinity", Level: LevelNIC, Kind: "always", Description: "" +
		"Responses are never load-balanced: each goes to its connection's flow (client_flow_id), " +
		"where the client waiting for it polls. Only requests are spread over flows."},
	{Name: "key-affinity", Level: LevelNIC, Kind: "always", Description: "" +
		"Under key-hash balancing, all requests with the same key go to the same flow, so a " +
		"partitioned service finds each key's state on one thread. The model remembers where each " +
		"key first went and judges every later placement of that key."},
	{Name: "round-robin-fair", Level: LevelNIC, Kind: "always", Description: "" +
		"Under round-robin balancing, the balancer's requests visit the flows in turn: the k-th " +
		"request goes to flow k mod flows, so any flows consecutive requests reach every flow " +
		"once. The model counts requests in a ghost and judges each placement; a choice outside " +
		"the flows is lb-in-range's to report."},
	{Name: "connection-safety", Level: LevelNIC, Kind: "always", Description: "" +
		"Nothing is delivered on a closed connection, and the control plane reports the right " +
		"status for the requested c_id: open of an open connection AlreadyOpen, close of a closed " +
		"one IsClosed, an id outside the table IdWrong, OK otherwise. Dagger drops RPCs on a " +
		"closed connection when they arrive, but its TX scheduler never looks at the table, so an " +
		"RPC queued before its connection closed is still delivered."},
	{Name: "eventually-delivered", Level: LevelNIC, Kind: "eventually", Description: "" +
		"Every RPC the NIC admits is eventually delivered to its host flow or dropped for a counted " +
		"reason (a full FIFO, a connection closed while it waited): the pipeline drains, under weak " +
		"fairness of the network's and the NIC's steps, while the control plane may open and close " +
		"connections or not. Dagger's scheduler writes a flow only when its FIFO holds a whole " +
		"batch, so with batch > 1 a flow with fewer pending entries starves for ever; ours flushes " +
		"a partial batch the second time the scheduler comes round to it."},
	{Name: "something-delivered", Level: LevelNIC, Kind: "sometimes", Description: "" +
		"Some behaviour delivers an RPC to a host flow: the pipeline does what it is for, so the " +
		"model cannot pass vacuously."},
}

// The NIC's bug catalogue: mutations of the NIC pipeline, each caught by
// the property it names. model/nic's --bug and impl/nic's faults
// (BugFaults) share these names.
const (
	BugResponseBalanced  = "response-balanced"
	BugLeakOnOverflow    = "leak-on-overflow"
	BugNoFlush           = "no-flush"
	BugStatusSwap        = "status-swap"
	BugDeliverAfterClose = "deliver-after-close"
	BugRRWrapLate        = "rr-wrap-late"
	BugRRWrapEarly       = "rr-wrap-early"
	BugRehashOnFull      = "rehash-on-full"
)

// NICBugs is the catalogue, with the parameters each bug needs beyond the
// defaults to show.
var NICBugs = []Bug{
	{Name: BugResponseBalanced, Breaks: "response-affinity",
		Description: "responses go through the request load balancer instead of to their connection's flow"},
	{Name: BugLeakOnOverflow, Breaks: "buffer-conservation",
		Description: "when a flow FIFO is full the balancer drops the index but forgets to return its buffer slot to the free list"},
	{Name: BugNoFlush, Params: []string{"batch=2"}, Breaks: "eventually-delivered",
		Description: "the TX scheduler never flushes a partial batch, so a flow with fewer than batch entries starves; needs batch > 1"},
	{Name: BugStatusSwap, Breaks: "connection-safety",
		Description: "the control plane swaps two status codes: opening an open connection reports IsClosed and closing a closed one reports AlreadyOpen"},
	{Name: BugDeliverAfterClose, Breaks: "connection-safety",
		Description: "the TX scheduler delivers the queued RPCs of a connection that was closed while they waited"},
	{Name: BugRRWrapLate, Breaks: "lb-in-range",
		Description: "the round-robin counter wraps after flows instead of flows-1, so every flows+1-th request is sent to a flow that does not exist"},
	{Name: BugRRWrapEarly, Breaks: "round-robin-fair",
		Description: "the round-robin counter wraps one flow early, so the last flow never gets a balanced request; needs flows > 1"},
	{Name: BugRehashOnFull, Params: []string{"lb=key-hash"}, Breaks: "key-affinity",
		Description: "when a key's flow FIFO is full the key-hash balancer moves the request to the next flow instead of dropping it; needs lb=key-hash"},
}
