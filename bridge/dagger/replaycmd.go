package dagger

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/daggercheck/daggercheck/bridge"
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/trace"
)

// replayCommand runs `daggercheck replay TRACE [--bug NAME] [--json]`: it
// drives the implementation in step mode along a trace file and reports
// whether the implementation reproduced it, conformed to it, or diverged.
func replayCommand(e *cli.Env, args []string) int {
	fs := e.Flags("replay", "TRACE [--bug NAME] [--json]")
	bug := fs.String("bug", "", "inject this bug into the implementation instead of the trace's (none: the correct implementation)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	pos, err := cli.ParseFlags(fs, args)
	if err != nil {
		return cli.FlagExit(err)
	}
	if len(pos) != 1 {
		return e.Fail(fmt.Errorf("replay takes one trace file, got %d", len(pos)))
	}
	f, err := trace.ReadFile(pos[0])
	if err != nil {
		return e.Fail(err)
	}
	res, err := Replay(f, *bug)
	if err != nil {
		return e.Fail(fmt.Errorf("%s: %w", pos[0], err))
	}
	if *asJSON {
		if code := e.WriteJSON(res); code != cli.ExitOK {
			return code
		}
	} else {
		printReplay(e, pos[0], f, res)
	}
	if res.Outcome == bridge.Diverged {
		return cli.ExitViolation
	}
	return cli.ExitOK
}

func printReplay(e *cli.Env, path string, f *trace.File, res *bridge.ReplayResult) {
	faults := res.Faults
	if faults == "" {
		faults = "none (the credit protocol)"
	}
	fmt.Fprintf(e.Stdout, "replay %s  (model %s %s; impl faults: %s)\n", path, f.Model, strings.Join(f.Params, " "), faults)
	tw := tabwriter.NewWriter(e.Stdout, 2, 8, 2, ' ', 0)
	for _, st := range res.Steps {
		mark := ""
		if st.Diff != "" {
			mark = "  <- differs: " + st.Diff
		}
		fmt.Fprintf(tw, "  %3d\t%s\t%s%s\n", st.Index, st.Action, st.Impl, mark)
	}
	tw.Flush()
	switch res.Outcome {
	case bridge.Reproduced:
		fmt.Fprintf(e.Stdout, "result: reproduced: the implementation followed %s and broke %s\n", allSteps(len(res.Steps)-1), res.Property)
	case bridge.Conformant:
		fmt.Fprintf(e.Stdout, "result: conformant: the implementation followed %s without breaking %s\n", allSteps(len(res.Steps)-1), res.Property)
	default:
		fmt.Fprintf(e.Stdout, "result: diverged at %s\n", res.Reason)
	}
	if len(res.Broken) > 0 {
		fmt.Fprintf(e.Stdout, "  the implementation broke: %s\n", strings.Join(res.Broken, ", "))
	}
}

// allSteps is "all N steps", or "the one step".
func allSteps(n int) string {
	if n == 1 {
		return "the one step"
	}
	return fmt.Sprintf("all %d steps", n)
}
