package rpcbench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// Baseline is the system every row is compared with.
const Baseline = "grpc-go"

// JSONRow is a row as --json prints it: these seven fields exactly
// (cross_process: the server ran in another process).
type JSONRow struct {
	System       string  `json:"system"`
	Transport    string  `json:"transport"`
	CrossProcess bool    `json:"cross_process"`
	Concurrency  int     `json:"concurrency"`
	RPS          float64 `json:"rps"`
	P50us        float64 `json:"p50_us"`
	P99us        float64 `json:"p99_us"`
}

// JSON returns the rows as --json prints them: rps to a whole call per
// second, latencies to the nanosecond.
func (rep Report) JSON() []JSONRow {
	out := make([]JSONRow, 0, len(rep))
	for _, r := range rep {
		out = append(out, JSONRow{
			System:       r.System,
			Transport:    r.Transport,
			CrossProcess: r.CrossProcess,
			Concurrency:  r.Concurrency,
			RPS:          math.Round(r.RPS),
			P50us:        roundUs(r.P50),
			P99us:        roundUs(r.P99),
		})
	}
	return out
}

// WriteJSON writes the rows as one indented JSON array.
func (rep Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(rep.JSON(), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Ratios is a row compared with the baseline's row at its concurrency:
// RPS is the row's throughput over the baseline's (above 1: faster), P50
// its median latency over the baseline's (below 1: faster). OK is false
// when the run has no baseline row at that concurrency.
type Ratios struct {
	RPS, P50 float64
	OK       bool
}

// Ratios compares every row with the Baseline row of the same
// concurrency, in process or across processes as the row is; the result
// is indexed like rep.
func (rep Report) Ratios() []Ratios {
	type key struct {
		conc  int
		cross bool
	}
	base := map[key]Row{}
	for _, r := range rep {
		if r.System == Baseline {
			base[key{r.Concurrency, r.CrossProcess}] = r
		}
	}
	out := make([]Ratios, len(rep))
	for i, r := range rep {
		b, ok := base[key{r.Concurrency, r.CrossProcess}]
		if !ok || b.RPS <= 0 || b.P50 <= 0 {
			continue
		}
		out[i] = Ratios{RPS: r.RPS / b.RPS, P50: float64(r.P50) / float64(b.P50), OK: true}
	}
	return out
}

// WriteTable writes the rows as an aligned table with each row's ratios
// to the baseline at the same concurrency ("-" where the run has none).
func (rep Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "system\ttransport\tconc\trps\tp50 µs\tp99 µs\trps vs %s\tp50 vs %s\t\n", Baseline, Baseline)
	cross := func(r Row) string {
		if r.CrossProcess {
			return "/cross-process" // compared with the cross-process baseline
		}
		return ""
	}
	ratios := rep.Ratios()
	for i, r := range rep {
		rr, rp := "-", "-"
		if ratios[i].OK {
			rr, rp = ratio(ratios[i].RPS), ratio(ratios[i].P50)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.2f\t%.2f\t%s\t%s\t\n",
			r.System, r.Transport+cross(r), r.Concurrency, thousands(r.RPS), us(r.P50), us(r.P99), rr, rp)
	}
	return tw.Flush()
}

// ratio prints a ratio with two significant digits at least: 0.043x,
// 1.0x, 23.4x, 203x.
func ratio(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0fx", x)
	case x >= 1:
		return fmt.Sprintf("%.1fx", x)
	case x >= 0.1:
		return fmt.Sprintf("%.2fx", x)
	default:
		return fmt.Sprintf("%.3fx", x)
	}
}

// thousands prints a rate as a whole number with comma separators.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// roundUs converts to microseconds rounded to the nanosecond.
func roundUs(d time.Duration) float64 { return math.Round(us(d)*1000) / 1000 }
