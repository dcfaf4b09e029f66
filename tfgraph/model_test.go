package tfgraph

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// testConfig keeps tests on one CPU thread pool of modest size.
var testSession = SessionConfig{Device: "cpu", IntraOpThreads: 2, InterOpThreads: 1}

// regression returns n seeded examples of dim inputs with targets from f.
func regression(n, dim int, seed uint64, f func(x []float32) float32) *Data {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := &Data{X: make([]float32, n*dim), Shape: []int{dim}, Targets: make([]float32, n)}
	for i := range d.X {
		d.X[i] = float32(2*rng.Float64() - 1)
	}
	for i := 0; i < n; i++ {
		d.Targets[i] = f(d.X[i*dim : (i+1)*dim])
	}
	return d
}

// classification returns n seeded examples of shape with labels in [0, classes) that
// depend on the inputs, so a model can learn them.
func classification(n int, shape []int, classes int, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 2))
	dim := prod(shape)
	d := &Data{X: make([]float32, n*dim), Shape: shape, Labels: make([]int32, n)}
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < dim; j++ {
			v := rng.Float64()
			d.X[i*dim+j] = float32(v)
			s += v * float64(j%3+1)
		}
		d.Labels[i] = int32(int(s*7) % classes)
	}
	return d
}

func newModel(t testing.TB, spec Spec, train, test *Data, cfg Config) *Model {
	t.Helper()
	cfg.Session = testSession
	m, err := New(spec, train, test, cfg)
	if err != nil {
		t.Fatalf("New(%s): %v", spec.Name, err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestLinearRegressionLearnsWeights(t *testing.T) {
	w := []float32{0.5, -1.25, 2}
	const b = 0.3
	data := regression(256, 3, 1, func(x []float32) float32 { return w[0]*x[0] + w[1]*x[1] + w[2]*x[2] + b })
	spec := Spec{Name: "linear", Input: []int{3}, Layers: []Layer{Dense{Units: 1}}, Loss: MSE}
	m := newModel(t, spec, data, nil, Config{Seed: 1, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.2}})
	for epoch := 0; epoch < 400; epoch++ {
		if _, err := m.TrainEpoch(0, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := m.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{float64(w[0]), float64(w[1]), float64(w[2]), b}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-3 {
			t.Errorf("param %d = %.6f, want %.6f within 1e-3", i, got[i], want[i])
		}
	}
}

// fdGradient returns the central finite-difference gradient of the full training loss.
func fdGradient(t *testing.T, m *Model, theta []float64, h float64) []float64 {
	t.Helper()
	g := make([]float64, len(theta))
	p := append([]float64(nil), theta...)
	for i := range p {
		p[i] = theta[i] + h
		lp := mustLoss(t, m, p)
		p[i] = theta[i] - h
		lm := mustLoss(t, m, p)
		p[i] = theta[i]
		g[i] = (lp - lm) / (2 * h)
	}
	if err := m.SetParams(theta); err != nil {
		t.Fatal(err)
	}
	return g
}

func mustLoss(t *testing.T, m *Model, p []float64) float64 {
	t.Helper()
	if err := m.SetParams(p); err != nil {
		t.Fatal(err)
	}
	l, _, err := m.Evaluate(Train)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// relErr returns |a-b| / max(|a|, |b|, floor).
func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), floor)
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	img := []int{6, 6, 2}
	cases := []struct {
		name   string
		spec   Spec
		data   *Data
		second bool
	}{
		{"dense-tanh", MLP("dense-tanh", 3, []int{5, 4}, 1, Tanh, MSE), regression(40, 3, 3, sinSum), false},
		{"dense-sigmoid", MLP("dense-sigmoid", 3, []int{5}, 1, Sigmoid, MSE), regression(40, 3, 4, sinSum), false},
		{"dense-relu", MLP("dense-relu", 3, []int{6}, 3, ReLU, CrossEntropy), classification(40, []int{3}, 3, 5), false},
		{"dense-tanh-second-order", MLP("dense-tanh-2", 3, []int{5, 4}, 1, Tanh, MSE), regression(40, 3, 3, sinSum), true},
		{"dense-relu-second-order", MLP("dense-relu-2", 3, []int{6}, 3, ReLU, CrossEntropy), classification(40, []int{3}, 3, 5), true},
		{"conv-same-stride1", Spec{Name: "conv-same", Input: img, Layers: []Layer{
			Conv2D{Filters: 3, Kernel: 3, Padding: Same, Activation: Tanh}, Flatten{}, Dense{Units: 3}}}, classification(12, img, 3, 6), false},
		{"conv-valid-stride2-maxpool", Spec{Name: "conv-valid", Input: img, Layers: []Layer{
			Conv2D{Filters: 2, Kernel: 2, Stride: 2, Padding: Valid, Activation: ReLU}, MaxPool2D{Size: 3, Padding: Same}, Flatten{}, Dense{Units: 3}}}, classification(12, img, 3, 7), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, c.spec, c.data, nil, Config{DType: Float64, Seed: 11, SecondOrder: c.second})
			theta, err := m.GetParams()
			if err != nil {
				t.Fatal(err)
			}
			_, g, err := m.FullGradient()
			if err != nil {
				t.Fatal(err)
			}
			fd := fdGradient(t, m, theta, 1e-6)
			for i := range g {
				if e := relErr(g[i], fd[i], 1e-3); e > 1e-6 {
					t.Errorf("d loss/d θ[%d] (%s): graph %.10g, finite difference %.10g, relative error %.2g > 1e-6", i, paramName(m, i), g[i], fd[i], e)
				}
			}
		})
	}
}

