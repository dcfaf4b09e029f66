package problems

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"hw1/problems/analysis"
	"hw1/problems/records"
)

// TestProblem33Flatness runs 3-3's quick profile and checks the outcomes the problem
// promises: the interpolations reproduce their endpoint models at α = 0 and 1 over at
// least 51 values of α; every batch size trains with at least 3 seeds; a model marked
// as meeting the criterion has the target training accuracy in the records and one
// marked as missing it does not; every model has sensitivity and sharpness (two ε, full
// space and subspace); and the comparison is the paired difference of the records.
func TestProblem33Flatness(t *testing.T) {
	res, tab := runQuick(t, "3-3")
	s := defaults33(Quick).(*settings33)
	if s.Seeds < 3 || len(s.Batches) < 3 || s.Alphas < 51 {
		t.Errorf("quick profile: %d seeds, %d batch sizes and %d values of α, want at least 3, 3 and 51", s.Seeds, len(s.Batches), s.Alphas)
	}
	check33(t, res, tab, s)
	t.Logf("answer: %s", answer33(*res))
}

func init() {
	tinyChecks["3-3"] = func(t *testing.T, res *RunResult, tab records.Table) {
		s := tinyConfig[settings33](t, "3-3", defaults33)
		check33(t, res, tab, s)
	}
}

// check33 checks a 3-3 run with settings s against its records (see
// TestProblem33Flatness).
func check33(t *testing.T, res *RunResult, tab records.Table, s *settings33) {
	t.Helper()
	sum := mustSummary[summary33](t, res)
	checkInterpolations33(t, *sum, tab, s.Alphas)
	checkLandscape33(t, *sum, tab, s)
	if sum.Seeds != s.Seeds || len(sum.Models) != len(s.Batches) {
		t.Fatalf("%d seeds and %d batch sizes, settings %d and %d", sum.Seeds, len(sum.Models), s.Seeds, len(s.Batches))
	}
	sweep := tab.Run(records.RunSensitivity)
	for _, m := range sum.Models {
		rows := sweep.Model(batchName(m.Batch))
		reached := 0
		for _, r := range rows.Metric(records.MetricReached) {
			accs := rows.Seed(r.Seed).Split("train").Metric("accuracy")
			if len(accs) != 1 {
				t.Fatalf("batch %d seed %v: %d training accuracies", m.Batch, r.Seed, len(accs))
			}
			if met := accs[0].Value >= s.TargetAccuracy; met != (r.Value == 1) {
				t.Errorf("batch %d seed %v: reached %v with training accuracy %v (target %v)", m.Batch, r.Seed, r.Value, accs[0].Value, s.TargetAccuracy)
			}
			if r.Value == 1 {
				reached++
			}
			steps := rows.Seed(r.Seed).Metric(records.MetricSteps)
			if len(steps) != 1 || steps[0].Value < 1 || steps[0].Value > float64(s.StepBudget+(sum.TrainExamples+m.Batch-1)/m.Batch) {
				t.Errorf("batch %d seed %v: steps %v, budget %d", m.Batch, r.Seed, steps, s.StepBudget)
			}
			if n := len(rows.Seed(r.Seed).Where(func(r records.Row) bool { return len(r.Metric) > 10 && r.Metric[:10] == "sharpness_" })); n != 2*len(s.SharpnessEps) {
				t.Errorf("batch %d seed %v: %d sharpness rows, want %d", m.Batch, r.Seed, n, 2*len(s.SharpnessEps))
			}
			checkSpectrum33(t, rows.Seed(r.Seed), s, sum.Params, fmt.Sprintf("batch %d seed %v", m.Batch, r.Seed))
		}
		if m.Trained != sum.Seeds || m.Reached != reached || m.TestAccuracy.N != reached {
			t.Errorf("batch %d: summary says %d trained, %d reached (test accuracy over %d); records %d seeds, %d reached", m.Batch, m.Trained, m.Reached, m.TestAccuracy.N, sum.Seeds, reached)
		}
		if reached > 0 && !(m.Sensitivity.Mean > 0) {
			t.Errorf("batch %d: sensitivity %+v, want positive", m.Batch, m.Sensitivity)
		}
		checkSpectrumSummary33(t, m, rows, s)
	}
	for _, r := range sum.Sharpness {
		if r.Sharpness.N > 0 && !(r.Sharpness.Mean >= 0) || math.IsInf(r.Sharpness.Mean, 0) {
			t.Errorf("sharpness %+v, want finite and not negative", r)
		}
	}
	checkComparison33(t, *sum, sweep)
	// One exported model per training: every (model, seed) with a training curve.
	trained := map[records.Key]bool{}
	for _, r := range tab.Run(records.RunTraining) {
		trained[records.Key{Model: r.Model, Seed: r.Seed}] = true
	}
	dirs, err := os.ReadDir(filepath.Join(res.Dir, records.ParamsDir))
	if want := len(trained); err != nil || len(dirs) != want || want < sum.Seeds*len(sum.Models) {
		t.Errorf("%d exported models (%v), want %d", len(dirs), err, want)
	}
}

