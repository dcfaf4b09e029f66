package problems

import (
	"fmt"
	"math"
	"time"

	"hw1/problems/analysis"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// density writes the spectral density of the Hessian of t's training loss (on the
// Hessian model's training subset) by stochastic Lanczos quadrature, PyHessian's
// algorithm: s.DensityRuns Rademacher start vectors of s.DensityIters Lanczos
// iterations each, the runs advancing together so that each session run carries one
// Hessian-vector product per start vector. The quadrature rule goes to run density,
// model t.name, split slq. The Hessian model must hold t's parameters (see spectrum);
// it does nothing without one or with s.DensityRuns 0.
func (x *exp33) density(t *trained33) error {
	m := x.hess
	if m == nil || x.s.DensityRuns == 0 {
		return nil
	}
	start := time.Now()
	n := m.NumParams()
	d, err := analysis.SpectralDensity(batchHVP(m), n, analysis.DensityOptions{Runs: x.s.DensityRuns, Iterations: min(n, x.s.DensityIters), Seed: t.seed})
	if err != nil {
		return fmt.Errorf("problems: 3-3 %s: spectral density: %w", t.name, err)
	}
	if err := writeSLQ(x.rec, records.RunDensity, t.name, t.seed, d); err != nil {
		return err
	}
	x.env.log().Info("3-3 density", "model", t.name, "seed", t.cfg.seed+1, "moment1", d.Moment(1), "moment2", d.Moment(2), "seconds", time.Since(start).Seconds())
	return nil
}

// filterProfiles writes the training and test loss and accuracy of each model of ts
// along one filter-normalised random direction through it (Li et al. 2018's 1-D plot
// of small- and large-batch minima): θ + a·d for s.Filter.Points values of a evenly
// spaced on [-s.Filter.Range, s.Filter.Range], where d is one Gaussian draw (the same
// for every model) rescaled per neuron to the norm of the model's own weights into it,
// with the biases left at zero. The rows go to run filter-<run>, model t.name, step the
// index of a, with a as metric offset (empty split). It returns, for each model, the
// rise of the training loss at the grid offset nearest s.Filter.Range/2 (see
// filterRise), and does nothing with s.Filter.Points 0.
func (x *exp33) filterProfiles(run string, ts ...*trained33) ([]filterRise, error) {
	n := x.s.Filter.Points
	if n == 0 {
		return nil, nil
	}
	if n < 3 || n%2 == 0 {
		return nil, fmt.Errorf("problems: 3-3: filter_points must be odd and at least 3, got %d", n)
	}
	m := x.meas
	grid := symmetricGrid(n, x.s.Filter.Range)
	zero, none := make([]float64, n), make([]float64, m.NumParams())
	out := records.RunFilterPrefix + run
	start := time.Now()
	var rises []filterRise
	for _, t := range ts {
		d, err := analysis.FilterNormalized(t.params, paramTensors(m.Params()), x.env.Seed^0xf17e)
		if err != nil {
			return nil, fmt.Errorf("problems: 3-3: %w", err)
		}
		for k, a := range grid {
			if err := x.rec.AddSeeded(out, t.name, "", t.seed, k, NoEpoch, records.MetricOffset, a); err != nil {
				return nil, err
			}
		}
		for _, split := range []tfgraph.Split{tfgraph.Train, tfgraph.Test} {
			loss, acc, err := m.LossPlane(split, t.params, d, none, grid, zero, 0)
			if err != nil {
				return nil, fmt.Errorf("problems: 3-3: %s along a filter-normalised direction: %w", t.name, err)
			}
			for k := range grid {
				if err := x.rec.AddSeeded(out, t.name, split.String(), t.seed, k, NoEpoch, records.MetricLoss, loss[k]); err != nil {
					return nil, err
				}
				if err := x.rec.AddSeeded(out, t.name, split.String(), t.seed, k, NoEpoch, records.MetricAccuracy, acc[k]); err != nil {
					return nil, err
				}
			}
			if split == tfgraph.Train {
				rises = append(rises, riseAtHalf(grid, loss))
			}
		}
	}
	x.env.log().Info("3-3 filter-normalised profiles", "run", out, "models", len(ts), "points", n, "seconds", time.Since(start).Seconds())
	return rises, x.rec.Flush()
}

// filterRise is how much a minimum's training loss rises along a filter-normalised
// direction: the mean of the loss at offsets -offset and +offset, less the loss at 0.
// Li et al. (2018) show that filter normalisation makes such profiles comparable
// between models, so a larger rise is a sharper minimum on that scale.
type filterRise struct {
	offset, rise float64
}

// riseAtHalf returns the rise of loss, sampled on a symmetric grid with 0 at its
// centre, at the grid offset nearest half the grid's range.
func riseAtHalf(grid, loss []float64) filterRise {
	c := len(grid) / 2
	j := max(1, int(math.Round(float64(c)/2)))
	return filterRise{offset: grid[c+j], rise: (loss[c-j]+loss[c+j])/2 - loss[c]}
}
