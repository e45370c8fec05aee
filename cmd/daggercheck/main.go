// Command daggercheck model-checks the Dagger RPC stack's protocols. See
// doc.go for the commands, their flags and exit codes.
package main

import (
	"github.com/daggercheck/daggercheck/bridge/dagger"
	"github.com/daggercheck/daggercheck/cli"
)

func main() { cli.Main(dagger.Program()) }
