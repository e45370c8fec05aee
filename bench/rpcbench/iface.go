package rpcbench

import (
	"github.com/daggercheck/daggercheck/impl/ring"
	"github.com/daggercheck/daggercheck/impl/rpc"
)

// Interfaces are the rows that compare the three host–NIC interfaces of
// our stack, each as Dagger over the in-process loopback, pipelined, on
// both nodes (client and server): dagger/loopback in Targets is coherent
// polling; these are a doorbell rung per RPC, a doorbell batching up to
// doorbellBatch calls, and an MMIO window. They are not in the default
// run (--systems selects them): they answer another question than the
// comparison with gRPC-go and net/rpc.
//
// What they measure is what each interface costs our software NIC on this
// machine's cache hierarchy: a doorbell replaces the NIC's polls of the
// ring's lines by one load of a register line the host writes once per
// batch; the MMIO window holds one RPC per flow (model/ring's), so the
// host waits for the NIC's credit before every write, an RPC's round trip
// between two cores. They are not Dagger's FPGA figures: no PCIe, no
// UPI, no write-combining stores.
func Interfaces() []Target {
	return []Target{
		daggerOn("dagger-doorbell", ring.Doorbell, 1, 0),
		daggerOn("dagger-doorbell-batch", ring.Doorbell, doorbellBatch, 0),
		daggerOn("dagger-mmio", ring.MMIO, 0, 1),
	}
}

// doorbellBatch is the batching doorbell's batch, Dagger's largest
// doorbell batch on its slides.
const doorbellBatch = 16

// daggerOn is Dagger("loopback") with both nodes behind interface iface:
// batch is the doorbell's (rpc.Config.DoorbellBatch), slots the TX rings'
// size when not 0 (the MMIO window's lines).
func daggerOn(system string, iface ring.Interface, batch, slots int) Target {
	return Target{System: system, Transport: "loopback", Start: func(cfg SessionConfig) (Session, error) {
		return startDagger("loopback", false, cfg, func(c *rpc.Config) {
			c.NIC.Interface, c.DoorbellBatch = iface, batch
			if slots > 0 {
				c.RingSlots = slots
			}
		})
	}}
}
