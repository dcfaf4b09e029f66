package problems

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"gonum.org/v1/gonum/floats"

	"hw1/problems/analysis"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// minimalResult is what one minimal-ratio training measured at its end point.
type minimalResult struct {
	Seed                       uint64
	Phase1Loss, Phase1GradNorm float64
	Loss, GradNorm             float64 // at the end of phase 2
	Steps                      int     // phase-2 iterations: NewtonSteps + LBFGSSteps
	NewtonSteps, LBFGSSteps    int     // Levenberg–Marquardt steps and L-BFGS iterations
	Hessians                   int     // full Hessians of the Levenberg–Marquardt steps
	Converged                  bool    // GradNorm < Tol
	Ratio, MinEig, MaxEig      float64
	EigTol                     float64 // the threshold of "eigenvalue > 0"
	Asymmetry                  float64 // max|H-Hᵀ| / max|H|
	Params                     int
	// Eigenvalues is the spectrum of the full Hessian, ascending.
	Eigenvalues []float64
	// Density is its spectral density by stochastic Lanczos quadrature, for the first
	// s.DensityRuns end points; nil for the others.
	Density *analysis.Density
}

func (r minimalResult) values() []float64 {
	conv := 0.0
	if r.Converged {
		conv = 1
	}
	return []float64{r.Loss, r.GradNorm, r.Ratio, r.MinEig, r.MaxEig, float64(r.Steps), conv,
		float64(r.Params), r.EigTol, r.Asymmetry, r.Phase1Loss, r.Phase1GradNorm, float64(r.NewtonSteps), float64(r.Hessians), float64(r.LBFGSSteps)}
}

func minimalFrom(v map[string]float64) minimalResult {
	return minimalResult{
		Loss: v["loss"], GradNorm: v["grad_norm"], Ratio: v["minimal_ratio"], MinEig: v["min_eigenvalue"],
		MaxEig: v["max_eigenvalue"], Steps: int(v["steps"]), Converged: v["converged"] == 1, Params: int(v["params"]),
		EigTol: v["eig_tolerance"], Asymmetry: v["hessian_asymmetry"], Phase1Loss: v["phase1_loss"], Phase1GradNorm: v["phase1_grad_norm"],
		NewtonSteps: int(v[records.MetricNewtonSteps]), Hessians: int(v[records.MetricHessians]), LBFGSSteps: int(v[records.MetricLBFGSSteps]),
	}
}

// minimalData returns the training data of the minimal-ratio trainings.
func minimalData(s *settings22) (*tfgraph.Data, error) {
	train, err := s.trainingData(s.Function, s.Points)
	if err != nil {
		return nil, fmt.Errorf("problems: 2-2: %w", err)
	}
	return train, nil
}

