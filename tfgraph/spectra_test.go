package tfgraph

import (
	"math"
	"testing"

	"hw1/problems/analysis"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// modelHVP is the HVP callback of the analysis package over the model's exact
// Hessian-vector products of the full training loss.
func modelHVP(m *Model) analysis.HVP { return m.HVPTo }

// sincData returns the 2-2 problem's data: n evenly spaced points of
// sin(5πx)/(5πx) on [-1, 1].
func sincData(n int) *Data {
	d := &Data{X: make([]float32, n), Shape: []int{1}, Targets: make([]float32, n)}
	for i := range n {
		x := -1 + 2*float64(i)/float64(n-1)
		y := 1.0
		if x != 0 {
			y = math.Sin(5*math.Pi*x) / (5 * math.Pi * x)
		}
		d.X[i], d.Targets[i] = float32(x), float32(y)
	}
	return d
}

// trainedSecondOrder trains spec on data with Adam for epochs and returns a float64
// model with exact second derivatives at the trained parameters, with the exact
// spectrum of its Hessian (ascending) and the symmetrised Hessian.
func trainedSecondOrder(t *testing.T, spec Spec, data *Data, epochs, batch int) (*Model, *mat.SymDense, []float64) {
	t.Helper()
	tr := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 7, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}})
	for range epochs {
		if _, err := tr.TrainEpoch(batch, nil); err != nil {
			t.Fatal(err)
		}
	}
	theta, err := tr.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 7, SecondOrder: true})
	if err := m.SetParams(theta); err != nil {
		t.Fatal(err)
	}
	h, err := m.Hessian()
	if err != nil {
		t.Fatal(err)
	}
	s := analysis.Symmetrize(h)
	ev, err := analysis.Eigenvalues(s)
	if err != nil {
		t.Fatal(err)
	}
	return m, s, ev
}

