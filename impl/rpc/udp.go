package rpc

import (
	"fmt"
	"net"
	"time"

	"github.com/daggercheck/daggercheck/impl/transport"
)

// UDPOptions configure ConnectUDP.
type UDPOptions struct {
	// Reliable runs impl/transport's reliable transport (go-back-N with
	// acks and retransmission) over the sockets; otherwise best-effort
	// UDP, Dagger's own, where a lost packet is a lost call (it ends by
	// its context).
	Reliable bool
	// Window is the reliable transport's window (default
	// transport.DefaultWindow); RTO its retransmission period (default
	// 10ms).
	Window int
	RTO    time.Duration
	// Queue bounds each endpoint's send and receive queues (default: the
	// transport's).
	Queue int
	// Faults make both sockets a seeded faulty network (loss,
	// duplication, reordering of the datagrams each writes); the client's
	// socket draws from Faults.Seed, the server's from Faults.Seed+1.
	Faults transport.NetFaults
}

// ConnectUDP connects over real UDP sockets on 127.0.0.1, one per side
// (transport.Socket), which the nodes close when they are closed. A
// socket's reader rings its node's NIC bell when frames arrive; the NIC's
// driver takes the deliveries.
func ConnectUDP(cn, sn *Node, conn uint8, flow int, opt UDPOptions) (*Client, error) {
	ca, err := transport.ListenLoopback()
	if err != nil {
		return nil, fmt.Errorf("rpc: udp: %w", err)
	}
	sa, err := transport.ListenLoopback()
	if err != nil {
		ca.Close()
		return nil, fmt.Errorf("rpc: udp: %w", err)
	}
	endpoint := func() (transport.Endpoint, error) {
		if opt.Reliable {
			return transport.NewReliable(transport.ReliableConfig{Conn: uint16(conn), Window: opt.Window, RecvQueue: opt.Queue, SendQueue: opt.Queue})
		}
		return transport.NewUDP(transport.UDPConfig{Conn: uint16(conn), SendQueue: opt.Queue, RecvQueue: opt.Queue})
	}
	socket := func(n *Node, c *net.UDPConn, peer *net.UDPConn, seed uint64) (*transport.Socket, error) {
		ep, err := endpoint()
		if err != nil {
			return nil, err
		}
		nf := opt.Faults
		nf.Seed = seed
		return transport.NewSocket(transport.SocketConfig{Conn: c, Peer: peer.LocalAddr().(*net.UDPAddr), Endpoint: ep, RTO: opt.RTO,
			Bell: n.bells.NIC(), Faults: nf})
	}
	cs, err := socket(cn, ca, sa, opt.Faults.Seed)
	if err != nil {
		ca.Close()
		sa.Close()
		return nil, fmt.Errorf("%w: udp: %w", ErrConfig, err)
	}
	ss, err := socket(sn, sa, ca, opt.Faults.Seed+1)
	if err != nil {
		cs.Close()
		sa.Close()
		return nil, fmt.Errorf("%w: udp: %w", ErrConfig, err)
	}
	c, err := Connect(cn, sn, conn, flow, cs, ss)
	if err != nil {
		cs.Close()
		ss.Close()
		return nil, err
	}
	cn.addCloser(cs.Close)
	sn.addCloser(ss.Close)
	return c, nil
}
