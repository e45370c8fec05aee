package explore_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/explore"
	"github.com/daggercheck/daggercheck/trace"
)

func path(t *testing.T, states ...pairState) []uint64 {
	var out []string
	for _, s := range states {
		out = append(out, fp(s))
	}
	fps, err := explore.ParsePath(strings.Join(out, "/"))
	require.NoError(t, err)
	return fps
}

func TestWalkShowsEachStepWithItsChangesAndTheEnabledActions(t *testing.T) {
	s := newPair()
	init := s.Initial()
	require.Len(t, init, 1)
	assert.Equal(t, fp(pairState{}), init[0].FP)

	p, err := s.Walk(path(t, pairState{}, pairState{1, 0}, pairState{1, 1}))
	require.NoError(t, err)
	require.Len(t, p.Steps, 3)
	assert.Equal(t, "a-inc", p.Steps[1].Label)
	assert.Equal(t, []string{"A"}, p.Steps[1].State.Changed)
	assert.Equal(t, "b-inc by=1", p.Steps[2].Label)
	assert.Equal(t, explore.Role{Actor: "b"}, *p.Steps[2].Role)
	assert.Equal(t, []string{"B"}, p.Steps[2].State.Changed)

	var labels []string
	for _, m := range p.Moves {
		labels = append(labels, m.Label)
	}
	assert.Equal(t, []string{"a-inc", "b-inc by=1", "a-reset"}, labels)
	assert.Equal(t, []explore.Field{{Name: "A", Value: "0"}}, p.Moves[2].Changes)
	assert.Equal(t, fp(pairState{0, 1}), p.Moves[2].FP)
}

func TestWalkMarksBrokenAndWitnessedProperties(t *testing.T) {
	s := newPair()
	p, err := s.Walk(path(t, pairState{}, pairState{1, 0}, pairState{2, 0}, pairState{3, 0}, pairState{3, 1}, pairState{3, 2}))
	require.NoError(t, err)
	assert.Equal(t, []string{"a-full"}, p.Steps[3].State.Witnesses)
	assert.Empty(t, p.Steps[4].State.Broken)
	assert.Equal(t, []string{"small"}, p.Steps[5].State.Broken)
	require.Len(t, p.Moves, 1)
	assert.Equal(t, []string{"small", "deadlock"}, p.Moves[0].Broken, "(3,3) breaks small and has no action")
}

func TestWalkNamesTheFingerprintThatLeadsNowhere(t *testing.T) {
	s := newPair()
	_, err := s.Walk(path(t, pairState{}, pairState{2, 0}))
	require.ErrorIs(t, err, explore.ErrUnknownState)
	assert.Contains(t, err.Error(), "step 1")
	assert.Contains(t, err.Error(), fp(pairState{2, 0}))
	_, err = s.Walk(path(t, pairState{1, 0}))
	require.ErrorIs(t, err, explore.ErrUnknownState)
	assert.Contains(t, err.Error(), "no initial state")
	_, err = s.Walk(nil)
	require.ErrorIs(t, err, explore.ErrUnknownState)
}

func TestSearchFindsTheNearestGoal(t *testing.T) {
	s := newPair()
	ctx := context.Background()
	start := path(t, pairState{}, pairState{0, 1})
	f, err := s.Search(ctx, start, "small", 0)
	require.NoError(t, err)
	require.True(t, f.Found)
	assert.Equal(t, "violation", f.Goal)
	assert.Equal(t, 4, f.Steps, "from (0,1) the nearest state with a+b=5 is 4 actions away")
	assert.Equal(t, fp(pairState{0, 1}), f.Path[1], "the path goes through the start")
	p, err := s.Walk(mustParse(t, f.Path))
	require.NoError(t, err)
	assert.Equal(t, []string{"small"}, p.Steps[len(p.Steps)-1].State.Broken)

	f, err = s.Search(ctx, start, "a-full", 0)
	require.NoError(t, err)
	assert.Equal(t, "witness", f.Goal)
	assert.Equal(t, 3, f.Steps)

	f, err = s.Search(ctx, start, checker.DeadlockProperty, 0)
	require.NoError(t, err)
	assert.Equal(t, 5, f.Steps)
	assert.Equal(t, fp(pairState{3, 3}), f.Path[len(f.Path)-1])
}

func TestSearchAtItsBound(t *testing.T) {
	s := newPair()
	f, err := s.Search(context.Background(), path(t, pairState{}), "small", 3)
	require.NoError(t, err)
	assert.False(t, f.Found)
	assert.False(t, f.Exhausted)
	assert.Equal(t, 3, f.Explored)

	// A start that is the goal is found at once.
	fps := path(t, pairState{}, pairState{1, 0}, pairState{2, 0}, pairState{3, 0})
	f, err = s.Search(context.Background(), fps, "a-full", 0)
	require.NoError(t, err)
	assert.True(t, f.Found)
	assert.Equal(t, 0, f.Steps, "the start itself witnesses it")

	// From (3,3) nothing is reachable: the search proves there is no
	// violation of small left to find beyond the start's own.
	fps = path(t, pairState{}, pairState{0, 1}, pairState{0, 2}, pairState{0, 3}, pairState{1, 3})
	f, err = s.Search(context.Background(), fps, "a-full", 0)
	require.NoError(t, err)
	assert.Equal(t, 2, f.Steps)
	f, err = s.Search(context.Background(), path(t, pairState{}, pairState{1, 0}), "nothing-here", 0)
	assert.Error(t, err)
}