// minimalRatios runs the minimal-ratio trainings of units that belong to env's shard
// (units[i] is training i) to a point of almost zero gradient and records the
// spectrum of the Hessian there, the minimal ratio against the tolerance and the
// parameters of the end point. With env.Resume, trainings whose rows are all present
// are not redone.
func minimalRatios(ctx context.Context, env *Env, rec *Recorder, s *settings22, units []Unit) error {
	train, err := minimalData(s)
	if err != nil {
		return err
	}
	spec := tfgraph.MLP(model22, 1, s.Hidden, 1, tfgraph.Tanh, tfgraph.MSE)
	n, err := spec.NumParams()
	if err != nil {
		return err
	}
	env.log().Info("minimal ratio", "trainings", s.Trainings, "params", n)
	rec.Note("Minimal ratio: %d networks 1-%s-1 (tanh, MSE, float64, %d parameters) on %d points of %s on [%g, %g] (no test set); phase 1: %d epochs of Adam at %g, batch %d; phase 2: over the whole training set until ||grad L|| < %g, Levenberg-Marquardt steps on the residual grad L (the step -(H^2 + lambda I)^-1 H grad L, lambda = mu max eig(H)^2, mu from %g, taken when ||grad L|| falls) from up to %d exact full Hessians H, each used for up to %d steps (a stale Hessian that gives no step is replaced), stopping when ||grad L|| fell by less than 2%% over the last 5 Hessians, then up to %d iterations of L-BFGS on ||grad L||^2; the headline ratio counts eigenvalues above %g, and the ratio is also recorded at the absolute tolerances %v and at %v times the largest |eigenvalue|.",
		s.Trainings, joinInts(s.Hidden, "-"), n, s.Points, s.Function, s.Lo, s.Hi, s.Phase1Epochs, s.Phase1LR, s.Phase1Batch, s.Tol, s.Phase2Damping, s.Phase2Newton, s.Phase2Reuse, s.Phase2Steps, s.EigTol, s.AbsTols, s.RelTols)

	done := map[string]minimalResult{}
	if env.Resume {
		if done, err = resumedMinimal(rec, env.Dir); err != nil {
			return err
		}
	}
	// Workers train the end points concurrently, each with its own float64 model with
	// exact second derivatives; the rows are written in order of the trainings.
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel, below: a failed run stops the other workers
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type outcome struct {
		r   minimalResult
		err error
	}
	out := make([]chan outcome, len(units))
	todo := make(chan int, len(units))
	mine := 0
	for i, u := range units {
		out[i] = make(chan outcome, 1)
		if !env.Shard.Has(u.Index) {
			continue
		}
		mine++
		if _, ok := done[u.Name]; !ok {
			todo <- i
		}
	}
	close(todo)
	for range max(1, min(s.Workers, mine)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			an, err := tfgraph.New(spec, train, nil, tfgraph.Config{DType: tfgraph.Float64, SecondOrder: true, Session: env.session()})
			if err == nil {
				defer an.Close()
			}
			for i := range todo {
				if err == nil {
					err = ctx.Err()
				}
				if err != nil {
					out[i] <- outcome{err: err}
					continue
				}
				r, err := endPoint(ctx, rec, s, spec, train, an, i, units[i].Seed, env.session())
				out[i] <- outcome{r, err}
			}
		}()
	}
	bar := env.progress(mine, "minimal ratio")
	defer bar.Close()
	for i, u := range units {
		if !env.Shard.Has(u.Index) {
			continue
		}
		run := u.Name
		r, ok := done[run]
		if !ok {
			o := <-out[i]
			if o.err == nil {
				o.err = writeMinimal(rec, s, run, o.r)
			}
			if o.err != nil {
				return fmt.Errorf("problems: 2-2: %s: %w", run, o.err)
			}
			r = o.r
			env.log().Info("minimal ratio", "run", run, "loss", r.Loss, "grad_norm", r.GradNorm, "steps", r.Steps, "ratio", r.Ratio, "min_eig", r.MinEig)
		}
		if r.Asymmetry > 1e-6 {
			return fmt.Errorf("problems: 2-2: %s: Hessian asymmetry %.3g exceeds 1e-6 of its largest entry", run, r.Asymmetry)
		}
		bar.Add(1)
		bar.Describe(fmt.Sprintf("minimal ratio %.3f", r.Ratio))
	}
	return nil
}

// endPoint trains training i from seed to its end point on an (trainToCritical),
// computes the Hessian's spectrum there and exports the end point's parameters.
func endPoint(ctx context.Context, rec *Recorder, s *settings22, spec tfgraph.Spec, train *tfgraph.Data, an *tfgraph.Model, i int, seed uint64, sess tfgraph.SessionConfig) (minimalResult, error) {
	r, err := trainToCritical(ctx, s, spec, train, an, seed, sess)
	if err != nil {
		return r, err
	}
	if err := hessianSpectrum(an, s.EigTol, &r); err != nil {
		return r, err
	}
	if i < s.DensityRuns {
		if r.Density, err = density22(an, s, seed); err != nil {
			return r, err
		}
	}
	return r, exportParams(rec, an, paramsExport{
		Run: fmt.Sprintf("seed-%d", i+1), Model: model22, Seed: seed, DType: tfgraph.Float64,
		Data:    functionData(s.Function, s.Points, s.Lo, s.Hi),
		Metrics: map[string]float64{"train_loss": r.Loss, "grad_norm": r.GradNorm, "minimal_ratio": r.Ratio},
	})
}

// writeMinimal writes the rows of one end point: its measurements (split train), its
// eigenvalue counts and minimal ratio at every tolerance (splits tol-abs and tol-rel)
// and its spectrum (split spectrum). The unit's measurement rows go last, so that a run
// killed before them redoes the unit.
func writeMinimal(rec *Recorder, s *settings22, run string, r minimalResult) error {
	add := func(split string, step int, metric string, v float64) error {
		return rec.AddSeeded(run, model22, split, r.Seed, step, NoEpoch, metric, v)
	}
	for _, g := range []struct {
		split string
		tols  []float64
		abs   func(float64) float64
	}{
		{records.SplitTolAbs, s.AbsTols, func(t float64) float64 { return t }},
		{records.SplitTolRel, s.RelTols, func(t float64) float64 { return analysis.RelativeTolerance(r.Eigenvalues, t) }},
	} {
		for k, t := range g.tols {
			c := analysis.Classify(r.Eigenvalues, g.abs(t))
			for _, m := range []struct {
				metric string
				v      float64
			}{
				{records.MetricTolerance, t}, {records.MetricMinimalRatio, float64(c.Positive) / float64(len(r.Eigenvalues))},
				{records.MetricPositive, float64(c.Positive)}, {records.MetricNegative, float64(c.Negative)}, {records.MetricNearZero, float64(c.Zero)},
			} {
				if err := add(g.split, k, m.metric, m.v); err != nil {
					return err
				}
			}
		}
	}
	for k, ev := range r.Eigenvalues {
		if err := add(records.SplitSpectrum, k, records.MetricEigenvalue, ev); err != nil {
			return err
		}
	}
	if r.Density != nil {
		if err := writeSLQ(rec, run, model22, r.Seed, r.Density); err != nil {
			return err
		}
	}
	for k, v := range r.values() {
		if err := add(records.SplitTrain, NoStep, metrics22[k], v); err != nil {
			return err
		}
	}
	return rec.Flush()
}

