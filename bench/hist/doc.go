// Package hist is a fixed-size log-linear latency histogram in the spirit
// of HdrHistogram: every recorded duration lands in a bucket whose width
// is at most 1/128 of its lower bound, so a percentile read back from it
// is within 0.8% of the true order statistic, whatever the number of
// samples. A benchmark can therefore record every call (no sampling, no
// growing slice of durations) at a cost of one bit-length instruction and
// one increment, and merge per-goroutine histograms at the end.
//
// Read Histogram first. The package imports only the standard library.
package hist
