package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/internal/browsertest"
)

// tornRead is Dagger's published ring protocol's torn read on a later
// lap (docs/protocol.md): `check ring -p protocol=dagger --property
// no-torn-read` finds it.
const tornRead = "../../docs/traces/ring-dagger-torn-read-on-a-later-lap.trace"

func serveDaggercheck(t *testing.T, args ...string) string {
	return browsertest.Serve(t, func(ctx context.Context, args []string, stdout io.Writer) int {
		return run(ctx, args, stdout, stdout)
	}, args...)
}

// pathOf posts a trace file to the explorer's API and returns the
// fingerprints of its states.
func pathOf(t *testing.T, base, file string) []string {
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	res, err := http.Post(base+".trace", "text/plain", strings.NewReader(string(raw)))
	require.NoError(t, err)
	defer res.Body.Close()
	var body struct{ Path []string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	require.Equal(t, 200, res.StatusCode)
	return body.Path
}

// A newcomer's walk: open the page, step by clicking from the initial
// state to Dagger's torn read, see the broken property at the step that
// breaks it (and not before), go back and forth with the keyboard, look
// at the sequence diagram between the CPU and the NIC and download it,
// load the committed counterexample and walk it, search for a violation
// from the initial state, and replay the path on the implementation.
func TestExploreWalksDaggersTornReadInABrowser(t *testing.T) {
	dir := t.TempDir()
	ctx := browsertest.Browser(t, dir)
	url := serveDaggercheck(t, "ring", "-p", "protocol=dagger")
	base := url[:strings.Index(url, "#")]
	path := pathOf(t, base, tornRead)
	require.Len(t, path, 19)

	browsertest.Do(t, ctx, "opening the page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#moves button.move")))
	assert.Equal(t, "ring", browsertest.Text(t, ctx, "#model-name"))
	browsertest.Do(t, ctx, "picking the initial state", chromedp.Click(chromedp.CSS(`#moves button[data-fp="`+path[0]+`"]`)))
	for i, fp := range path[1:] {
		browsertest.WaitText(t, ctx, "#step-no", fmt.Sprintf("after step %d", i))
		if i+1 < len(path)-1 {
			assert.NotContains(t, browsertest.Text(t, ctx, "#broken"), "no-torn-read", "step %d", i)
		}
		browsertest.Do(t, ctx, fmt.Sprintf("taking step %d", i+1), chromedp.Click(chromedp.CSS(`#moves button[data-fp="`+fp+`"]`)))
	}
	browsertest.WaitText(t, ctx, "#step-no", "after step 18")
	assert.Contains(t, browsertest.Text(t, ctx, "#broken"), "breaks no-torn-read")
	assert.Contains(t, browsertest.Text(t, ctx, "#path li.current"), "process")
	if *rewriteDocs {
		browsertest.Screenshot(t, ctx, "../../docs/explore-torn-read.png")
	}

	// The keyboard: k steps back (where no-torn-read holds), j forward.
	browsertest.Do(t, ctx, "pressing k", chromedp.KeyEvent("k"))
	browsertest.WaitText(t, ctx, "#step-no", "after step 17")
	assert.NotContains(t, browsertest.Text(t, ctx, "#broken"), "no-torn-read")
	browsertest.Do(t, ctx, "pressing j", chromedp.KeyEvent("j"))
	browsertest.WaitText(t, ctx, "#step-no", "after step 18")

	// The sequence diagram, on the page and downloaded.
	browsertest.WaitText(t, ctx, "#diagram", "breaks no-torn-read")
	browsertest.Do(t, ctx, "downloading the SVG", chromedp.Click(chromedp.CSS("#svg-download")))
	svg := browsertest.WaitFile(t, dir, "ring-path.svg")
	assert.Contains(t, svg, ">CPU</text>")
	assert.Contains(t, svg, ">NIC</text>")
	assert.Contains(t, svg, "breaks no-torn-read")
	assert.Equal(t, 18, strings.Count(svg, `class="step"`))

	// Load the committed counterexample and walk it with the Forward button.
	abs, err := filepath.Abs(tornRead)
	require.NoError(t, err)
	browsertest.Do(t, ctx, "restarting", chromedp.Click(chromedp.CSS("#restart")))
	browsertest.Do(t, ctx, "loading the trace", chromedp.SetUploadFiles(chromedp.CSS("#trace-file"), []string{abs}))
	browsertest.WaitText(t, ctx, "#load-out", "18 steps, violation of no-torn-read")
	browsertest.WaitText(t, ctx, "#step-no", "after step 0")
	for i := 1; i <= 18; i++ {
		browsertest.Do(t, ctx, "forward", chromedp.Click(chromedp.CSS("#forward")))
		browsertest.WaitText(t, ctx, "#step-no", fmt.Sprintf("after step %d", i))
	}
	assert.Contains(t, browsertest.Text(t, ctx, "#broken"), "breaks no-torn-read")

	// The implementation beside the model: impl/ring follows the torn
	// read, its abstract state the model's at every step.
	browsertest.Do(t, ctx, "replaying on the implementation", chromedp.Click(chromedp.CSS("#impl")))
	browsertest.WaitText(t, ctx, "#impl-out", "implementation: reproduced; no difference")
	browsertest.WaitText(t, ctx, "#state thead", "implementation")
	assert.Contains(t, browsertest.Text(t, ctx, "#broken"), "implementation: ")
	slot0 := browsertest.Eval[[]string](t, ctx, `(() => {
		const r = [...document.querySelectorAll("#state tbody tr")].find((r) => r.cells[0].textContent === "f0.slot0");
		return r ? [...r.cells].map((c) => c.textContent) : [];
	})()`)
	require.Len(t, slot0, 3)
	assert.Equal(t, slot0[1], slot0[2], "the implementation's slot 0 is the model's")
	if *rewriteDocs {
		browsertest.Eval[bool](t, ctx, `document.getElementById("diagram-pane").scrollIntoView(); document.getElementById("diagram").scrollTop = 1e6; true`)
		browsertest.Screenshot(t, ctx, "../../docs/explore-diagram.png")
	}

	// From the initial state, the nearest violation of no-torn-read.
	browsertest.Do(t, ctx, "going to the start", chromedp.Click(chromedp.CSS("#path li:first-child button")))
	browsertest.WaitText(t, ctx, "#step-no", "after step 0")
	browsertest.Do(t, ctx, "searching", chromedp.SetValue(chromedp.CSS("#search-prop"), "no-torn-read"),
		chromedp.Click(chromedp.CSS(`#search button[type="submit"]`)))
	browsertest.WaitText(t, ctx, "#search-out", "violation of no-torn-read 18 steps ahead")
	browsertest.WaitText(t, ctx, "#broken", "breaks no-torn-read")
}

