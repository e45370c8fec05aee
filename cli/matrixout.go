package cli

import (
	"fmt"
	"html"
	"io"
	"slices"
	"sort"
	"strings"
)

// knobLine is one line of the matrix's summary: what one value of one
// axis does to one property, over the configurations that have it.
type knobLine struct {
	Model    string `json:"model"`
	Setting  string `json:"setting"`            // axis=value
	Property string `json:"property,omitempty"` // "" for a setting that breaks nothing
	Steps    int    `json:"steps,omitempty"`    // the shortest counterexample among the configurations it breaks in
	Under    string `json:"under,omitempty"`    // the other settings it breaks under ("" for all of them)
	Keeps    string `json:"keeps,omitempty"`    // the other settings it keeps the property under ("" for none)
	// Alternatives are the other values of the axis that keep the
	// property in a configuration where this one breaks it, all else
	// the same: none means the knob is not what breaks it.
	Alternatives []string `json:"alternatives,omitempty"`
	// PerRPC is, on a cost line, each cost per RPC the meter counts:
	// the least and the most over the configurations with the setting.
	PerRPC map[string][2]float64 `json:"per_rpc,omitempty"`
	Text   string                `json:"text"`

	never bool // a sometimes property no configuration with the setting witnesses
}

// costLine says what the model's meter counts per RPC over the
// configurations with the setting: each cost, from the least to the
// most. A model without a meter has none.
func costLine(m matrixModel, ai int, setting string) (knobLine, bool) {
	per := map[string][2]float64{}
	for _, r := range m.Rows {
		if r.Settings[ai] != setting {
			continue
		}
		for n, v := range r.PerRPC {
			if mm, ok := per[n]; ok {
				per[n] = [2]float64{min(mm[0], v), max(mm[1], v)}
			} else {
				per[n] = [2]float64{v, v}
			}
		}
	}
	if len(per) == 0 {
		return knobLine{}, false
	}
	var names []string
	for n, mm := range per {
		if mm[1] != 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		if mm := per[n]; mm[0] == mm[1] {
			parts[i] = fmt.Sprintf("%s %.2f", n, mm[0])
		} else {
			parts[i] = fmt.Sprintf("%s %.2f–%.2f", n, mm[0], mm[1])
		}
	}
	text := setting + " costs per RPC " + strings.Join(parts, ", ")
	if len(parts) == 0 {
		text = setting + " costs nothing the meter counts"
	}
	return knobLine{Model: m.Model, Setting: setting, PerRPC: per, Text: text}, true
}

// summarize says, for each value of each axis, which properties it can
// break, under which of the other axes' settings, with the shortest
// counterexample, and under which it keeps them; cells not judged count
// for neither.
func summarize(models []matrixModel) []knobLine {
	var out []knobLine
	for _, m := range models {
		for ai, axis := range m.Axes {
			var values []string
			for _, r := range m.Rows {
				if !slices.Contains(values, r.Settings[ai]) {
					values = append(values, r.Settings[ai])
				}
			}
			var lines []knobLine
			for _, setting := range values {
				lines = append(lines, summarizeSetting(m, ai, axis, setting)...)
			}
			out = append(out, collapse(m, ai, axis, values, lines)...)
			for _, setting := range values {
				if l, ok := costLine(m, ai, setting); ok {
					out = append(out, l)
				}
			}
		}
	}
	return out
}

// collapse puts in one line a property that every value of the axis
// breaks and none keeps where another breaks it, all else the same: the
// knob does not decide it, and a line per value would only say so again.
func collapse(m matrixModel, ai int, axis string, values []string, lines []knobLine) []knobLine {
	var out []knobLine
	done := map[string]bool{}
	for _, l := range lines {
		if l.Property == "" || done[l.Property] {
			if l.Property == "" {
				out = append(out, l)
			}
			continue
		}
		same := slices.DeleteFunc(slices.Clone(lines), func(x knobLine) bool { return x.Property != l.Property })
		decides := len(same) < len(values) || slices.ContainsFunc(same, func(x knobLine) bool { return len(x.Alternatives) > 0 })
		if decides {
			out = append(out, same...)
			done[l.Property] = true
			continue
		}
		done[l.Property] = true
		pi := slices.Index(m.Properties, l.Property)
		var broken, all []matrixRow
		shortest := same[0]
		for _, x := range same {
			if shortest.never || !x.never && x.Steps < shortest.Steps {
				shortest = x
			}
		}
		for _, r := range m.Rows {
			switch r.Cells[pi].Status {
			case CellViolated:
				broken = append(broken, r)
				all = append(all, r)
			case CellOK:
				all = append(all, r)
			}
		}
		c := knobLine{Model: m.Model, Setting: axis, Property: l.Property, Steps: shortest.Steps,
			Under: restriction(broken, all, ai), Keeps: restriction(slices.DeleteFunc(slices.Clone(all), func(r matrixRow) bool {
				return r.Cells[pi].Status != CellOK
			}), all, ai)}
		c.Text = fmt.Sprintf("every value of %s breaks %s (%s the shortest, %d steps)", axis, l.Property, shortest.Setting, shortest.Steps)
		if shortest.never {
			c.Text = fmt.Sprintf("every value of %s breaks %s (no state witnesses it)", axis, l.Property)
		}
		if c.Under != "" {
			c.Text += " under " + c.Under
		}
		if c.Keeps != "" {
			c.Text += "; all keep it under " + c.Keeps
		}
		c.Text += "; " + axis + " does not decide it"
		out = append(out, c)
	}
	return out
}

