package data

import (
	"math"
	"math/rand/v2"
)

// RandomLabels returns a copy of labels in which a fraction of the entries, chosen at
// random, are replaced by labels drawn uniformly from [0,classes); fraction 1 replaces
// all of them (a redrawn label may equal the original by chance, as in Zhang et al.
// 2017). Exactly round(fraction*len(labels)) entries are redrawn. The result depends
// only on the arguments: the same seed gives the same labels. A fraction outside [0,1]
// is clamped and NaN counts as 0; classes < 1 returns an unchanged copy.
func RandomLabels(labels []int32, classes int, fraction float64, seed uint64) []int32 {
	out := append([]int32(nil), labels...)
	if classes < 1 || len(out) == 0 || !(fraction > 0) {
		return out
	}
	fraction = min(fraction, 1)
	k := int(math.Round(fraction * float64(len(out))))
	rng := rand.New(rand.NewPCG(seed, 0x5eed1abe15))
	if k == len(out) {
		for i := range out {
			out[i] = int32(rng.IntN(classes))
		}
		return out
	}
	for _, i := range rng.Perm(len(out))[:k] {
		out[i] = int32(rng.IntN(classes))
	}
	return out
}
