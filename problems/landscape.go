package problems

import (
	"fmt"
	"math"

	"hw1/problems/analysis"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// modelHVP returns the exact Hessian-vector products of m's full training loss at its
// current parameters as the analysis package takes them; m needs
// tfgraph.Config.SecondOrder.
func modelHVP(m *tfgraph.Model) analysis.HVP { return m.HVPTo }

// layerBlocks returns, for each layer with parameters in flat-vector order, its index
// and its block of the flat vector, for the per-layer spectra (analysis.Restrict).
func layerBlocks(ps []tfgraph.Param) (layers []int, blocks [][]analysis.Range) {
	for _, p := range ps {
		r := analysis.Range{Lo: p.Offset, Hi: p.Offset + p.Size}
		if k := len(layers); k > 0 && layers[k-1] == p.Layer {
			blocks[k-1] = append(blocks[k-1], r)
			continue
		}
		layers = append(layers, p.Layer)
		blocks = append(blocks, []analysis.Range{r})
	}
	return layers, blocks
}

// paramTensors describes the parameter tensors for analysis.FilterNormalized: the
// engine keeps the output units of kernels on their last axis.
func paramTensors(ps []tfgraph.Param) []analysis.Tensor {
	out := make([]analysis.Tensor, len(ps))
	for i, p := range ps {
		out[i] = analysis.Tensor{Offset: p.Offset, Shape: p.Shape}
	}
	return out
}

// densityComparison is the spectral density of a Hessian estimated by stochastic
// Lanczos quadrature beside the exact one, both broadened by the same Gaussian and
// drawn on the same grid.
type densityComparison struct {
	Grid, Estimate, Exact []float64
	// Sigma2 is the variance of the Gaussian broadening.
	Sigma2 float64
	// Moments are the estimate's first two moments and the exact ones, tr(Hᵏ)/n.
	Moments, ExactMoments [2]float64
}

// compareDensity estimates the spectral density of m's Hessian at its current
// parameters with o (PyHessian's algorithm) and draws it beside the density of the
// exact eigenvalues ev on bins points over the range of both, broadened by a Gaussian
// of variance sigma2·max(1, range) (PyHessian's rule).
func compareDensity(m *tfgraph.Model, ev []float64, o analysis.DensityOptions, bins int, sigma2 float64) (densityComparison, error) {
	if len(ev) != m.NumParams() || bins < 2 {
		return densityComparison{}, fmt.Errorf("problems: density of %d eigenvalues for %d parameters on %d bins", len(ev), m.NumParams(), bins)
	}
	d, err := analysis.SpectralDensity(modelHVP(m).Batch(), m.NumParams(), o)
	if err != nil {
		return densityComparison{}, err
	}
	exact := analysis.ExactDensity(ev)
	lo, hi := d.Range(0)
	elo, ehi := exact.Range(0)
	lo, hi = math.Min(lo, elo), math.Max(hi, ehi)
	pad := 0.02 * math.Max(hi-lo, 1e-12)
	c := densityComparison{Grid: analysis.Grid(bins, lo-pad, hi+pad), Sigma2: sigma2 * math.Max(1, hi-lo)}
	c.Estimate, c.Exact = d.At(c.Grid, c.Sigma2), exact.At(c.Grid, c.Sigma2)
	for k := range 2 {
		c.Moments[k], c.ExactMoments[k] = d.Moment(k+1), exact.Moment(k+1)
	}
	return c, nil
}

// lossSurface holds the mean training and test loss and accuracy at the points
// (A[j], B[i]) of a plane of parameter space: Train[i][j] and so on, rows along B.
type lossSurface struct {
	A, B                        []float64
	Train, Test                 [][]float64
	TrainAccuracy, TestAccuracy [][]float64
}

// surfaceOn evaluates m on both splits at every point of ga × gb in the plane p, many
// points per session run (tfgraph.Model.LossPlane); m's parameters are left as they
// were.
func surfaceOn(m *tfgraph.Model, p analysis.Plane, ga, gb []float64) (lossSurface, error) {
	var as, bs []float64
	for _, b := range gb {
		for _, a := range ga {
			as, bs = append(as, a), append(bs, b)
		}
	}
	s := lossSurface{A: ga, B: gb}
	for _, split := range []tfgraph.Split{tfgraph.Train, tfgraph.Test} {
		loss, acc, err := m.LossPlane(split, p.Origin, p.D1, p.D2, as, bs, 0)
		if err != nil {
			return lossSurface{}, err
		}
		l, a := rows(loss, len(ga)), rows(acc, len(ga))
		if split == tfgraph.Train {
			s.Train, s.TrainAccuracy = l, a
		} else {
			s.Test, s.TestAccuracy = l, a
		}
	}
	return s, nil
}

// rows cuts v into rows of n values.
func rows(v []float64, n int) [][]float64 {
	out := make([][]float64, 0, len(v)/n)
	for lo := 0; lo+n <= len(v); lo += n {
		out = append(out, v[lo:lo+n])
	}
	return out
}

// filterNormalizedPlane returns the plane through m's current parameters spanned by
// two filter-normalised random directions (Li et al. 2018) drawn from seed.
func filterNormalizedPlane(m *tfgraph.Model, seed uint64) (analysis.Plane, error) {
	theta, err := m.GetParams()
	if err != nil {
		return analysis.Plane{}, err
	}
	ts := paramTensors(m.Params())
	d1, err := analysis.FilterNormalized(theta, ts, seed)
	if err != nil {
		return analysis.Plane{}, err
	}
	d2, err := analysis.FilterNormalized(theta, ts, seed+1)
	if err != nil {
		return analysis.Plane{}, err
	}
	return analysis.Plane{Origin: theta, D1: d1, D2: d2}, nil
}

// writeSLQ writes the quadrature rule of the spectral density d as rows of split slq:
// one node and one weight per step, the weights divided by the number of runs so that
// a model's weights sum to 1 and the broadened density is Σ w·N(λ; node, σ²).
func writeSLQ(rec *Recorder, run, model string, seed uint64, d *analysis.Density) error {
	step := 0
	for r := range d.Nodes {
		for k, node := range d.Nodes[r] {
			w := d.Weights[r][k] / float64(len(d.Nodes))
			if err := rec.AddSeeded(run, model, records.SplitSLQ, seed, step, NoEpoch, records.MetricSLQNode, node); err != nil {
				return err
			}
			if err := rec.AddSeeded(run, model, records.SplitSLQ, seed, step, NoEpoch, records.MetricSLQWeight, w); err != nil {
				return err
			}
			step++
		}
	}
	return nil
}

// batchHVP returns the exact Hessian-vector products of m's full training loss as a
// batched operator: one session run for all the vectors of a call.
func batchHVP(m *tfgraph.Model) analysis.BatchHVP {
	return func(vs, outs [][]float64) error {
		hv, err := m.HVPs(vs)
		if err != nil {
			return err
		}
		for i := range hv {
			copy(outs[i], hv[i])
		}
		return nil
	}
}

// symmetricGrid returns n evenly spaced points on [-r, r]; n is odd, so that 0, the
// trained model, is the middle point.
func symmetricGrid(n int, r float64) []float64 {
	g := analysis.Grid(n, -r, r)
	g[n/2] = 0
	return g
}
