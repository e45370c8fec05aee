// Package history is the RPC history checker behind `daggercheck
// history`. A History is what any RPC system can be seen to do from
// outside: clients call, servers execute, clients see calls complete,
// one event a line (ParseHistory reads the text form, Format writes it).
// Check judges a history against at-most-once or exactly-once delivery,
// optionally FIFO per connection, and returns the first Violation with
// the rule it breaks and its line; the rules are data (HistoryRules).
//
// It knows nothing of daggercheck's models or implementation, so any
// system that can log its calls can be checked: it imports only
// internal/textline and the standard library. The end-to-end tests of
// impl record histories and check them here (bridge/system). Read
// History first, then Check. docs/history.md shows the command.
package history
