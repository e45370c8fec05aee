package model_test

import (
	"context"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
	"github.com/daggercheck/daggercheck/model/coherence"
	"github.com/daggercheck/daggercheck/model/handshake"
	"github.com/daggercheck/daggercheck/model/nic"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/model/system"
	"github.com/daggercheck/daggercheck/spec"
)

// contractStates is how far each configuration's contract is checked: the
// default, as the command line would, about a second for all of them.
const contractStates = checker.DefaultContractStates

// TestShippedModelsKeepTheContract checks the Model contract on every
// model's defaults, on each of its bugs with the parameters the bug
// needs, on its shipped configurations, and on the ring's published
// protocol.
func TestShippedModelsKeepTheContract(t *testing.T) {
	type config struct {
		model  string
		params []string
		bug    string
	}
	var configs []config
	for _, e := range model.All() {
		configs = append(configs, config{model: e.Name})
		for _, b := range e.Bugs {
			configs = append(configs, config{model: e.Name, params: b.Params, bug: b.Name})
		}
	}
	for name, shipped := range map[string][]spec.Shipped{"ring": ring.Configs, "coherence": coherence.Configs,
		"nic": nic.Configs, "system": system.Configs, "handshake": handshake.Configs} {
		for _, s := range shipped {
			configs = append(configs, config{model: name, params: s.Params})
		}
	}
	for _, w := range ring.WeakPoints {
		configs = append(configs, config{model: "ring", params: w.Params})
	}
	for _, cf := range configs {
		e, err := model.Lookup(cf.model)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := e.Build(cf.params, cf.bug, checker.Options{ContractStates: contractStates})
		if err != nil {
			t.Fatalf("%s %v --bug %q: %v", cf.model, cf.params, cf.bug, err)
		}
		report, err := r.CheckContract(context.Background())
		if err != nil {
			t.Fatalf("%s %v --bug %q: %v", cf.model, cf.params, cf.bug, err)
		}
		if !report.OK() {
			t.Errorf("%s %v --bug %q breaks the contract:\n%s", cf.model, cf.params, cf.bug, report)
		}
	}
}