func TestCheckSVGOutDrawsTheCounterexample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "torn.svg")
	code, _, stderr := daggercheck(t, "check", "ring", "-p", "protocol=dagger", "--property", "no-torn-read", "--svg-out", out)
	require.Equal(t, exitViolation, code, stderr)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	svg := string(raw)
	assert.Contains(t, svg, ">CPU</text>")
	assert.Contains(t, svg, ">NIC</text>")
	assert.Equal(t, 1, strings.Count(svg, "breaks no-torn-read"))

	// recheck draws a given trace the same way.
	again := filepath.Join(t.TempDir(), "again.svg")
	code, _, stderr = daggercheck(t, "recheck", tornRead, "--svg-out", again)
	require.Equal(t, exitOK, code, stderr)
	raw, err = os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, svg, string(raw), "the committed trace is the counterexample check finds")

	// No counterexample: nothing written, and a word on stderr.
	none := filepath.Join(t.TempDir(), "none.svg")
	code, _, stderr = daggercheck(t, "check", "grid", "-p", "size=2", "--svg-out", none)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "no counterexample, nothing written")
	assert.NoFileExists(t, none)

	code, _, stderr = daggercheck(t, "check", "grid", "--svg-out", filepath.Join(t.TempDir(), "no", "such", "dir.svg"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--svg-out")
}

func TestCheckDotWritesSmallStateGraphsAndRefusesLargeOnes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "grid.dot")
	code, _, stderr := daggercheck(t, "check", "grid", "-p", "dims=2", "-p", "size=2", "--dot", out)
	require.Equal(t, exitOK, code, stderr)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	dot := string(raw)
	assert.True(t, strings.HasPrefix(dot, `digraph "grid dims=2 size=2" {`), dot)
	assert.Equal(t, 9, strings.Count(dot, "[label=\"c[0]="), "a node per state of the 3x3 grid")
	assert.Equal(t, 12, strings.Count(dot, " -> "), "an edge per inc")
	assert.Equal(t, 1, strings.Count(dot, "style=bold"), "one initial state")

	big := filepath.Join(t.TempDir(), "big.dot")
	code, stdout, stderr := daggercheck(t, "check", "grid", "-p", "size=25", "--dot", big)
	assert.Equal(t, exitIncomplete, code)
	assert.Contains(t, stderr, "refused: the state graph has more than 10000 states")
	assert.Empty(t, stdout, "no search runs")
	assert.NoFileExists(t, big)
}

func TestExploreRejectsBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"explore", "nosuch"}, "unknown model"},
		{[]string{"explore", "ring", "-p", "nosuch=1"}, "nosuch"},
		{[]string{"explore", "ring", "--bug", "nosuch"}, "unknown bug"},
		{[]string{"explore", "--trace", tornRead, "-p", "slots=2"}, "--trace takes the model"},
		{[]string{"explore", "coherence", "--trace", tornRead}, "trace of model ring, not coherence"},
		{[]string{"explore", "--trace", "no/such.trace"}, "no such file"},
		{[]string{"explore", "--addr", "256.0.0.1:99999"}, "--addr"},
		{[]string{"explore", "ring", "grid"}, "one model"},
	} {
		code, _, stderr := daggercheck(t, c.args...)
		assert.Equal(t, exitUsage, code, "%v", c.args)
		assert.Contains(t, stderr, c.says, "%v", c.args)
	}
}

// explore --trace opens the page at the trace's first step, on the
// trace's configuration.
func TestExploreOpensATraceInABrowser(t *testing.T) {
	ctx := browsertest.Browser(t, t.TempDir())
	url := serveDaggercheck(t, "--trace", "../../docs/traces/ring-dagger-split-mmio-store-torn-read.trace")
	browsertest.Do(t, ctx, "opening the page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#path li")))
	browsertest.WaitText(t, ctx, "#step-no", "after step 0")
	assert.Contains(t, browsertest.Eval[string](t, ctx, `document.getElementById("params").value`), "interface=mmio")
	n := browsertest.Eval[int](t, ctx, `document.querySelectorAll("#path li").length`)
	for i := 1; i < n; i++ {
		browsertest.Do(t, ctx, "pressing the right arrow", chromedp.KeyEvent(kb.ArrowRight))
		browsertest.WaitText(t, ctx, "#step-no", fmt.Sprintf("after step %d", i))
	}
	browsertest.WaitText(t, ctx, "#broken", "breaks no-torn-read")
	browsertest.WaitText(t, ctx, "#diagram", "mmio-write-lo")
}