// relativeError returns |got - want| / |want|.
func relativeError(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// checkExtremes compares Lanczos' k largest and smallest eigenvalues with the exact
// spectrum ev (ascending) and returns the largest relative errors.
func checkExtremes(t *testing.T, top, bottom, ev []float64, tol float64) (topErr, bottomErr float64) {
	t.Helper()
	n := len(ev)
	for i := range top {
		e := relativeError(top[i], ev[n-1-i])
		topErr = math.Max(topErr, e)
		if e > tol {
			t.Errorf("top eigenvalue %d: Lanczos %.15g, exact %.15g (relative error %.2g > %g)", i+1, top[i], ev[n-1-i], e, tol)
		}
	}
	for i := range bottom {
		e := relativeError(bottom[i], ev[i])
		bottomErr = math.Max(bottomErr, e)
		if e > tol {
			t.Errorf("bottom eigenvalue %d: Lanczos %.15g, exact %.15g (relative error %.2g > %g)", i+1, bottom[i], ev[i], e, tol)
		}
	}
	return topErr, bottomErr
}

// traceAndMoments returns tr(H), tr(H)/n and tr(H²)/n from the exact spectrum.
func traceAndMoments(ev []float64) (tr, m1, m2 float64) {
	n := float64(len(ev))
	for _, v := range ev {
		tr += v
		m2 += v * v
	}
	return tr, tr / n, m2 / n
}

// TestSpectrumToolsOn22Model validates the Lanczos extremes, Hutchinson's trace and
// the spectral density, for the whole model and for one layer, against the exact
// Hessian of the 2-2 problem's network (1-10-10-1 tanh, 141 parameters, float64) on
// 128 points of sinc after 300 epochs of Adam.
func TestSpectrumToolsOn22Model(t *testing.T) {
	spec := MLP("2-2", 1, []int{10, 10}, 1, Tanh, MSE)
	m, hess, ev := trainedSecondOrder(t, spec, sincData(128), 300, 32)
	n := m.NumParams()
	if n != 141 {
		t.Fatalf("%d parameters, want 141", n)
	}
	lo, hi := m.layerRange(1) // the second hidden layer: 10·10 + 10 parameters
	sub := mat.NewSymDense(hi-lo, nil)
	for i := lo; i < hi; i++ {
		for j := i; j < hi; j++ {
			sub.SetSym(i-lo, j-lo, hess.At(i, j))
		}
	}
	subEv, err := analysis.Eigenvalues(sub)
	if err != nil {
		t.Fatal(err)
	}
	whole := modelHVP(m)
	layer, dim, err := analysis.RestrictHVP(whole, n, []analysis.Range{{Lo: lo, Hi: hi}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		h    analysis.HVP
		n    int
		ev   []float64
	}{
		{"whole model", whole, n, ev},
		{"layer 1", layer, dim, subEv},
	} {
		t.Run(c.name, func(t *testing.T) {
			top, bottom, err := analysis.ExtremeEigenvalues(c.h, c.n, 5, analysis.LanczosOptions{Iterations: c.n, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			te, be := checkExtremes(t, top, bottom, c.ev, 1e-6)
			t.Logf("Lanczos, %d iterations: top 5 relative error %.2g, bottom 5 %.2g (λ_max %.6g, λ_min %.6g)", c.n, te, be, c.ev[c.n-1], c.ev[0])

			checkTraceAndMoments(t, c.h, c.n, c.ev, 300, 3000)
			// PyHessian's density: one run of 100 iterations. Its nodes reach the ends
			// of the spectrum, and its broadened curve is a probability density.
			one, err := analysis.SpectralDensity(c.h.Batch(), c.n, analysis.DensityOptions{Runs: 1, Iterations: 100, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			nodes := one.Nodes[0]
			lo, hi := nodes[0], nodes[len(nodes)-1]
			t.Logf("density, 1 run of 100 iterations: nodes in [%.8g, %.8g], spectrum [%.8g, %.8g]", lo, hi, c.ev[0], c.ev[c.n-1])
			if relativeError(hi, c.ev[c.n-1]) > 1e-6 || lo < c.ev[0]-1e-9*c.ev[c.n-1] || lo > c.ev[0]+0.05*(c.ev[c.n-1]-c.ev[0]) {
				t.Errorf("density nodes span [%g, %g], spectrum [%g, %g]", lo, hi, c.ev[0], c.ev[c.n-1])
			}
			grid, dens := one.Curve(2000, 1e-5, 0.01)
			if mass := floats.Sum(dens) * (grid[1] - grid[0]); math.Abs(mass-1) > 1e-9 {
				t.Errorf("density curve has mass %g, want 1", mass)
			}
		})
	}
}

// TestSpectrumToolsOnLargerModel validates the same tools on a classifier of 1,379
// parameters (6-32-32-3 tanh, cross-entropy, float64, 128 examples) against its exact
// Hessian, computed once: the Lanczos extremes from 150 products, a tenth of what the
// Hessian costs.
func TestSpectrumToolsOnLargerModel(t *testing.T) {
	spec := MLP("larger", 6, []int{32, 32}, 3, Tanh, CrossEntropy)
	m, _, ev := trainedSecondOrder(t, spec, classification(128, []int{6}, 3, 21), 30, 32)
	n := m.NumParams()
	h := modelHVP(m)
	top, bottom, err := analysis.ExtremeEigenvalues(h, n, 5, analysis.LanczosOptions{Iterations: 150, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	te, be := checkExtremes(t, top, bottom, ev, 1e-6)
	t.Logf("Lanczos, 150 of %d iterations: top 5 relative error %.2g, bottom 5 %.2g (λ_max %.6g, λ_min %.6g)", n, te, be, ev[n-1], ev[0])
	checkTraceAndMoments(t, h, n, ev, 100, 1000)
}

// checkTraceAndMoments checks Hutchinson's trace from probes products, and the first
// two spectral moments of a density of runs runs of 2 Lanczos iterations, of h (n
// parameters) against the exact eigenvalues ev: the trace within 3 standard errors,
// the moments within 5% and 3 standard errors. Moments 1 and 2 are exact in every run
// from 2 iterations on, so the products go into many runs: the error is the variance
// of the start vectors, 2·Σ_{i≠j}(Hᵏ)_ij² / n² per run.
func checkTraceAndMoments(t *testing.T, h analysis.HVP, n int, ev []float64, probes, runs int) {
	t.Helper()
	tr, m1, m2 := traceAndMoments(ev)
	est, err := analysis.HutchinsonTrace(h.Batch(), n, analysis.TraceOptions{Probes: probes, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Hutchinson, %d probes: trace %.6g ± %.2g, exact %.6g (%.2f standard errors)", probes, est.Trace, est.StdErr, tr, math.Abs(est.Trace-tr)/est.StdErr)
	if math.Abs(est.Trace-tr) > 3*est.StdErr {
		t.Errorf("Hutchinson trace %g ± %g, exact %g: more than 3 standard errors", est.Trace, est.StdErr, tr)
	}
	const iters = 2
	d, err := analysis.SpectralDensity(h.Batch(), n, analysis.DensityOptions{Runs: runs, Iterations: iters, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{m1, m2} {
		got, se := d.Moment(k+1), d.MomentStdErr(k+1)
		t.Logf("density, %d runs of %d iterations: moment %d %.6g ± %.2g, exact %.6g (relative error %.3f)", runs, iters, k+1, got, se, want, relativeError(got, want))
		if relativeError(got, want) > 0.05 || math.Abs(got-want) > 3*se {
			t.Errorf("density moment %d = %g ± %g, exact %g: more than 5%% or 3 standard errors off", k+1, got, se, want)
		}
	}
}
