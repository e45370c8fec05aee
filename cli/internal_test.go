package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want string
	}{
		{0, "0"}, {950, "950"}, {9_999, "9999"}, {10_000, "10.0k"}, {12_345, "12.3k"},
		// Near a unit boundary, rounding must not print "1000.0k" or "10.00M".
		{999_949, "999.9k"}, {999_950, "1.00M"}, {999_999, "1.00M"},
		{1_000_000, "1.00M"}, {4_560_000, "4.56M"},
		{9_994_999, "9.99M"}, {9_995_000, "10.0M"}, {9_999_999, "10.0M"}, {10_000_000, "10.0M"},
		{123_456_789, "123.5M"},
	} {
		assert.Equal(t, tc.want, count(tc.n), "count(%d)", tc.n)
	}
}

func TestShardDepths(t *testing.T) {
	for i, want := range []int{40, 35, 30, 25, 40} {
		assert.Equal(t, want, (&shardSpec{i, 8}).depth(40))
	}
	assert.Equal(t, 0, (&shardSpec{3, 8}).depth(0))
}
