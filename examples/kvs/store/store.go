package store

import (
	"sync"

	"github.com/daggercheck/daggercheck/examples/kvs/kvspb"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// Store is a map from keys to versioned values, safe for the concurrent
// calls of a node's server threads.
type Store struct {
	mu sync.Mutex
	m  map[string]entry
}

type entry struct {
	version uint32
	value   [32]byte
}

// Compile-time check that Store is a server of kvs.dproto's service.
var _ kvspb.KVSServer = (*Store)(nil)

// New is an empty store.
func New() *Store { return &Store{m: map[string]entry{}} }

// Register installs a new, empty store on node and returns it.
func Register(node *rpc.Node) (*Store, error) {
	s := New()
	if err := kvspb.RegisterKVSServer(node, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Get is the key's value and version, if it is there.
func (s *Store) Get(arg kvspb.Key) (kvspb.GetRet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[arg.Key]
	return kvspb.GetRet{Found: ok, Version: e.version, Value: e.value}, nil
}

// Set stores the value under the key and returns the key's new version.
func (s *Store) Set(arg kvspb.SetArg) (kvspb.SetRet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[arg.Key]
	e.version++
	e.value = arg.Value
	s.m[arg.Key] = e
	return kvspb.SetRet{Version: e.version}, nil
}

// Delete removes the key, saying whether it was there.
func (s *Store) Delete(arg kvspb.Key) (kvspb.DeleteRet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[arg.Key]
	delete(s.m, arg.Key)
	return kvspb.DeleteRet{Found: ok}, nil
}

// Len is the number of keys.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
