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
