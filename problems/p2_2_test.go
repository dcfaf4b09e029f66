package problems

import (
	"context"
	"fmt"
	"hw1/problems/analysis"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"

	"hw1/problems/records"
	"hw1/tfgraph"
)

func init() {
	tinyChecks["2-2"] = func(t *testing.T, res *RunResult, tab records.Table) {
		s := tinyConfig[settings22](t, "2-2", defaults22)
		converged := 0
		for _, r := range tab.Split("train").Metric("converged") {
			converged += int(r.Value)
		}
		for i := 1; i <= s.Trainings; i++ {
			checkPhase2Steps(t, s, tab, fmt.Sprintf("seed-%d", i))
		}
		checkSummary22(t, res, tab, s, converged)
		checkDensity22(t, tab, s)
	}
}

func TestP22QuickProfile(t *testing.T) {
	quickProfileOnly(t)
	env := testEnv(t, nil)
	res, tab := mustExecute(t, "2-2", env)
	p, _ := Lookup("2-2")
	t.Log(p.Answer(*res))
	checkDensity22(t, tab, defaults22(Quick).(*settings22))
	for _, task := range []string{"mnist", "sinc"} {
		run := "gradnorm-" + task
		rows := tab.Run(run).Split("train")
		loss, gn := rows.Metric("loss"), rows.Metric("grad_norm")
		if len(loss) < 100 || len(gn) != len(loss) {
			t.Fatalf("%s: %d loss and %d gradient-norm rows, want the same number, at least 100", run, len(loss), len(gn))
		}
		sort.Slice(gn, func(i, j int) bool { return gn[i].Step < gn[j].Step })
		for i, r := range gn {
			if r.Step != i+1 {
				t.Fatalf("%s: iteration %d recorded as step %d", run, i+1, r.Step)
			}
			if !(r.Value > 0) || math.IsInf(r.Value, 0) {
				t.Fatalf("%s: gradient norm %v at iteration %d", run, r.Value, r.Step)
			}
		}
	}

	s := defaults22(Quick).(*settings22)
	if s.Trainings < 100 {
		t.Fatalf("quick profile runs %d trainings, want at least 100", s.Trainings)
	}
	reduced, converged := 0, 0
	for i := 1; i <= s.Trainings; i++ {
		run := fmt.Sprintf("seed-%d", i)
		v := map[string]float64{}
		for _, r := range tab.Run(run).Model(model22).Split("train") {
			if _, dup := v[r.Metric]; dup {
				t.Errorf("%s: %s recorded twice", run, r.Metric)
			}
			v[r.Metric] = r.Value
		}
		for _, m := range metrics22 {
			if _, ok := v[m]; !ok {
				t.Fatalf("%s: no %s row", run, m)
			}
		}
		if r := v["minimal_ratio"]; !(r >= 0 && r <= 1) {
			t.Errorf("%s: minimal ratio %v outside [0, 1]", run, r)
		}
		if a := v["hessian_asymmetry"]; !(a <= 1e-6) {
			t.Errorf("%s: Hessian asymmetry %v > 1e-6", run, a)
		}
		checkPhase2Steps(t, s, tab, run)
		if v["phase1_grad_norm"] >= 100*v["grad_norm"] {
			reduced++
		}
		if v["converged"] == 1 {
			converged++
			if !(v["grad_norm"] < s.Tol) {
				t.Errorf("%s: converged with gradient norm %v >= %v", run, v["grad_norm"], s.Tol)
			}
		}
	}
	t.Logf("2-2: %d of %d trainings reduced the gradient norm 100x, %d reached %g", reduced, s.Trainings, converged, s.Tol)
	if 2*reduced <= s.Trainings {
		t.Errorf("phase 2 reduced the gradient norm 100x in %d of %d trainings, want most", reduced, s.Trainings)
	}
	// Phase 2's Levenberg–Marquardt steps bring 84 of the 100 quick trainings below the
	// tolerance (L-BFGS alone: 18).
	if 2*converged <= s.Trainings {
		t.Errorf("%d of %d trainings reached a gradient norm below %g, want most", converged, s.Trainings, s.Tol)
	}
	checkSummary22(t, res, tab, s, converged)
}

