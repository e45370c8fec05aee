package main

import (
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/daggercheck/daggercheck/checker"
	"github.com/daggercheck/daggercheck/model"
)

func defaultModel() string { return model.Default }

type paramJSON struct {
	Name        string   `json:"name"`
	Default     string   `json:"default"`
	Description string   `json:"description"`
	Range       string   `json:"range"`
	Choices     []string `json:"choices,omitempty"`
}

type bugJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Breaks      string `json:"breaks"`
}

type modelJSON struct {
	Name       string                 `json:"name"`
	Doc        string                 `json:"description"`
	Params     []paramJSON            `json:"params"`
	Properties []checker.PropertyInfo `json:"properties"`
	Bugs       []bugJSON              `json:"bugs"`
}

func describe(en model.Entry) (modelJSON, error) {
	r, _, err := en.Build(nil, "", checker.Options{})
	if err != nil {
		return modelJSON{}, err
	}
	mj := modelJSON{Name: en.Name, Doc: en.Doc, Properties: r.Properties(),
		Params: []paramJSON{}, Bugs: []bugJSON{}}
	for _, p := range en.Params {
		mj.Params = append(mj.Params, paramJSON{Name: p.Name, Default: p.Default, Description: p.Description, Range: p.Range(), Choices: p.Choices})
	}
	for _, b := range en.Bugs {
		mj.Bugs = append(mj.Bugs, bugJSON{Name: b.Name, Description: b.Description, Breaks: b.Breaks})
	}
	return mj, nil
}

func (e env) models(args []string) int {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 0 {
		return e.usageError(fmt.Errorf("models takes no arguments, got %q", pos[0]))
	}
	var all []modelJSON
	for _, en := range model.All() {
		mj, err := describe(en)
		if err != nil {
			fmt.Fprintf(e.stderr, "daggercheck: %v\n", err)
			return exitUsage
		}
		all = append(all, mj)
	}
	if *asJSON {
		if err := writeJSON(e.stdout, all); err != nil {
			fmt.Fprintf(e.stderr, "daggercheck: writing the list: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	for i, m := range all {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		def := ""
		if m.Name == model.Default {
			def = " (default)"
		}
		fmt.Fprintf(e.stdout, "%s%s — %s\n", m.Name, def, m.Doc)
		tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  params:")
		for _, p := range m.Params {
			fmt.Fprintf(tw, "    -p %s=%s\t%s\t%s\n", p.Name, p.Default, p.Range, p.Description)
		}
		fmt.Fprintln(tw, "  properties:")
		for _, p := range m.Properties {
			fmt.Fprintf(tw, "    %s\t%s\t%s\n", p.Name, p.Kind, p.Doc)
		}
		fmt.Fprintln(tw, "  bugs:")
		for _, b := range m.Bugs {
			fmt.Fprintf(tw, "    --bug %s\tbreaks %s\t%s\n", b.Name, b.Breaks, b.Description)
		}
		tw.Flush()
	}
	return exitOK
}
