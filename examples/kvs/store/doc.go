// Package store is the key-value store behind kvspb's KVS service: Store,
// a map under a lock, implements kvspb.KVSServer, and Register installs a
// new one on an rpc.Node. The cross-process server and the in-process
// tests serve it.
//
// It imports examples/kvs/kvspb, impl/rpc and the standard library.
package store
