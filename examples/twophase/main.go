// Command twophase model-checks two-phase commit with the whole daggercheck
// command line: go run ./examples/twophase check -p rms=4 --bug commit-early.
package main

import (
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/examples/twophase/commit"
	"github.com/daggercheck/daggercheck/spec"
)

var program = cli.Program{Name: "twophase", Models: []cli.Model{
	cli.Register[commit.State]("twophase", "two-phase commit: a transaction manager and resource managers", commit.Params, commit.Bugs, commit.New).
		WithSpace(spec.Space{Axes: []spec.Axis{spec.Knob("rms", "1", "2", "3")}}),
}}

func main() { cli.Main(program) }
