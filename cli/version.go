package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version runs `version` (and `--version`): the program's name and
// version from the build information, "(devel)" for a build from a
// working tree, with the commit it was built from when the build
// recorded it, and the Go version.
func (e *Env) version(args []string) int {
	fs := e.Flags("version", "")
	if _, err := ParseFlags(fs, args); err != nil {
		return FlagExit(err)
	}
	fmt.Fprintln(e.Stdout, versionLine(e.name()))
	return ExitOK
}

// versionLine is "NAME VERSION (MODULE, commit REV[, modified], GOVERSION)".
func versionLine(name string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return name + " (unknown version: built without module information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var details []string
	if info.Main.Path != "" {
		details = append(details, info.Main.Path)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		details = append(details, "commit "+rev[:min(len(rev), 12)])
	}
	if settings["vcs.modified"] == "true" {
		details = append(details, "modified")
	}
	details = append(details, info.GoVersion)
	return fmt.Sprintf("%s %s (%s)", name, version, strings.Join(details, ", "))
}
