package tfgraph

import (
	"hw1/problems/analysis"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func TestHessianOfLinearRegressionIsClosedForm(t *testing.T) {
	const n, dim = 50, 3
	data := regression(n, dim, 9, sinSum)
	spec := Spec{Name: "linear", Input: []int{dim}, Layers: []Layer{Dense{Units: 1}}, Loss: MSE}
	m := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 1, SecondOrder: true, EvalChunk: 16})
	h, err := m.Hessian()
	if err != nil {
		t.Fatal(err)
	}
	// θ = [w; b]: H = 2/n · [X 1]ᵀ[X 1].
	xa := mat.NewDense(n, dim+1, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			xa.Set(i, j, float64(data.X[i*dim+j]))
		}
		xa.Set(i, dim, 1)
	}
	var want mat.Dense
	want.Mul(xa.T(), xa)
	want.Scale(2.0/n, &want)
	if !mat.EqualApprox(h, &want, 1e-12) {
		t.Errorf("Hessian\n%v\nwant 2XᵀX/n\n%v", mat.Formatted(h), mat.Formatted(&want))
	}
	if a := analysis.Asymmetry(h); a > 1e-12 {
		t.Errorf("Hessian asymmetry %g > 1e-12", a)
	}
}

func TestHVPMatchesFiniteDifferenceOfGradients(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		data *Data
	}{
		{"tanh-mse", MLP("tanh", 1, []int{6, 6}, 1, Tanh, MSE), regression(64, 1, 10, sinSum)},
		{"sigmoid-mse", MLP("sigmoid", 2, []int{5}, 1, Sigmoid, MSE), regression(64, 2, 11, sinSum)},
		{"relu-cross-entropy", MLP("relu", 3, []int{7}, 3, ReLU, CrossEntropy), classification(64, []int{3}, 3, 12)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, c.spec, c.data, nil, Config{DType: Float64, Seed: 5, SecondOrder: true})
			theta, _ := m.GetParams()
			rng := rand.New(rand.NewPCG(13, 0))
			v := make([]float64, len(theta))
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			hv, err := m.HVP(v)
			if err != nil {
				t.Fatal(err)
			}
			const h = 1e-5
			grad := func(sign float64) []float64 {
				p := append([]float64(nil), theta...)
				floats.AddScaled(p, sign*h, v)
				if err := m.SetParams(p); err != nil {
					t.Fatal(err)
				}
				_, g, err := m.FullGradient()
				if err != nil {
					t.Fatal(err)
				}
				return g
			}
			gp, gm := grad(1), grad(-1)
			scaleHV := floats.Norm(hv, 2)
			for i := range hv {
				fd := (gp[i] - gm[i]) / (2 * h)
				if e := math.Abs(hv[i]-fd) / math.Max(scaleHV, 1e-8); e > 1e-6 {
					t.Errorf("(Hv)[%d] = %.10g, finite difference %.10g, error %.2g of ‖Hv‖ > 1e-6", i, hv[i], fd, e)
				}
			}
		})
	}
}

