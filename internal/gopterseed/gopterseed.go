// Package gopterseed gives gopter property tests an explicit, logged seed:
// the parameters of one test come from GOPTER_SEED (or a fresh seed) and
// GOPTER_CHECKS (or the test's default), and the test's log names the
// command that reproduces the run. Each test makes its own parameters, so
// that `-run` with that one test reproduces it. It is imported by tests
// only, and imports gopter and the standard library.
package gopterseed

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leanovate/gopter"
)

// Params returns gopter's parameters for t: checks successful checks
// (GOPTER_CHECKS overrides) from the seed in GOPTER_SEED, or from the
// clock. pkg is the package to test as `go test` takes it ("./impl/ring/"),
// for the logged command that reproduces the run.
func Params(t testing.TB, checks int, pkg string) *gopter.TestParameters {
	t.Helper()
	seed := time.Now().UnixNano()
	if s := os.Getenv("GOPTER_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("GOPTER_SEED=%q is not an int64: %v", s, err)
		}
		seed = v
	}
	if s := os.Getenv("GOPTER_CHECKS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("GOPTER_CHECKS=%q is not a positive number", s)
		}
		checks = v
	}
	p := gopter.DefaultTestParametersWithSeed(seed)
	p.MinSuccessfulTests = checks
	p.Workers = 1 // one worker: the seed alone decides the run
	t.Logf("gopter: seed %d, %d checks; reproduce with %s", seed, checks, Reproduce(t, p, pkg))
	return p
}

// Reproduce is the command line that reruns test t with p's seed and
// number of checks (gopter sizes its draws by the number of checks, so
// the run depends on both).
func Reproduce(t testing.TB, p *gopter.TestParameters, pkg string) string {
	parts := strings.Split(t.Name(), "/")
	for i, part := range parts {
		parts[i] = "^" + regexp.QuoteMeta(part) + "$"
	}
	return fmt.Sprintf("GOPTER_SEED=%d GOPTER_CHECKS=%d go test -run '%s' %s",
		p.Seed(), p.MinSuccessfulTests, strings.Join(parts, "/"), pkg)
}
