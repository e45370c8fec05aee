package tlaplus

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/spec"
)

// TLCResult is one row of tla/results.tsv: what TLC reported for a
// config.
type TLCResult struct {
	Spec, Config string
	Result       string // ok, violation or deadlock
	Property     string // the TLA+ name of the property violated, or "-"
	Distinct     uint64
	Generated    uint64
	Depth        int
	TraceStates  string // states in TLC's counterexample ("-" for ok), "+stutter" or "+loopK" for a lasso
	Seconds      string
	PeakRSSMiB   string
	Line         int
}

// ParseTLCResults reads tla/results.tsv: # comment lines, a header line,
// then one tab-separated row per config.
func ParseTLCResults(name string, r io.Reader) ([]TLCResult, error) {
	sc := bufio.NewScanner(r)
	var out []TLCResult
	n, header := 0, false
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if !header {
			if len(f) != 10 || f[0] != "spec" {
				return nil, fmt.Errorf("%w: %s:%d: want the header line \"spec\\tconfig\\t...\"", ErrTLA, name, n)
			}
			header = true
			continue
		}
		if len(f) != 10 {
			return nil, fmt.Errorf("%w: %s:%d: %d fields, want 10", ErrTLA, name, n, len(f))
		}
		row := TLCResult{Spec: f[0], Config: f[1], Result: f[2], Property: f[3], TraceStates: f[7], Seconds: f[8], PeakRSSMiB: f[9], Line: n}
		var err error
		if row.Distinct, err = strconv.ParseUint(f[4], 10, 64); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: distinct %q: %v", ErrTLA, name, n, f[4], err)
		}
		if row.Generated, err = strconv.ParseUint(f[5], 10, 64); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: generated %q: %v", ErrTLA, name, n, f[5], err)
		}
		if row.Depth, err = strconv.Atoi(f[6]); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: depth %q: %v", ErrTLA, name, n, f[6], err)
		}
		if !slices.Contains([]string{"ok", "violation", "deadlock"}, row.Result) {
			return nil, fmt.Errorf("%w: %s:%d: result %q: want ok, violation or deadlock", ErrTLA, name, n, row.Result)
		}
		out = append(out, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTLA, name, err)
	}
	if !header {
		return nil, fmt.Errorf("%w: %s: no header line", ErrTLA, name)
	}
	return out, nil
}

// TraceStatesCount is the number of states in TLC's counterexample, without
// the lasso suffix; 0 for "-".
func (r TLCResult) TraceStatesCount() int {
	s, _, _ := strings.Cut(r.TraceStates, "+")
	n, _ := strconv.Atoi(s)
	return n
}

// TLCCase is one config of tla/ with what TLC recorded for it and the Go
// model run that must find the same: the parameters and bug its
// constants give, and the properties it checks under their Go names.
type TLCCase struct {
	TLCResult
	Params []string
	Bug    string
	// Only are the Go names of the config's invariants and properties
	// (TypeOK, which the Go types enforce, left out); deadlock alone when
	// none is left, since TLC checks deadlock unless told not to.
	Only []string
}

// TLCCases reads tlaDir/results.tsv and, for each row of spec
// ("Coherence" or "Ring"), the config tlaDir/<spec in lower case>/<config>.cfg,
// whose constants give the Go model's parameters as consts say (Params).
func TLCCases(tlaDir, specName string, consts []spec.TLAConstant) ([]TLCCase, error) {
	path := filepath.Join(tlaDir, "results.tsv")
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTLA, err)
	}
	defer fh.Close()
	rows, err := ParseTLCResults(path, fh)
	if err != nil {
		return nil, err
	}
	var out []TLCCase
	for _, r := range rows {
		if r.Spec != specName {
			continue
		}
		cfgPath := filepath.Join(tlaDir, strings.ToLower(specName), r.Config+".cfg")
		cfg, err := ReadTLCConfig(cfgPath)
		if err != nil {
			return nil, err
		}
		c := TLCCase{TLCResult: r}
		if c.Params, c.Bug, err = Params(cfg, consts); err != nil {
			return nil, fmt.Errorf("%s: %w", cfgPath, err)
		}
		for _, p := range slices.Concat(cfg.Invariants, cfg.Properties) {
			if p != "TypeOK" {
				c.Only = append(c.Only, GoPropertyName(p))
			}
		}
		if len(c.Only) == 0 {
			c.Only = []string{DeadlockProperty}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s has no rows for spec %s", ErrTLA, path, specName)
	}
	return out, nil
}