// summarizeSetting is the summary of one axis value.
func summarizeSetting(m matrixModel, ai int, axis, setting string) []knobLine {
	var out []knobLine
	for pi, p := range m.Properties {
		var broken, kept []matrixRow
		steps := -1 // the shortest counterexample; -1 for none (a sometimes property never witnessed)
		for _, r := range m.Rows {
			if r.Settings[ai] != setting || len(r.Cells) <= pi {
				continue
			}
			switch c := r.Cells[pi]; c.Status {
			case CellViolated:
				broken = append(broken, r)
				if !c.Unwitnessed && (steps < 0 || c.Steps < steps) {
					steps = c.Steps
				}
			case CellOK:
				kept = append(kept, r)
			}
		}
		if len(broken) == 0 {
			continue
		}
		all := append(slices.Clone(broken), kept...)
		l := knobLine{Model: m.Model, Setting: setting, Property: p, Steps: steps,
			Under: restriction(broken, all, ai), Keeps: restriction(kept, all, ai)}
		l.Text = fmt.Sprintf("%s breaks %s (%d steps)", setting, p, steps)
		if steps < 0 {
			l.Steps, l.never, l.Text = 0, true, fmt.Sprintf("%s breaks %s (no state witnesses it)", setting, p)
		}
		switch {
		case l.Under != "":
			l.Text += " under " + l.Under
		case len(kept) == 0:
			l.Text += " under every setting of the other knobs"
		default:
			l.Text += " under some settings of the other knobs"
		}
		switch {
		case len(kept) > 0 && l.Keeps == "":
			l.Text += "; keeps it elsewhere"
		case len(kept) > 0:
			l.Text += "; keeps it under " + l.Keeps
		}
		l.Alternatives = alternatives(m, ai, pi, broken)
		if len(l.Alternatives) == 0 {
			l.Text += " (so does every other " + axis + " under the same settings)"
		} else {
			l.Text += " (where " + strings.Join(l.Alternatives, " or ") + " keeps it under the same settings)"
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		out = append(out, knobLine{Model: m.Model, Setting: setting,
			Text: setting + " breaks no property under any setting of the other knobs"})
	}
	return out
}

// alternatives are the settings of axis ai that keep property pi in a
// row that differs from a broken row only on that axis.
func alternatives(m matrixModel, ai, pi int, broken []matrixRow) []string {
	var out []string
	for _, b := range broken {
		for _, r := range m.Rows {
			if len(r.Cells) <= pi || r.Cells[pi].Status != CellOK || r.Settings[ai] == b.Settings[ai] {
				continue
			}
			same := true
			for i := range r.Settings {
				same = same && (i == ai || r.Settings[i] == b.Settings[i])
			}
			if same && !slices.Contains(out, r.Settings[ai]) {
				out = append(out, r.Settings[ai])
			}
		}
	}
	return out
}

// restriction says which values of the other axes (all but skip) the
// rows have, naming only the axes on which they have fewer values than
// all: "protocol=dagger, dir=tx|rx".
func restriction(rows, all []matrixRow, skip int) string {
	if len(rows) == 0 {
		return ""
	}
	var parts []string
	for ai := range rows[0].Settings {
		if ai == skip {
			continue
		}
		have, every := axisValues(rows, ai), axisValues(all, ai)
		if len(have) == len(every) {
			continue
		}
		key, _, _ := strings.Cut(have[0], "=")
		vals := make([]string, len(have))
		for i, h := range have {
			_, vals[i], _ = strings.Cut(h, "=")
		}
		parts = append(parts, key+"="+strings.Join(vals, "|"))
	}
	return strings.Join(parts, ", ")
}

// axisValues are the settings the rows have on axis ai, in the rows'
// order.
func axisValues(rows []matrixRow, ai int) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.Settings[ai]) {
			out = append(out, r.Settings[ai])
		}
	}
	return out
}

