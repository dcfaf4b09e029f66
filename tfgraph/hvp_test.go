package tfgraph

import (
	"math"
	"math/rand/v2"
	"testing"

	"hw1/problems/data"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
	"gonum.org/v1/gonum/mat"
)

// perColumn is the Hessian-vector product one vector per session run, the engine's
// path before the batched one: the gradient of g(θ)·v with respect to θ, on the
// model's own parameter reads. The batched products are checked against it.
type perColumn struct {
	m     *Model
	v, hv tf.Output
}

func newPerColumn(m *Model) (*perColumn, error) {
	s := m.root.SubScope("hvp_per_column")
	g := op.Gradients(s.SubScope("grad"), []tf.Output{m.splits[Train].sumLoss}, m.reads, m.scalar(s.SubScope("seed"), 1))
	v := op.Placeholder(s.SubScope("v"), m.dt, op.PlaceholderShape(tf.MakeShape(int64(m.nparam))))
	vs := m.unflatten(s, v)
	dots := make([]tf.Output, len(g))
	for i := range g {
		dots[i] = op.Sum(s.SubScope("Sum"), op.Mul(s.SubScope("Mul"), g[i], vs[i]), op.Range(s.SubScope("Range"), op.Const(s.SubScope("Const"), int32(0)), op.Rank(s.SubScope("Rank"), g[i]), op.Const(s.SubScope("Const"), int32(1))))
	}
	hv := op.Gradients(s.SubScope("hv"), []tf.Output{op.AddN(s.SubScope("AddN"), dots)}, m.reads)
	if err := s.Err(); err != nil {
		return nil, err
	}
	return &perColumn{m: m, v: v, hv: m.concat(s, hv)}, s.Err()
}

func (p *perColumn) hvp(v []float64) ([]float64, error) {
	vt, err := p.m.vecTensor(v)
	if err != nil {
		return nil, err
	}
	sp := p.m.splits[Train]
	sums, err := p.m.sumChunks(sp.n, p.m.cfg.EvalChunk, map[tf.Output]*tf.Tensor{p.v: vt}, p.hv)
	if err != nil {
		return nil, err
	}
	for i := range sums[0] {
		sums[0][i] /= float64(sp.n)
	}
	return sums[0], nil
}

func (p *perColumn) hessian() (*mat.Dense, error) {
	n := p.m.nparam
	h := mat.NewDense(n, n, nil)
	e := make([]float64, n)
	for j := 0; j < n; j++ {
		e[j] = 1
		col, err := p.hvp(e)
		if err != nil {
			return nil, err
		}
		e[j] = 0
		h.SetCol(j, col)
	}
	return h, nil
}

func TestBatchedHessianMatchesPerColumn(t *testing.T) {
	img := classification(40, []int{3, 3, 1}, 4, 21)
	cases := []struct {
		name  string
		spec  Spec
		data  *Data
		chunk int
	}{
		{"tanh-mse-2-2", MLP("h22", 1, []int{10, 10}, 1, Tanh, MSE), regression(128, 1, 17, sinSum), 0},
		{"tanh-mse-chunked", MLP("tanh", 2, []int{6, 5}, 1, Tanh, MSE), regression(70, 2, 18, sinSum), 16},
		{"sigmoid-mse", MLP("sigmoid", 2, []int{5}, 1, Sigmoid, MSE), regression(64, 2, 11, sinSum), 0},
		{"relu-cross-entropy", MLP("relu", 3, []int{7}, 3, ReLU, CrossEntropy), classification(64, []int{3}, 3, 12), 0},
		{"flatten-image", Spec{Name: "img", Input: []int{3, 3, 1}, Layers: []Layer{Flatten{}, Dense{Units: 5, Activation: Tanh}, Dense{Units: 4}}}, img, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, c.spec, c.data, nil, Config{DType: Float64, Seed: 3, SecondOrder: true, EvalChunk: c.chunk})
			ref, err := newPerColumn(m)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ref.hessian()
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Hessian()
			if err != nil {
				t.Fatal(err)
			}
			scale := mat.Norm(want, math.Inf(1))
			var d mat.Dense
			d.Sub(got, want)
			if e := mat.Norm(&d, math.Inf(1)) / scale; e > 1e-12 {
				t.Errorf("batched Hessian differs from the per-column one by %.3g of its norm > 1e-12", e)
			}
			// A single product and a batch of random ones agree too.
			rng := rand.New(rand.NewPCG(7, 0))
			vs := make([][]float64, 3)
			for j := range vs {
				vs[j] = make([]float64, m.NumParams())
				for i := range vs[j] {
					vs[j][i] = rng.NormFloat64()
				}
			}
			hvs, err := m.HVPs(vs)
			if err != nil {
				t.Fatal(err)
			}
			for j, v := range vs {
				one, err := m.HVP(v)
				if err != nil {
					t.Fatal(err)
				}
				w, err := ref.hvp(v)
				if err != nil {
					t.Fatal(err)
				}
				for i := range w {
					if e := math.Abs(hvs[j][i]-w[i]) / scale; e > 1e-12 {
						t.Fatalf("HVPs[%d][%d] = %.17g, per column %.17g", j, i, hvs[j][i], w[i])
					}
					if e := math.Abs(one[i]-w[i]) / scale; e > 1e-12 {
						t.Fatalf("HVP[%d] = %.17g, per column %.17g", i, one[i], w[i])
					}
				}
			}
		})
	}
}

func TestHVPsRejectsWrongLength(t *testing.T) {
	m := newModel(t, MLP("tanh", 1, []int{3}, 1, Tanh, MSE), regression(10, 1, 1, sinSum), nil, Config{DType: Float64, SecondOrder: true})
	if _, err := m.HVPs([][]float64{make([]float64, m.NumParams()), make([]float64, 2)}); err == nil {
		t.Error("HVPs accepted a vector of the wrong length")
	}
}

// hessian22 is the 2-2 model on its training set: 1-10-10-1 tanh (141 parameters),
// float64, 128 sinc points on [-1, 1].
func hessian22(b *testing.B, sc SessionConfig) *Model {
	x, y, err := data.Function("sinc", 128, -1, 1)
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(MLP("h22", 1, []int{10, 10}, 1, Tanh, MSE), &Data{X: x, Shape: []int{1}, Targets: y}, nil, Config{Seed: 1, DType: Float64, SecondOrder: true, Session: sc})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkHessian22 measures full Hessians per second of the 2-2 model, batched (the
// engine's path) and one column per session run (the path before it).
func BenchmarkHessian22(b *testing.B) {
	paths := []struct {
		name string
		run  func(m *Model, ref *perColumn) error
	}{
		{"batched", func(m *Model, _ *perColumn) error { _, err := m.Hessian(); return err }},
		{"per-column", func(_ *Model, ref *perColumn) error { _, err := ref.hessian(); return err }},
	}
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			m := hessian22(b, SessionConfig{Device: "cpu"})
			defer m.Close()
			ref, err := newPerColumn(m)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.run(m, ref); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.run(m, ref); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hessians/s")
		})
	}
}
