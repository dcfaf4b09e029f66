package tfgraph

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestLossPlaneMatchesPointByPointEvaluation(t *testing.T) {
	smallCNN := Spec{Name: "cnn", Input: []int{6, 6, 1}, Layers: []Layer{
		Conv2D{Filters: 2, Kernel: 3, Activation: ReLU}, Flatten{}, Dense{Units: 3},
	}}
	cases := []struct {
		name        string
		spec        Spec
		train, test *Data
		dtype       DType
		tol         float64
	}{
		{"tanh-mse-float64", MLP("tanh", 2, []int{8, 8}, 1, Tanh, MSE), regression(70, 2, 3, sinSum), regression(30, 2, 4, sinSum), Float64, 1e-12},
		{"relu-cross-entropy-float32", MLP("relu", 5, []int{16}, 4, ReLU, CrossEntropy), classification(90, []int{5}, 4, 5), classification(40, []int{5}, 4, 6), Float32, 1e-5},
		{"flatten-dense-float64", Spec{Name: "flat", Input: []int{2, 3}, Layers: []Layer{Flatten{}, Dense{Units: 5, Activation: Sigmoid}, Dense{Units: 3}}}, classification(50, []int{2, 3}, 3, 7), classification(20, []int{2, 3}, 3, 8), Float64, 1e-12},
		{"cnn-one-by-one", smallCNN, classification(40, []int{6, 6, 1}, 3, 9), classification(20, []int{6, 6, 1}, 3, 10), Float64, 1e-12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Small chunks, so that the sums run over several session runs.
			m := newModel(t, c.spec, c.train, c.test, Config{DType: c.dtype, Seed: 2, EvalChunk: 16})
			origin, _ := m.GetParams()
			rng := rand.New(rand.NewPCG(3, 3))
			d1, d2 := make([]float64, len(origin)), make([]float64, len(origin))
			for i := range d1 {
				d1[i], d2[i] = rng.NormFloat64()*0.3, rng.NormFloat64()*0.3
			}
			a := []float64{0, 1, -1, 0.5, 2, 0, -0.7}
			b := []float64{0, 0, 1, -0.5, 1, -2, 0.3}
			for _, split := range []Split{Train, Test} {
				loss, acc, err := m.LossPlane(split, origin, d1, d2, a, b, 3)
				if err != nil {
					t.Fatal(err)
				}
				after, _ := m.GetParams()
				if !floats.Equal(after, origin) {
					t.Fatal("LossPlane changed the model's parameters")
				}
				for i := range a {
					p := append([]float64(nil), origin...)
					floats.AddScaled(p, a[i], d1)
					floats.AddScaled(p, b[i], d2)
					if err := m.SetParams(p); err != nil {
						t.Fatal(err)
					}
					wantLoss, wantAcc, err := m.Evaluate(split)
					if err != nil {
						t.Fatal(err)
					}
					if math.Abs(loss[i]-wantLoss) > c.tol*math.Max(1, wantLoss) {
						t.Errorf("%s point (%g, %g): loss %.15g, evaluated %.15g", split, a[i], b[i], loss[i], wantLoss)
					}
					if !(math.IsNaN(wantAcc) && math.IsNaN(acc[i])) && math.Abs(acc[i]-wantAcc) > 1e-12 {
						t.Errorf("%s point (%g, %g): accuracy %g, evaluated %g", split, a[i], b[i], acc[i], wantAcc)
					}
				}
				if err := m.SetParams(origin); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestLossPlaneRejectsBadArguments(t *testing.T) {
	m := newModel(t, MLP("tanh", 1, []int{3}, 1, Tanh, MSE), regression(20, 1, 1, sinSum), nil, Config{Seed: 1})
	n := m.NumParams()
	ok := make([]float64, n)
	for _, c := range []struct {
		name             string
		split            Split
		origin, d1, a, b []float64
	}{
		{"no test data", Test, ok, ok, []float64{0}, []float64{0}},
		{"short origin", Train, ok[:n-1], ok, []float64{0}, []float64{0}},
		{"short direction", Train, ok, ok[:1], []float64{0}, []float64{0}},
		{"unpaired coordinates", Train, ok, ok, []float64{0, 1}, []float64{0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := m.LossPlane(c.split, c.origin, c.d1, ok, c.a, c.b, 0); err == nil {
				t.Error("no error")
			}
		})
	}
}