// cellText is a cell as the tables show it: ok, ✗ and the
// counterexample's length (a link to its trace when there is one), or ?
// for not judged, – for a property the configuration does not have; ✗
// never is a sometimes property no state witnesses.
func cellText(c matrixCell, link func(text, href string) string) string {
	switch c.Status {
	case CellOK:
		return "ok"
	case CellNone:
		return "–"
	case CellViolated:
		if c.Unwitnessed {
			return "✗ never"
		}
		t := fmt.Sprintf("✗ %d", c.Steps)
		if c.Trace != "" {
			return link(t, c.Trace)
		}
		return t
	}
	return "?"
}

// perRPC is the meter's counts per RPC, the non-zero ones, by name.
func perRPC(costs map[string]float64) string {
	var names []string
	for n, v := range costs {
		if v != 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.2f", n, costs[n])
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// header is a table's column names: the axes, the properties, then the
// counts.
func (m matrixModel) header(times bool) []string {
	cols := append(slices.Clone(m.Axes), m.Properties...)
	cols = append(cols, "states")
	if times {
		cols = append(cols, "seconds")
	}
	return append(cols, "per RPC")
}

// cells is a row's columns, as header names them.
func (r matrixRow) columns(times bool, link func(text, href string) string) []string {
	var cols []string
	for _, s := range r.Settings {
		_, v, _ := strings.Cut(s, "=")
		cols = append(cols, v)
	}
	for _, c := range r.Cells {
		cols = append(cols, cellText(c, link))
	}
	cols = append(cols, fmt.Sprint(r.DistinctStates))
	if times {
		cols = append(cols, fmt.Sprintf("%.2f", r.Seconds))
	}
	return append(cols, perRPC(r.PerRPC))
}

// writeMatrixMarkdown writes a section per model (its table and the
// configurations it rejects) and the summary per knob.
func writeMatrixMarkdown(w io.Writer, rep *matrixReport, times bool) {
	link := func(text, href string) string { return "[" + text + "](" + href + ")" }
	for _, m := range rep.Models {
		fmt.Fprintf(w, "## %s\n\n", m.Model)
		if len(m.Fixed) > 0 {
			fmt.Fprintf(w, "Every configuration has `%s`.\n\n", strings.Join(m.Fixed, " "))
		}
		h := m.header(times)
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(h, " | "), strings.Repeat(" --- |", len(h)))
		for _, r := range m.Rows {
			fmt.Fprintf(w, "| %s |\n", strings.Join(r.columns(times, link), " | "))
		}
		fmt.Fprintln(w)
		if len(m.Excluded) > 0 {
			fmt.Fprintln(w, "Not configurations of the model:")
			fmt.Fprintln(w)
			for _, x := range m.Excluded {
				fmt.Fprintf(w, "- `%s`: %s\n", x.Config, x.Reason)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "What each knob does:\n\n")
		for _, l := range rep.Summary {
			if l.Model == m.Model {
				fmt.Fprintf(w, "- %s\n", l.Text)
			}
		}
		fmt.Fprintln(w)
	}
}

// writeMatrixHTML writes the same tables and summary as a page.
func writeMatrixHTML(w io.Writer, rep *matrixReport, times bool) {
	link := func(text, href string) string {
		return `<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + "</a>"
	}
	fmt.Fprintln(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>design-space matrix</title>`)
	fmt.Fprintln(w, `<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}td.violated{background:#fdd}td.ok{background:#dfd}</style></head><body>`)
	for _, m := range rep.Models {
		fmt.Fprintf(w, "<h2>%s</h2>\n<table><tr>", html.EscapeString(m.Model))
		for _, h := range m.header(times) {
			fmt.Fprintf(w, "<th>%s</th>", html.EscapeString(h))
		}
		fmt.Fprintln(w, "</tr>")
		for _, r := range m.Rows {
			fmt.Fprint(w, "<tr>")
			for i, c := range r.columns(times, link) {
				class := ""
				if k := i - len(r.Settings); k >= 0 && k < len(r.Cells) {
					class = ` class="` + r.Cells[k].Status + `"`
				}
				if !strings.HasPrefix(c, "<a ") {
					c = html.EscapeString(c)
				}
				fmt.Fprintf(w, "<td%s>%s</td>", class, c)
			}
			fmt.Fprintln(w, "</tr>")
		}
		fmt.Fprintln(w, "</table><ul>")
		for _, l := range rep.Summary {
			if l.Model == m.Model {
				fmt.Fprintf(w, "<li>%s</li>\n", html.EscapeString(l.Text))
			}
		}
		fmt.Fprintln(w, "</ul>")
	}
	fmt.Fprintln(w, "</body></html>")
}
