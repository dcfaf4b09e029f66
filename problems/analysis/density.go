package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// DensityOptions sets up the spectral density by stochastic Lanczos quadrature. The
// zero value follows PyHessian's defaults: 1 run of min(n, 100) iterations, seed 0.
type DensityOptions struct {
	// Runs is the number of independent start vectors; 0 means 1.
	Runs int
	// Iterations is the number of Lanczos iterations per run, at most n; 0 means
	// min(n, 100).
	Iterations int
	// Seed seeds the Rademacher start vectors.
	Seed uint64
}

// Density is a spectral density estimated by stochastic Lanczos quadrature: for each
// run, the nodes (Ritz values) and weights of the Gauss quadrature rule of its start
// vector. It is the estimate (1/n)·Σ_i δ(λ - λ_i) ≈ mean over runs of Σ_k w_k δ(λ - node_k).
type Density struct {
	Nodes   [][]float64 // per run, ascending
	Weights [][]float64 // per run, summing to 1
}

// SpectralDensity estimates the spectral density of the symmetric operator h of
// dimension n by stochastic Lanczos quadrature (Lin, Saad and Yang 2016), the algorithm
// of PyHessian's density: each run starts Lanczos with full reorthogonalisation from a
// normalised Rademacher vector, and T's eigenvalues with their squared first
// eigenvector components form its quadrature rule. The runs advance in lockstep, so
// that every call of h carries one vector per run.
func SpectralDensity(h BatchHVP, n int, o DensityOptions) (*Density, error) {
	if o.Runs == 0 {
		o.Runs = 1
	}
	if o.Iterations == 0 {
		o.Iterations = 100
	}
	if n < 1 || o.Runs < 1 || o.Iterations < 1 {
		return nil, fmt.Errorf("analysis: spectral density of dimension %d with %d runs of %d iterations", n, o.Runs, o.Iterations)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xde5))
	starts := make([][]float64, o.Runs)
	for r := range starts {
		starts[r] = rademacher(rng, n)
	}
	ls, err := lanczosRuns(h, n, starts, o.Iterations, rng, false)
	if err != nil {
		return nil, err
	}
	d := &Density{Nodes: make([][]float64, len(ls)), Weights: make([][]float64, len(ls))}
	for r, l := range ls {
		d.Nodes[r], d.Weights[r] = l.Ritz, l.Weights
	}
	return d, nil
}

// Moment returns the k-th moment of the density, the mean over runs of Σ w·nodeᵏ: an
// unbiased estimate of tr(Hᵏ)/n, exact in each run for k <= 2·iterations - 1.
func (d *Density) Moment(k int) float64 {
	return stat.Mean(d.runMoments(k), nil)
}

// MomentStdErr returns the standard error of Moment(k) over the runs (NaN for one run).
func (d *Density) MomentStdErr(k int) float64 {
	m := d.runMoments(k)
	return stat.StdDev(m, nil) / math.Sqrt(float64(len(m)))
}

func (d *Density) runMoments(k int) []float64 {
	out := make([]float64, len(d.Nodes))
	for r := range d.Nodes {
		for i, x := range d.Nodes[r] {
			out[r] += d.Weights[r][i] * math.Pow(x, float64(k))
		}
	}
	return out
}

// Range returns PyHessian's plotting range: the mean over runs of the smallest node
// minus overhead and of the largest node plus overhead.
func (d *Density) Range(overhead float64) (lo, hi float64) {
	for r := range d.Nodes {
		lo += d.Nodes[r][0]
		hi += d.Nodes[r][len(d.Nodes[r])-1]
	}
	k := float64(len(d.Nodes))
	return lo/k - overhead, hi/k + overhead
}

// At returns the density broadened by a Gaussian of variance sigma2 at each x: the
// mean over runs of Σ w·N(x; node, sigma2).
func (d *Density) At(xs []float64, sigma2 float64) []float64 {
	out := make([]float64, len(xs))
	c := 1 / math.Sqrt(2*math.Pi*sigma2) / float64(len(d.Nodes))
	for j, x := range xs {
		var s float64
		for r := range d.Nodes {
			for i, node := range d.Nodes[r] {
				dx := x - node
				s += d.Weights[r][i] * math.Exp(-dx*dx/(2*sigma2))
			}
		}
		out[j] = s * c
	}
	return out
}

// Curve returns PyHessian's density_generate: bins (0 means 10000) equally spaced
// points over Range(overhead), the broadening variance sigma2·max(1, hi - lo) (PyHessian:
// sigma2 1e-5, overhead 0.01), and the broadened density at the points, renormalised
// so that its Riemann sum over the grid is 1.
func (d *Density) Curve(bins int, sigma2, overhead float64) (grid, density []float64) {
	if bins <= 1 {
		bins = 10000
	}
	lo, hi := d.Range(overhead)
	grid = make([]float64, bins)
	floats.Span(grid, lo, hi)
	density = d.At(grid, sigma2*math.Max(1, hi-lo))
	if norm := floats.Sum(density) * (grid[1] - grid[0]); norm > 0 {
		floats.Scale(1/norm, density)
	}
	return grid, density
}

// ExactDensity returns the spectral density of a known spectrum, (1/n)·Σ δ(λ - λ_i),
// as a Density of one run whose nodes are the eigenvalues with equal weights: broadened
// by the same Gaussian, it is what a stochastic Lanczos quadrature estimates.
func ExactDensity(ev []float64) *Density {
	nodes := append([]float64(nil), ev...)
	sort.Float64s(nodes)
	w := make([]float64, len(nodes))
	for i := range w {
		w[i] = 1 / float64(len(nodes))
	}
	return &Density{Nodes: [][]float64{nodes}, Weights: [][]float64{w}}
}
