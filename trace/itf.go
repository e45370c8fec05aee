package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// WriteITF writes a counterexample in the Informal Trace Format (Apalache
// ADR-015), for Apalache, Quint and the other tools that read it: "vars"
// lists the model's state fields, each state defines every one of them,
// state "#meta" carries the index, the action and its arguments, and
// "loop" the start of a lasso's loop. Values are typed as far as the
// model's formatted fields allow: integers as {"#bigint": "n"}, true and
// false as booleans, anything else as a string. The output is
// byte-stable: keys come in a fixed order, nothing depends on map order.
func WriteITF(w io.Writer, model string, params []string, bug string, res *checker.Result) error {
	t := res.Trace
	if t == nil || len(t.Steps) == 0 {
		return fmt.Errorf("trace: the run (%s) has no counterexample to write", res.Verdict)
	}
	var b bytes.Buffer
	desc := fmt.Sprintf("daggercheck %s", model)
	if len(params) > 0 {
		desc += " " + strings.Join(params, " ")
	}
	if bug != "" {
		desc += " --bug " + bug
	}
	desc += fmt.Sprintf(": %s of %s", res.Verdict, res.Property)
	b.WriteString("{\n  \"#meta\": {")
	writeKV(&b, "format", "ITF", false)
	writeKV(&b, "format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html", true)
	writeKV(&b, "source", "daggercheck model "+model, true)
	writeKV(&b, "description", desc, true)
	b.WriteString("},\n  \"vars\": [")
	for i, f := range t.Steps[0].State {
		if i > 0 {
			b.WriteString(", ")
		}
		writeJSONString(&b, f.Name)
	}
	b.WriteString("],\n  \"states\": [\n")
	for i, st := range t.Steps {
		b.WriteString("    {\"#meta\": {\"index\": ")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(", \"action\": ")
		writeJSONString(&b, st.Name)
		if len(st.Args) > 0 {
			b.WriteString(", \"params\": {")
			for j, a := range st.Args {
				if j > 0 {
					b.WriteString(", ")
				}
				writeJSONString(&b, a.Name)
				b.WriteString(": {\"#bigint\": \"" + strconv.Itoa(a.Value) + "\"}")
			}
			b.WriteString("}")
		}
		b.WriteString("}")
		for _, f := range st.State {
			b.WriteString(", ")
			writeJSONString(&b, f.Name)
			b.WriteString(": ")
			writeValue(&b, f.Value)
		}
		b.WriteString("}")
		if i < len(t.Steps)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]")
	if t.LoopStart >= 0 {
		// ITF's loop is the index the last state returns to; a stutter
		// returns to the last state itself.
		b.WriteString(",\n  \"loop\": " + strconv.Itoa(t.LoopStart))
	}
	b.WriteString("\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func writeKV(b *bytes.Buffer, k, v string, comma bool) {
	if comma {
		b.WriteString(", ")
	}
	writeJSONString(b, k)
	b.WriteString(": ")
	writeJSONString(b, v)
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

// writeValue types a formatted field value for ITF.
func writeValue(b *bytes.Buffer, v string) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
		b.WriteString(`{"#bigint": "` + v + `"}`)
		return
	}
	if v == "true" || v == "false" {
		b.WriteString(v)
		return
	}
	writeJSONString(b, v)
}
