package tfgraph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"hw1/problems/analysis"
)

// BenchmarkLanczos20MNIST measures 20 Lanczos iterations (20 exact Hessian-vector
// products of the full training loss, with full reorthogonalisation) on 3-3's MLP,
// 784-256-256-10 ReLU (269,322 parameters, float32), over 4,096 training images of
// MNIST's size.
func BenchmarkLanczos20MNIST(b *testing.B) {
	data := classification(4096, []int{784}, 10, 1)
	m, err := New(MLP("mnist-mlp", 784, []int{256, 256}, 10, ReLU, CrossEntropy), data, nil, Config{Seed: 1, SecondOrder: true})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	h := modelHVP(m)
	// The first product builds the subgraph; it is not part of the measure.
	if _, err := m.HVP(make([]float64, m.NumParams())); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := analysis.RunLanczos(h, m.NumParams(), analysis.LanczosOptions{Iterations: 20, Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20*b.N)/b.Elapsed().Seconds(), "HVP/s")
}

// BenchmarkLossSurface21x21 measures a 21 x 21 loss surface (training and test loss
// and accuracy at 441 points of a plane) of 2-1's MLP, 784-15-30-10 ReLU (12,565
// parameters, float32), over 4,096 training and 1,024 test images of MNIST's size,
// evaluating 1, 64 or PlanePoints (all 441) points per session run.
func BenchmarkLossSurface21x21(b *testing.B) {
	train, test := classification(4096, []int{784}, 10, 1), classification(1024, []int{784}, 10, 2)
	m, err := New(MLP("dnn", 784, []int{15, 30}, 10, ReLU, CrossEntropy), train, test, Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	origin, d1, d2, as, bs := benchPlane(b, m, 21)
	for _, perRun := range []int{1, 64, m.PlanePoints()} {
		b.Run(fmt.Sprintf("points%d", min(perRun, len(as))), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for _, s := range []Split{Train, Test} {
					if _, _, err := m.LossPlane(s, origin, d1, d2, as, bs, perRun); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(len(as)*b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}

// benchPlane returns what the loss-surface benchmarks evaluate: m's current parameters
// as the origin, two random directions with entries of standard deviation 0.1 (from a
// fixed seed) and the side × side points of [-1, 1]² as coordinates along them.
func benchPlane(b *testing.B, m *Model, side int) (origin, d1, d2, as, bs []float64) {
	b.Helper()
	origin, err := m.GetParams()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	d1, d2 = make([]float64, len(origin)), make([]float64, len(origin))
	for i := range d1 {
		d1[i], d2[i] = 0.1*rng.NormFloat64(), 0.1*rng.NormFloat64()
	}
	grid := analysis.Grid(side, -1, 1)
	for _, y := range grid {
		for _, x := range grid {
			as, bs = append(as, x), append(bs, y)
		}
	}
	return origin, d1, d2, as, bs
}
