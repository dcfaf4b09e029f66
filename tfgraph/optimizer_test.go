package tfgraph

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestAdamMatchesUpdateFormula(t *testing.T) {
	data := regression(32, 2, 8, sinSum)
	spec := MLP("adam", 2, []int{4}, 1, Tanh, MSE)
	o := Optimizer{Kind: Adam, LearningRate: 0.05}
	m := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 3, Optimizer: o})
	o = o.withDefaults()
	var mom, vel []float64
	checkUpdateFormula(t, m, data.N(), 1e-12, 1e-9, func(step int, theta, g []float64) {
		if mom == nil {
			mom, vel = make([]float64, len(theta)), make([]float64, len(theta))
		}
		lrT := o.LearningRate * math.Sqrt(1-math.Pow(o.Beta2, float64(step))) / (1 - math.Pow(o.Beta1, float64(step)))
		for i := range theta {
			mom[i] = o.Beta1*mom[i] + (1-o.Beta1)*g[i]
			vel[i] = o.Beta2*vel[i] + (1-o.Beta2)*g[i]*g[i]
			theta[i] -= lrT * mom[i] / (math.Sqrt(vel[i]) + o.Epsilon)
		}
	})
}

// TestSGDAndMomentumMatchUpdateFormula checks three full-batch steps of SGD (θ -= lr·g)
// and momentum (a = μ·a + g, θ -= lr·a) against the formulas, with the gradients the
// model reports before each step.
func TestSGDAndMomentumMatchUpdateFormula(t *testing.T) {
	cases := []struct {
		name string
		opt  Optimizer
		mu   float64 // 0 for SGD
	}{
		{"sgd default rate", Optimizer{}, 0},
		{"sgd", Optimizer{Kind: SGD, LearningRate: 0.2}, 0},
		{"momentum default", Optimizer{Kind: Momentum, LearningRate: 0.1}, 0.9},
		{"momentum 0.5", Optimizer{Kind: Momentum, LearningRate: 0.1, Momentum: 0.5}, 0.5},
	}
	data := regression(40, 2, 14, sinSum)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, MLP("opt", 2, []int{4}, 1, Sigmoid, MSE), data, nil, Config{DType: Float64, Seed: 6, Optimizer: c.opt})
			lr := c.opt.LearningRate
			if lr == 0 {
				lr = 0.01
			}
			var acc []float64
			checkUpdateFormula(t, m, data.N(), 1e-13, 1e-11, func(_ int, theta, g []float64) {
				if acc == nil {
					acc = make([]float64, len(theta))
				}
				for i := range theta {
					acc[i] = c.mu*acc[i] + g[i]
					theta[i] -= lr * acc[i]
				}
			})
		})
	}
}

// checkUpdateFormula takes three full-batch steps of m (n examples) and checks the
// parameters after each against update, which applies the formula of step 1, 2, 3 to
// theta given the gradient g the model reported before the step. Parameters agree
// within abs or rel (scalar.EqualWithinAbsOrRel).
func checkUpdateFormula(t *testing.T, m *Model, n int, abs, rel float64, update func(step int, theta, g []float64)) {
	t.Helper()
	theta, err := m.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	all := firstIndices(n)
	for step := 1; step <= 3; step++ {
		_, g, err := m.FullGradient()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Step(all); err != nil {
			t.Fatal(err)
		}
		update(step, theta, g)
		got, err := m.GetParams()
		if err != nil {
			t.Fatal(err)
		}
		for i := range theta {
			if !scalar.EqualWithinAbsOrRel(got[i], theta[i], abs, rel) {
				t.Fatalf("step %d, θ[%d] = %.15g, formula gives %.15g", step, i, got[i], theta[i])
			}
		}
	}
}

// TestUnknownOptimizerIsAnError checks that New refuses an update rule it does not
// know instead of building a model that cannot train.
func TestUnknownOptimizerIsAnError(t *testing.T) {
	data := regression(8, 1, 2, sinSum)
	if _, err := New(MLP("rms", 1, []int{2}, 1, Tanh, MSE), data, nil, Config{Optimizer: Optimizer{Kind: "rmsprop"}, Session: testSession}); err == nil {
		t.Error("New accepted optimizer rmsprop")
	}
}
