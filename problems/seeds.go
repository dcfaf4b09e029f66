package problems

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"hw1/problems/records"
)

// seedList returns n seeds derived from base for the configuration numbered config:
// seed i is seedFor(base, config*1000+i). Configurations that share config share their
// seeds, so that models compared seed by seed see the same data order.
func seedList(base uint64, config, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = seedFor(base, config*1000+i)
	}
	return out
}

// Ordering is how models rank on one measure over seeds: Order names them from the
// lowest mean to the highest, and Share is the fraction of the Seeds seeds in which
// the per-seed values rank the models in exactly that order.
type Ordering struct {
	Order []string `json:"order"`
	Share float64  `json:"share"`
	Seeds int      `json:"seeds"`
}

// orderOf ranks models by the mean of their values over seeds (vals[i] are model i's
// values, vals[i][k] from seed k) and counts the seeds whose values give the same
// order. Models with fewer seeds than the first count only over their common seeds; a
// NaN breaks the order of its seed.
func orderOf(names []string, vals [][]float64) Ordering {
	idx := make([]int, len(names))
	means := make([]float64, len(names))
	seeds := math.MaxInt
	for i := range idx {
		idx[i] = i
		means[i] = records.NewEstimate(vals[i]).Mean
		seeds = min(seeds, len(vals[i]))
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpNaN(means[a], means[b]) })
	o := Ordering{Seeds: seeds}
	for _, i := range idx {
		o.Order = append(o.Order, names[i])
	}
	if seeds == 0 || seeds == math.MaxInt {
		o.Seeds, o.Share = 0, math.NaN()
		return o
	}
	held := 0
	for k := range seeds {
		ok := true
		for j := 1; j < len(idx); j++ {
			a, b := vals[idx[j-1]][k], vals[idx[j]][k]
			if !(a <= b) {
				ok = false
				break
			}
		}
		if ok {
			held++
		}
	}
	o.Share = float64(held) / float64(seeds)
	return o
}

func cmpNaN(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String says the ordering and how often it held: "depth-4 < depth-7 < depth-1 (in 3
// of 5 seeds)".
func (o Ordering) String(sep string) string {
	return fmt.Sprintf("%s (in %s seeds)", strings.Join(o.Order, sep), ofSeeds(o.Share, o.Seeds))
}

// ofSeeds formats a share of n seeds as "k of n".
func ofSeeds(share float64, n int) string {
	if math.IsNaN(share) {
		return fmt.Sprintf("? of %d", n)
	}
	return fmt.Sprintf("%d of %d", int(math.Round(share*float64(n))), n)
}

// pairedEffect returns the effect of a[k] - b[k] over the seeds they share.
func pairedEffect(a, b []float64) Effect {
	n := min(len(a), len(b))
	var e Effect
	e.Estimate, _ = records.PairedDiff(a[:n], b[:n]) // equal lengths
	e.Lower, _ = records.Share(a[:n], b[:n], func(x, y float64) bool { return x < y })
	e.Higher, _ = records.Share(a[:n], b[:n], func(x, y float64) bool { return x > y })
	return e
}

// Effect is a difference between two models measured seed by seed: Estimate of A
// minus B, and the fractions of seeds in which A's value is the lower and the higher
// (ties count in neither).
type Effect struct {
	A        string           `json:"a"`
	B        string           `json:"b"`
	Measure  string           `json:"measure"`
	Estimate records.Estimate `json:"a_minus_b"`
	Lower    float64          `json:"share_a_lower"`
	Higher   float64          `json:"share_a_higher"`
}

// interval formats an estimate for an answer with digits significant digits.
func interval(e records.Estimate, digits int) string { return e.Interval(digits) }