// checkSpectrumSummary33 checks a batch size's λ_max and trace estimates against the
// records: the mean over the seeds that met the criterion, within 1e-12 relative, and
// none where the run computed no spectrum.
func checkSpectrumSummary33(t *testing.T, m batch33, rows records.Table, s *settings33) {
	t.Helper()
	for _, c := range []struct {
		metric string
		e      records.Estimate
	}{{records.MetricMaxEigenvalue, m.LambdaMax}, {records.MetricHessianTrace, m.Trace}} {
		var xs []float64
		for _, r := range rows.Metric(records.MetricReached) {
			if v := rows.Seed(r.Seed).Metric(c.metric); r.Value == 1 && len(v) == 1 {
				xs = append(xs, v[0].Value)
			}
		}
		if s.SpectrumIters == 0 {
			if c.e.N != 0 || len(xs) != 0 {
				t.Errorf("batch %d %s: %d seeds in the summary and %d rows with the spectrum off", m.Batch, c.metric, c.e.N, len(xs))
			}
			continue
		}
		if c.e.N != m.Reached || len(xs) != m.Reached || (len(xs) > 0 && !scalar.EqualWithinRel(c.e.Mean, floats.Sum(xs)/float64(len(xs)), 1e-12)) {
			t.Errorf("batch %d %s: summary %+v, records %v over %d seeds that met the criterion", m.Batch, c.metric, c.e, xs, m.Reached)
		}
	}
}

// batchName is the model name of a batch size in the sweep.
func batchName(b int) string { return "batch-" + strconv.Itoa(b) }

