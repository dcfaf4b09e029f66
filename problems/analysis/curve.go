package analysis

import (
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Curve summarises a curve sampled at successive iterations (a loss or a gradient
// norm against the step).
type Curve struct {
	// Len is the number of samples.
	Len int
	// First is the first sample and Peak the largest one, first met at index
	// PeakIndex (0-based).
	First, Peak float64
	PeakIndex   int
	// Tail is the mean of the last samples, a value less noisy than the last one.
	Tail float64
}

// SummarizeCurve summarises the samples v, averaging the last tail of them (at least
// one, at most all) into Tail. It returns the zero Curve for no samples.
func SummarizeCurve(v []float64, tail int) Curve {
	if len(v) == 0 {
		return Curve{}
	}
	tail = min(max(tail, 1), len(v))
	c := Curve{Len: len(v), First: v[0], Tail: stat.Mean(v[len(v)-tail:], nil)}
	for i := range v {
		if v[i] > v[c.PeakIndex] {
			c.PeakIndex = i
		}
	}
	c.Peak = v[c.PeakIndex]
	return c
}

// Grid returns n >= 2 evenly spaced values from lo to hi, lo + (hi-lo)·i/(n-1), plus
// each of extra that lies in [lo, hi] and is not already a grid value, in ascending
// order. It returns nil for n < 2.
func Grid(n int, lo, hi float64, extra ...float64) []float64 {
	if n < 2 {
		return nil
	}
	var out []float64
	for i := 0; i < n; i++ {
		out = append(out, lo+(hi-lo)*float64(i)/float64(n-1))
	}
	for _, a := range extra {
		if a >= lo && a <= hi && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	sort.Float64s(out)
	return out
}
