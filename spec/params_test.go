package spec_test

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/daggercheck/daggercheck/spec"
)

// testParams has integer parameters (one with a negative range) and a
// choices parameter, so every branch of the checks is reachable.
var testParams = []spec.Param{
	{Name: "dims", Default: "3", Description: "number of counters", Min: 1, Max: 8},
	{Name: "size", Default: "20", Description: "largest counter value", Min: 1, Max: 200},
	{Name: "offset", Default: "-2", Description: "a signed shift", Min: -5, Max: 5},
	{Name: "mode", Default: "fast", Description: "how to run", Choices: []string{"fast", "safe", "lazy"}},
}

func defaults() map[string]string {
	return map[string]string{"dims": "3", "size": "20", "offset": "-2", "mode": "fast"}
}

// with returns the defaults with some values replaced.
func with(kv ...string) map[string]string {
	m := defaults()
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestParseParamsAccepts(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want map[string]string
	}{
		{"no assignments: all defaults", nil, defaults()},
		{"empty slice: all defaults", []string{}, defaults()},
		{"one integer", []string{"size=5"}, with("size", "5")},
		{"every parameter", []string{"mode=lazy", "offset=5", "size=200", "dims=1"},
			map[string]string{"dims": "1", "size": "200", "offset": "5", "mode": "lazy"}},
		{"integer at its minimum", []string{"dims=1"}, with("dims", "1")},
		{"integer at its maximum", []string{"dims=8"}, with("dims", "8")},
		{"negative integer in range", []string{"offset=-5"}, with("offset", "-5")},
		{"canonical form: leading zeros", []string{"size=007"}, with("size", "7")},
		{"canonical form: plus sign", []string{"size=+12"}, with("size", "12")},
		{"canonical form: minus zero", []string{"offset=-0"}, with("offset", "0")},
		{"space around key and value", []string{" size = 9 "}, with("size", "9")},
		{"space around a choice", []string{"mode= safe "}, with("mode", "safe")},
		{"each choice: fast", []string{"mode=fast"}, with("mode", "fast")},
		{"each choice: safe", []string{"mode=safe"}, with("mode", "safe")},
		{"each choice: lazy", []string{"mode=lazy"}, with("mode", "lazy")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := spec.ParseParams(testParams, tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.Map())
		})
	}
}