// TestP22EndPointHessian checks one end point of phase 2: the Hessian is symmetric and
// matches finite differences of the full gradient, and phase 2's objective has the
// gradient of ||∇L||² (not of L).
func TestP22EndPointHessian(t *testing.T) {
	s := defaults22(Quick).(*settings22)
	sess := tfgraph.SessionConfig{Device: "cpu", IntraOpThreads: 2, InterOpThreads: 1}
	train, err := minimalData(s)
	if err != nil {
		t.Fatal(err)
	}
	spec := tfgraph.MLP(model22, 1, s.Hidden, 1, tfgraph.Tanh, tfgraph.MSE)
	an, err := tfgraph.New(spec, train, nil, tfgraph.Config{DType: tfgraph.Float64, SecondOrder: true, Session: sess})
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	r, err := trainToCritical(context.Background(), s, spec, train, an, seedFor(1, 0), sess)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("end point: loss %.3g, gradient norm %.3g -> %.3g in %d steps", r.Loss, r.Phase1GradNorm, r.GradNorm, r.Steps)
	if !(r.GradNorm < r.Phase1GradNorm) {
		t.Errorf("phase 2 did not lower the gradient norm: %v -> %v", r.Phase1GradNorm, r.GradNorm)
	}
	// modelFunc is how analysis sees the model: every evaluation below goes through it.
	f := modelFunc{an}
	theta, err := an.GetParams()
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.Hessian(theta)
	if err != nil {
		t.Fatal(err)
	}
	if a := analysis.Asymmetry(h); a > 1e-6 {
		t.Errorf("Hessian asymmetry %g > 1e-6", a)
	}
	n := len(theta)
	var hmax float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			hmax = math.Max(hmax, math.Abs(h.At(i, j)))
		}
	}
	grad := func(p []float64) []float64 {
		_, g, err := f.LossGrad(p)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	const step = 1e-5
	rng := rand.New(rand.NewPCG(3, 4))
	for _, j := range rng.Perm(n)[:25] {
		p := slices64(theta)
		p[j] += step
		gp := grad(p)
		p[j] -= 2 * step
		gm := grad(p)
		for i := 0; i < n; i++ {
			fd := (gp[i] - gm[i]) / (2 * step)
			if e := math.Abs(h.At(i, j) - fd); e > 1e-6*hmax {
				t.Errorf("H[%d,%d] = %.10g, finite difference %.10g: error %.2g of max|H| > 1e-6", i, j, h.At(i, j), fd, e/hmax)
			}
		}
	}

	// The objective of phase 2, ||grad L||^2, and its gradient 2*H*grad L, as
	// analysis.MinimizeGradNorm builds them from modelFunc: a directional finite
	// difference.
	sq := func(p []float64) float64 {
		g := grad(p)
		return floats.Dot(g, g)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	g0 := grad(theta)
	hg, err := f.HVP(theta, g0)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, n)
	floats.ScaleTo(g, 2, hg)
	const hv = 1e-7
	p := slices64(theta)
	floats.AddScaled(p, hv, v)
	fp := sq(p)
	floats.AddScaled(p, -2*hv, v)
	fm := sq(p)
	fd, an2 := (fp-fm)/(2*hv), floats.Dot(g, v)
	if e := math.Abs(fd - an2); e > 1e-5*math.Abs(fd) {
		t.Errorf("d||grad L||^2 along v: gradient gives %.10g, finite difference %.10g", an2, fd)
	}
	gl := grad(theta) // which leaves the model at the end point again, for hessianSpectrum
	if floats.EqualApprox(g, gl, 1e-3*floats.Norm(gl, 2)) {
		t.Errorf("phase 2's gradient equals the gradient of the loss")
	}
	if err := hessianSpectrum(an, s.EigTol, &r); err != nil {
		t.Fatal(err)
	}
	if !(r.Ratio >= 0 && r.Ratio <= 1) || r.MinEig > r.MaxEig {
		t.Errorf("minimal ratio %v, eigenvalues from %v to %v", r.Ratio, r.MinEig, r.MaxEig)
	}
}

func slices64(x []float64) []float64 { return append([]float64(nil), x...) }

