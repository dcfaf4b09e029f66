package tfgraph

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// trace trains m for epochs epochs at batch batch and returns every step's number and
// result and the final parameters.
func trace(t *testing.T, m *Model, epochs, batch int) ([]int64, []StepResult, []float64) {
	t.Helper()
	var steps []int64
	var rs []StepResult
	for e := 0; e < epochs; e++ {
		_, err := m.TrainEpoch(batch, func(step int64, r StepResult) error {
			steps = append(steps, step)
			rs = append(rs, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := m.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	return steps, rs, p
}

// same reports whether a and b are the same float64, bit for bit (NaN equal to NaN).
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b)
}

func TestStepsPerRunGivesTheOneStepRecords(t *testing.T) {
	cases := []struct {
		name  string
		spec  Spec
		data  *Data
		opt   Optimizer
		k     int
		batch int
	}{
		{"tiny-adam-auto", MLP("tiny", 1, []int{9, 9, 9, 9, 9, 9, 9}, 1, Tanh, MSE), regression(200, 1, 3, sinSum), Optimizer{Kind: Adam}, 0, 16},
		{"tiny-adam-k5", MLP("tiny", 1, []int{9, 9, 9}, 1, Tanh, MSE), regression(200, 1, 3, sinSum), Optimizer{Kind: Adam}, 5, 12},
		{"momentum-cross-entropy-k4", MLP("clf", 4, []int{8}, 3, ReLU, CrossEntropy), classification(150, []int{4}, 3, 5), Optimizer{Kind: Momentum}, 4, 10},
		{"sgd-k3", MLP("sgd", 2, []int{6}, 1, Sigmoid, MSE), regression(90, 2, 6, sinSum), Optimizer{}, 3, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			one := newModel(t, c.spec, c.data, nil, Config{Seed: 9, Optimizer: c.opt, StepsPerRun: 1})
			many := newModel(t, c.spec, c.data, nil, Config{Seed: 9, Optimizer: c.opt, StepsPerRun: c.k})
			if k := many.stepsPerRun(); k < 2 {
				t.Fatalf("%d steps per run, want several", k)
			}
			s1, r1, p1 := trace(t, one, 3, c.batch)
			sk, rk, pk := trace(t, many, 3, c.batch)
			if len(r1) != len(rk) {
				t.Fatalf("%d steps, one step per run took %d", len(rk), len(r1))
			}
			for i := range r1 {
				if s1[i] != sk[i] || !same(r1[i].Loss, rk[i].Loss) || !same(r1[i].GradNorm, rk[i].GradNorm) || !same(r1[i].Accuracy, rk[i].Accuracy) {
					t.Fatalf("step %d: %d %+v, one step per run %d %+v", i, sk[i], rk[i], s1[i], r1[i])
				}
			}
			for i := range p1 {
				if !same(p1[i], pk[i]) {
					t.Fatalf("parameter %d = %.17g, one step per run %.17g", i, pk[i], p1[i])
				}
			}
			if one.Steps() != many.Steps() {
				t.Errorf("Steps() = %d, one step per run %d", many.Steps(), one.Steps())
			}
		})
	}
}

func TestStepManyReportsTheFirstDivergedStep(t *testing.T) {
	data := regression(64, 1, 4, sinSum)
	m := newModel(t, MLP("div", 1, []int{4}, 1, Tanh, MSE), data, nil, Config{Seed: 1, Optimizer: Optimizer{LearningRate: 1e30}, StepsPerRun: 4})
	idx := firstIndices(8)
	batches := [][]int32{idx, idx, idx, idx, idx, idx, idx, idx}
	var seen int64
	err := m.StepMany(batches, func(step int64, r StepResult) error { seen = step; return nil })
	var de *DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("StepMany = %v, want a divergence", err)
	}
	if de.Step != seen+1 || m.Steps() != de.Step {
		t.Errorf("divergence at step %d, last good step %d, Steps() %d", de.Step, seen, m.Steps())
	}
}

// BenchmarkTinyDNNStepsPerRun measures training steps per second of the 1-1 DNN
// (1-9x7-1 tanh, 568 parameters, Adam) at batch 64, one step per session run and
// K steps per run.
func BenchmarkTinyDNNStepsPerRun(b *testing.B) {
	for _, k := range []int{1, 8, 16, 32} {
		b.Run(fmt.Sprintf("k%d", k), func(b *testing.B) {
			data := regression(6400, 1, 1, sinSum)
			m, err := New(MLP("tiny", 1, []int{9, 9, 9, 9, 9, 9, 9}, 1, Tanh, MSE), data, nil, Config{Seed: 1, StepsPerRun: k, Optimizer: Optimizer{Kind: Adam}})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			trainEpochs(b, m, 64)
		})
	}
}
