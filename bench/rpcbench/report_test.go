package rpcbench

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func sampleReport() Report {
	return Report{
		{System: "grpc-go", Transport: "tcp", Concurrency: 1, RPS: 20000, P50: 40 * time.Microsecond, P99: 90 * time.Microsecond},
		{System: "dagger", Transport: "loopback", Concurrency: 1, RPS: 500000, P50: 2 * time.Microsecond, P99: 3500 * time.Nanosecond},
		{System: "net/rpc", Transport: "tcp", Concurrency: 8, RPS: 60000, P50: 100 * time.Microsecond, P99: time.Millisecond},
		{System: "grpc-go", Transport: "tcp", Concurrency: 8, RPS: 30000, P50: 250 * time.Microsecond, P99: 2 * time.Millisecond},
	}
}

// Each row is compared with gRPC-go at its own concurrency, wherever that
// row sits in the report; a concurrency with no gRPC-go row has no ratio.
func TestRatiosUseTheBaselineAtTheSameConcurrency(t *testing.T) {
	rep := sampleReport()
	rep = append(rep, Row{System: "dagger", Transport: "udp", Concurrency: 64, RPS: 1, P50: 1})
	got := rep.Ratios()
	want := []Ratios{{1, 1, true}, {25, 0.05, true}, {2, 0.4, true}, {1, 1, true}, {}}
	if !slices.Equal(got, want) {
		t.Fatalf("ratios %v, want %v", got, want)
	}
}

func TestTable(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("table has %d lines, want a header and 4 rows:\n%s", len(lines), b.String())
	}
	for i, want := range [][]string{
		{"system", "transport", "conc", "rps", "p50", "µs", "p99", "µs", "rps", "vs", "grpc-go", "p50", "vs", "grpc-go"},
		{"grpc-go", "tcp", "1", "20,000", "40.00", "90.00", "1.0x", "1.0x"},
		{"dagger", "loopback", "1", "500,000", "2.00", "3.50", "25.0x", "0.050x"},
		{"net/rpc", "tcp", "8", "60,000", "100.00", "1000.00", "2.0x", "0.40x"},
		{"grpc-go", "tcp", "8", "30,000", "250.00", "2000.00", "1.0x", "1.0x"},
	} {
		if got := strings.Fields(lines[i]); !slices.Equal(got, want) {
			t.Errorf("line %d: %q, want fields %q", i, lines[i], want)
		}
	}
}

// --json is an array of objects with exactly the seven documented fields.
func TestJSONHasExactlyTheDocumentedFields(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("not a JSON array of objects: %v\n%s", err, b.String())
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	keys := []string{"concurrency", "cross_process", "p50_us", "p99_us", "rps", "system", "transport"}
	for i, r := range rows {
		var got []string
		for k := range r {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, keys) {
			t.Errorf("row %d keys %v, want %v", i, got, keys)
		}
	}
	r := rows[1]
	if r["system"] != "dagger" || r["transport"] != "loopback" || r["concurrency"] != 1.0 ||
		r["rps"] != 500000.0 || r["p50_us"] != 2.0 || r["p99_us"] != 3.5 {
		t.Errorf("row 1 = %v", r)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {12400000.4, "12,400,000"}, {-1234, "-1,234"}} {
		if got := thousands(c.x); got != c.want {
			t.Errorf("thousands(%g) = %q, want %q", c.x, got, c.want)
		}
	}
	for _, c := range []struct {
		x    float64
		want string
	}{{203.4, "203x"}, {23.44, "23.4x"}, {1, "1.0x"}, {0.25, "0.25x"}, {0.043, "0.043x"}} {
		if got := ratio(c.x); got != c.want {
			t.Errorf("ratio(%g) = %q, want %q", c.x, got, c.want)
		}
	}
	if got := roundUs(1234567 * time.Nanosecond); got != 1234.567 {
		t.Errorf("roundUs = %g", got)
	}
}
