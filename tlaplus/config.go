package tlaplus

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/daggercheck/daggercheck/spec"
)

// TLCConfig is what daggercheck reads of a TLC model config (.cfg): the
// constants, and the invariants and temporal properties it checks.
type TLCConfig struct {
	Constants  []TLCConstant
	Invariants []string
	Properties []string
}

// TLCConstant is one "Name = value" of a CONSTANTS section.
type TLCConstant struct {
	Name  string
	Value TLAValue
}

// ParseTLCConfig reads a TLC config: CONSTANT(S) Name = value ...,
// INVARIANT(S) and PROPERTY(IES) name lists; \* comments; other sections
// (INIT, NEXT, SPECIFICATION, ...) are skipped with their argument.
func ParseTLCConfig(name string, r io.Reader) (*TLCConfig, error) {
	cfg := &TLCConfig{}
	sc := bufio.NewScanner(r)
	section, n := "", 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.Index(line, `\*`); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		for len(words) > 0 {
			switch w := words[0]; w {
			case "CONSTANT", "CONSTANTS", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES":
				section = map[string]string{"CONSTANT": "CONSTANT", "CONSTANTS": "CONSTANT", "INVARIANT": "INVARIANT",
					"INVARIANTS": "INVARIANT", "PROPERTY": "PROPERTY", "PROPERTIES": "PROPERTY"}[w]
				words = words[1:]
				continue
			case "INIT", "NEXT", "SPECIFICATION", "SYMMETRY", "VIEW", "CONSTRAINT", "CONSTRAINTS",
				"ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS":
				section, words = "skip", words[1:]
				if len(words) > 0 {
					words = words[1:]
				}
				continue
			}
			switch section {
			case "CONSTANT":
				rest := strings.Join(words, " ")
				k, v, ok := strings.Cut(rest, "=")
				k = strings.TrimSpace(k)
				if !ok || !isIdent(k) {
					return nil, fmt.Errorf("%w: %s:%d: want Name = value, got %q", ErrTLA, name, n, rest)
				}
				val, err := ParseTLAValue(strings.TrimSpace(v))
				if err != nil {
					return nil, fmt.Errorf("%w: %s:%d: constant %s: %v", ErrTLA, name, n, k, errors.Unwrap(err))
				}
				cfg.Constants = append(cfg.Constants, TLCConstant{Name: k, Value: val})
				words = nil
			case "INVARIANT":
				cfg.Invariants = append(cfg.Invariants, words[0])
				words = words[1:]
			case "PROPERTY":
				cfg.Properties = append(cfg.Properties, words[0])
				words = words[1:]
			case "skip":
				words = words[1:]
			default:
				return nil, fmt.Errorf("%w: %s:%d: %q outside any section", ErrTLA, name, n, words[0])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTLA, name, err)
	}
	return cfg, nil
}

// Constant returns the constant's value.
func (c *TLCConfig) Constant(name string) (TLAValue, bool) {
	for _, k := range c.Constants {
		if k.Name == name {
			return k.Value, true
		}
	}
	return TLAValue{}, false
}

// ReadTLCConfig reads a TLC config file.
func ReadTLCConfig(path string) (*TLCConfig, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTLA, err)
	}
	defer fh.Close()
	return ParseTLCConfig(path, fh)
}

// Params maps the constants of a TLC config to a Go model's parameters,
// as consts (the model's table) say, and to its bug, the constant Bug:
// "none" or a bug's name ("" for none).
func Params(cfg *TLCConfig, consts []spec.TLAConstant) (params []string, bug string, err error) {
	for _, p := range consts {
		v, ok := cfg.Constant(p.Name)
		switch {
		case !ok:
			return nil, "", fmt.Errorf("%w: constant %s is not set", ErrTLA, p.Name)
		case p.String && v.Kind == TLAString:
			params = append(params, p.Param+"="+v.Str)
		case p.Bool[0] != "" && v.Kind == TLABool:
			params = append(params, p.Param+"="+p.Bool[map[bool]int{false: 0, true: 1}[v.Bool]])
		case !p.String && p.Bool[0] == "" && v.Kind == TLAInt:
			params = append(params, p.Param+"="+strconv.FormatInt(v.Int, 10))
		default:
			want := map[bool]string{true: "TRUE or FALSE", false: "an integer"}[p.Bool[0] != ""]
			if p.String {
				want = "a string"
			}
			return nil, "", fmt.Errorf("%w: constant %s = %s: want %s", ErrTLA, p.Name, v, want)
		}
	}
	b, ok := cfg.Constant("Bug")
	if !ok || b.Kind != TLAString {
		return nil, "", fmt.Errorf("%w: constant Bug: want a string (\"none\" or a bug's name)", ErrTLA)
	}
	if b.Str != "none" {
		bug = b.Str
	}
	return params, bug, nil
}

// DeadlockProperty is the Go checker's name of deadlock freedom
// (checker.DeadlockProperty; this package does not import the checker).
const DeadlockProperty = "deadlock"

// GoPropertyName is the Go model's name of a property of tla/'s specs:
// SWMR is swmr, NoTornRead no-torn-read; DeadlockFree, Ring.tla's
// deadlock check for the interfaces where runs may end, is deadlock; a
// name already in that form is returned as it is.
func GoPropertyName(tla string) string {
	if tla == "DeadlockFree" {
		return DeadlockProperty
	}
	var b strings.Builder
	rs := []rune(tla)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