// checkPhase2Steps checks that run's phase-2 iterations add up: steps is the sum of
// its Levenberg–Marquardt steps and L-BFGS iterations, each within its budget, and
// the Levenberg–Marquardt steps used between one and Phase2Reuse steps per Hessian.
func checkPhase2Steps(t *testing.T, s *settings22, tab records.Table, run string) {
	t.Helper()
	v := map[string]float64{}
	for _, r := range tab.Run(run).Model(model22).Split("train") {
		v[r.Metric] = r.Value
	}
	steps, lm, hess, lbfgs := v["steps"], v[records.MetricNewtonSteps], v[records.MetricHessians], v[records.MetricLBFGSSteps]
	if steps != lm+lbfgs {
		t.Errorf("%s: %v steps, want %v Levenberg–Marquardt + %v L-BFGS", run, steps, lm, lbfgs)
	}
	if hess > float64(s.Phase2Newton) || lbfgs > float64(s.Phase2Steps) || lm > hess*float64(s.Phase2Reuse) {
		t.Errorf("%s: %v Levenberg–Marquardt steps on %v Hessians and %v L-BFGS iterations exceed the budgets %d, %d per Hessian and %d",
			run, lm, hess, lbfgs, s.Phase2Newton, s.Phase2Reuse, s.Phase2Steps)
	}
	if s.Phase2Newton > 0 && hess < 1 && v["phase1_grad_norm"] >= s.Tol {
		t.Errorf("%s: no Hessian in phase 2, from a gradient norm of %v", run, v["phase1_grad_norm"])
	}
}

func TestP22ResumeSkipsFinishedTrainings(t *testing.T) {
	quickProfileOnly(t)
	p, _ := Lookup("2-2")
	over := map[string]string{"trainings": "4", "phase1_epochs": "300", "phase2_newton": "5", "phase2_steps": "50",
		"mnist_epochs": "1", "mnist_train": "500", "fn_epochs": "4", "fn_points": "64"}
	env := testEnv(t, over)
	// Stop after the two gradient-norm trainings (1 + 4 epochs) and two minimal-ratio
	// trainings, then finish.
	interrupted(t, p, env, 1+4+2)
	env.Resume = true
	res, tab := mustExecute(t, "2-2", env)
	for i := 1; i <= 4; i++ {
		if n := len(tab.Run(fmt.Sprintf("seed-%d", i)).Model(model22).Split("train")); n != len(metrics22) {
			t.Errorf("seed-%d: %d rows, want %d", i, n, len(metrics22))
		}
	}
	s := defaults22(Quick).(*settings22)
	if err := applyOverrides(s, over); err != nil {
		t.Fatal(err)
	}
	checkDensity22(t, tab, s)
	for _, run := range []string{"gradnorm-mnist", "gradnorm-sinc"} {
		seen := map[int]int{}
		for _, r := range tab.Run(run).Metric("loss") {
			seen[r.Step]++
		}
		for step, c := range seen {
			if c != 1 {
				t.Errorf("%s: iteration %d recorded %d times", run, step, c)
			}
		}
	}
	fresh := testEnv(t, over)
	want, _ := mustExecute(t, "2-2", fresh)
	var got, exp summary22
	if err := res.DecodeSummary(&got); err != nil {
		t.Fatal(err)
	}
	if err := want.DecodeSummary(&exp); err != nil {
		t.Fatal(err)
	}
	if got.Trainings != exp.Trainings || got.Converged != exp.Converged || len(got.Tolerances) != len(exp.Tolerances) ||
		!scalar.EqualWithinAbsOrRel(got.Ratio.Mean, exp.Ratio.Mean, 1e-9, 1e-9) || !scalar.EqualWithinAbsOrRel(got.Log10Loss.Mean, exp.Log10Loss.Mean, 1e-9, 1e-9) {
		t.Errorf("resumed summary %+v, uninterrupted %+v", got, exp)
	}
}

