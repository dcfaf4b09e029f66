package tfgraph

import (
	"testing"

	"hw1/problems/analysis"
)

// The sizes of the lanczos and surface workloads of BenchmarkCompare, shared with
// scripts/bench/common.py.
const (
	lanczosIters = 20
	surfaceSide  = 21
)

// compareLanczos times runs of lanczosIters Lanczos iterations with full
// reorthogonalisation on 3-3's full-profile MLP over the embedded training digits,
// as PyHessian's density does (one exact Hessian-vector product per iteration).
func compareLanczos(b *testing.B, sc SessionConfig) {
	train, _ := digits(b)
	m, err := New(MLP("l33", 784, []int{256, 256}, 10, ReLU, CrossEntropy), train, nil, Config{Seed: 1, SecondOrder: true, Session: sc})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	h := modelHVP(m)
	run := func(seed uint64) {
		if _, err := analysis.RunLanczos(h, m.NumParams(), analysis.LanczosOptions{Iterations: lanczosIters, Seed: seed}); err != nil {
			b.Fatal(err)
		}
	}
	run(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(uint64(i + 1))
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec, "runs/s")
	b.ReportMetric(float64(lanczosIters*b.N)/sec, "HVP/s")
}

// compareSurface times surfaceSide × surfaceSide loss surfaces (both splits) of 2-1's
// MLP in a random plane, with LossPlane's default number of points per session run.
func compareSurface(b *testing.B, sc SessionConfig) {
	train, test := digits(b)
	m, err := New(MLP("dnn", 784, []int{15, 30}, 10, ReLU, CrossEntropy), train, test, Config{Seed: 1, Session: sc})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	origin, d1, d2, as, bs := benchPlane(b, m, surfaceSide)
	surface := func() {
		for _, s := range []Split{Train, Test} {
			if _, _, err := m.LossPlane(s, origin, d1, d2, as, bs, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
	surface()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		surface()
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec, "surfaces/s")
	b.ReportMetric(float64(len(as)*b.N)/sec, "points/s")
}
