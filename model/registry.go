package model

import (
	"slices"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/grid"
	"github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/model/system"
)

// Default is the model `daggercheck check` checks when none is named.
const Default = "ring"

var models = []cli.Model{
	cli.Register[ring.State]("ring", "the host–NIC TX and RX rings: Dagger's published protocol and our credit protocol",
		ring.Params, ring.Bugs, ring.New).WithSpace(ring.Space),
	cli.Register[coherence.State]("coherence", "the coherence handshake between the CPU cache, the NIC cache and the home agent (MESI or MSI)",
		coherence.Params, coherence.Bugs, coherence.New).WithSpace(coherence.Space),
	cli.Register[nic.State]("nic", "the NIC pipeline: request buffer, load balancer, flow FIFOs, batching TX scheduler and connection table",
		nic.Params, nic.Bugs, nic.New).WithSpace(nic.Space),
	cli.Register[system.State]("system", "two hosts end to end: clients, NICs, a faulty network, the udp or reliable transport, the server's handler",
		system.Params, system.Bugs, system.New).WithSpace(system.Space),
	cli.Register[handshake.State]("handshake", "connection setup and teardown across processes: incarnations, HELLO/WELCOME, RESET, CLOSE over a faulty network, with restarts",
		handshake.Params, handshake.Bugs, handshake.New),
	cli.Register[grid.State]("grid", "example: counters that count up to a bound (exact counts known by formula)",
		grid.Params, grid.Bugs, grid.New).WithSpace(grid.Space),
}

// All lists the models, by name.
func All() []cli.Model { return slices.Clone(models) }

// Lookup finds a model by name; the error, wrapping cli.ErrUnknownModel,
// names the known models.
func Lookup(name string) (cli.Model, error) { return cli.Lookup(models, name) }
