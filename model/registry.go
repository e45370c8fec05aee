package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/grid"
	"github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
)

// Entry is one model the tools can check: its parameters, its bug
// catalogue and how to build a checker for it.
type Entry struct {
	Name   string
	Doc    string
	Params []spec.Param
	Bugs   []spec.Bug
	build  func(v spec.Values, bug string, opts checker.Options) (checker.Runner, error)
}

// Default is the model `daggercheck check` checks when none is named.
const Default = "ring"

var entries = []Entry{
	register[ring.State]("ring", "the host–NIC TX and RX rings: Dagger's published protocol and our credit protocol",
		ring.Params, ring.Bugs, ring.New),
	register[coherence.State]("coherence", "the coherence handshake between the CPU cache, the NIC cache and the home agent (MESI or MSI)",
		coherence.Params, coherence.Bugs, coherence.New),
	register[nic.State]("nic", "the NIC pipeline: request buffer, load balancer, flow FIFOs, batching TX scheduler and connection table",
		nic.Params, nic.Bugs, nic.New),
	register[system.State]("system", "two hosts end to end: clients, NICs, a faulty network, the udp or reliable transport, the server's handler",
		system.Params, system.Bugs, system.New),
	register[grid.State]("grid", "example: counters that count up to a bound (exact counts known by formula)",
		grid.Params, grid.Bugs, grid.New),
}

// register makes the entry of a model whose package offers its parameters,
// its bug catalogue and a constructor.
func register[S any, M checker.Model[S]](name, doc string, params []spec.Param, bugs []spec.Bug,
	newModel func(spec.Values, string) (M, error)) Entry {
	return Entry{Name: name, Doc: doc, Params: params, Bugs: bugs,
		build: func(v spec.Values, bug string, opts checker.Options) (checker.Runner, error) {
			m, err := newModel(v, bug)
			if err != nil {
				return nil, err
			}
			return checker.New[S](m, opts), nil
		}}
}

// All lists the models, by name.
func All() []Entry { return slices.Clone(entries) }

// Lookup finds a model by name; the error names the known models.
func Lookup(name string) (Entry, error) {
	for _, e := range entries {
		if e.Name == name {
			return e, nil
		}
	}
	known := make([]string, len(entries))
	for i, e := range entries {
		known[i] = e.Name
	}
	return Entry{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownModel, name, strings.Join(known, ", "))
}

// ErrUnknownModel and ErrUnknownBug report names that are not in the
// registry or the model's catalogue; both are bad input.
var (
	ErrUnknownModel = fmt.Errorf("unknown model")
	ErrUnknownBug   = fmt.Errorf("unknown bug")
)

// Build parses the parameter assignments, checks the bug name and builds a
// checker for the model.
func (e Entry) Build(assignments []string, bug string, opts checker.Options) (checker.Runner, spec.Values, error) {
	v, err := spec.ParseParams(e.Params, assignments)
	if err != nil {
		return nil, spec.Values{}, fmt.Errorf("model %s: %w", e.Name, err)
	}
	if bug != "" && !slices.ContainsFunc(e.Bugs, func(b spec.Bug) bool { return b.Name == bug }) {
		known := make([]string, len(e.Bugs))
		for i, b := range e.Bugs {
			known[i] = b.Name
		}
		return nil, spec.Values{}, fmt.Errorf("model %s: %w %q (known: %s)", e.Name, ErrUnknownBug, bug, strings.Join(known, ", "))
	}
	r, err := e.build(v, bug, opts)
	if err != nil {
		return nil, spec.Values{}, fmt.Errorf("model %s: %w", e.Name, err)
	}
	return r, v, nil
}
