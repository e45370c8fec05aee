package checker_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model/ring"
	"github.com/daggercheck/daggercheck/spec"
)

// encodedRing is the ring model without its shortcuts: the checker
// fingerprints its states through Encode and evaluates every invariant.
type encodedRing struct{ *ring.Model }

var (
	_ checker.PlainStates          = encodedRing{}
	_ checker.Screened[ring.State] = encodedRing{}
)

func (encodedRing) PlainStates() bool                { return false }
func (encodedRing) InvariantsHold(s ring.State) bool { return false }

// Fingerprinting states by their bytes (PlainStates) and screening the
// invariants (Screened) change no count, verdict or counterexample length,
// on one worker or two: the ring's unused fields stay zero and its
// invariants are bits of one field, as the model claims.
func TestPlainStatesAndScreenKeepResults(t *testing.T) {
	configs := []struct {
		params []string
		bug    string
	}{
		{params: []string{"flows=2", "slots=2", "rpcs=3"}},
		{params: []string{"protocol=dagger"}},
		{params: []string{"protocol=dagger", "dir=rx", "ids=2"}},
		{params: []string{"interface=doorbell", "flows=2", "rpcs=4"}},
		{params: []string{"interface=mmio", "slots=1", "batch=1", "protocol=dagger"}},
		{params: []string{"slots=4", "batch=2", "rpcs=5"}, bug: "header-first"},
		{params: []string{"dir=rx", "flows=2"}, bug: "rx-early-credit"},
	}
	for _, cfg := range configs {
		m := newRing(t, cfg.params)
		if cfg.bug != "" {
			var err error
			if m, err = ringWithBug(cfg.params, cfg.bug); err != nil {
				t.Fatal(err)
			}
		}
		for _, workers := range []int{1, 2} {
			opts := checker.Options{Workers: workers}
			plain := run(t, m, opts, "bfs")
			encoded := run(t, encodedRing{m}, opts, "bfs")
			name := strings.Join(cfg.params, " ") + " bug=" + cfg.bug
			if plain.Verdict != encoded.Verdict || plain.Property != encoded.Property ||
				plain.Stats.Distinct != encoded.Stats.Distinct || plain.Stats.Generated != encoded.Stats.Generated ||
				plain.Stats.Depth != encoded.Stats.Depth || steps(plain) != steps(encoded) {
				t.Errorf("%s, %d workers: by bytes %v %q %d/%d depth %d trace %d; by Encode %v %q %d/%d depth %d trace %d",
					name, workers, plain.Verdict, plain.Property, plain.Stats.Distinct, plain.Stats.Generated,
					plain.Stats.Depth, steps(plain), encoded.Verdict, encoded.Property,
					encoded.Stats.Distinct, encoded.Stats.Generated, encoded.Stats.Depth, steps(encoded))
			}
		}
	}
}

// paddedModel claims PlainStates for a state whose bytes include padding
// (or a float), which the checker must refuse, naming the field.
type paddedModel[S any] struct{ counter[S] }

var _ checker.PlainStates = paddedModel[paddedState]{}

type counter[S any] struct{ init S }

func (c counter[S]) Init() []S                            { return []S{c.init} }
func (counter[S]) Actions() []checker.ActionKind          { return []checker.ActionKind{{Name: "stay"}} }
func (counter[S]) Next(s S, emit func(checker.Action, S)) { emit(checker.Act(0), s) }
func (counter[S]) Encode(buf []byte, s S) []byte          { return buf }
func (counter[S]) Properties() []checker.Property[S]      { return nil }
func (paddedModel[S]) PlainStates() bool                  { return true }

type paddedState struct {
	A uint8
	B uint32
}

type floatState struct {
	N [8]uint8
	X float64
}

type tailPadState struct {
	B uint32
	A uint8
}

func TestPlainStatesRefusesUnfitTypes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{err: bfsErr(paddedModel[paddedState]{}), want: "padding before paddedState.B"},
		{err: bfsErr(paddedModel[floatState]{}), want: "floatState.X is a float64"},
		{err: bfsErr(paddedModel[tailPadState]{}), want: "padding at the end of tailPadState"},
		{err: bfsErr(paddedModel[*int]{}), want: "is a ptr"},
	} {
		if !errors.Is(tc.err, checker.ErrModel) || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("got %v, want checker.ErrModel naming %q", tc.err, tc.want)
		}
	}
	// A plain type is accepted.
	if err := bfsErr(paddedModel[[3]uint16]{}); err != nil {
		t.Errorf("[3]uint16: %v", err)
	}
}

func bfsErr[S any](m checker.Model[S]) error {
	_, err := checker.New(m, checker.Options{}).BFS(context.Background())
	return err
}

func ringWithBug(params []string, bug string) (*ring.Model, error) {
	v, err := spec.ParseParams(ring.Params, params)
	if err != nil {
		return nil, err
	}
	return ring.New(v, bug)
}

// steps is the length of a result's counterexample, -1 without one.
func steps(r *checker.Result) int {
	if r.Trace == nil {
		return -1
	}
	return len(r.Trace.Steps)
}
