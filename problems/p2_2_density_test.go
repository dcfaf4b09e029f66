package problems

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"hw1/problems/records"
)

// checkDensity22 asserts the spectral densities of 2-2's first end points: each of the
// first min(density_runs, trainings) runs, and no other, has a quadrature rule of at
// most density_probes × density_iters nodes with positive weights summing to 1, and
// every node (a Ritz value of the Hessian) lies within the exact spectrum recorded for
// the same end point, to 1e-6 of its largest |eigenvalue|.
func checkDensity22(t *testing.T, tab records.Table, s *settings22) {
	t.Helper()
	want := min(s.DensityRuns, s.Trainings)
	if got := len(tab.Split(records.SplitSLQ).Runs()); got != want {
		t.Errorf("%d runs with a spectral density, want %d", got, want)
	}
	for i := 1; i <= want; i++ {
		run := fmt.Sprintf("seed-%d", i)
		rows := tab.Run(run).Model(model22).Split(records.SplitSLQ)
		nodes, weights := rows.Metric(records.MetricSLQNode), rows.Values(records.MetricSLQWeight)
		if len(nodes) < s.DensityProbes || len(nodes) > s.DensityProbes*s.DensityIters || len(weights) != len(nodes) {
			t.Fatalf("%s: %d nodes and %d weights, want between %d and %d", run, len(nodes), len(weights), s.DensityProbes, s.DensityProbes*s.DensityIters)
		}
		ev := byStep(tab.Run(run).Model(model22).Split(records.SplitSpectrum).Metric(records.MetricEigenvalue))
		if len(ev) == 0 {
			t.Fatalf("%s: no exact spectrum", run)
		}
		lo, hi := slices.Min(ev), slices.Max(ev)
		tol := 1e-6 * math.Max(math.Abs(lo), math.Abs(hi))
		var sum float64
		for _, n := range nodes {
			w := weights[n.Key()]
			if !(w >= 0) || n.Value < lo-tol || n.Value > hi+tol {
				t.Errorf("%s step %d: node %v (weight %v) outside the exact spectrum [%v, %v]", run, n.Step, n.Value, w, lo, hi)
			}
			sum += w
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: weights sum to %v, want 1", run, sum)
		}
	}
}
