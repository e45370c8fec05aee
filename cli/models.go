package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/daggercheck/daggercheck/checker"
)

type paramJSON struct {
	Name        string   `json:"name"`
	Default     string   `json:"default"`
	Description string   `json:"description"`
	Range       string   `json:"range"`
	Choices     []string `json:"choices,omitempty"`
}

type bugJSON struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Breaks      string   `json:"breaks"`
	Params      []string `json:"params"` // what it needs beyond the defaults, as key=value
}

// ModelInfo is one model as `models --json` lists it. Its field names
// are the CLI contract; add, never rename.
type ModelInfo struct {
	Name       string                 `json:"name"`
	Doc        string                 `json:"description"`
	Params     []paramJSON            `json:"params"`
	Properties []checker.PropertyInfo `json:"properties"`
	Bugs       []bugJSON              `json:"bugs"`
}

// Describe builds the model with its defaults to list its properties.
func Describe(m Model) (ModelInfo, error) {
	r, _, err := m.Build(nil, "", checker.Options{})
	if err != nil {
		return ModelInfo{}, err
	}
	mj := ModelInfo{Name: m.Name, Doc: m.Doc, Properties: r.Properties(),
		Params: []paramJSON{}, Bugs: []bugJSON{}}
	for _, p := range m.Params {
		mj.Params = append(mj.Params, paramJSON{Name: p.Name, Default: p.Default, Description: p.Description, Range: p.Range(), Choices: p.Choices})
	}
	for _, b := range m.Bugs {
		params := b.Params
		if params == nil {
			params = []string{}
		}
		mj.Bugs = append(mj.Bugs, bugJSON{Name: b.Name, Description: b.Description, Breaks: b.Breaks, Params: params})
	}
	return mj, nil
}

// models runs `models [NAME] [--json]`: every model (a JSON list), or the
// one named (a JSON object).
func (e *Env) models(args []string) int {
	fs := e.Flags("models", "[NAME] [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return FlagExit(err)
	}
	if len(pos) > 1 {
		return e.Fail(fmt.Errorf("models takes at most one model name, got %q", pos))
	}
	list := e.Program.Models
	if len(pos) == 1 {
		m, err := Lookup(list, pos[0])
		if err != nil {
			return e.Fail(err)
		}
		list = []Model{m}
	}
	var all []ModelInfo
	for _, m := range list {
		mj, err := Describe(m)
		if err != nil {
			return e.Fail(err)
		}
		all = append(all, mj)
	}
	switch {
	case *asJSON && len(pos) == 1:
		return e.WriteJSON(all[0])
	case *asJSON:
		return e.WriteJSON(all)
	}
	for i, m := range all {
		if i > 0 {
			fmt.Fprintln(e.Stdout)
		}
		e.printModel(e.Stdout, m)
	}
	return ExitOK
}

func (e *Env) printModel(w io.Writer, m ModelInfo) {
	def := ""
	if m.Name == e.Program.defaultModel() {
		def = " (default)"
	}
	fmt.Fprintf(w, "%s%s — %s\n", m.Name, def, m.Doc)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
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

// defaultModel is the model check and simulate explore when none is named.
func (p *Program) defaultModel() string {
	if p.Default == "" && len(p.Models) > 0 {
		return p.Models[0].Name
	}
	return p.Default
}
