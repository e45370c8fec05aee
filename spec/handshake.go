package spec

// handshakeProperties are the properties of model/handshake: a client and
// a server process set up, use and close a connection over a faulty
// network while either may restart with a new incarnation.
var handshakeProperties = []PropertyDoc{
	{Name: "right-incarnation", Level: LevelHandshake, Kind: "always", Description: "" +
		"Nothing is delivered to the wrong incarnation: the server runs a call only in a connection of " +
		"the client incarnation that made it, and a client completes a call only with that call's " +
		"result. A packet of a client that has restarted, or of a server that has, is dropped or " +
		"answered with a RESET, never taken for its successor's."},
	{Name: "at-most-once", Level: LevelHandshake, Kind: "always", Description: "" +
		"No call runs twice, however the network duplicates and delays HELLOs and calls and however " +
		"often the client resends them: a duplicate HELLO never opens a second connection, and a " +
		"resent call is answered from the kept result."},
	{Name: "no-silent-loss", Level: LevelHandshake, Kind: "always", Description: "" +
		"No call is lost silently: every call the client made is in flight on its current connection " +
		"or has completed, ok or with a visible error, and a call that completed ok ran. Closing a " +
		"connection, a restart and a RESET fail the calls in flight visibly."},
	{Name: "setup-completes", Level: LevelHandshake, Kind: "leads-to", Description: "" +
		"A client that is connecting eventually has an established connection, under weak fairness " +
		"of every action but the network's faults, restarts and the application's close: late " +
		"packets of earlier connections never keep a new one from opening."},
	{Name: "calls-complete", Level: LevelHandshake, Kind: "eventually", Description: "" +
		"Every call eventually completes, ok or with a visible error, under the same fairness: no " +
		"application waits forever."},
	{Name: "restart-recovers", Level: LevelHandshake, Kind: "sometimes", Description: "" +
		"Some behaviour restarts the server and then completes a call ok on a connection to its new " +
		"incarnation: the RESET and the new handshake are reachable."},
	{Name: "client-restart-recovers", Level: LevelHandshake, Kind: "sometimes", Description: "" +
		"Some behaviour completes ok a call made by a restarted client: the server tears down the old " +
		"incarnation's connection and opens the new one."},
	{Name: "clean-close", Level: LevelHandshake, Kind: "sometimes", Description: "" +
		"Some behaviour closes the connection cleanly: the client's CLOSE is answered by CLOSED."},
}

// The handshake's bug catalogue, each caught by the property it names.
// model/handshake's --bug and impl/handshake's injectable faults share
// these names.
const (
	BugDuplicateHelloOpensTwice = "duplicate-hello-opens-twice"
	BugIgnoreIncarnation        = "ignore-incarnation"
	BugSeqRestartFromZero       = "seq-restart-from-zero"
	BugCloseDropsInflight       = "close-drops-inflight"
)

// HandshakeBugs is the catalogue, with the parameters each bug needs
// beyond the defaults to show.
var HandshakeBugs = []Bug{
	{Name: BugDuplicateHelloOpensTwice, Breaks: "at-most-once",
		Description: "a duplicate HELLO (same incarnation and seq start) opens the connection again, with a fresh recv-next and no kept results, so a call that already ran and is resent runs again"},
	{Name: BugIgnoreIncarnation, Breaks: "right-incarnation",
		Description: "endpoints do not compare a data packet's incarnations with the connection's: the server runs a call of a dead client incarnation in its successor's connection"},
	{Name: BugSeqRestartFromZero, Breaks: "right-incarnation",
		Description: "every handshake starts its sequence numbers at 0, and the server welcomes a restarted client's new incarnation onto the old connection, keeping its transport state: the new incarnation's first call carries a number the old one used, and gets the old call's result without running"},
	{Name: BugCloseDropsInflight, Breaks: "no-silent-loss",
		Description: "close discards the calls in flight instead of failing them: their callers never learn their fate"},
}
