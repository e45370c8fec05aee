package rpc

import "errors"

// KillServer stops a server as a crash would: its node and socket close
// and no client is told.
func KillServer(s *Server) error { return errors.Join(s.node.Close(), s.d.stop()) }

// KillClient stops a dialed client as a crash would: its node and socket
// close and the server is not told.
func KillClient(c *Client) error { return c.dial.shutdown() }
