package explore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxPath is the most states a path may name: a limit on the work one
// request can ask for (a step replays the model's successors once).
const MaxPath = 10000

// ErrBadPath is wrapped by ParsePath's errors.
var ErrBadPath = errors.New("malformed state path")

// formatFP writes a fingerprint as the path syntax has it: 16 lower-case
// hex digits.
func formatFP(fp uint64) string { return fmt.Sprintf("%016x", fp) }

// parseFP reads one fingerprint: 1 to 16 hex digits.
func parseFP(s string) (uint64, error) {
	if s == "" || len(s) > 16 {
		return 0, fmt.Errorf("%w: fingerprint %q: want 1 to 16 hex digits", ErrBadPath, s)
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return 0, fmt.Errorf("%w: fingerprint %q: %q is not a hex digit", ErrBadPath, s, c)
		}
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: fingerprint %q: %v", ErrBadPath, s, err)
	}
	return v, nil
}

// ParsePath reads a path of fingerprints, "/fp/fp/...", as the JSON API
// takes it after /.states (a leading and a trailing slash are optional;
// an empty path names no state, which the API answers with the initial
// states). Each fingerprint is 1 to 16 hex digits; at most MaxPath.
func ParsePath(p string) ([]uint64, error) {
	if strings.Contains(p, "//") {
		return nil, fmt.Errorf("%w: an empty step between two slashes", ErrBadPath)
	}
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil, nil
	}
	if n := strings.Count(p, "/") + 1; n > MaxPath {
		return nil, fmt.Errorf("%w: %d states, at most %d", ErrBadPath, n, MaxPath)
	}
	parts := strings.Split(p, "/")
	out := make([]uint64, len(parts))
	for i, part := range parts {
		fp, err := parseFP(part)
		if err != nil {
			return nil, fmt.Errorf("state %d: %w", i, err)
		}
		out[i] = fp
	}
	return out, nil
}

// FormatPath writes fps in ParsePath's syntax, with a leading slash.
func FormatPath(fps []uint64) string {
	var b strings.Builder
	for _, fp := range fps {
		b.WriteByte('/')
		b.WriteString(formatFP(fp))
	}
	return b.String()
}
