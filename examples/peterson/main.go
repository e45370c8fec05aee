// Command peterson model-checks Peterson's mutual exclusion with the whole
// daggercheck command line: go run ./examples/peterson check --bug turn-first.
package main

import (
	"github.com/daggercheck/daggercheck/cli"
	"github.com/daggercheck/daggercheck/examples/peterson/lock"
)

var program = cli.Program{Name: "peterson", Models: []cli.Model{
	cli.Register[lock.State]("peterson", "Peterson's mutual exclusion for two processes", lock.Params, lock.Bugs, lock.New),
}}

func main() { cli.Main(program) }
