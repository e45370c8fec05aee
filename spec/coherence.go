package spec

// coherenceProperties are the properties of model/coherence: the
// handshake between the CPU's cache, the NIC's cache and the home agent
// (directory and memory) that the host–NIC rings ride on.
var coherenceProperties = []PropertyDoc{
	{Name: "swmr", Level: LevelCoherence, Kind: "always", Description: "" +
		"Single writer or multiple readers: on every line, while one cache holds the line Modified or " +
		"Exclusive (and so may write it), the other cache holds no readable copy. This is the first " +
		"half of coherence; a home that grants ownership without invalidating every other copy — a " +
		"GetM or an upgrade served while a sharer remains — breaks it."},
	{Name: "data-value", Level: LevelCoherence, Kind: "always", Description: "" +
		"Every load returns the value last written to its line, by either cache. This is the second " +
		"half of coherence: the data itself moves correctly between the caches and memory. A " +
		"write-back lost in a race with a snoop leaves memory with an old value that a later reader " +
		"then gets."},
	{Name: "no-unexpected-message", Level: LevelCoherence, Kind: "always", Description: "" +
		"Every message arrives in a state whose transition table takes it, or waits for it (an " +
		"invalidation or snoop that overtook the grant it follows waits for the grant). A message " +
		"with no entry means a race the protocol does not handle, such as a stale snoop meeting a " +
		"cache that has already given the line back."},
	{Name: "requests-complete", Level: LevelCoherence, Kind: "leads-to", Description: "" +
		"Every request a cache issues — a read miss (GetS), a write miss (GetM or Upg) or a " +
		"write-back (PutS, PutE, PutM) — eventually completes, assuming only that every message that " +
		"stays deliverable is eventually received (weak fairness of each receive); the caches may " +
		"stop loading and storing at any time. Checked on the CPU's line 0, which covers every cache " +
		"and line because the model is symmetric in both. A home that forgets an acknowledgement " +
		"leaves a cache waiting forever."},
	{Name: "both-read-written-value", Level: LevelCoherence, Kind: "sometimes", Description: "" +
		"Some behaviour has each cache load a value the other cache stored: data really moves both " +
		"ways between the CPU and the NIC through the protocol, so the model cannot pass vacuously."},
	{Name: "exclusive-granted", Level: LevelCoherence, Kind: "sometimes", Description: "" +
		"Some cache holds a line Exclusive: the home grants a lone reader the line clean and alone, " +
		"so it may later store without asking (MESI's point; protocol=mesi only)."},
}

// The coherence handshake's bug catalogue, each caught by the property it
// names (model/coherence's --bug).
const (
	BugNoInvalidate      = "no-invalidate"
	BugUpgradeWithSharer = "upgrade-with-sharer"
	BugLostWriteback     = "lost-writeback"
	BugEarlyPutAck       = "early-put-ack"
	BugDropAck           = "drop-ack"
	BugSingleVNet        = "single-vnet"
)

// CoherenceBugs is the catalogue, with the parameters each bug needs beyond the
// defaults to show.
var CoherenceBugs = []Bug{
	{Name: BugNoInvalidate, Breaks: "swmr",
		Description: "the home grants a GetM while another cache shares the line without invalidating it, so a writer and a reader coexist"},
	{Name: BugUpgradeWithSharer, Breaks: "swmr",
		Description: "the home grants an upgrade (Upg) at once, although the other cache still shares the line"},
	{Name: BugLostWriteback, Breaks: "data-value",
		Description: "an owner whose write-back (PutM) crosses a snoop answers the snoop without data, counting on the write-back, which the home then drops as stale: memory keeps the old value and the reader gets it"},
	{Name: BugEarlyPutAck, Breaks: "no-unexpected-message",
		Description: "the home takes a write-back while it waits on the line for that cache's snoop answer, so its PutAck can overtake the snoop and the cache, back in I, meets a stale snoop"},
	{Name: BugDropAck, Breaks: "requests-complete",
		Description: "the home forgets to acknowledge a PutS from a sharer that is not the last one, so that cache waits in SI_A forever"},
	{Name: BugSingleVNet, Params: []string{"channels=ordered"}, Breaks: Deadlock,
		Description: "a cache's responses (InvAck, snoop data) share the FIFO of its requests and write-backs, so an answer the busy home waits for queues behind a write-back the home leaves waiting until the line is free; needs channels=ordered"},
}
