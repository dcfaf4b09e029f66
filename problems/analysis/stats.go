package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a confidence interval [Lo, Hi].
type Interval struct {
	Lo, Hi float64
}

// Contains reports whether x lies in the interval.
func (i Interval) Contains(x float64) bool { return x >= i.Lo && x <= i.Hi }

// Width returns Hi - Lo.
func (i Interval) Width() float64 { return i.Hi - i.Lo }

// Mean returns the arithmetic mean of xs (NaN for none).
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return stat.Mean(xs, nil)
}

// StdDev returns the sample standard deviation of xs (divisor n-1; NaN for fewer than
// two values).
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	return stat.StdDev(xs, nil)
}

func checkLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("analysis: confidence level %g outside (0, 1)", level)
	}
	return nil
}

// TInterval returns the Student-t confidence interval of the mean of xs at level
// (0.95 for 95%): mean ± t_{(1+level)/2, n-1} · sd/√n. It needs two values or more.
func TInterval(xs []float64, level float64) (Interval, error) {
	if err := checkLevel(level); err != nil {
		return Interval{}, err
	}
	n := len(xs)
	if n < 2 {
		return Interval{}, fmt.Errorf("analysis: a t interval needs 2 values or more, got %d", n)
	}
	m, sd := stat.MeanStdDev(xs, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile((1 + level) / 2)
	h := t * sd / math.Sqrt(float64(n))
	return Interval{m - h, m + h}, nil
}

// Bootstrap sets a seeded percentile bootstrap. The zero value draws 10000 resamples
// from seed 0.
type Bootstrap struct {
	// Resamples is the number of resamples (0 means 10000).
	Resamples int
	// Seed seeds the generator: the same seed and data give the same interval.
	Seed uint64
}

func (b Bootstrap) resamples() int {
	if b.Resamples <= 0 {
		return 10000
	}
	return b.Resamples
}

// resampleMean returns the mean of len(xs) values drawn from xs with replacement.
func resampleMean(rng *rand.Rand, xs []float64) float64 {
	var s float64
	for range xs {
		s += xs[rng.IntN(len(xs))]
	}
	return s / float64(len(xs))
}

// MeanReplicates returns the means of the bootstrap resamples of xs, in the order
// drawn: the distribution that MeanInterval takes percentiles of.
func (b Bootstrap) MeanReplicates(xs []float64) []float64 {
	rng := rand.New(rand.NewPCG(b.Seed, 0x626f6f74))
	out := make([]float64, b.resamples())
	for i := range out {
		out[i] = resampleMean(rng, xs)
	}
	return out
}

// DiffReplicates returns, for each bootstrap resample, the mean of a resample of xs
// minus the mean of a resample of ys (the two drawn independently), in the order
// drawn.
func (b Bootstrap) DiffReplicates(xs, ys []float64) []float64 {
	rng := rand.New(rand.NewPCG(b.Seed, 0x64696666))
	out := make([]float64, b.resamples())
	for i := range out {
		out[i] = resampleMean(rng, xs) - resampleMean(rng, ys)
	}
	return out
}

// Percentile returns the percentile interval of the replicates at level: their
// (1-level)/2 and (1+level)/2 quantiles, linearly interpolated between order
// statistics (gonum's stat.LinInterp). It sorts reps in place; reps must not be
// empty.
func Percentile(reps []float64, level float64) Interval {
	sort.Float64s(reps)
	return Interval{stat.Quantile((1-level)/2, stat.LinInterp, reps, nil), stat.Quantile((1+level)/2, stat.LinInterp, reps, nil)}
}

// MeanInterval returns the percentile bootstrap interval of the mean of xs at level.
// It needs at least one value.
func (b Bootstrap) MeanInterval(xs []float64, level float64) (Interval, error) {
	if err := checkLevel(level); err != nil {
		return Interval{}, err
	}
	if len(xs) == 0 {
		return Interval{}, fmt.Errorf("analysis: a bootstrap interval needs values")
	}
	return Percentile(b.MeanReplicates(xs), level), nil
}

// DiffInterval returns the percentile bootstrap interval of mean(xs) - mean(ys) at
// level, resampling the two independently. Both need at least one value.
func (b Bootstrap) DiffInterval(xs, ys []float64, level float64) (Interval, error) {
	if err := checkLevel(level); err != nil {
		return Interval{}, err
	}
	if len(xs) == 0 || len(ys) == 0 {
		return Interval{}, fmt.Errorf("analysis: a bootstrap interval of a difference needs values on both sides")
	}
	return Percentile(b.DiffReplicates(xs, ys), level), nil
}