func TestHessianSymmetricAndLanczosAgrees(t *testing.T) {
	data := regression(80, 1, 14, sinSum)
	m := newModel(t, MLP("tanh", 1, []int{8, 8}, 1, Tanh, MSE), data, nil, Config{DType: Float64, Seed: 2, SecondOrder: true})
	h, err := m.Hessian()
	if err != nil {
		t.Fatal(err)
	}
	if a := analysis.Asymmetry(h); a > 1e-10 {
		t.Errorf("Hessian asymmetry %g > 1e-10", a)
	}
	ev, err := analysis.Eigenvalues(analysis.Symmetrize(h))
	if err != nil {
		t.Fatal(err)
	}
	hvp := func(v, out []float64) error {
		hv, err := m.HVP(v)
		copy(out, hv)
		return err
	}
	top, _, err := analysis.ExtremeEigenvalues(hvp, m.NumParams(), 3, analysis.LanczosOptions{Iterations: m.NumParams(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		want := ev[len(ev)-1-i]
		if !scalar.EqualWithinAbsOrRel(top[i], want, 1e-9, 1e-7) {
			t.Errorf("Lanczos eigenvalue %d = %.10g, dense solver %.10g", i, top[i], want)
		}
	}
}

func TestJacobianNormMatchesFiniteDifferences(t *testing.T) {
	train := classification(30, []int{4}, 3, 15)
	test := classification(5, []int{4}, 3, 16)
	m := newModel(t, MLP("clf", 4, []int{6}, 3, Tanh, CrossEntropy), train, test, Config{DType: Float64, Seed: 4})
	got, err := m.JacobianNorm(Test, 0)
	if err != nil {
		t.Fatal(err)
	}
	softmax := func(x []float32) []float64 {
		z, err := m.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		mx := math.Inf(-1)
		for _, v := range z {
			mx = math.Max(mx, v)
		}
		var s float64
		p := make([]float64, len(z))
		for i, v := range z {
			p[i] = math.Exp(v - mx)
			s += p[i]
		}
		for i := range p {
			p[i] /= s
		}
		return p
	}
	const h = 1e-3 // inputs are float32 in Predict; float64 inside
	var mean float64
	for e := 0; e < test.N(); e++ {
		x := append([]float32(nil), test.X[e*4:(e+1)*4]...)
		var fro float64
		for j := range x {
			x0 := x[j]
			x[j] = x0 + h
			pp := softmax(x)
			x[j] = x0 - h
			pm := softmax(x)
			x[j] = x0
			for c := range pp {
				d := (pp[c] - pm[c]) / (2 * float64(float32(x0+h)-float32(x0-h)) / 2)
				fro += d * d
			}
		}
		mean += math.Sqrt(fro)
	}
	mean /= float64(test.N())
	if relErr(got, mean, 1e-12) > 1e-5 {
		t.Errorf("Jacobian norm %.10g, finite differences %.10g", got, mean)
	}
	if got <= 0 || math.IsInf(got, 0) || math.IsNaN(got) {
		t.Errorf("Jacobian norm %g is not positive and finite", got)
	}
}

// TestChunkedSumsDoNotDependOnTheChunkSize checks that the loss, accuracy, gradient,
// Hessian-vector product and Jacobian norm summed over chunks of 7 examples agree
// with one chunk of the whole split.
func TestChunkedSumsDoNotDependOnTheChunkSize(t *testing.T) {
	spec := MLP("chunks", 3, []int{5}, 3, Tanh, CrossEntropy)
	data := classification(50, []int{3}, 3, 17)
	cfg := Config{DType: Float64, Seed: 2, SecondOrder: true}
	whole, small := cfg, cfg
	whole.EvalChunk, small.EvalChunk = 50, 7
	a, b := newModel(t, spec, data, data, whole), newModel(t, spec, data, data, small)
	v := make([]float64, a.NumParams())
	for i := range v {
		v[i] = math.Sin(float64(i))
	}
	type result struct {
		loss, acc, jac float64
		grad, hv       []float64
	}
	measure := func(m *Model) result {
		var r result
		var err error
		if r.loss, r.acc, err = m.Evaluate(Test); err != nil {
			t.Fatal(err)
		}
		if _, r.grad, err = m.FullGradient(); err != nil {
			t.Fatal(err)
		}
		if r.hv, err = m.HVP(v); err != nil {
			t.Fatal(err)
		}
		if r.jac, err = m.JacobianNorm(Test, 0); err != nil {
			t.Fatal(err)
		}
		return r
	}
	ra, rb := measure(a), measure(b)
	const tol = 1e-12
	if !scalar.EqualWithinAbsOrRel(ra.loss, rb.loss, tol, tol) || ra.acc != rb.acc || !scalar.EqualWithinAbsOrRel(ra.jac, rb.jac, tol, tol) {
		t.Errorf("loss, accuracy, Jacobian norm: one chunk %v %v %v, chunks of 7 %v %v %v", ra.loss, ra.acc, ra.jac, rb.loss, rb.acc, rb.jac)
	}
	if !floats.EqualApprox(ra.grad, rb.grad, tol) {
		t.Errorf("gradient: one chunk %v, chunks of 7 %v", ra.grad, rb.grad)
	}
	if !floats.EqualApprox(ra.hv, rb.hv, tol) {
		t.Errorf("Hv: one chunk %v, chunks of 7 %v", ra.hv, rb.hv)
	}
}
