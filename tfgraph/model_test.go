package tfgraph

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
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

// firstIndices returns the indices 0, 1, ..., n-1: a batch of the first n examples.
func firstIndices(n int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	return idx
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
