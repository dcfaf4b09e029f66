package analysis

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Ranks returns the rank of each value of v, from 1 for the smallest; tied values
// share the mean of the ranks they span (scipy's rankdata with method "average").
func Ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && v[idx[hi]] == v[idx[lo]] {
			hi++
		}
		// Positions lo..hi-1 hold ranks lo+1..hi; their mean is (lo+1+hi)/2.
		mean := float64(lo+1+hi) / 2
		for _, i := range idx[lo:hi] {
			r[i] = mean
		}
		lo = hi
	}
	return r
}

// Spearman returns Spearman's rank correlation of xs and ys: Pearson's correlation
// of their ranks, ties averaged. It is NaN when either is constant, when they have
// fewer than two values or different lengths.
func Spearman(xs, ys []float64) float64 {
	if len(xs) != len(ys) || len(xs) < 2 {
		return math.NaN()
	}
	rx, ry := Ranks(xs), Ranks(ys)
	if stat.Variance(rx, nil) == 0 || stat.Variance(ry, nil) == 0 {
		return math.NaN()
	}
	return stat.Correlation(rx, ry, nil)
}