func TestSearchRefusesLivenessAndUnknownProperties(t *testing.T) {
	s := newPair()
	for _, p := range []string{"b-full", "nope", ""} {
		_, err := s.Search(context.Background(), path(t, pairState{}), p, 0)
		assert.ErrorIs(t, err, explore.ErrNotSearchable, p)
	}
}

func TestSearchStopsWhenItsContextEnds(t *testing.T) {
	s := explore.New[int](line{}, explore.Config{Model: "line"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Search(ctx, mustParse(t, []string{s.Initial()[0].FP}), "never", 1<<30)
	assert.ErrorIs(t, err, context.Canceled)
}

// line is an endless model: n counts up forever, and never is never
// witnessed, so only the context or the bound stops a search.
type line struct{}

func (line) Init() []int                                { return []int{0} }
func (line) Actions() []checker.ActionKind              { return []checker.ActionKind{{Name: "step"}} }
func (line) Next(n int, emit func(checker.Action, int)) { emit(checker.Act(0), n+1) }
func (line) Encode(buf []byte, n int) []byte {
	return append(buf, byte(n), byte(n>>8), byte(n>>16), byte(n>>24), byte(n>>32))
}
func (line) Properties() []checker.Property[int] {
	return []checker.Property[int]{checker.Possible("never", "never", func(int) bool { return false })}
}

func mustParse(t *testing.T, fps []string) []uint64 {
	p, err := explore.ParsePath(strings.Join(fps, "/"))
	require.NoError(t, err)
	return p
}

func TestTraceFileRoundTripsThroughFollow(t *testing.T) {
	s := newPair()
	fps := path(t, pairState{}, pairState{1, 0}, pairState{1, 1}, pairState{2, 1}, pairState{2, 2}, pairState{2, 3})
	f, err := s.TraceFile(fps)
	require.NoError(t, err)
	assert.Equal(t, "violation", f.Outcome.Result)
	assert.Equal(t, "small", f.Outcome.Property)
	var b bytes.Buffer
	require.NoError(t, f.Format(&b))
	back, err := trace.Parse("t", &b)
	require.NoError(t, err)
	got, err := s.Follow(back)
	require.NoError(t, err)
	assert.Equal(t, fps, got)

	// A step the model does not take is named, with its line.
	back.Steps[2].Action = "a-reset"
	_, err = s.Follow(back)
	require.ErrorIs(t, err, explore.ErrNotABehaviour)
	assert.Contains(t, err.Error(), "step 2 (line")
}

func TestDiagramNamesItsLanesAndMarksTheBrokenStep(t *testing.T) {
	s := newPair()
	assert.Equal(t, []string{"a", "b"}, s.Lanes())
	p, err := s.Walk(path(t, pairState{}, pairState{1, 0}, pairState{1, 1}, pairState{2, 1}, pairState{2, 2}, pairState{2, 3}))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, s.Diagram("pair <&>", p).WriteSVG(&b))
	svg := b.String()
	wellFormed(t, svg)
	assert.Contains(t, svg, ">a</text>")
	assert.Contains(t, svg, ">b</text>")
	assert.Contains(t, svg, "pair &lt;&amp;&gt;")
	assert.Equal(t, 1, strings.Count(svg, "breaks small"))
	assert.Equal(t, 5, strings.Count(svg, `class="step"`))
}

func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, "the SVG is not well-formed XML")
	}
}

func TestParsePath(t *testing.T) {
	fps, err := explore.ParsePath("/00ff/1/")
	require.NoError(t, err)
	assert.Equal(t, []uint64{0xff, 1}, fps)
	assert.Equal(t, "/00000000000000ff/0000000000000001", explore.FormatPath(fps))
	for _, bad := range []string{"//", "/x", "/12345678901234567", "/1//2", "/-1", "/1 "} {
		_, err := explore.ParsePath(bad)
		assert.ErrorIs(t, err, explore.ErrBadPath, bad)
	}
	_, err = explore.ParsePath(strings.Repeat("/1", explore.MaxPath+1))
	assert.ErrorIs(t, err, explore.ErrBadPath)
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"", "/", "/00ff/1/", "/x", "//", "/ffffffffffffffff", "/1/2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fps, err := explore.ParsePath(s)
		if err != nil {
			if !errors.Is(err, explore.ErrBadPath) {
				t.Fatalf("%q: error %v does not wrap ErrBadPath", s, err)
			}
			return
		}
		again, err := explore.ParsePath(explore.FormatPath(fps))
		if err != nil || len(again) != len(fps) {
			t.Fatalf("%q: %v does not read back: %v %v", s, fps, again, err)
		}
		for i := range fps {
			if fps[i] != again[i] {
				t.Fatalf("%q: %v reads back as %v", s, fps, again)
			}
		}
	})
}

func TestAModelWithoutActorsOrSharedPrefixesHasOneLane(t *testing.T) {
	s := explore.New[int](line{}, explore.Config{Model: "line"})
	assert.Equal(t, []string{"line"}, s.Lanes())
}
