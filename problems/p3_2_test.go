package problems

import (
	"math"
	"testing"

	"hw1/problems/analysis"
)

// TestProblem32ParamSweep checks the sweep on the quick profile: at least ten models
// spanning two orders of magnitude of parameters, finite metrics, and training accuracy
// that grows with size (the largest models fit the training set, the smallest cannot).
func TestProblem32ParamSweep(t *testing.T) {
	quickProfileOnly(t)
	res, tab := mustExecute(t, "3-2", testEnv(t, nil))
	pts := sweep32(res.Manifest.Flat())
	if len(pts) < 10 {
		t.Fatalf("%d models, want at least 10", len(pts))
	}
	if r := pts[len(pts)-1].params / pts[0].params; r < 100 {
		t.Errorf("parameter counts span %.0fx, want at least 100x", r)
	}
	for _, p := range pts {
		for _, v := range []float64{p.trainLoss, p.testLoss, p.trainAcc, p.testAcc} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: non-finite metric %v", p.name, v)
			}
		}
	}
	sweep := tab.Run("sweep")
	if n := len(sweep.Metric("params")); n != len(pts) {
		t.Errorf("%d params rows, want %d", n, len(pts))
	}
	for _, metric := range []string{"loss", "accuracy"} {
		pairs, err := sweep.Join("params", metric)
		if err != nil || len(pairs) != 2*len(pts) {
			t.Errorf("join of %s with params: %d pairs (%v), want %d", metric, len(pairs), err, 2*len(pts))
		}
	}
	// Training accuracy grows with size: rank correlation with the parameter count,
	// and the largest model fits the training set far better than the smallest.
	var params, acc []float64
	for _, p := range pts {
		params, acc = append(params, p.params), append(acc, p.trainAcc)
	}
	if rho := analysis.Spearman(params, acc); rho < 0.8 {
		t.Errorf("rank correlation of training accuracy with parameter count %.2f, want >= 0.8", rho)
	}
	small, large := pts[0], pts[len(pts)-1]
	if large.trainAcc < 0.98 || large.trainAcc-small.trainAcc < 0.3 {
		t.Errorf("training accuracy %.3f for the smallest, %.3f for the largest: want the largest >= 0.98 and 0.3 above", small.trainAcc, large.trainAcc)
	}
	t.Logf("answer: %s", answer32(*res))
}