// checkInterpolations33 checks that α spans [-1, 2] with at least 51 values and that
// α = 0 and 1 reproduce the endpoint models' own metrics.
func checkInterpolations33(t *testing.T, sum summary33, tab records.Table, alphaCount int) {
	t.Helper()
	if len(sum.Interpolations) != 2 {
		t.Fatalf("%d interpolations, want 2", len(sum.Interpolations))
	}
	for _, in := range sum.Interpolations {
		alphas := tab.Run(in.Run).Metric(records.MetricAlpha)
		if len(alphas) < alphaCount || in.Alphas != len(alphas) {
			t.Errorf("%s: %d values of α (summary %d), want at least %d", in.Run, len(alphas), in.Alphas, alphaCount)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range alphas {
			lo, hi = math.Min(lo, r.Value), math.Max(hi, r.Value)
		}
		if lo > -1 || hi < 2 {
			t.Errorf("%s: α spans [%g, %g], want [-1, 2]", in.Run, lo, hi)
		}
		if !(in.MaxEndpointDiff <= 1e-6) || !scalar.EqualWithinAbs(in.Alpha0TrainLoss, in.Theta1TrainLoss, 1e-6) || !scalar.EqualWithinAbs(in.Alpha1TestAcc, in.Theta2TestAcc, 1e-6) {
			t.Errorf("%s: α = 0 and 1 differ from the models' own metrics: %+v", in.Run, in)
		}
	}
}

// checkComparison33 recomputes the small against large batch comparison from the
// sweep's records: the paired test-accuracy difference over the seeds where both met
// the criterion.
func checkComparison33(t *testing.T, sum summary33, sweep records.Table) {
	t.Helper()
	if len(sum.Comparison) == 0 {
		t.Fatal("no comparison")
	}
	small, large := batchName(sum.Models[0].Batch), batchName(sum.Models[len(sum.Models)-1].Batch)
	var diffs []float64
	for _, r := range sweep.Model(small).Metric(records.MetricReached) {
		l := sweep.Model(large).Seed(r.Seed).Metric(records.MetricReached)
		if r.Value != 1 || len(l) != 1 || l[0].Value != 1 {
			continue
		}
		a := sweep.Model(small).Seed(r.Seed).Split("test").Metric("accuracy")[0].Value
		b := sweep.Model(large).Seed(r.Seed).Split("test").Metric("accuracy")[0].Value
		diffs = append(diffs, b-a)
	}
	c := sum.Comparison[0]
	if c.Quantity != "test accuracy" || c.Diff.N != len(diffs) || (len(diffs) > 0 && !scalar.EqualWithinAbs(c.Diff.Mean, floats.Sum(diffs)/float64(len(diffs)), 1e-12)) {
		t.Errorf("comparison %+v; records give %d paired differences %v", c, len(diffs), diffs)
	}
	if c.Keskar == "" {
		t.Error("the test-accuracy comparison lacks Keskar's figures")
	}
}

// TestRandomSubspace checks that the subspace of the sharpness has orthogonal columns
// of norm √n (AᵀA = n·I), so that analysis.Sharpness may take Aᵀ/n for A⁺.
func TestRandomSubspace(t *testing.T) {
	for _, c := range []struct {
		name string
		n, p int
	}{{"square", 5, 5}, {"tall", 1000, 7}, {"uneven", 103, 10}} {
		t.Run(c.name, func(t *testing.T) {
			a := randomSubspace(c.n, c.p, 42)
			var g mat.Dense
			g.Mul(a.T(), a)
			var want mat.Dense
			want.Scale(float64(c.n), eye(c.p))
			if !mat.EqualApprox(&g, &want, 1e-12*float64(c.n)) {
				t.Errorf("AᵀA = %v, want %d times the identity", mat.Formatted(&g), c.n)
			}
		})
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func TestEpsName(t *testing.T) {
	for _, c := range []struct {
		eps  float64
		want string
	}{{1e-3, "1e-3"}, {5e-4, "5e-4"}, {2.5e-4, "2.5e-4"}, {1, "1"}, {0.01, "1e-2"}, {100, "1e2"}} {
		if got := epsName(c.eps); got != c.want {
			t.Errorf("epsName(%g) = %q, want %q", c.eps, got, c.want)
		}
	}
}

func TestAlphaGridHoldsEndpoints(t *testing.T) {
	for _, n := range []int{51, 61, 2, 7} {
		g := analysis.Grid(n, -1, 2, 0, 1)
		var has0, has1 bool
		for i, a := range g {
			has0, has1 = has0 || a == 0, has1 || a == 1
			if i > 0 && a <= g[i-1] {
				t.Errorf("n=%d: grid not increasing at %d: %v", n, i, g)
			}
		}
		if !has0 || !has1 || len(g) < n || g[0] != -1 || g[len(g)-1] != 2 {
			t.Errorf("n=%d: grid %v lacks 0, 1 or an end, or has fewer than n points", n, g)
		}
	}
}

// checkSpectrum33 checks the Hessian rows of one trained model: with s.SpectrumIters >
// 0, one largest eigenvalue, positive (the training loss is near a minimum), at least
// the mean eigenvalue trace/params, and a finite trace with a finite, non-negative
// standard error; without, none.
func checkSpectrum33(t *testing.T, rows records.Table, s *settings33, params int, what string) {
	t.Helper()
	lmax, tr, se := rows.Metric(records.MetricMaxEigenvalue), rows.Metric(records.MetricHessianTrace), rows.Metric(records.MetricTraceStdErr)
	want := 1
	if s.SpectrumIters == 0 {
		want = 0
	}
	if len(lmax) != want || len(tr) != want || len(se) != want {
		t.Errorf("%s: %d, %d and %d rows of λ_max, trace and its standard error, want %d", what, len(lmax), len(tr), len(se), want)
		return
	}
	if want == 0 {
		return
	}
	l, trace, stderr := lmax[0].Value, tr[0].Value, se[0].Value
	if !(l > 0) || math.IsInf(l, 0) || math.IsNaN(trace) || math.IsInf(trace, 0) || !(stderr >= 0) || math.IsInf(stderr, 0) {
		t.Errorf("%s: λ_max %v, trace %v ± %v; want λ_max positive and finite, trace and standard error finite", what, l, trace, stderr)
	}
	if params < 1 || l < trace/float64(params) {
		t.Errorf("%s: λ_max %v below the mean eigenvalue trace/params = %v/%d", what, l, trace, params)
	}
}
