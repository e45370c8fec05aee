package dagger

import (
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/model"
)

// Program is the daggercheck command line: the Dagger models, with the
// commands that reach the implementation (replay, validate), TLA+ (convert)
// and RPC histories (history) besides the ones every cli.Program has.
func Program() cli.Program {
	return cli.Program{Name: "daggercheck", Models: model.All(), Default: model.Default, Implementation: implementation{}, Commands: []cli.Command{
		{Name: "replay", Synopsis: "TRACE [--bug NAME] [--json]", Summary: "drive the implementation along a trace file, step by step", Run: replayCommand},
		{Name: "history", Synopsis: "FILE|- [flags]", Summary: "check an RPC history (calls, execs, completions)", Run: historyCommand},
		{Name: "validate", Synopsis: "LOG|- [flags]", Summary: "explain a recorded run of the implementation with a model behaviour", Run: validateCommand},
		{Name: "convert", Synopsis: "FILE [--cfg CFG] [flags]", Summary: "turn a TLC JSON or ITF trace (of tla/'s specs or --itf-out) into a trace file", Run: convertCommand},
	}}
}
