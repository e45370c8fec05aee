package spec

// The ring properties speak of a producer and a consumer: on the TX ring
// the CPU produces and the NIC consumes (it forwards what it takes); on the
// RX ring the NIC produces and the CPU consumes (it delivers what it takes
// to the application). "Consume" below means forward or deliver.
var ringProperties = []PropertyDoc{
	{Name: "no-duplicate", Level: LevelRing, Kind: "always", Description: "" +
		"No RPC is consumed twice. Dagger's NIC writes its per-slot seen bit one cycle after it " +
		"reads it, so two back-to-back polls of the same line can both take the line for new and " +
		"forward the same RPC twice; a consumer that judges freshness without the lap's phase takes " +
		"an old occupant for a new one."},
	{Name: "no-torn-read", Level: LevelRing, Kind: "always", Description: "" +
		"What the consumer takes is one whole producer write: the header and the arguments come from " +
		"the same RPC. Dagger stores a reused slot's header (with its new update_flag) while valid is " +
		"still 1 from the last lap and before the arguments, so a poll between the two stores sees a " +
		"new RPC with the previous RPC's arguments."},
	{Name: "no-overwrite", Level: LevelRing, Kind: "always", Description: "" +
		"The producer never starts writing a slot whose occupant the consumer has not yet consumed. " +
		"Dagger has no credits in either direction: a producer one lap ahead of the consumer writes " +
		"over an RPC that was never taken. The credit protocol admits an RPC only while the " +
		"consumer's published count leaves its slot free."},
	{Name: "no-loss", Level: LevelRing, Kind: "always", Description: "" +
		"No RPC is destroyed before the consumer holds a complete copy of it: an overwrite of an " +
		"unconsumed slot is a loss unless the consumer already read the whole occupant. This is what " +
		"a missing admission rule costs: in Dagger, the RPC is gone."},
	{Name: "fifo-order", Level: LevelRing, Kind: "always", Description: "" +
		"Each flow's RPCs are consumed exactly in production order, none skipped. Dagger's NIC judges " +
		"each line on its own, so a poll that reads slot i before its write and slot i+1 after forwards " +
		"i+1 first."},
	{Name: "eventually-consumed", Level: LevelRing, Kind: "eventually", Description: "" +
		"Under weak fairness of every action, every RPC the producer sends is eventually consumed: the " +
		"polling sweep visits every line, and nothing sent is lost or stuck."},
	{Name: "no-stall", Level: LevelRing, Kind: "leads-to", Description: "" +
		"Whenever a completely written RPC waits unconsumed in a ring, the consumer eventually catches " +
		"up with everything written (weak fairness of every action). Dagger's host judges an RX slot " +
		"fresh when its rpc_id differs from the last one consumed there, so a new occupant with the " +
		"same rpc_id is never taken and the ring stops at that slot for good."},
	{Name: "something-consumed", Level: LevelRing, Kind: "sometimes", Description: "" +
		"Some behaviour consumes every RPC of every flow: the model does what it is for, so it cannot " +
		"pass vacuously."},
}