func sinSum(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += math.Sin(3 * float64(v))
	}
	return float32(s)
}

func paramName(m *Model, i int) string {
	for _, p := range m.Params() {
		if i >= p.Offset && i < p.Offset+p.Size {
			return p.Name
		}
	}
	return "?"
}

func TestAdamMatchesUpdateFormula(t *testing.T) {
	data := regression(32, 2, 8, sinSum)
	spec := MLP("adam", 2, []int{4}, 1, Tanh, MSE)
	o := Optimizer{Kind: Adam, LearningRate: 0.05}
	m := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 3, Optimizer: o})
	o = o.withDefaults()
	theta, err := m.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	mom := make([]float64, len(theta))
	vel := make([]float64, len(theta))
	all := make([]int32, data.N())
	for i := range all {
		all[i] = int32(i)
	}
	for step := 1; step <= 3; step++ {
		_, g, err := m.FullGradient()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Step(all); err != nil {
			t.Fatal(err)
		}
		lrT := o.LearningRate * math.Sqrt(1-math.Pow(o.Beta2, float64(step))) / (1 - math.Pow(o.Beta1, float64(step)))
		for i := range theta {
			mom[i] = o.Beta1*mom[i] + (1-o.Beta1)*g[i]
			vel[i] = o.Beta2*vel[i] + (1-o.Beta2)*g[i]*g[i]
			theta[i] -= lrT * mom[i] / (math.Sqrt(vel[i]) + o.Epsilon)
		}
		got, err := m.GetParams()
		if err != nil {
			t.Fatal(err)
		}
		for i := range theta {
			if !scalar.EqualWithinAbsOrRel(got[i], theta[i], 1e-12, 1e-9) {
				t.Fatalf("step %d, θ[%d] = %.15g, formula gives %.15g", step, i, got[i], theta[i])
			}
		}
	}
}

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
	if a := Asymmetry(h); a > 1e-12 {
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
				axpy(sign*h, v, p)
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
			scaleHV := norm(hv)
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
	if a := Asymmetry(h); a > 1e-10 {
		t.Errorf("Hessian asymmetry %g > 1e-10", a)
	}
	ev, err := Eigenvalues(Symmetric(h))
	if err != nil {
		t.Fatal(err)
	}
	top, err := m.TopEigenvalues(3, m.NumParams(), 1)
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

func TestSameSeedSameLossCurve(t *testing.T) {
	data := classification(200, []int{5}, 4, 17)
	curve := func() []float64 {
		m := newModel(t, MLP("mlp", 5, []int{16}, 4, ReLU, CrossEntropy), data, nil, Config{Seed: 21, Optimizer: Optimizer{Kind: Adam}})
		var out []float64
		for e := 0; e < 3; e++ {
			_, err := m.TrainEpoch(32, func(_ int64, r StepResult) error { out = append(out, r.Loss); return nil })
			if err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	a, b := curve(), curve()
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("curves have %d and %d points", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: loss %v then %v with the same seed", i, a[i], b[i])
		}
	}
}

func TestDivergenceStopsWithStep(t *testing.T) {
	data := regression(64, 2, 18, func(x []float32) float32 { return 100 * x[0] })
	m := newModel(t, MLP("div", 2, []int{8}, 1, ReLU, MSE), data, nil, Config{Seed: 1, Optimizer: Optimizer{Kind: SGD, LearningRate: 1e3}})
	var err error
	for e := 0; e < 50 && err == nil; e++ {
		_, err = m.TrainEpoch(16, nil)
	}
	var de *DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want a *DivergenceError", err)
	}
	if de.Step < 1 || de.Step != m.Steps() {
		t.Errorf("divergence at step %d, model has taken %d steps", de.Step, m.Steps())
	}
}

func TestCheckpointResumesExactly(t *testing.T) {
	data := classification(120, []int{4}, 3, 19)
	cfg := Config{Seed: 8, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}}
	spec := MLP("ckpt", 4, []int{8}, 3, Tanh, CrossEntropy)
	run := func(m *Model, epochs int) float64 {
		var last float64
		for e := 0; e < epochs; e++ {
			r, err := m.TrainEpoch(16, nil)
			if err != nil {
				t.Fatal(err)
			}
			last = r.Loss
		}
		return last
	}
	a := newModel(t, spec, data, nil, cfg)
	run(a, 2)
	prefix := filepath.Join(t.TempDir(), "ckpt")
	if err := a.Save(prefix); err != nil {
		t.Fatal(err)
	}
	want := run(a, 2)
	b := newModel(t, spec, data, nil, Config{Seed: 99, Optimizer: cfg.Optimizer})
	if err := b.Restore(prefix); err != nil {
		t.Fatal(err)
	}
	if b.Steps() != 16 {
		t.Errorf("restored step count %d, want 16", b.Steps())
	}
	if got := run(b, 2); got != want {
		t.Errorf("resumed loss %v, uninterrupted %v", got, want)
	}
	if err := b.Restore(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("restoring a missing checkpoint succeeded")
	}
}

