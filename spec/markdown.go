package spec

import (
	"fmt"
	"strings"
)

// PropertiesMarkdown renders the catalogue as docs/properties.md. The
// file is generated: a test keeps it equal to this output.
func PropertiesMarkdown() string {
	var b strings.Builder
	b.WriteString("# Properties\n\n")
	b.WriteString("<!-- Generated from spec/ (the property catalogue) by `go test ./spec -rewrite`; do not edit. -->\n\n")
	b.WriteString("Every property daggercheck checks, by the level of the stack it speaks about. The names are\n")
	b.WriteString("the ones `daggercheck check --property NAME`, trace files and reports use.\n")
	var level Level
	for _, p := range Catalogue() {
		if p.Level != level {
			level = p.Level
			fmt.Fprintf(&b, "\n## %s\n\n| property | kind | summary |\n|---|---|---|\n", level)
			for _, q := range Catalogue() {
				if q.Level == level {
					fmt.Fprintf(&b, "| [`%s`](#%s-%s) | %s | %s |\n", q.Name, level, q.Name, q.Kind, q.Summary())
				}
			}
		}
	}
	level = ""
	for _, p := range Catalogue() {
		if p.Level != level {
			level = p.Level
			fmt.Fprintf(&b, "\n## %s in detail\n", level)
		}
		fmt.Fprintf(&b, "\n### %s-%s\n\n`%s` (%s). %s\n", level, p.Name, p.Name, p.Kind, p.Description)
	}
	return b.String()
}
