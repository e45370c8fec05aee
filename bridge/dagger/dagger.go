package dagger

import (
	"fmt"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/bridge/coherence"
	"github.com/daggercheck/daggercheck/bridge/handshake"
	"github.com/daggercheck/daggercheck/bridge/nic"
	"github.com/daggercheck/daggercheck/bridge/ring"
	"github.com/daggercheck/daggercheck/bridge/system"
	"github.com/daggercheck/daggercheck/model"
	modelcoherence "github.com/daggercheck/daggercheck/model/coherence"
	modelring "github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/runlog"
	"github.com/daggercheck/daggercheck/spec"
	"github.com/daggercheck/daggercheck/tlaplus"
	"github.com/daggercheck/daggercheck/trace"
)

// Replay drives the implementation along trace f of its model (the
// model's bridge says how) and compares their states after every step.
// The implementation runs the trace's bug unless bug names another
// ("none": the correct implementation).
func Replay(f *trace.File, bug string) (*bridge.ReplayResult, error) {
	switch f.Model {
	case "ring":
		return ring.Replay(f, bug)
	case "nic":
		return nic.Replay(f, bug)
	case "system":
		return system.Replay(f, bug)
	case "handshake":
		return handshake.Replay(f, bug)
	}
	return nil, fmt.Errorf("%w a %s trace: impl replays ring, nic, system and handshake traces (the coherence handshake is the interconnect's, not impl's)", bridge.ErrUnsupported, f.Model)
}

// Validate explains a recorded run by a behaviour of the log's model
// (bridge.Follow says how), naming the first event none explains.
func Validate(l *runlog.RunLog, opts bridge.ValidateOptions) (*bridge.ValidateResult, error) {
	e, err := model.Lookup(l.Model)
	if err != nil {
		return nil, err
	}
	switch l.Model {
	case "ring":
		return ring.Validate(l, opts)
	case "system":
		return system.Validate(l, opts)
	}
	if _, err := spec.ParseParams(e.Params, l.Params); err != nil {
		return nil, fmt.Errorf("run log parameters: model %s: %w", l.Model, err)
	}
	return nil, fmt.Errorf("%w: validation of %s runs: it needs an observer for the model (ring and system have one)", bridge.ErrUnsupported, l.Model)
}

// ConvertTLA turns a behaviour of tla/Coherence.tla or tla/Ring.tla into a
// trace file of the same behaviour of the Go model built from modelName,
// params and bug (TLAParams gives them for a TLC config). Every state must
// be the Go model's state that its predecessor leads to by one of the
// model's actions, which names the step. The outcome is the first of
// properties (TLA+ or Go names, in order: a TLC config's invariants and
// properties, say), or a deadlock, which TLC checks unless told not to,
// that the behaviour breaks, an error if it breaks none of them; with no
// properties, the first of the model's (an invariant failing in the last
// state, a deadlock, or, for a lasso, a liveness property) and "ok" if it
// breaks none.
func ConvertTLA(t *tlaplus.TLATrace, modelName string, params []string, bug string, properties []string) (*trace.File, error) {
	en, err := model.Lookup(modelName)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
	}
	v, err := spec.ParseParams(en.Params, params)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlaplus.ErrTLA, err)
	}
	var props []string
	for _, p := range properties {
		if p != "TypeOK" {
			props = append(props, tlaplus.GoPropertyName(p))
		}
	}
	switch modelName {
	case "coherence":
		return bridge.ConvertTLA(t, modelName, v, bug, props, modelcoherence.New, coherence.DecodeTLA)
	case "ring":
		return bridge.ConvertTLA(t, modelName, v, bug, props, modelring.New, ring.DecodeTLA)
	}
	return nil, fmt.Errorf("%w: no TLA+ spec of model %s (tla/ has coherence and ring)", tlaplus.ErrTLA, modelName)
}

// tlaModels are the models with a TLA+ spec under tla/, and how its
// constants give their parameters.
var tlaModels = []struct {
	name   string
	consts []spec.TLAConstant
}{{"coherence", modelcoherence.TLAConstants}, {"ring", modelring.TLAConstants}}

// TLAParams maps the constants of a config of tla/Coherence.tla or
// tla/Ring.tla to the Go model, its parameters and its bug ("" for
// "none"). The model is the one whose constants the config sets.
func TLAParams(cfg *tlaplus.TLCConfig) (modelName string, params []string, bug string, err error) {
	var consts []spec.TLAConstant
	for _, m := range tlaModels {
		if _, ok := cfg.Constant(m.consts[0].Name); ok {
			modelName, consts = m.name, m.consts
		}
	}
	if modelName == "" {
		return "", nil, "", fmt.Errorf("%w: the config sets neither Lines (Coherence.tla) nor RX (Ring.tla)", tlaplus.ErrTLA)
	}
	if params, bug, err = tlaplus.Params(cfg, consts); err != nil {
		return "", nil, "", err
	}
	return modelName, params, bug, nil
}
