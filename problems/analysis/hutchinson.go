package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// TraceOptions sets up Hutchinson's trace estimator. The zero value draws 100 probes,
// 10 per operator call, with seed 0.
type TraceOptions struct {
	// Probes is the number of Rademacher vectors; 0 means 100. The standard error
	// needs at least 2.
	Probes int
	// Batch is the number of probes passed to the operator at once; 0 means 10.
	Batch int
	// Seed seeds the probes.
	Seed uint64
}

// TraceEstimate is Hutchinson's estimate of the trace of an operator.
type TraceEstimate struct {
	// Trace is the mean of zᵀHz over the probes z.
	Trace float64
	// StdErr is the standard error of Trace: the sample standard deviation of zᵀHz
	// over the probes divided by the square root of their number.
	StdErr float64
	// Samples holds zᵀHz for each probe, in the order drawn.
	Samples []float64
}

// HutchinsonTrace estimates the trace of the symmetric operator h of dimension n as
// the mean of zᵀHz over Rademacher vectors z (entries ±1 with equal probability,
// drawn from o.Seed): unbiased, with variance 2·Σ_{i≠j} H_ij² per probe (Hutchinson
// 1990), which is what PyHessian computes.
func HutchinsonTrace(h BatchHVP, n int, o TraceOptions) (TraceEstimate, error) {
	if o.Probes == 0 {
		o.Probes = 100
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if n < 1 || o.Probes < 2 {
		return TraceEstimate{}, fmt.Errorf("analysis: Hutchinson trace of dimension %d with %d probes (want n >= 1, probes >= 2)", n, o.Probes)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x7ace))
	est := TraceEstimate{Samples: make([]float64, 0, o.Probes)}
	for done := 0; done < o.Probes; {
		k := min(o.Batch, o.Probes-done)
		zs, outs := make([][]float64, k), make([][]float64, k)
		for i := range zs {
			zs[i], outs[i] = rademacher(rng, n), make([]float64, n)
		}
		if err := h(zs, outs); err != nil {
			return TraceEstimate{}, err
		}
		for i := range zs {
			s := floats.Dot(zs[i], outs[i])
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return TraceEstimate{}, fmt.Errorf("analysis: Hutchinson trace: probe %d gave %g", done+i+1, s)
			}
			est.Samples = append(est.Samples, s)
		}
		done += k
	}
	est.Trace = stat.Mean(est.Samples, nil)
	est.StdErr = stat.StdDev(est.Samples, nil) / math.Sqrt(float64(len(est.Samples)))
	return est, nil
}

// rademacher returns a vector of n independent ±1 entries.
func rademacher(rng *rand.Rand, n int) []float64 {
	z := make([]float64, n)
	for i := range z {
		z[i] = 1
		if rng.Uint64()&1 == 0 {
			z[i] = -1
		}
	}
	return z
}
