package tlaplus

import (
	"errors"
	"strings"
	"testing"

	"github.com/daggercheck/daggercheck/checker"
)

func TestParseTLAValue(t *testing.T) {
	for _, s := range []string{
		`1`, `-3`, `"a\"b"`, `TRUE`, `FALSE`, `{}`, `<<>>`, `{1, 2}`, `<<1, "x", {TRUE}>>`,
		`[from |-> 1, to |-> 2, type |-> "GetS", line |-> 0, val |-> 0]`, `none`,
	} {
		v, err := ParseTLAValue(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		w, err := ParseTLAValue(v.String())
		if err != nil || !w.Equal(v) {
			t.Fatalf("%s: printed as %s, which reads back as %v (%v)", s, v, w, err)
		}
	}
	for _, s := range []string{``, `[`, `[a |-> ]`, `{1,`, `"x`, `1 2`, `[1 |-> 2]`, strings.Repeat("{", 100)} {
		if _, err := ParseTLAValue(s); !errors.Is(err, ErrTLA) {
			t.Fatalf("%q: err = %v, want ErrTLA", s, err)
		}
	}
	set := func(s string) TLAValue { v, _ := ParseTLAValue(s); return v }
	if !set(`{1, 2}`).Equal(set(`{2, 1}`)) || set(`<<1, 2>>`).Equal(set(`<<2, 1>>`)) {
		t.Fatal("sets compare regardless of order, sequences in order")
	}
}

func TestGoPropertyName(t *testing.T) {
	for tla, goName := range map[string]string{
		"SWMR": "swmr", "DataValue": "data-value", "NoUnexpectedMessage": "no-unexpected-message",
		"RequestsComplete": "requests-complete", "NoTornRead": "no-torn-read", "FifoOrder": "fifo-order",
		"EventuallyConsumed": "eventually-consumed", "no-stall": "no-stall",
	} {
		if got := GoPropertyName(tla); got != goName {
			t.Errorf("GoPropertyName(%s) = %s, want %s", tla, got, goName)
		}
	}
}

func TestParseTLCConfig(t *testing.T) {
	cfg, err := ParseTLCConfig("x.cfg", strings.NewReader(`\* a comment
CONSTANTS
  Lines = 2
  MSI = TRUE
  Bug = "none"
SPECIFICATION Spec
INVARIANTS TypeOK SWMR
PROPERTIES RequestsComplete
`))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := cfg.Constant("Lines"); !ok || v.Int != 2 {
		t.Fatalf("Lines = %v", v)
	}
	if strings.Join(cfg.Invariants, " ") != "TypeOK SWMR" || strings.Join(cfg.Properties, " ") != "RequestsComplete" {
		t.Fatalf("invariants %v, properties %v", cfg.Invariants, cfg.Properties)
	}
	if _, err := ParseTLCConfig("y.cfg", strings.NewReader("CONSTANTS\n  Lines 2\n")); !errors.Is(err, ErrTLA) || !strings.Contains(err.Error(), "y.cfg:2") {
		t.Fatalf("err = %v, want y.cfg:2 named", err)
	}
}

// DeadlockProperty is the checker's name for deadlock freedom.
func TestDeadlockPropertyIsTheCheckers(t *testing.T) {
	if DeadlockProperty != checker.DeadlockProperty {
		t.Fatalf("DeadlockProperty = %q, the checker's is %q", DeadlockProperty, checker.DeadlockProperty)
	}
}
