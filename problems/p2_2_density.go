package problems

import (
	"fmt"

	"hw1/problems/analysis"
	"hw1/tfgraph"
)

// density22 estimates the spectral density of the Hessian of m's training loss at its
// current parameters (an end point) by stochastic Lanczos quadrature, PyHessian's
// algorithm: s.DensityProbes Rademacher start vectors of s.DensityIters Lanczos
// iterations each (at most the number of parameters), seeded by the training's seed.
// The runs advance together, one session run of Hessian-vector products per iteration.
func density22(m *tfgraph.Model, s *settings22, seed uint64) (*analysis.Density, error) {
	d, err := analysis.SpectralDensity(batchHVP(m), m.NumParams(), analysis.DensityOptions{
		Runs: s.DensityProbes, Iterations: min(m.NumParams(), s.DensityIters), Seed: seed,
	})
	if err != nil {
		return nil, fmt.Errorf("problems: 2-2: spectral density: %w", err)
	}
	return d, nil
}
