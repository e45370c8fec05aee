package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/internal/browsertest"
)

// A model of a user's own gets the explorer from cli.Register alone:
// run a whole check from the page, walk its counterexample to the step
// that breaks consistent, search for it from the start, and download the
// sequence diagram, whose lanes are the action names' prefixes (tm and
// rm: the model does not implement checker.Actors).
func TestExploreWalksTwoPhaseCommitInABrowser(t *testing.T) {
	dir := t.TempDir()
	ctx := browsertest.Browser(t, dir)
	url := browsertest.Serve(t, func(ctx context.Context, args []string, stdout io.Writer) int {
		return program.Run(&cli.Env{Ctx: ctx, Stdout: stdout, Stderr: stdout}, args)
	}, "-p", "rms=2", "--bug", "commit-early")

	browsertest.Do(t, ctx, "opening the page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#moves button.move")))
	assert.Equal(t, "twophase", browsertest.Text(t, ctx, "#model-name"))

	browsertest.Do(t, ctx, "running a check", chromedp.Click(chromedp.CSS("#check")))
	out := browsertest.WaitText(t, ctx, "#check-out", "verdict: violation of consistent")
	assert.Contains(t, out, "consistent: violated")
	assert.Contains(t, browsertest.Text(t, ctx, "#coverage"), "tm-commit")
	browsertest.Do(t, ctx, "walking the counterexample", chromedp.Click(chromedp.CSS("#walk-cex")))
	browsertest.WaitText(t, ctx, "#step-no", "after step 0")
	n := browsertest.Eval[int](t, ctx, `document.querySelectorAll("#path li").length`)
	require.Greater(t, n, 1)
	for i := 1; i < n; i++ {
		assert.NotContains(t, browsertest.Text(t, ctx, "#broken"), "consistent", "step %d", i-1)
		browsertest.Do(t, ctx, "pressing j", chromedp.KeyEvent("j"))
		browsertest.WaitText(t, ctx, "#step-no", "after step "+strconv.Itoa(i))
	}
	browsertest.WaitText(t, ctx, "#broken", "breaks consistent")

	// The same violation, found from the initial state by a search.
	browsertest.Do(t, ctx, "going to the start", chromedp.Click(chromedp.CSS("#path li:first-child button")))
	browsertest.WaitText(t, ctx, "#step-no", "after step 0")
	browsertest.Do(t, ctx, "searching", chromedp.SetValue(chromedp.CSS("#search-prop"), "consistent"),
		chromedp.Click(chromedp.CSS(`#search button[type="submit"]`)))
	browsertest.WaitText(t, ctx, "#search-out", fmt.Sprintf("violation of consistent %d steps ahead", n-1))
	browsertest.WaitText(t, ctx, "#broken", "breaks consistent")

	browsertest.Do(t, ctx, "downloading the SVG", chromedp.Click(chromedp.CSS("#svg-download")))
	svg := browsertest.WaitFile(t, dir, "twophase-path.svg")
	assert.Contains(t, svg, ">tm</text>")
	assert.Contains(t, svg, ">rm</text>")
	assert.Equal(t, 1, strings.Count(svg, "breaks consistent"))
	assert.Equal(t, n-1, strings.Count(svg, `class="step"`))
}
