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

// The ring's bug catalogue: mutations of the credit protocol, each caught
// by the property it names. model/ring's --bug and impl/ring's faults
// (BugFaults) share these names.
const (
	BugHeaderFirst   = "header-first"
	BugCreditOverrun = "credit-overrun"
	BugEarlyCredit   = "early-credit"
	BugPhaseStuck    = "phase-stuck"
	BugLateSeen      = "late-seen"
	BugRXEarlyCredit = "rx-early-credit"
	BugRXNoPhase     = "rx-no-phase"
)

// RingBugs is the catalogue, with the parameters each bug needs beyond the
// defaults to show.
var RingBugs = []Bug{
	{Name: BugHeaderFirst, Breaks: "no-torn-read",
		Description: "tx: the producer stores the header word (phase, valid) before the arguments, so a poll between the two takes a new header with old arguments"},
	{Name: BugCreditOverrun, Breaks: "no-overwrite",
		Description: "tx: the producer's admission test is off by one and lets it run a slot past its credit"},
	{Name: BugEarlyCredit, Breaks: "no-overwrite",
		Description: "tx: the NIC returns the credit for a line when its poll reads it, before it has forwarded (copied) the RPC"},
	{Name: BugPhaseStuck, Breaks: "no-duplicate",
		Description: "tx: the NIC ignores the lap's phase and takes any valid line at its position as new, so an old occupant is forwarded again"},
	{Name: BugLateSeen, Breaks: "no-duplicate",
		Description: "tx: the NIC's consumed count is written one poll late (Dagger's seen-bit hazard in the credit protocol); needs a poll to return to a line at once (flows=1, slots=batch)"},
	{Name: BugRXEarlyCredit, Params: []string{"dir=rx"}, Breaks: "no-overwrite",
		Description: "rx: the host returns the credit when it finds a fresh header, before it has copied the arguments"},
	{Name: BugRXNoPhase, Params: []string{"dir=rx"}, Breaks: "no-duplicate",
		Description: "rx: the host takes any valid line at its position as new, ignoring the lap's phase"},
}