// checkSummary22 holds 2-2's typed summary to the records: the converged share, the
// minimal ratio at every tolerance recomputed from the recorded spectra, counts that
// add up to the parameters, a ratio that never rises with the tolerance, seeds in
// every row, and one exported end point per training.
func checkSummary22(t *testing.T, res *RunResult, tab records.Table, s *settings22, converged int) {
	t.Helper()
	sum := mustSummary[summary22](t, res)
	if sum.Trainings != s.Trainings || sum.Converged != converged {
		t.Errorf("summary: %d trainings, %d converged; records: %d, %d", sum.Trainings, sum.Converged, s.Trainings, converged)
	}
	if want := len(s.AbsTols) + len(s.RelTols); len(sum.Tolerances) != want {
		t.Fatalf("%d tolerance rows, want %d", len(sum.Tolerances), want)
	}
	var ratios []float64 // at the first absolute tolerance, from the recorded spectra
	for i := 1; i <= s.Trainings; i++ {
		rows := tab.Run(fmt.Sprintf("seed-%d", i)).Model(model22)
		for _, r := range rows {
			if r.Seed == records.NoSeed {
				t.Fatalf("seed-%d: row %+v has no seed", i, r)
			}
		}
		ev := byStep(rows.Split(records.SplitSpectrum).Metric(records.MetricEigenvalue))
		if len(ev) != sum.Params {
			t.Fatalf("seed-%d: %d eigenvalues, want %d", i, len(ev), sum.Params)
		}
		conv := rows.Split("train").Metric("converged")
		if sum.Basis == "converged" && (len(conv) != 1 || conv[0].Value != 1) {
			continue
		}
		pos := 0
		for _, v := range ev {
			if v > s.AbsTols[0] {
				pos++
			}
		}
		ratios = append(ratios, float64(pos)/float64(len(ev)))
		tabRows := rows.Split(records.SplitTolAbs)
		p, n, z := byStep(tabRows.Metric("positive")), byStep(tabRows.Metric("negative")), byStep(tabRows.Metric("near_zero"))
		for k := range p {
			if int(p[k]+n[k]+z[k]) != sum.Params {
				t.Errorf("seed-%d, tolerance %d: %v+%v+%v eigenvalues, want %d", i, k, p[k], n[k], z[k], sum.Params)
			}
		}
	}
	first := sum.Tolerances[0]
	if first.Ratio.N != len(ratios) || !scalar.EqualWithinAbs(first.Ratio.Mean, floats.Sum(ratios)/float64(len(ratios)), 1e-12) {
		t.Errorf("minimal ratio at %g: summary %+v, recomputed from the spectra %v over %d end points", first.Tolerance, first.Ratio, floats.Sum(ratios)/float64(len(ratios)), len(ratios))
	}
	for k := 1; k < len(s.AbsTols); k++ {
		if a, b := sum.Tolerances[k-1], sum.Tolerances[k]; b.Ratio.Mean > a.Ratio.Mean+1e-12 {
			t.Errorf("minimal ratio rises from %v at %g to %v at %g", a.Ratio.Mean, a.Tolerance, b.Ratio.Mean, b.Tolerance)
		}
	}
	dirs, err := os.ReadDir(filepath.Join(res.Dir, records.ParamsDir))
	if err != nil || len(dirs) != s.Trainings {
		t.Errorf("%d exported end points (%v), want %d", len(dirs), err, s.Trainings)
	}
}

// TestP22WorkersKeepRecords checks that the minimal-ratio trainings give the same rows,
// in the same order, whether one worker or three run them.
func TestP22WorkersKeepRecords(t *testing.T) {
	var tabs []records.Table
	for _, w := range []string{"1", "3"} {
		over := map[string]string{"tasks": "sinc", "fn_epochs": "2", "trainings": "4", "phase1_epochs": "20", "phase2_newton": "3", "phase2_steps": "5", "workers": w}
		_, tab := mustExecute(t, "2-2", testEnv(t, over))
		tabs = append(tabs, tab.Where(func(r records.Row) bool { return len(r.Run) > 5 && r.Run[:5] == "seed-" }))
	}
	if len(tabs[0]) == 0 || len(tabs[0]) != len(tabs[1]) {
		t.Fatalf("%d and %d rows of the minimal-ratio trainings", len(tabs[0]), len(tabs[1]))
	}
	for i := range tabs[0] {
		if a, b := tabs[0][i], tabs[1][i]; a.Key() != b.Key() || a.Metric != b.Metric || a.Value != b.Value {
			t.Fatalf("row %d: one worker wrote %+v, three %+v", i, a, b)
		}
	}
}