// TestSplitsKeepTheirOwnData guards against the train and test data sharing one
// resource: each split must evaluate on its own examples and labels.
func TestSplitsKeepTheirOwnData(t *testing.T) {
	spec := MLP("splits", 6, []int{8}, 3, ReLU, CrossEntropy)
	train := classification(50, []int{6}, 3, 11)
	test := classification(80, []int{6}, 3, 12)
	both := newModel(t, spec, train, test, Config{Seed: 5})
	trainOnly := newModel(t, spec, train, nil, Config{Seed: 5})
	testAsTrain := newModel(t, spec, test, nil, Config{Seed: 5})
	cases := []struct {
		name string
		m    *Model
		s    Split
		ref  *Model
	}{
		{"train", both, Train, trainOnly},
		{"test", both, Test, testAsTrain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, a, err := c.m.Evaluate(c.s)
			if err != nil {
				t.Fatal(err)
			}
			wl, wa, err := c.ref.Evaluate(Train)
			if err != nil {
				t.Fatal(err)
			}
			if !scalar.EqualWithinAbsOrRel(l, wl, 1e-6, 1e-6) || a != wa {
				t.Errorf("%s split evaluates to loss %v accuracy %v, its own data gives %v %v", c.s, l, a, wl, wa)
			}
		})
	}
	if n := both.N(Test); n != 80 {
		t.Errorf("N(Test) = %d, want 80", n)
	}
}
