package transport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"

	"golang.org/x/net/ipv4"
)

// NetFaults make a PacketSocket a faulty network between processes: each
// datagram it writes is lost with probability Lose, else written twice
// with probability Duplicate, else held back with probability Reorder and
// written after the datagrams of the next flush (or at the next Tick).
// All draws come from one PCG seeded with Seed, so a run's faults are a
// function of the seed and the order of the writes. The zero value
// injects nothing.
type NetFaults struct {
	Seed                     uint64
	Lose, Duplicate, Reorder float64
}

// Enabled reports whether any fault is injected.
func (f NetFaults) Enabled() bool { return f.Lose > 0 || f.Duplicate > 0 || f.Reorder > 0 }

// String: "lose=0.2 dup=0.05 reorder=0.05 seed=1".
func (f NetFaults) String() string {
	return fmt.Sprintf("lose=%g dup=%g reorder=%g seed=%d", f.Lose, f.Duplicate, f.Reorder, f.Seed)
}

// Check returns ErrConfig for a probability outside 0..1.
func (f NetFaults) Check() error {
	for _, p := range []float64{f.Lose, f.Duplicate, f.Reorder} {
		if p < 0 || p > 1 || p != p {
			return fmt.Errorf("%w: fault probabilities %s, want each in 0..1", ErrConfig, f)
		}
	}
	return nil
}

// PacketCounters count what a PacketSocket did.
type PacketCounters struct {
	In, Out, ReadErrors, WriteErrors uint64
	Lost, Duplicated, Reordered      uint64 // injected by NetFaults
}

// String is a stable one-line description.
func (c PacketCounters) String() string {
	return fmt.Sprintf("in=%d out=%d read-errors=%d write-errors=%d lost=%d duplicated=%d reordered=%d",
		c.In, c.Out, c.ReadErrors, c.WriteErrors, c.Lost, c.Duplicated, c.Reordered)
}

// PacketSocket is a UDP socket with batched reads and writes (recvmmsg
// and sendmmsg on Linux, up to 64 datagrams per system call) and,
// optionally, injected network faults: the I/O of a driver that serves
// many peers from one socket (impl/rpc's Listen and Dial). Its reading
// side (Read) belongs to one goroutine; its writing side (Queue*,
// Flush, Tick) to whoever holds the driver's lock.
type PacketSocket struct {
	conn *net.UDPConn
	pc   *ipv4.PacketConn

	rmsgs []ipv4.Message

	wbuf  []byte
	ends  []int
	addrs []*net.UDPAddr
	wvecs [][]byte
	wmsgs []ipv4.Message
	held  []heldDatagram // reordered: written after the next flush's
	rng   *rand.Rand
	nf    NetFaults
	c     PacketCounters
	in    uint64 // the reader's, counted after its batch's callbacks
}

type heldDatagram struct {
	b  []byte
	to *net.UDPAddr
}

// socketBuffer is the kernel buffer each PacketSocket asks for, each
// way: the default (some 200 KiB, a few hundred datagrams with the
// kernel's overhead) overflows under a burst of a window's frames from
// several peers, and a datagram the kernel drops costs a retransmission
// period. The kernel caps it (net.core.rmem_max, wmem_max).
const socketBuffer = 4 << 20

// NewPacketSocket drives conn, which it owns from now on.
func NewPacketSocket(conn *net.UDPConn, nf NetFaults) (*PacketSocket, error) {
	if err := nf.Check(); err != nil {
		return nil, err
	}
	_ = conn.SetReadBuffer(socketBuffer) // best effort: a smaller buffer still works
	_ = conn.SetWriteBuffer(socketBuffer)
	p := &PacketSocket{conn: conn, pc: ipv4.NewPacketConn(conn), nf: nf, rmsgs: make([]ipv4.Message, batch)}
	for i := range p.rmsgs {
		p.rmsgs[i].Buffers = [][]byte{make([]byte, 2048)}
	}
	if nf.Enabled() {
		p.rng = rand.New(rand.NewPCG(nf.Seed, nf.Seed^0x5851f42d4c957f2d))
	}
	return p, nil
}

// LocalAddr is the socket's address.
func (p *PacketSocket) LocalAddr() *net.UDPAddr { return p.conn.LocalAddr().(*net.UDPAddr) }

// Close closes the socket; a Read in progress returns net.ErrClosed.
func (p *PacketSocket) Close() error { return p.conn.Close() }