func TestParseParamsRejects(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want are substrings the message must contain: the culprit, and
		// what would have been accepted.
		want []string
	}{
		{"unknown key names it and the known ones", []string{"colour=red"},
			[]string{`"colour"`, "unknown parameter", "known: dims, size, offset, mode"}},
		{"unknown key is case-sensitive", []string{"Size=3"}, []string{`"Size"`, "unknown"}},
		{"repeated key", []string{"size=3", "size=4"}, []string{`"size"`, "given twice"}},
		{"repeated key with the same value", []string{"size=3", "size=3"}, []string{`"size"`, "given twice"}},
		{"repeated key, spelled with space", []string{"size=3", " size=4"}, []string{`"size"`, "given twice"}},
		{"missing '='", []string{"size"}, []string{`"size"`, "want key=value"}},
		{"empty assignment", []string{""}, []string{`""`, "want key=value"}},
		{"empty key", []string{"=3"}, []string{`"=3"`, "want key=value"}},
		{"blank key", []string{"  =3"}, []string{`"  =3"`, "want key=value"}},
		{"not an integer", []string{"size=x"}, []string{`size="x"`, "not an integer"}},
		{"empty integer", []string{"size="}, []string{`size=""`, "not an integer"}},
		{"fraction", []string{"size=1.5"}, []string{`size="1.5"`, "not an integer"}},
		{"hex is not accepted", []string{"size=0x10"}, []string{`size="0x10"`, "not an integer"}},
		{"second '=' lands in the value", []string{"size=3=4"}, []string{`size="3=4"`, "not an integer"}},
		{"below minimum", []string{"size=0"}, []string{"size=0", "want 1..200"}},
		{"above maximum", []string{"size=201"}, []string{"size=201", "want 1..200"}},
		{"below a negative minimum", []string{"offset=-6"}, []string{"offset=-6", "want -5..5"}},
		{"too large for int is out of range, not malformed", []string{"size=99999999999999999999"},
			[]string{"size=99999999999999999999", "want 1..200"}},
		{"unknown choice", []string{"mode=slow"}, []string{`mode="slow"`, "want one of fast, safe, lazy"}},
		{"choices are case-sensitive", []string{"mode=FAST"}, []string{`mode="FAST"`, "want one of"}},
		{"empty choice", []string{"mode="}, []string{`mode=""`, "want one of"}},
		{"a bad assignment after good ones", []string{"dims=2", "size=3", "mode=x"}, []string{`mode="x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := spec.ParseParams(testParams, tt.args)
			require.Error(t, err)
			assert.ErrorIs(t, err, spec.ErrParam)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, v.Map(), "a failed parse returns no values")
		})
	}
}

func TestParseParamsNoDeclaredParams(t *testing.T) {
	v, err := spec.ParseParams(nil, nil)
	require.NoError(t, err)
	assert.Empty(t, v.Map())
	assert.Empty(t, v.Assignments())

	_, err = spec.ParseParams(nil, []string{"size=3"})
	require.ErrorIs(t, err, spec.ErrParam)
	assert.Contains(t, err.Error(), "known: none")
}

func TestParseParamsInvalidDefaultPanics(t *testing.T) {
	// A default outside its own range is a bug in the model, not bad input.
	defs := []spec.Param{{Name: "n", Default: "9", Min: 0, Max: 3}}
	assert.PanicsWithValue(t, `spec: default of parameter "n" is invalid: bad parameter n=9: want 0..3`,
		func() { _, _ = spec.ParseParams(defs, nil) })
	// Given explicitly, a valid value bypasses the default.
	v, err := spec.ParseParams(defs, []string{"n=2"})
	require.NoError(t, err)
	assert.Equal(t, 2, v.Int("n"))
}

func TestValuesAccessors(t *testing.T) {
	v, err := spec.ParseParams(testParams, []string{"offset=-4", "mode=safe"})
	require.NoError(t, err)
	assert.Equal(t, 3, v.Int("dims"))
	assert.Equal(t, 20, v.Int("size"))
	assert.Equal(t, -4, v.Int("offset"))
	assert.Equal(t, "safe", v.String("mode"))
	assert.Equal(t, "20", v.String("size"))
	assert.Equal(t, []string{"dims=3", "size=20", "offset=-4", "mode=safe"}, v.Assignments(),
		"Assignments lists every parameter in declaration order")

	assert.PanicsWithValue(t, `spec: no parameter "nope"`, func() { v.Int("nope") })
	assert.PanicsWithValue(t, `spec: no parameter "nope"`, func() { v.String("nope") })
	assert.PanicsWithValue(t, `spec: parameter "mode" is not an integer`, func() { v.Int("mode") })

	// Map is a copy: changing it does not change the values.
	m := v.Map()
	m["size"] = "1"
	delete(m, "dims")
	assert.Equal(t, 20, v.Int("size"))
	assert.Equal(t, 3, v.Int("dims"))
}

func TestParamRange(t *testing.T) {
	assert.Equal(t, "1..8", testParams[0].Range())
	assert.Equal(t, "-5..5", testParams[2].Range())
	assert.Equal(t, "fast|safe|lazy", testParams[3].Range())
}

// TestAssignmentsRoundTrip: Assignments parse back to the same values,
// which is what lets a report's parameters be pasted back on the command
// line.
func TestAssignmentsRoundTrip(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"size=007"},
		{" offset = -0 ", "mode= lazy"},
		{"mode=safe", "dims=8", "size=1", "offset=5"},
	} {
		t.Run(strings.Join(args, ","), func(t *testing.T) {
			v, err := spec.ParseParams(testParams, args)
			require.NoError(t, err)
			again, err := spec.ParseParams(testParams, v.Assignments())
			require.NoError(t, err)
			assert.Equal(t, v.Map(), again.Map())
			assert.Equal(t, v.Assignments(), again.Assignments(), "canonical form is a fixed point")
		})
	}
}

// valid is an oracle for a canonical value of p, written independently of
// Param.check.
func valid(p spec.Param, val string) bool {
	if p.Choices != nil {
		return slices.Contains(p.Choices, val)
	}
	n, err := strconv.Atoi(val)
	return err == nil && strconv.Itoa(n) == val && p.Min <= n && n <= p.Max
}

// FuzzParseParams splits its input into one assignment per line (an empty
// input is no assignments) and checks that ParseParams never panics, that
// every success yields a complete, valid, canonical set of values that
// round-trips through Assignments, and that every failure wraps ErrParam.
func FuzzParseParams(f *testing.F) {
	for _, seed := range []string{
		"",
		"size=3",
		"dims=2\nsize=3",
		"dims=8\nsize=200\noffset=-5\nmode=lazy",
		" size = 007 \nmode= safe",
		"offset=+5",
		"offset=-0",
		"size",
		"=3",
		"size=",
		"size=x",
		"size=0",
		"size=201",
		"size=99999999999999999999",
		"offset=-6",
		"mode=slow",
		"mode=FAST",
		"colour=red",
		"size=3\nsize=3",
		"size=3=4",
		"size=1.5",
		"dims=2\n\nsize=3",
		"size=\x00",
		"mode=fast\r",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var args []string
		if input != "" {
			args = strings.Split(input, "\n")
		}
		v, err := spec.ParseParams(testParams, args)
		if err != nil {
			if !errors.Is(err, spec.ErrParam) {
				t.Fatalf("ParseParams(%q): error %q does not wrap ErrParam", args, err)
			}
			if len(v.Map()) != 0 {
				t.Fatalf("ParseParams(%q) failed (%v) yet returned values %v", args, err, v.Map())
			}
			return
		}
		m := v.Map()
		if len(m) != len(testParams) {
			t.Fatalf("ParseParams(%q) = %v: want exactly the %d declared parameters", args, m, len(testParams))
		}
		for _, p := range testParams {
			val, ok := m[p.Name]
			if !ok {
				t.Fatalf("ParseParams(%q) = %v: parameter %q missing", args, m, p.Name)
			}
			if !valid(p, val) {
				t.Fatalf("ParseParams(%q) = %v: %s=%q is not a valid canonical value", args, m, p.Name, val)
			}
		}
		// Every assignment given is a declared key whose value is the
		// canonical form of the one given.
		for _, a := range args {
			key, val, _ := strings.Cut(a, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			i := slices.IndexFunc(testParams, func(p spec.Param) bool { return p.Name == key })
			if i < 0 {
				t.Fatalf("ParseParams(%q) accepted undeclared key in %q", args, a)
			}
			if testParams[i].Choices == nil {
				given, err1 := strconv.Atoi(val)
				got, err2 := strconv.Atoi(m[key])
				if err1 != nil || err2 != nil || given != got {
					t.Fatalf("ParseParams(%q): %q gave %s=%q", args, a, key, m[key])
				}
			} else if m[key] != val {
				t.Fatalf("ParseParams(%q): %q gave %s=%q", args, a, key, m[key])
			}
		}
		again, err := spec.ParseParams(testParams, v.Assignments())
		if err != nil {
			t.Fatalf("ParseParams(%q).Assignments() = %q does not parse back: %v", args, v.Assignments(), err)
		}
		if got := again.Map(); !maps.Equal(got, m) {
			t.Fatalf("round trip of %q: got %v, want %v", args, got, m)
		}
	})
}

// An OmitDefault parameter is left out of Assignments at its default, and
// listed otherwise; either way the assignments parse back to the values.
func TestAssignmentsOmitDefault(t *testing.T) {
	defs := append(slices.Clone(testParams), spec.Param{Name: "late", Default: "0", Min: 0, Max: 2, OmitDefault: true})
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"dims=3", "size=20", "offset=-2", "mode=fast"}},
		{[]string{"late=0"}, []string{"dims=3", "size=20", "offset=-2", "mode=fast"}},
		{[]string{"late=2"}, []string{"dims=3", "size=20", "offset=-2", "mode=fast", "late=2"}},
	} {
		v, err := spec.ParseParams(defs, tc.args)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v.Assignments())
		again, err := spec.ParseParams(defs, v.Assignments())
		require.NoError(t, err)
		assert.Equal(t, v.Map(), again.Map())
	}
}