// resumedMinimal returns the end points that an earlier attempt finished, with their
// spectra read back from the records, by run; it drops the rows of unfinished ones.
func resumedMinimal(rec *Recorder, dir string) (map[string]minimalResult, error) {
	if _, err := finishedUnits(rec, dir, model22, "seed-", metrics22); err != nil {
		return nil, err
	}
	tab, err := readTable(rec, dir)
	if err != nil {
		return nil, err
	}
	done := minimalUnits(tab)
	err = rec.dropRows(func(row records.Row) bool {
		_, ok := done[row.Run]
		return row.Model == model22 && strings.HasPrefix(row.Run, "seed-") && !ok
	})
	return done, err
}

// minimalUnits returns the end points whose rows in tab are all there, spectrum
// included, by run.
func minimalUnits(tab records.Table) map[string]minimalResult {
	done := map[string]minimalResult{}
	for run, v := range completeUnits(tab, model22, "seed-", metrics22) {
		r := minimalFrom(v)
		r.Eigenvalues = byStep(tab.Run(run).Model(model22).Split(records.SplitSpectrum).Metric(records.MetricEigenvalue))
		if len(r.Eigenvalues) == r.Params {
			done[run] = r
		}
	}
	return done
}

// trainToCritical trains one network from seed: phase 1 minimises the loss with Adam,
// phase 2 drives ∇L to zero over the whole training set (analysis.FindCritical:
// Levenberg–Marquardt with exact Hessians, then L-BFGS on ||∇L||²) on an, a float64
// model of the same spec and data built with SecondOrder, which it leaves at the end
// point. It returns the numbers of both phases.
func trainToCritical(ctx context.Context, s *settings22, spec tfgraph.Spec, train *tfgraph.Data, an *tfgraph.Model, seed uint64, sess tfgraph.SessionConfig) (minimalResult, error) {
	r := minimalResult{Params: an.NumParams(), Seed: seed}
	m, err := tfgraph.New(spec, train, nil, tfgraph.Config{
		DType: tfgraph.Float64, Seed: seed, Session: sess,
		Optimizer: tfgraph.Optimizer{Kind: tfgraph.Adam, LearningRate: s.Phase1LR},
	})
	if err != nil {
		return r, err
	}
	defer m.Close()
	for e := 0; e < s.Phase1Epochs; e++ {
		if _, err := m.TrainEpoch(s.Phase1Batch, nil); err != nil {
			return r, err
		}
		if e%100 == 0 && ctx.Err() != nil {
			return r, ctx.Err()
		}
	}
	theta, err := m.GetParams()
	if err != nil {
		return r, err
	}
	if err := an.SetParams(theta); err != nil {
		return r, err
	}
	loss, g, err := an.FullGradient()
	if err != nil {
		return r, err
	}
	r.Phase1Loss, r.Phase1GradNorm = loss, floats.Norm(g, 2)
	c, err := analysis.FindCritical(ctx, modelFunc{an}, theta, s.Tol, s.newton())
	if err != nil {
		return r, err
	}
	r.NewtonSteps, r.Hessians, r.LBFGSSteps = c.Steps, c.Newton, c.LBFGS
	r.Steps = c.Steps + c.LBFGS
	if err := an.SetParams(c.X); err != nil {
		return r, err
	}
	if loss, g, err = an.FullGradient(); err != nil {
		return r, err
	}
	r.Loss, r.GradNorm = loss, floats.Norm(g, 2)
	r.Converged = r.GradNorm < s.Tol
	return r, nil
}

// hessianSpectrum computes the full Hessian of the training loss at the model's
// parameters, its asymmetry and its eigenvalues (symmetric solver), and the minimal
// ratio: the share of eigenvalues above tol.
func hessianSpectrum(m *tfgraph.Model, tol float64, r *minimalResult) error {
	h, err := m.Hessian()
	if err != nil {
		return err
	}
	sp, err := analysis.NewSpectrum(h)
	if err != nil {
		return err
	}
	r.Asymmetry, r.MinEig, r.MaxEig = sp.Asymmetry, sp.Min(), sp.Max()
	r.EigTol, r.Eigenvalues = tol, sp.Eigenvalues
	r.Ratio = analysis.MinimalRatio(sp.Eigenvalues, tol)
	return nil
}