// Read waits for one batch of datagrams and calls fn on each (the bytes
// are valid during the call only). It returns the read's error:
// net.ErrClosed once the socket is closed.
func (p *PacketSocket) Read(fn func(b []byte, from *net.UDPAddr)) error {
	n, err := p.pc.ReadBatch(p.rmsgs, 0)
	if err != nil {
		return err
	}
	for i := range p.rmsgs[:n] {
		m := &p.rmsgs[i]
		from, _ := m.Addr.(*net.UDPAddr)
		fn(m.Buffers[0][:m.N], from)
	}
	p.in += uint64(n)
	return nil
}

// Received is how many datagrams Read has returned (read it from the
// reading goroutine, or after it stopped).
func (p *PacketSocket) Received() uint64 { return p.in }

// QueueFrame encodes f for `to`, to be written by the next Flush.
func (p *PacketSocket) QueueFrame(f *Frame, to *net.UDPAddr) error {
	b, err := AppendFrame(p.wbuf, f)
	if err != nil {
		p.c.WriteErrors++
		return err
	}
	p.queued(b, to)
	return nil
}

// QueueBytes queues a datagram's bytes (a control packet) for `to`.
func (p *PacketSocket) QueueBytes(b []byte, to *net.UDPAddr) {
	p.queued(append(p.wbuf, b...), to)
}

func (p *PacketSocket) queued(b []byte, to *net.UDPAddr) {
	p.wbuf = b
	p.ends = append(p.ends, len(b))
	p.addrs = append(p.addrs, to)
}

// Pending is how many datagrams wait for Flush.
func (p *PacketSocket) Pending() int { return len(p.ends) }

// Flush writes the queued datagrams, in batches, through the faults. A
// write error is counted: the datagrams not written are lost as the
// network might lose them (the reliable transport resends them).
func (p *PacketSocket) Flush() {
	if len(p.ends) == 0 && len(p.held) == 0 {
		return
	}
	p.wvecs, p.wmsgs = p.wvecs[:0], p.wmsgs[:0]
	start := 0
	for _, end := range p.ends {
		p.wvecs = append(p.wvecs, p.wbuf[start:end])
		start = end
	}
	release := p.held
	p.held = nil
	for i := range p.wvecs {
		p.add(i, p.addrs[i])
	}
	for _, h := range release {
		p.wvecs = append(p.wvecs, h.b)
		p.wmsgs = append(p.wmsgs, ipv4.Message{Buffers: p.wvecs[len(p.wvecs)-1:], Addr: h.to})
	}
	p.write()
	p.wbuf, p.ends, p.addrs = p.wbuf[:0], p.ends[:0], p.addrs[:0]
}

// add puts datagram i on the write list, unless a fault takes it.
func (p *PacketSocket) add(i int, to *net.UDPAddr) {
	msg := ipv4.Message{Buffers: p.wvecs[i : i+1 : i+1], Addr: to}
	if p.rng == nil {
		p.wmsgs = append(p.wmsgs, msg)
		return
	}
	switch r := p.rng.Float64(); {
	case r < p.nf.Lose:
		p.c.Lost++
	case r < p.nf.Lose+p.nf.Duplicate:
		p.c.Duplicated++
		p.wmsgs = append(p.wmsgs, msg, msg)
	case r < p.nf.Lose+p.nf.Duplicate+p.nf.Reorder:
		p.c.Reordered++
		p.held = append(p.held, heldDatagram{b: append([]byte(nil), p.wvecs[i]...), to: to})
	default:
		p.wmsgs = append(p.wmsgs, msg)
	}
}

func (p *PacketSocket) write() {
	for msgs := p.wmsgs; len(msgs) > 0; {
		n, err := p.pc.WriteBatch(msgs[:min(len(msgs), batch)], 0)
		if err != nil || n == 0 {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			p.c.WriteErrors += uint64(len(msgs))
			return
		}
		p.c.Out += uint64(n)
		msgs = msgs[n:]
	}
}

// Tick writes the datagrams held back for reordering, if no flush has
// since: a timer's, so that a held datagram is late, not lost.
func (p *PacketSocket) Tick() {
	if len(p.held) > 0 {
		p.Flush()
	}
}

// Counters returns the writing side's counters and the datagrams read so
// far (call it under the lock the reader holds while it hands a batch
// on, as impl/rpc's driver does).
func (p *PacketSocket) Counters() PacketCounters {
	c := p.c
	c.In = p.in
	return c
}
