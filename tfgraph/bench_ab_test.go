package tfgraph

import (
	"sort"
	"testing"
	"time"
)

// abVariant is one way of doing a unit of work: run does one unit and returns its
// size (steps, Hessians ...).
type abVariant struct {
	name string
	run  func() (float64, error)
}

// interleave times the variants in alternation, one unit of each per benchmark
// iteration (in a rotating order, so that none always runs first), and reports each
// variant's median rate as "<name>-<unit>/s". On a shared machine, comparisons made
// this way see the same load.
func interleave(b *testing.B, unit string, vs []abVariant) {
	for _, v := range vs { // warm-up: builds lazy graphs, compiles XLA clusters
		if _, err := v.run(); err != nil {
			b.Fatalf("%s: %v", v.name, err)
		}
	}
	rates := make([][]float64, len(vs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range vs {
			k := (i + j) % len(vs)
			t0 := time.Now()
			w, err := vs[k].run()
			if err != nil {
				b.Fatalf("%s: %v", vs[k].name, err)
			}
			rates[k] = append(rates[k], w/time.Since(t0).Seconds())
		}
	}
	b.StopTimer()
	for k, v := range vs {
		sort.Float64s(rates[k])
		b.ReportMetric(rates[k][len(rates[k])/2], v.name+"-"+unit+"/s")
	}
}

// BenchmarkTinyStepsAB compares the 1-1 DNN's training (1-9x7-1 tanh, 568
// parameters, Adam, batch 64, epochs of 100 steps) at several steps per session run,
// with and without XLA, interleaved.
func BenchmarkTinyStepsAB(b *testing.B) {
	data := regression(6400, 1, 1, sinSum)
	spec := MLP("tiny", 1, []int{9, 9, 9, 9, 9, 9, 9}, 1, Tanh, MSE)
	var vs []abVariant
	for _, c := range []struct {
		name string
		k    int
		xla  bool
	}{{"k1", 1, false}, {"k2", 2, false}, {"k4", 4, false}, {"k8", 8, false}, {"k32", 32, false}, {"k1-xla", 1, true}, {"k4-xla", 4, true}} {
		m, err := New(spec, data, nil, Config{Seed: 1, StepsPerRun: c.k, Optimizer: Optimizer{Kind: Adam}, Session: SessionConfig{Device: "cpu", XLA: c.xla}})
		if err != nil {
			b.Fatal(err)
		}
		defer m.Close()
		vs = append(vs, abVariant{c.name, func() (float64, error) {
			r, err := m.TrainEpoch(64, nil)
			return float64(r.Steps), err
		}})
	}
	interleave(b, "steps", vs)
}

// BenchmarkHessianAB compares full Hessians of the 2-2 model (HessianBench22), batched
// and one column per session run, with and without XLA, interleaved.
func BenchmarkHessianAB(b *testing.B) {
	var vs []abVariant
	for _, xla := range []bool{false, true} {
		m := hessian22(b, SessionConfig{Device: "cpu", XLA: xla})
		defer m.Close()
		ref, err := newPerColumn(m)
		if err != nil {
			b.Fatal(err)
		}
		suffix := ""
		if xla {
			suffix = "-xla"
		}
		vs = append(vs,
			abVariant{"batched" + suffix, func() (float64, error) { _, err := m.Hessian(); return 1, err }})
		if !xla {
			vs = append(vs, abVariant{"per-column", func() (float64, error) { _, err := ref.hessian(); return 1, err }})
		}
	}
	interleave(b, "hessians", vs)
}

// BenchmarkXLAAB compares the seed CNN's training (10 steps of batch 128 on the
// embedded digits) and the 3-3 model's input-Jacobian norm (over 500 test digits)
// with and without XLA auto-clustering, interleaved.
func BenchmarkXLAAB(b *testing.B) {
	train, test := digits(b)
	var vs []abVariant
	for _, xla := range []bool{false, true} {
		sc := SessionConfig{Device: "cpu", IntraOpThreads: 2, InterOpThreads: 2, XLA: xla}
		suffix := ""
		if xla {
			suffix = "-xla"
		}
		cnn, err := New(seedCNN, train, nil, Config{Seed: 1, Session: sc, Optimizer: Optimizer{Kind: Adam}})
		if err != nil {
			b.Fatal(err)
		}
		defer cnn.Close()
		idx := firstIndices(cnnBatch)
		batches := make([][]int32, 10)
		for i := range batches {
			batches[i] = idx
		}
		jac, err := New(MLP("j33", 784, []int{256, 256}, 10, ReLU, CrossEntropy), train, test, Config{Seed: 1, Session: sc})
		if err != nil {
			b.Fatal(err)
		}
		defer jac.Close()
		vs = append(vs,
			abVariant{"cnn" + suffix, func() (float64, error) { return float64(10 * cnnBatch), cnn.StepMany(batches, nil) }},
			abVariant{"jacobian" + suffix, func() (float64, error) { _, err := jac.JacobianNorm(Test, 500); return 500, err }})
	}
	interleave(b, "examples", vs)
}
