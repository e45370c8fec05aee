package dagger

import (
	"slices"

	"github.com/daggercheck/daggercheck/explore"
	"github.com/daggercheck/daggercheck/trace"
)

// implementation is the explorer's view of Replay: the implementation's
// state beside the model's along a path of the ring, nic or system
// model.
type implementation struct{}

var _ explore.Implementation = implementation{}

func (implementation) Supports(model string) bool {
	return slices.Contains([]string{"ring", "nic", "system"}, model)
}

// Replay drives the implementation along f with f's own bug.
func (implementation) Replay(f *trace.File) (*explore.ImplReplay, error) {
	res, err := Replay(f, "")
	if err != nil {
		return nil, err
	}
	out := &explore.ImplReplay{Outcome: res.Outcome, Reason: res.Reason, FirstDiff: -1}
	for _, st := range res.Steps {
		is := explore.ImplStep{Step: st.Index, Did: st.Impl, Diff: st.Diff}
		for _, f := range st.State {
			is.State = append(is.State, explore.Field(f))
		}
		out.Steps = append(out.Steps, is)
		if st.Diff != "" && out.FirstDiff < 0 {
			out.FirstDiff = st.Index
		}
	}
	if res.Outcome == "diverged" && out.FirstDiff < 0 {
		out.FirstDiff = res.Step
	}
	return out, nil
}
