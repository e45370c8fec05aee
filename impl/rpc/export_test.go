package rpc

import "errors"

// KillServer stops a server as a crash would: its node and socket close
// and no client is told.
func KillServer(s *Server) error { return errors.Join(s.node.Close(), s.d.stop()) }
